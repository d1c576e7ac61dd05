// One loader for hnsw.wasm in Node, worker_threads, the browser (Vite) and Web Workers.
//
// Contract: `loadHnsw()` compiles the module once per thread and caches it; indexes are then
// created synchronously (`create`, `fromBytes`). In Node and worker_threads the bytes come
// from the file beside this module; in a browser or Web Worker from the same URL, which
// Vite turns into an asset (`new URL(..., import.meta.url)`). `hnsw()` is the synchronous
// accessor simulated code uses: in Node it loads on first use; in a browser the page (or
// worker) must have awaited `loadHnsw()` first, and is told so if it has not.
import { HnswIndex, type HnswParams } from './hnswIndex.ts';

export interface HnswModule {
  readonly module: WebAssembly.Module;
  create(params: HnswParams): HnswIndex;
  fromBytes(bytes: Uint8Array): HnswIndex;
}

const WASM_URL = new URL('./hnsw.wasm', import.meta.url);

let cached: HnswModule | null = null;

function wrap(module: WebAssembly.Module): HnswModule {
  return {
    module,
    create: (params) => HnswIndex.create(module, params),
    fromBytes: (bytes) => HnswIndex.fromBytes(module, bytes),
  };
}

interface NodeFs {
  readFileSync(path: URL): Uint8Array;
}

/** Node's fs, without a static import a browser bundle would have to resolve. */
function nodeFs(): NodeFs | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined) ?? null;
}

/** Compiles hnsw.wasm (once per thread) in any of the four environments. */
export async function loadHnsw(): Promise<HnswModule> {
  if (cached !== null) return cached;
  const fs = WASM_URL.protocol === 'file:' ? nodeFs() : null;
  let bytes: ArrayBuffer | Uint8Array;
  if (fs !== null) {
    bytes = fs.readFileSync(WASM_URL);
  } else {
    const res = await fetch(WASM_URL);
    if (!res.ok) throw new Error(`hnsw.wasm: HTTP ${res.status} from ${WASM_URL.href}`);
    bytes = await res.arrayBuffer();
  }
  cached ??= wrap(await WebAssembly.compile(bytes as BufferSource));
  return cached;
}

/** The compiled module, loading it synchronously in Node; elsewhere `loadHnsw()` must have run. */
export function hnsw(): HnswModule {
  if (cached !== null) return cached;
  const fs = WASM_URL.protocol === 'file:' ? nodeFs() : null;
  if (fs === null) throw new Error('hnsw.wasm is not loaded in this thread: await loadHnsw() before building a world that uses the HNSW index');
  cached = wrap(new WebAssembly.Module(fs.readFileSync(WASM_URL) as BufferSource));
  return cached;
}
