// The virtual CPU cost of retrieval work: a deterministic model, charged through
// NodeContext.chargeCpu, so that a query's service time (and so queueing, timeouts and
// tail latency) depends on what it does, never on the wall clock.
//
// Calibration (once, on this project's 2-core machine, Node 20, wasm/hnsw SIMD build, real
// corpus fiori 778 x 384, M 16; `npm run bench -- hnsw` and docs/rag.md show how):
//   search at ef 50 / 100 / 200: about 55 / 115 / 180 µs per query (one call each),
//   insert at efConstruction 100-200: about 220 µs, restore 1.3 MB of index bytes: 1.6 ms,
//   serialise it: 0.2-0.7 ms, a JavaScript cosine over 384 dimensions: about 0.4 µs.
// The model keeps the shape and those magnitudes: cost grows linearly with the search
// depth (ef, or the whole index when it is smaller) and with the dimension. The log n
// growth of the upper layers is left out (under 20% between 1k and 100k vectors). The
// constants are per 384 dimensions; other dimensions scale linearly.
import type { Micros } from '../env.ts';

export const COST = {
  /** Fixed cost of one search call (crossing into WebAssembly, result objects). */
  searchBaseUs: 5,
  /** Per unit of effective ef, at 384 dimensions. */
  searchPerEfUs: 1.0,
  insertBaseUs: 10,
  /** Per unit of effective efConstruction, at 384 dimensions. */
  insertPerEfUs: 1.05,
  deleteUs: 2,
  /** Restoring an index from bytes, per KiB. */
  loadPerKiBUs: 1.25,
  /** Serialising an index, per KiB. */
  savePerKiBUs: 0.35,
  /** One cosine in the semantic cache, at 384 dimensions. */
  cosinePerEntryUs: 0.4,
} as const;

const DIM_UNIT = 384;

/** One search of `k` neighbours at depth `ef` in an index of `size` elements. */
export function searchCostUs(size: number, dim: number, k: number, ef: number): Micros {
  const depth = Math.min(Math.max(ef, k), Math.max(1, size));
  return COST.searchBaseUs + COST.searchPerEfUs * depth * (dim / DIM_UNIT);
}

/** One insert into an index of `size` elements built at `efConstruction`. */
export function insertCostUs(size: number, dim: number, efConstruction: number): Micros {
  const depth = Math.min(efConstruction, Math.max(1, size));
  return COST.insertBaseUs + COST.insertPerEfUs * depth * (dim / DIM_UNIT);
}

export function loadCostUs(bytes: number): Micros {
  return COST.loadPerKiBUs * (bytes / 1024);
}

export function saveCostUs(bytes: number): Micros {
  return COST.savePerKiBUs * (bytes / 1024);
}

/** A semantic-cache lookup: one cosine per live entry. */
export function cacheLookupCostUs(entries: number, dim: number): Micros {
  return 1 + COST.cosinePerEntryUs * entries * (dim / DIM_UNIT);
}

/**
 * A batch of `n` searches on a replica with `threads` search threads: the searches run
 * `threads` at a time, so the batch takes the fixed call cost once plus ceil(n / threads)
 * rounds of the per-search cost. One thread is the calibrated case.
 */
export function batchCostUs(n: number, threads: number, perSearchUs: Micros): Micros {
  if (n === 0) return 0;
  const rounds = Math.ceil(n / Math.max(1, threads));
  return COST.searchBaseUs + rounds * (perSearchUs - COST.searchBaseUs);
}
