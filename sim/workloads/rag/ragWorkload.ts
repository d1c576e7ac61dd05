// The rag workload: a replicated retrieval service (core/rag) over a real embedding corpus,
// registered through the workload interface (sim/workloads/workload.ts). See docs/rag.md.
import { drawRaftSwarm } from '../raftSwarm.ts';
import { loadCorpus } from '../../../corpus/registry.ts';
import { loadHnsw } from '../../../wasm/hnsw/load.ts';
import type { Problem } from '../../scenario/schema.ts';
import { defineWorkload } from '../workload.ts';
import { installRag } from './installRag.ts';
import { ragLayout, ragNodes } from './ragNodes.ts';
import { RAG_SECTIONS, type RagScenario } from './ragScenario.ts';
import { RAG_UI } from './ragUi.ts';

/** Problems across sections that the schemas cannot see. */
function validateRag(s: RagScenario): Problem[] {
  const out: Problem[] = [];
  const q = s.rag.queries;
  if (q.clients > 0 && q.rate > 0 && q.start >= s.duration - s.liveness.within) {
    out.push({ path: 'rag.queries.start', message: `queries start at ${q.start / 1000} ms, but clients stop at ${(s.duration - s.liveness.within) / 1000} ms (duration - liveness.within): start earlier or run longer` });
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
