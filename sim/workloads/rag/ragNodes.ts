// The rag workload's nodes: `topology.nodes` retrieval replicas (Raft KV servers with a
// vector index, core/rag/replica.ts), then the frontend, the ingest client, the auditor
// and the query clients.
//
// Contract: pure and deterministic: it runs in the kernel's thread and again inside every
// lockstep worker. The corpus and the HNSW module come from per-thread caches (corpus/,
// wasm/hnsw), loaded synchronously in Node; a browser thread loads both first
// (prepareRag). Questions and documents are drawn from each node's own seeded stream.
import type { NodeId, Random } from '../../../core/env.ts';
import type { KvServerConfig } from '../../../core/kv/server.ts';
import { RagAuditor, RagIngestClient, RagQueryClient, type IngestOp } from '../../../core/rag/clients.ts';
import { RagFrontend } from '../../../core/rag/frontend.ts';
import type { VectorIndexFactory } from '../../../core/rag/indexPort.ts';
import { RagReplica } from '../../../core/rag/replica.ts';
import { vectorOf, type Corpus } from '../../../corpus/corpus.ts';
import { paraphrase, popularityOrder, ZipfSampler } from '../../../corpus/queries.ts';
import { corpusByName } from '../../../corpus/registry.ts';
import { hnsw } from '../../../wasm/hnsw/load.ts';
import alea from 'seedrandom/lib/alea.js';
import type { NodeSpec } from '../../world/world.ts';
import type { RagScenario } from './ragScenario.ts';

export interface RagLayout {
  replicas: NodeId[];
  frontend: NodeId;
  ingest: NodeId;
  auditor: NodeId | null;
  queryClients: NodeId[];
}

export function ragLayout(s: RagScenario): RagLayout {
  const n = s.topology.nodes;
  const replicas = Array.from({ length: n }, (_, i) => i);
  const auditor = s.rag.auditInterval > 0 ? n + 2 : null;
  const first = n + (auditor === null ? 2 : 3);
  return { replicas, frontend: n, ingest: n + 1, auditor, queryClients: Array.from({ length: s.rag.queries.clients }, (_, i) => first + i) };
}

/** How many documents the initial load writes. */
export function initialDocs(s: RagScenario, c: Corpus): number {
  return s.rag.docs === 0 ? c.count : Math.min(s.rag.docs, c.count);
}

function kvConfig(s: RagScenario, voters: NodeId[]): KvServerConfig {
  const r = s.raft;
  return {
    voters, learners: [], tickUs: r.tick, electionTicks: r.electionTicks, heartbeatTicks: r.heartbeatTicks,
    preVote: r.preVote, checkQuorum: r.checkQuorum, readMode: r.readMode, clockDriftMax: r.clockDriftMax, maxInflight: r.maxInflight,
    maxEntriesPerMsg: r.maxEntriesPerMsg, snapshotEvery: r.snapshotEvery, bugs: Object.fromEntries(r.bugs.map((b: string) => [b, true])),
  };
}

/** Questions: a document by Zipf popularity (a seeded order), moved by noise. */
export function questionSource(s: RagScenario, c: Corpus): (random: Random) => Float32Array {
  const n = initialDocs(s, c);
  // The same order in every thread: drawn from a stream named by the scenario, not a node's.
  const order = popularityOrder(n, alea(`${s.name}/popularity`));
  const zipf = new ZipfSampler(n, s.rag.queries.zipf);
  return (random) => paraphrase(c, order[zipf.rank(random.next())], s.rag.queries.noise, () => random.next());
}

/** The ingest plan: the initial load in corpus order, then churn (deletes and re-puts). */
export function ingestPlan(s: RagScenario, c: Corpus): (seq: number, random: Random) => IngestOp | null {
  const n = initialDocs(s, c);
  const ing = s.rag.ingest;
  const churnUntil = ing.churnRate > 0 ? Math.floor((s.duration - ing.start) / 1_000_000 * ing.churnRate) : 0;
  return (seq, random) => {
    if (seq < n) return { kind: 'put', label: seq, title: c.titles[seq], vector: vectorOf(c, seq) };
    if (seq >= n + churnUntil) return null;
    const label = random.int(n);
    if (random.next() < ing.deleteShare) return { kind: 'del', label };
    return { kind: 'put', label, title: c.titles[label], vector: vectorOf(c, label) };
  };
}

export function ragNodes(s: RagScenario, factory: VectorIndexFactory = hnsw()): NodeSpec[] {
  const c = corpusByName(s.rag.corpus);
  const layout = ragLayout(s);
  const r = s.rag;
  const kv = kvConfig(s, layout.replicas);
  const bugs = Object.fromEntries(r.bugs.map((b) => [b, true]));
  const specs: NodeSpec[] = layout.replicas.map(() => ({
    role: 'replica',
    factory: () => new RagReplica(kv, {
      factory, space: c.metric, dim: c.dim, m: r.index.m, efConstruction: r.index.efConstruction, seed: r.index.seed,
      searchThreads: r.searchThreads, freshTimeoutUs: r.freshTimeout, bugs,
    }),
  }));
  specs.push({
    role: 'frontend',
    factory: () => new RagFrontend({
      replicas: layout.replicas, servers: layout.replicas, dim: c.dim, writeLanes: r.frontend.writeLanes,
      cache: { enabled: r.cache.enabled, capacity: r.cache.capacity, ttlUs: r.cache.ttl, threshold: r.cache.threshold },
      batch: { enabled: r.batch.enabled, max: r.batch.max, windowUs: r.batch.window }, timeoutUs: r.frontend.timeout, attemptsMax: r.frontend.attempts, ejectUs: r.frontend.eject,
    }),
  });
  const stopUs = Math.max(0, s.duration - s.liveness.within);
  specs.push({
    role: 'ingest',
    factory: () => new RagIngestClient({
      frontend: layout.frontend, nextWrite: ingestPlan(s, c), window: r.ingest.window, startUs: r.ingest.start, gapUs: r.ingest.gap,
      timeoutUs: r.ingest.timeout, probeShare: r.ingest.probeShare, k: r.queries.k, ef: r.queries.ef, stopUs,
    }),
  });
  const ask = questionSource(s, c);
  if (layout.auditor !== null) {
    specs.push({
      role: 'auditor',
      factory: () => new RagAuditor({ replicas: layout.replicas, intervalUs: r.auditInterval, startUs: r.queries.start, stopUs: s.duration, k: r.queries.k, ef: r.queries.ef, nextQuery: ask }),
    });
  }
  const perClient = r.queries.clients > 0 ? r.queries.rate / r.queries.clients : 0;
  layout.queryClients.forEach((_, i) => {
    specs.push({
      role: 'client',
      factory: () => new RagQueryClient({
        clientId: i + 1, frontend: layout.frontend, ratePerSec: perClient, startUs: r.queries.start, stopUs, k: r.queries.k, ef: r.queries.ef,
        freshShare: r.queries.freshShare, timeoutUs: r.queries.timeout, sampleEvery: r.queries.sampleEvery, nextQuery: ask, pendingMax: r.queries.pendingMax,
      }),
    });
  });
  return specs;
}
