// Queries drawn from a corpus: a seeded Zipf popularity over its documents, and
// "paraphrases" (a document's embedding moved by noise), so repeated questions about a
// popular document are near each other but rarely identical.
//
// Contract: every function takes its random source as a parameter (a `() => number`
// uniform in [0, 1)); the same draws give the same queries everywhere.
import { normalised } from '../core/rag/vector.ts';
import { vectorOf, type Corpus } from './corpus.ts';

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^s. */
export class ZipfSampler {
  private readonly cdf: Float64Array;

  constructor(readonly n: number, readonly s: number) {
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`zipf: n must be a positive integer, got ${n}`);
    if (!(s >= 0)) throw new Error(`zipf: exponent must be >= 0, got ${s}`);
    this.cdf = new Float64Array(n);
    let total = 0;
    for (let r = 0; r < n; r++) {
      total += 1 / Math.pow(r + 1, s);
      this.cdf[r] = total;
    }
    for (let r = 0; r < n; r++) this.cdf[r] /= total;
  }

  /** A rank for the uniform draw u in [0, 1). */
  rank(u: number): number {
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** A seeded permutation of 0..n-1 (Fisher-Yates): which document has which popularity rank. */
export function popularityOrder(n: number, draw: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(draw() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Document `doc`'s embedding plus Gaussian noise whose expected norm is `noise` (relative
 * to a unit vector), renormalised for cosine corpora. 0 gives the document itself.
 */
export function paraphrase(c: Corpus, doc: number, noise: number, draw: () => number): Float32Array {
  const v = vectorOf(c, doc);
  const out = new Float32Array(c.dim);
  const sigma = noise / Math.sqrt(c.dim);
  for (let d = 0; d < c.dim; d++) {
    const u = 1 - draw();
    const w = draw();
    out[d] = v[d] + (noise === 0 ? 0 : sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w));
  }
  return c.metric === 'cosine' ? normalised(out) : out;
}
