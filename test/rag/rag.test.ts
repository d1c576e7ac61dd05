// Goal: the retrieval service on the simulated cluster keeps its promises through faults,
// and its checks have teeth. Method: short runs on a 150-document slice of the real corpus
// (3 replicas, a frontend, ingest, auditor and query clients; the ingest runs from 0.3 s to
// about 0.9 s): a quiet run, a replica crash in the middle of the ingest with snapshots
// every 40 entries (so the replica restores its index from bytes and replays the log
// tail, and its leader still holds the entries after it), a partitioned replica, and the
// same crash with the deliberately broken replica that skips the replayed tail.
import { describe, expect, it } from 'vitest';
import { ragScenario, runRag } from './ragWorld.ts';

const base = { docs: 150, queries: { clients: 2, rate: 150, start: 900_000 }, ingest: { window: 4, gap: 8_000, start: 300_000 } };

describe('rag workload', () => {
  it('answers with full recall, hits its cache, and is deterministic', () => {
    const s = ragScenario(base);
    const a = runRag(s, 1);
    expect(a.checks).toEqual([]);
    expect(a.stats.recallVerdict).toBe('pass');
    expect(a.stats.recallSamples).toBeGreaterThan(10);
    expect(a.stats.writesAcked).toBe(150);
    expect(a.stats.docs).toBe(150);
    expect(a.stats.cacheHits).toBeGreaterThan(0);
    expect(a.stats.probes).toBeGreaterThan(5);
    expect(a.stats.probesFound).toBe(a.stats.probes);
    expect(a.stats.auditComparisons).toBeGreaterThan(5);
    expect(runRag(s, 1).hash).toBe(a.hash);
    expect(runRag(s, 2).hash).not.toBe(a.hash);
  });

  const crash = [{ at: 550_000, kind: 'crash', node: 2, duration: 100_000 }];

  it('a replica that crashes during ingest restores its index from a snapshot and the log tail', () => {
    const r = runRag(ragScenario(base, { raft: { snapshotEvery: 40 }, faults: crash }), 3);
    expect(r.checks).toEqual([]);
    expect(r.stats.indexRestores).toBeGreaterThanOrEqual(1);
    expect(r.stats.auditComparisons).toBeGreaterThan(5);
    const replica2 = r.world.hosts[2].process?.inspect?.().details?.rag as { docs: number; restoredFromBytes: number };
    expect(replica2.docs).toBe(150);
    expect(replica2.restoredFromBytes).toBeGreaterThanOrEqual(1);
  });

  it('a replica cut off from the others serves stale answers; fresh ones go elsewhere', () => {
    const r = runRag(ragScenario({ ...base, queries: { ...base.queries, freshShare: 0.5 } }, { faults: [{ at: 1_000_000, kind: 'partition', groups: [[0], [1, 2]], duration: 2_000_000 }] }), 4);
    expect(r.checks).toEqual([]);
    expect(r.stats.recallVerdict).toBe('pass');
  });

  it('teeth: a replica that skips the replayed log tail after a restart is caught', () => {
    const r = runRag(ragScenario({ ...base, bugs: ['skipTailAfterRestart'] }, { raft: { snapshotEvery: 40 }, faults: crash }), 3);
    expect(r.checks).toContain('rag-replicas-diverge');
    const replica2 = r.world.hosts[2].process?.inspect?.().details?.rag as { docs: number; skippedByBug: number };
    expect(replica2.skippedByBug).toBeGreaterThan(0);
    expect(replica2.docs).toBeLessThan(150);
  });
});
