// Goal: the HNSW index in WebAssembly (wasm/hnsw) is correct and deterministic. Method: a
// slice of the real corpus and a small synthetic set are indexed and searched against
// exact brute force; deletes, updates, growth, serialisation and malformed input are
// exercised directly; the same operation script runs in this thread and in a worker
// thread and must give the same bytes and answers.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { sliceCorpus, vectorOf } from '../../corpus/corpus.ts';
import { corpusByName } from '../../corpus/registry.ts';
import { paraphrase } from '../../corpus/queries.ts';
import { syntheticCorpus } from '../../corpus/synthetic.ts';
import { exactKnn, recallAt } from '../../core/rag/vector.ts';
import { hnsw, loadHnsw } from '../../wasm/hnsw/load.ts';
import { runProbe, type ProbeResult } from '../../wasm/hnsw/probe.ts';
import seedrandom from 'seedrandom';

const m = hnsw();

describe('HNSW in WebAssembly', () => {
  it('finds the exact top 10 on the real corpus at ef 100 (recall >= 0.95)', () => {
    const c = sliceCorpus(corpusByName('fiori'), 300);
    const idx = m.create({ space: 'cosine', dim: c.dim, capacity: 32 });
    for (let i = 0; i < c.count; i++) idx.add(i, vectorOf(c, i));
    expect(idx.size).toBe(300);
    expect(idx.capacity).toBeGreaterThanOrEqual(300);
    const draw = seedrandom.alea('hnsw-test');
    const rows = Array.from({ length: c.count }, (_, i) => [i, vectorOf(c, i)] as const);
    let recall = 0;
    for (let q = 0; q < 40; q++) {
      const query = paraphrase(c, Math.floor(draw() * c.count), 0.5, draw);
      const found = idx.search(query, 10, 100);
      expect(found.map((h) => h.distance)).toEqual([...found.map((h) => h.distance)].sort((a, b) => a - b));
      recall += recallAt(exactKnn('cosine', query, rows, 10), found);
    }
    expect(recall / 40).toBeGreaterThanOrEqual(0.95);
  });

  it('deletes, updates and reports labels', () => {
    const c = syntheticCorpus({ count: 200, dim: 16 });
    const idx = m.create({ space: 'l2', dim: 16 });
    for (let i = 0; i < c.count; i++) idx.add(i * 10, vectorOf(c, i));
    expect(idx.search(vectorOf(c, 5), 1, 50)[0]).toEqual({ label: 50, distance: 0 });
    expect(idx.delete(50)).toBe(true);
    expect(idx.delete(50)).toBe(false);
    expect(idx.delete(51)).toBe(false);
    expect(idx.has(50)).toBe('deleted');
    expect(idx.has(51)).toBe('absent');
    expect(idx.size).toBe(199);
    expect(idx.search(vectorOf(c, 5), 5, 50).map((h) => h.label)).not.toContain(50);
    // Re-adding a deleted label revives it with the new vector.
    idx.add(50, vectorOf(c, 6));
    expect(idx.has(50)).toBe('present');
    expect(idx.search(vectorOf(c, 6), 2, 50).map((h) => h.label).sort()).toEqual([50, 60]);
  });

  it('serialises to bytes and restores the same index; later inserts build the same graph', () => {
    const c = syntheticCorpus({ count: 300, dim: 24 });
    const a = m.create({ space: 'cosine', dim: 24, capacity: 16, seed: 7 });
    for (let i = 0; i < 200; i++) a.add(i, vectorOf(c, i));
    a.delete(17);
    const bytes = a.serialize();
    const b = m.fromBytes(bytes);
    expect(b.dim).toBe(24);
    expect(b.space).toBe('cosine');
    expect(b.size).toBe(199);
    expect(b.has(17)).toBe('deleted');
    expect(b.serialize()).toEqual(bytes);
    for (let i = 200; i < 300; i++) {
      a.add(i, vectorOf(c, i));
      b.add(i, vectorOf(c, i));
    }
    expect(b.serialize()).toEqual(a.serialize());
    const q = vectorOf(c, 250);
    expect(b.search(q, 10, 40)).toEqual(a.search(q, 10, 40));
  });

  it('batch search answers what single searches answer', () => {
    const c = syntheticCorpus({ count: 300, dim: 24 });
    const idx = m.create({ space: 'l2', dim: 24 });
    for (let i = 0; i < c.count; i++) idx.add(i, vectorOf(c, i));
    const qs = [0, 10, 20, 30].map((i) => vectorOf(c, i));
    expect(idx.searchBatch(qs, 5, 30)).toEqual(qs.map((q) => idx.search(q, 5, 30)));
    expect(idx.search(vectorOf(c, 0), 500, 30)).toHaveLength(300);
  });

  it('rejects bad input with a message', () => {
    const idx = m.create({ space: 'l2', dim: 4 });
    expect(() => idx.add(1, [1, 2, 3])).toThrow(/3 dimensions, the index has 4/);
    expect(() => idx.add(-1, [1, 2, 3, 4])).toThrow(/32-bit unsigned/);
    expect(() => idx.search([1, 2, 3, 4], 0, 10)).toThrow(/k must be/);
    expect(() => m.create({ space: 'l2', dim: 0 })).toThrow(/dim must be/);
    idx.add(1, [1, 2, 3, 4]);
    const bytes = idx.serialize();
    expect(() => m.fromBytes(bytes.slice(0, bytes.length - 3))).toThrow(/truncated/);
    const bad = bytes.slice();
    bad[0] ^= 0xff;
    expect(() => m.fromBytes(bad)).toThrow(/bad header/);
    expect(() => m.fromBytes(new Uint8Array(8))).toThrow(/not a serialised index/);
  });

  it('gives the same graph and answers in this thread and in a worker thread', async () => {
    const here = runProbe(await loadHnsw(), 11);
    expect(here.size).toBeGreaterThan(400);
    const there = await new Promise<ProbeResult>((resolve, reject) => {
      const w = new Worker(new URL('./probeWorker.mjs', import.meta.url), { workerData: { seed: 11 } });
      w.once('message', (r: ProbeResult) => { void w.terminate(); resolve(r); });
      w.once('error', reject);
    });
    expect(there).toEqual(here);
    expect(runProbe(m, 12).bytesDigest).not.toBe(here.bytesDigest);
  });
});
