// Vector arithmetic for retrieval: normalisation, cosine similarity and exact k-nearest
// neighbours by brute force (the ground truth recall is measured against).
//
// Contract: pure functions over Float32Array views; sums run in float64 in index order, so
// results are the same on every JavaScript engine. Ties in exact search break by label,
// so "the exact nearest neighbour" is well defined.

/** Cosine similarity of two vectors (0 when either is zero). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** The dot product (for unit vectors: their cosine). */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s0 = 0;
  let s1 = 0;
  const n = a.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[i] * b[i];
    s1 += a[i + 1] * b[i + 1];
  }
  if (i < n) s0 += a[i] * b[i];
  return s0 + s1;
}

/** A unit-length copy of `v` (a zero vector stays zero). */
export function normalised(v: ArrayLike<number>): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i] * v[i];
  const out = new Float32Array(v.length);
  if (n === 0) return out;
  const inv = 1 / Math.sqrt(n);
  for (let i = 0; i < v.length; i++) out[i] = v[i] * inv;
  return out;
}

export type Metric = 'cosine' | 'l2';

/** Distance in the metric's own terms: 1 - cosine, or squared L2. Smaller is nearer. */
export function distance(metric: Metric, a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (metric === 'cosine') return 1 - cosine(a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

export interface Neighbour {
  label: number;
  distance: number;
}

/**
 * The exact k nearest of `candidates` (label and vector pairs) to `query`, nearest first,
 * ties broken by the smaller label.
 */
export function exactKnn(metric: Metric, query: ArrayLike<number>, candidates: Iterable<readonly [number, ArrayLike<number>]>, k: number): Neighbour[] {
  const best: Neighbour[] = [];
  // Cosine: normalise the query once; each candidate then costs one dot product and its
  // own norm (cached per vector object, as candidates repeat across queries).
  const unit = metric === 'cosine' ? normalised(query) : null;
  for (const [label, v] of candidates) {
    const d = unit === null ? distance(metric, query, v) : 1 - dot(unit, v) / normOf(v);
    if (best.length === k && !closer(d, label, best[k - 1])) continue;
    let i = best.length === k ? k - 1 : best.length;
    if (best.length < k) best.push({ label, distance: d });
    while (i > 0 && closer(d, label, best[i - 1])) {
      best[i] = best[i - 1];
      i--;
    }
    best[i] = { label, distance: d };
  }
  return best;
}

const norms = new WeakMap<object, number>();

/** |v|, remembered per vector object (vectors are never mutated once indexed). */
function normOf(v: ArrayLike<number>): number {
  let n = norms.get(v);
  if (n === undefined) {
    n = Math.sqrt(dot(v, v));
    norms.set(v, n);
  }
  return n === 0 ? Infinity : n;
}

function closer(d: number, label: number, than: Neighbour): boolean {
  return d < than.distance || (d === than.distance && label < than.label);
}

/** Recall@k: the share of the exact top k that the approximate answer found. */
export function recallAt(exact: readonly Neighbour[], found: readonly { label: number }[]): number {
  if (exact.length === 0) return 1;
  const got = new Set(found.map((f) => f.label));
  let hit = 0;
  for (const e of exact) if (got.has(e.label)) hit++;
  return hit / exact.length;
}
