// The rag workload: a replicated retrieval service (core/rag) over a real embedding corpus,
// registered through the workload interface (sim/workloads/workload.ts). See docs/rag.md.
import { drawRaftSwarm, raftSwarmProblems } from '../raftSwarm.ts';
import { loadCorpus } from '../../../corpus/registry.ts';
import { loadHnsw } from '../../../wasm/hnsw/load.ts';
import type { Problem } from '../../scenario/schema.ts';
import { switchedOffProblems } from '../../scenario/switchedOff.ts';
import { formatCount } from '../../kernel/time.ts';
import { formatDuration } from '../../scenario/duration.ts';
import { defineWorkload } from '../workload.ts';
import { installRag } from './installRag.ts';
import { ragLayout, ragNodes } from './ragNodes.ts';
import { RAG_SECTIONS, type RagScenario } from './ragScenario.ts';
import { RAG_UI } from './ragUi.ts';

/** The largest synthetic corpus a scenario may name: its vectors are generated in memory (4 bytes a number). */
const SYNTHETIC_DOCS_MAX = 1_000_000;
const SYNTHETIC_DIM_MAX = 4096;
const SYNTHETIC_NUMBERS_MAX = 50_000_000;
/** Documents in the fiori corpus (corpus/fiori.ts: 778 x 384). */
const FIORI_DOCS = 778;

/** What is wrong with a corpus name the schema's pattern took, and how many documents it holds. */
function corpusProblems(s: RagScenario): Problem[] {
  const m = /^synthetic-(\d+)x(\d+)$/.exec(s.rag.corpus);
  const count = m === null ? FIORI_DOCS : Number(m[1]);
  const out: Problem[] = [];
  if (m !== null) {
    const dim = Number(m[2]);
    const bad = (what: string): void => { out.push({ path: 'rag.corpus', message: `${s.rag.corpus}: ${what}; name a corpus such as synthetic-10000x128` }); };
    if (count < 1 || count > SYNTHETIC_DOCS_MAX) bad(`the document count must be from 1 to ${formatCount(SYNTHETIC_DOCS_MAX)}, got ${m[1]}`);
    if (dim < 1 || dim > SYNTHETIC_DIM_MAX) bad(`the dimension must be from 1 to ${SYNTHETIC_DIM_MAX}, got ${m[2]}`);
    else if (count >= 1 && count <= SYNTHETIC_DOCS_MAX && count * dim > SYNTHETIC_NUMBERS_MAX) bad(`${count} vectors of ${dim} numbers are ${formatCount(count * dim)} numbers, over the ${formatCount(SYNTHETIC_NUMBERS_MAX)} (200 MB) a generated corpus may hold`);
    if (out.length > 0) return out;
  }
  // docs is capped at the corpus: more would be read as "all", not as the number given.
  if (s.rag.docs > count) out.push({ path: 'rag.docs', message: `is ${s.rag.docs}, but corpus ${s.rag.corpus} holds ${count} documents: give at most ${count} (0: all of them)` });
  // An answer holds at most every indexed document, so recall@k above that is recall@docs.
  const indexed = s.rag.docs === 0 ? count : Math.min(s.rag.docs, count);
  if (s.rag.queries.k > indexed) {
    out.push({ path: 'rag.queries.k', message: `is ${s.rag.queries.k}, but the run indexes ${indexed} documents (${s.rag.docs === 0 ? `all of corpus ${s.rag.corpus}` : 'rag.docs'}), so an answer holds at most ${indexed} and recall@${s.rag.queries.k} would be checked as recall@${indexed}: give at most ${indexed}, or index more documents` });
  }
  return out;
}

/** Fields of rag.queries that only the query clients read (the auditor reads k, ef, start, zipf and noise). */
const CLIENT_ONLY = ['rate', 'freshShare', 'timeout', 'sampleEvery', 'pendingMax'] as const;

/**
 * With no query clients, or clients that send nothing, what they would do is never read, nor
 * is the recall they would be sampled for: a run would pass as if it had been tested.
 */
function noQueriesProblems(s: RagScenario, given: Readonly<Record<string, unknown>>): Problem[] {
  const q = s.rag.queries;
  if (q.clients > 0 && q.rate > 0) return [];
  const rag = given.rag !== null && typeof given.rag === 'object' && !Array.isArray(given.rag) ? (given.rag as Record<string, unknown>) : {};
  const queries = rag.queries !== null && typeof rag.queries === 'object' && !Array.isArray(rag.queries) ? (rag.queries as Record<string, unknown>) : {};
  const why = q.clients === 0 ? 'rag.queries.clients is 0, so no query is sent' : 'rag.queries.rate is 0, so no query is sent';
  const fix = q.clients === 0 ? 'give rag.queries.clients (e.g. 4)' : 'give rag.queries.rate (e.g. 200)';
  // rate: 0 beside clients: 0 says "no queries" twice, which is no mistake.
  const idle: { path: string; field: string }[] = CLIENT_ONLY.filter((k) => Object.hasOwn(queries, k) && !(k === 'rate' && q.rate === 0)).map((k) => ({ path: `rag.queries.${k}`, field: k }));
  if (Object.hasOwn(rag, 'recallMin')) idle.push({ path: 'rag.recallMin', field: 'recallMin' });
  return idle.map(({ path, field }) => ({ path, message: `${why}: ${field} does nothing, and a run would pass as if it had been tested; ${fix}, or remove ${field}` }));
}

/** Problems across sections that the schemas cannot see. */
function validateRag(s: RagScenario, given: Readonly<Record<string, unknown>>): Problem[] {
  const out: Problem[] = [...raftSwarmProblems(s, given), ...corpusProblems(s), ...switchedOffProblems(s.rag, given.rag, 'rag')];
  const q = s.rag.queries;
  if (q.clients > 0 && q.rate > 0 && q.start >= s.duration - s.liveness.within) {
    out.push({ path: 'rag.queries.start', message: `queries start at ${q.start / 1000} ms, but clients stop at ${(s.duration - s.liveness.within) / 1000} ms (duration - liveness.within): start earlier or run longer` });
  }
  out.push(...noQueriesProblems(s, given));
  // Each audit asks every replica a search: under 1ms, millions of them stall the run.
  if (s.rag.auditInterval > 0 && s.rag.auditInterval < 1_000) {
    out.push({ path: 'rag.auditInterval', message: `must be at least 1ms (got ${formatDuration(s.rag.auditInterval)}): the auditor asks every replica a search once per interval, so a shorter one runs millions of searches and the run stalls; give e.g. 250ms (the default), or 0 for no auditor` });
  }
  if (s.rag.cache.enabled && s.rag.cache.capacity === 0) out.push({ path: 'rag.cache.capacity', message: 'an enabled cache needs capacity >= 1 (or set cache.enabled: false)' });
  const nodes = ragLayout(s);
  const last = nodes.queryClients.length > 0 ? nodes.queryClients[nodes.queryClients.length - 1] : (nodes.auditor ?? nodes.ingest);
  if (last > 2000) out.push({ path: 'rag.queries.clients', message: `too many nodes (${last + 1})` });
  return out;
}

export const ragWorkload = defineWorkload({
  name: 'rag',
  description: 'Replicated retrieval: Raft KV replicas each keep an HNSW index (WebAssembly) of documents written through the log, behind a frontend with a semantic cache and batching; checks recall against exact search, read-your-writes for fresh queries and agreement between replicas.',
  sections: RAG_SECTIONS,
  leader: true,
  validate: validateRag,
  kvHistory: () => 'the rag workload\'s clients query a vector index, not a key-value store',
  nodes: (s) => ragNodes(s),
  install: (world, s, ctx) => installRag(world, s, ctx.healUs),
  drawSettings: drawRaftSwarm,
  prepare: async (s) => {
    await Promise.all([loadHnsw(), loadCorpus(s.rag.corpus)]);
  },
  ui: RAG_UI,
});
