// The retrieval panel's view of a running rag world: each replica's index state, the
// frontend's cache, the latest answers of the run, and a question the user asks.
//
// Contract: nothing here changes the run. Recent answers are read from telemetry (a
// listener sees what the clients report); a user's question is answered by peeking: the
// frontend's cache is consulted without counting or reordering, and every up replica
// searches its index as it stands (no CPU charged, nothing sent), so the page shows what
// a stale query would get from each replica at this instant and whether the cache would
// answer first.
import type { NodeId } from '../../core/env.ts';
import { RagFrontend } from '../../core/rag/frontend.ts';
import { RagReplica } from '../../core/rag/replica.ts';
import { vectorOf } from '../../corpus/corpus.ts';
import { corpusByName } from '../../corpus/registry.ts';
import type { RagScenario } from '../../sim/workloads/rag/ragScenario.ts';
import type { World } from '../../sim/world/world.ts';
import type { RagAnswerView, RagAskView, RagReplicaView, RagRequest, RagView } from './protocol.ts';

/** Recent answers kept for the panel. */
export const RECENT_MAX = 12;
export { RETRIEVAL_PANEL } from './protocol.ts';

/** Collects the run's latest answers from the clients' telemetry. */
export class RecentAnswers {
  private readonly ring: RagAnswerView[] = [];

  constructor(world: World) {
    world.onTelemetry((t, _node, name, f) => {
      if (name !== 'rag.complete') return;
      const labels = String(f.labels);
      this.ring.push({
        t, client: f.client as number, qid: f.qid as number, mode: f.mode as string, ok: f.ok === true, cached: f.cached === true,
        replica: f.replica as number, applied: f.applied as number, latencyMs: (f.latencyUs as number) / 1000,
        top: labels === '' ? [] : labels.split(',').slice(0, 3).map(Number), error: String(f.error ?? ''),
      });
      if (this.ring.length > RECENT_MAX) this.ring.shift();
    });
  }

  latest(): RagAnswerView[] {
    return [...this.ring].reverse();
  }
}

function replicaViews(world: World): RagReplicaView[] {
  const out: RagReplicaView[] = [];
  for (const h of world.hosts) {
    if (h.role !== 'replica') continue;
    const rag = h.status !== 'down' && h.process !== null ? (h.process.inspect?.().details?.rag as Record<string, number> | undefined) : undefined;
    out.push({
      node: h.id, status: h.status, applied: rag?.applied ?? null, docs: rag?.docs ?? null, searches: rag?.searches ?? null,
      restores: rag?.restoredFromBytes ?? null, freshWaiting: rag?.freshWaiting ?? null, refused: rag?.refused ?? null,
      memoryKiB: rag === undefined ? null : Math.round(rag.indexMemoryBytes / 1024), crashes: h.crashes,
    });
  }
  return out;
}

function ask(world: World, s: RagScenario, doc: number): RagAskView {
  const corpus = corpusByName(s.rag.corpus);
  const d = Math.max(0, Math.min(corpus.count - 1, Math.floor(doc)));
  const q = vectorOf(corpus, d);
  const { k, ef } = s.rag.queries;
  const front = world.hosts.find((h) => h.role === 'frontend');
  const fp = front !== undefined && front.status === 'up' && front.process instanceof RagFrontend ? front.process : null;
  const cached = fp?.peekCache(q, k, ef) ?? null;
  const perReplica = world.hosts.filter((h) => h.role === 'replica').map((h) => {
    if (h.status !== 'up' || !(h.process instanceof RagReplica)) return { node: h.id, up: false, applied: null, docs: null, hits: [] };
    const r = h.process.peekSearch(q, k, ef);
    return { node: h.id, up: true, applied: r.applied, docs: r.docs, hits: r.hits.map((x) => ({ label: x.label, score: 1 - x.distance })) };
  });
  return {
    doc: d, k, ef,
    cache: cached === null ? null : { similarity: cached.similarity, replica: cached.replica, applied: cached.applied, hits: cached.labels.map((label, i) => ({ label, score: 1 - cached.distances[i] })) },
    nextReplica: fp?.peekNextReplica() ?? (-1 as NodeId),
    perReplica,
  };
}

export function ragView(world: World, s: RagScenario, recent: RecentAnswers | null, req: RagRequest): RagView {
  const corpus = corpusByName(s.rag.corpus);
  const front = world.hosts.find((h) => h.role === 'frontend');
  const fd = front?.status === 'up' ? (front.process?.inspect?.().details as Record<string, number> | undefined) : undefined;
  return {
    corpus: corpus.name,
    titles: req.titles ? [...corpus.titles] : null,
    replicas: replicaViews(world),
    frontend: fd === undefined ? null : { queries: fd.queries, cacheHits: fd.cacheHits, cacheSize: fd.cacheSize, batchesSent: fd.batchesSent, writesAcked: fd.writesAcked },
    recent: recent?.latest() ?? [],
    ask: req.ask === null ? null : ask(world, s, req.ask),
  };
}
