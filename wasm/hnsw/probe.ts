// A fixed script of index operations whose outcome is summarised as digests, so Node, a
// worker thread, a browser page and a Web Worker can show they build the same graph and
// give the same answers (test/wasm/*.test.ts, ui/hnsw.html).
//
// Contract: the script depends only on `seed`: seeded vectors (a small xorshift stream,
// no platform randomness), inserts, deletes, an update, a serialise/restore in the middle
// and more inserts after it, then a batch of searches. The digests are FNV-1a (32-bit)
// over the final index bytes and over the answers' labels and distance bits.
import type { HnswModule } from './load.ts';

export interface ProbeResult {
  seed: number;
  size: number;
  bytes: number;
  bytesDigest: string;
  answersDigest: string;
  /** The first query's top three labels, to show something readable. */
  firstTop: number[];
}

function fnv1a(h: number, b: number): number {
  return Math.imul(h ^ b, 16777619) >>> 0;
}

function xorshift(seed: number): () => number {
  let x = (seed ^ 0x9e3779b9) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

export function runProbe(m: HnswModule, seed: number, count = 400, dim = 32): ProbeResult {
  const draw = xorshift(seed);
  const vec = (): Float32Array => Float32Array.from({ length: dim }, () => draw() * 2 - 1);
  const idx = m.create({ space: 'cosine', dim, capacity: 64, m: 12, efConstruction: 100, seed });
  for (let i = 0; i < count; i++) idx.add(i, vec());
  for (let i = 0; i < count; i += 7) idx.delete(i);
  idx.add(3, vec());
  const restored = m.fromBytes(idx.serialize());
  for (let i = count; i < count + count / 4; i++) restored.add(i, vec());
  const queries = Array.from({ length: 50 }, vec);
  const answers = restored.searchBatch(queries, 10, 64);
  const bytes = restored.serialize();
  let hb = 2166136261;
  for (const b of bytes) hb = fnv1a(hb, b);
  let ha = 2166136261;
  const bits = new DataView(new ArrayBuffer(4));
  for (const hits of answers) {
    for (const h of hits) {
      bits.setFloat32(0, h.distance, true);
      for (const x of [h.label, bits.getUint32(0, true)]) {
        for (let s = 0; s < 32; s += 8) ha = fnv1a(ha, (x >>> s) & 0xff);
      }
    }
  }
  return {
    seed, size: restored.size, bytes: bytes.length,
    bytesDigest: hb.toString(16).padStart(8, '0'), answersDigest: ha.toString(16).padStart(8, '0'),
    firstTop: answers[0].slice(0, 3).map((h) => h.label),
  };
}
