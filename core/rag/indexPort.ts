// The vector index port: what the retrieval service needs from an ANN index. core/ never
// imports an implementation; the simulator (or any host) injects one. wasm/hnsw's
// HnswModule satisfies it (hnswlib in WebAssembly).
//
// Contract: operations are synchronous and deterministic: the same parameters and the
// same operations in the same order give the same answers and the same bytes.

export type IndexSpace = 'l2' | 'ip' | 'cosine';

export interface IndexParams {
  space: IndexSpace;
  dim: number;
  capacity?: number;
  m?: number;
  efConstruction?: number;
  seed?: number;
}

export interface IndexHit {
  label: number;
  distance: number;
}

export interface VectorIndex {
  readonly dim: number;
  /** Live elements. */
  readonly size: number;
  add(label: number, vector: ArrayLike<number>): void;
  /** False if the label was absent or already deleted. */
  delete(label: number): boolean;
  searchBatch(queries: readonly ArrayLike<number>[], k: number, ef: number): IndexHit[][];
  serialize(): Uint8Array;
  memoryBytes(): number;
}

export interface VectorIndexFactory {
  create(params: IndexParams): VectorIndex;
  fromBytes(bytes: Uint8Array): VectorIndex;
}
