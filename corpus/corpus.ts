// A corpus for the retrieval workload: documents with an embedding each.
//
// Contract: vectors are one Float32Array of count x dim, row i being document i's
// embedding; for 'cosine' corpora every row has unit length. A corpus is immutable data:
// the same corpus in Node, a worker thread or a browser holds the same bytes.
import type { Metric } from '../core/rag/vector.ts';

export interface Corpus {
  /** The name scenarios use (`rag.corpus`). */
  readonly name: string;
  readonly dim: number;
  readonly count: number;
  readonly metric: Metric;
  readonly vectors: Float32Array;
  /** A short title per document, for reports and the UI. */
  readonly titles: readonly string[];
  /** Where the data comes from and under which licence. */
  readonly source: string;
}

/** Row i of the corpus, as a view (no copy). */
export function vectorOf(c: Corpus, i: number): Float32Array {
  if (!(Number.isInteger(i) && i >= 0 && i < c.count)) throw new Error(`corpus ${c.name}: no document ${i} (it has ${c.count})`);
  return c.vectors.subarray(i * c.dim, (i + 1) * c.dim);
}

/** A corpus of the first `count` documents of another (tests use small slices). */
export function sliceCorpus(c: Corpus, count: number): Corpus {
  const n = Math.min(count, c.count);
  return { ...c, name: `${c.name}[0..${n})`, count: n, vectors: c.vectors.slice(0, n * c.dim), titles: c.titles.slice(0, n) };
}
