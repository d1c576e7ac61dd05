// The HNSW index (hnswlib compiled to WebAssembly with SIMD) behind one small typed API.
//
// Contract: one WebAssembly instance per index, created synchronously from a compiled
// module, so an index is built, searched, serialised and restored inside a simulated
// node's event handler. Same parameters (seed included) and the same operations in the
// same order give the same graph, the same answers and the same bytes in Node, in
// worker_threads, in the browser and in Web Workers: levels come from a hash of (seed,
// label) and distances from SIMD sums in a fixed order (see src/hnswWasm.cpp).
// Errors a caller can cause (bad dimension, bad bytes) throw with a message; the index
// grows by doubling when it is full.

export type HnswSpace = 'l2' | 'ip' | 'cosine';

export interface HnswParams {
  space: HnswSpace;
  dim: number;
  /** Initial capacity; the index doubles when full. */
  capacity?: number;
  /** Graph degree (hnswlib's M). */
  m?: number;
  efConstruction?: number;
  /** Seed of the level draw. */
  seed?: number;
}

export interface SearchHit {
  label: number;
  /** hnswlib's distance: squared L2, or 1 - inner product ('ip' and 'cosine'). */
  distance: number;
}

export const HNSW_DEFAULTS = { capacity: 1024, m: 16, efConstruction: 200, seed: 100 } as const;

const SPACE_CODES: Record<HnswSpace, number> = { l2: 0, ip: 1, cosine: 2 };
const SPACE_NAMES: HnswSpace[] = ['l2', 'ip', 'cosine'];
const LOAD_ERRORS = ['', 'not an index (bad header)', 'truncated or trailing bytes', 'inconsistent layout', 'out of memory'];

interface Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  fl_fail_message(): number;
  fl_alloc(n: number): number;
  fl_free(p: number): void;
  fl_scratch(floats: number): number;
  fl_init(space: number, dim: number, capacity: number, m: number, efConstruction: number, seed: number): number;
  fl_count(): number;
  fl_deleted(): number;
  fl_capacity(): number;
  fl_max_level(): number;
  fl_resize(capacity: number): void;
  fl_has(label: number): number;
  fl_add(label: number): number;
  fl_delete(label: number): number;
  fl_search(queries: number, k: number, ef: number): number;
  fl_result_labels(): number;
  fl_result_distances(): number;
  fl_result_counts(): number;
  fl_save(): number;
  fl_saved(): number;
  fl_load(ptr: number, size: number, capacity: number): number;
}

const WASI_EBADF = 8;
const WASI_ENOSYS = 52;

/** The few WASI calls libc's start-up makes: no files, no environment, no exit. */
function wasiStubs(): WebAssembly.ModuleImports {
  const none = (): number => WASI_ENOSYS;
  const badf = (): number => WASI_EBADF;
  let memory: WebAssembly.Memory | null = null;
  const zeroPair = (a: number, b: number): number => {
    if (memory === null) return WASI_ENOSYS;
    const v = new DataView(memory.buffer);
    v.setUint32(a, 0, true);
    v.setUint32(b, 0, true);
    return 0;
  };
  return {
    environ_get: () => 0,
    environ_sizes_get: zeroPair,
    fd_close: badf,
    fd_fdstat_get: badf,
    fd_fdstat_set_flags: badf,
    fd_prestat_get: badf,
    fd_prestat_dir_name: badf,
    fd_read: badf,
    fd_seek: badf,
    fd_write: badf,
    path_open: none,
    proc_exit: (code: number) => {
      throw new Error(`hnsw.wasm called proc_exit(${code})`);
    },
    // Set once the instance exists (environ_sizes_get writes into its memory).
    __bind(m: WebAssembly.Memory) {
      memory = m;
    },
  } as unknown as WebAssembly.ModuleImports;
}

function instantiate(module: WebAssembly.Module): Exports {
  const wasi = wasiStubs();
  const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi });
  const ex = instance.exports as unknown as Exports;
  (wasi as unknown as { __bind(m: WebAssembly.Memory): void }).__bind(ex.memory);
  ex._initialize();
  return ex;
}

export class HnswIndex {
  private readonly ex: Exports;
  readonly dim: number;
  readonly space: HnswSpace;

  private constructor(ex: Exports, dim: number, space: HnswSpace) {
    this.ex = ex;
    this.dim = dim;
    this.space = space;
  }

  /** A new empty index. */
  static create(module: WebAssembly.Module, params: HnswParams): HnswIndex {
    const p = { ...HNSW_DEFAULTS, ...params };
    if (!(Number.isInteger(p.dim) && p.dim > 0)) throw new Error(`hnsw: dim must be a positive integer, got ${p.dim}`);
    if (!(p.space in SPACE_CODES)) throw new Error(`hnsw: space must be l2, ip or cosine, got ${String(p.space)}`);
    for (const k of ['capacity', 'm', 'efConstruction'] as const) {
      if (!(Number.isInteger(p[k]) && p[k] > 0)) throw new Error(`hnsw: ${k} must be a positive integer, got ${p[k]}`);
    }
    if (!(Number.isInteger(p.seed) && p.seed >= 0 && p.seed < 2 ** 32)) throw new Error(`hnsw: seed must be a 32-bit unsigned integer, got ${p.seed}`);
    const ex = instantiate(module);
    ex.fl_init(SPACE_CODES[p.space], p.dim, p.capacity, p.m, p.efConstruction, p.seed);
    return new HnswIndex(ex, p.dim, p.space);
  }

  /** An index restored from `serialize()` bytes. */
  static fromBytes(module: WebAssembly.Module, bytes: Uint8Array): HnswIndex {
    if (bytes.length < 32) throw new Error(`hnsw: ${bytes.length} bytes is not a serialised index`);
    const ex = instantiate(module);
    const ptr = ex.fl_alloc(bytes.length);
    new Uint8Array(ex.memory.buffer, ptr, bytes.length).set(bytes);
    const code = ex.fl_load(ptr, bytes.length, 0);
    ex.fl_free(ptr);
    if (code !== 0) throw new Error(`hnsw: cannot load index: ${LOAD_ERRORS[code] ?? `code ${code}`}`);
    const head = new DataView(bytes.buffer, bytes.byteOffset, 16);
    return new HnswIndex(ex, head.getUint32(12, true), SPACE_NAMES[head.getUint32(8, true)]);
  }

  /** Live (not deleted) elements. */
  get size(): number {
    return this.call(() => this.ex.fl_count() - this.ex.fl_deleted());
  }

  /** Elements ever stored, deleted ones included (hnswlib keeps them in the graph). */
  get stored(): number {
    return this.call(() => this.ex.fl_count());
  }

  get capacity(): number {
    return this.call(() => this.ex.fl_capacity());
  }

  get maxLevel(): number {
    return this.call(() => this.ex.fl_max_level());
  }

  has(label: number): 'present' | 'deleted' | 'absent' {
    checkLabel(label);
    const c = this.call(() => this.ex.fl_has(label));
    return c === 1 ? 'present' : c === 2 ? 'deleted' : 'absent';
  }

  /** Adds a vector under `label`, or replaces the vector of a label already present or deleted. */
  add(label: number, vector: ArrayLike<number>): void {
    checkLabel(label);
    this.checkVector(vector, 'add');
    this.call(() => {
      if (this.ex.fl_has(label) === 0 && this.ex.fl_count() >= this.ex.fl_capacity()) this.ex.fl_resize(this.ex.fl_capacity() * 2);
      const ptr = this.ex.fl_scratch(this.dim);
      new Float32Array(this.ex.memory.buffer, ptr, this.dim).set(vector);
      if (this.ex.fl_add(label) !== 0) throw new Error('hnsw: add failed: the index is full');
    });
  }

  /** Marks a label deleted; returns false if it was absent or already deleted. */
  delete(label: number): boolean {
    checkLabel(label);
    return this.call(() => this.ex.fl_delete(label)) === 0;
  }

  /** The k nearest live elements to `query`, nearest first, searched at depth ef. */
  search(query: ArrayLike<number>, k: number, ef: number): SearchHit[] {
    return this.searchBatch([query], k, ef)[0];
  }

  /** Many queries in one call (one crossing into WebAssembly). */
  searchBatch(queries: readonly ArrayLike<number>[], k: number, ef: number): SearchHit[][] {
    if (!(Number.isInteger(k) && k > 0)) throw new Error(`hnsw: k must be a positive integer, got ${k}`);
    if (!(Number.isInteger(ef) && ef > 0)) throw new Error(`hnsw: ef must be a positive integer, got ${ef}`);
    for (const q of queries) this.checkVector(q, 'search');
    if (queries.length === 0) return [];
    return this.call(() => {
      const ptr = this.ex.fl_scratch(this.dim * queries.length);
      const scratch = new Float32Array(this.ex.memory.buffer, ptr, this.dim * queries.length);
      queries.forEach((q, i) => scratch.set(q, i * this.dim));
      if (this.ex.fl_search(queries.length, k, ef) < 0) throw new Error('hnsw: search failed: out of memory');
      const buf = this.ex.memory.buffer;
      const labels = new Uint32Array(buf, this.ex.fl_result_labels(), queries.length * k);
      const distances = new Float32Array(buf, this.ex.fl_result_distances(), queries.length * k);
      const counts = new Uint32Array(buf, this.ex.fl_result_counts(), queries.length);
      return queries.map((_, q) => {
        const hits: SearchHit[] = [];
        for (let i = 0; i < counts[q]; i++) hits.push({ label: labels[q * k + i], distance: distances[q * k + i] });
        return hits;
      });
    });
  }

  /** The whole index as bytes (hnswlib's layout behind a header); `fromBytes` restores it. */
  serialize(): Uint8Array {
    return this.call(() => {
      const n = this.ex.fl_save();
      if (n < 0) throw new Error('hnsw: serialise failed: out of memory');
      return new Uint8Array(this.ex.memory.buffer, this.ex.fl_saved(), n).slice();
    });
  }

  /** Bytes of WebAssembly memory this index holds (its instance's linear memory). */
  memoryBytes(): number {
    return this.ex.memory.buffer.byteLength;
  }

  private checkVector(v: ArrayLike<number>, what: string): void {
    if (v.length !== this.dim) throw new Error(`hnsw: ${what}: vector has ${v.length} dimensions, the index has ${this.dim}`);
  }

  /** Runs a call into WebAssembly; a trap becomes an Error with hnswlib's message. */
  private call<T>(f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError) {
        const msg = readCString(this.ex.memory, this.ex.fl_fail_message());
        throw new Error(`hnsw: ${msg !== '' ? msg : e.message}`);
      }
      throw e;
    }
  }
}

function checkLabel(label: number): void {
  if (!(Number.isInteger(label) && label >= 0 && label < 2 ** 32)) throw new Error(`hnsw: a label must be a 32-bit unsigned integer, got ${label}`);
}

function readCString(memory: WebAssembly.Memory, ptr: number): string {
  const bytes = new Uint8Array(memory.buffer, ptr, 256);
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(bytes.subarray(0, end < 0 ? 256 : end));
}
