// HNSW benchmark: faultline's WebAssembly build of hnswlib (wasm/hnsw, SIMD) against
// hnswlib-node (native hnswlib, the baseline), the stock hnswlib-wasm 0.8.2 package and
// exact brute force, in one process on the same data: build time, recall@10 against exact
// search and queries/s at ef 50, 100 and 200.
//
// Method: every index gets the same vectors in the same order with M = 16,
// efConstruction = 200, seed 100. Queries are timed in rounds (single queries, one call
// each) and each implementation's best round counts, interleaved so a noisy neighbour on
// the shared machine hits all of them alike. `ratio` is ours / native queries/s at the
// same ef (the two reach about the same recall there; both are reported). Datasets: the
// real corpus (fiori, 778 x 384, cosine; queries are held-out paraphrases: a document's
// embedding plus noise of norm 0.5, renormalised) and a seeded synthetic set (10,000 x 128,
// L2, 64 clusters; queries are fresh points from the same clusters).
//
// A data set of your own in the standard .fvecs/.ivecs format (TEXMEX's SIFT and GIST, the
// ann-benchmarks exports): FAULTLINE_HNSW_DATA=DIR, where DIR holds *base.fvecs (or
// .bvecs), *query.fvecs and, optionally, *groundtruth.ivecs; FAULTLINE_HNSW_METRIC l2
// (default) or cosine; FAULTLINE_HNSW_BASE_MAX (default 100,000) and
// FAULTLINE_HNSW_QUERIES_MAX (default 1,000) cut it to this machine's size (the ground
// truth is then computed, as it only holds for the whole base set). Only that set is run.
import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import 'fake-indexeddb/auto';
import hnswlibNode from 'hnswlib-node';
import { wallNowMs } from '../cli/wallclock.ts';
import { corpusByName } from '../corpus/registry.ts';
import { vectorOf, type Corpus } from '../corpus/corpus.ts';
import { groundTruthRows, readVecs, VECS_DIM_MAX, vecsKindOf, VecsError, type Vecs, type VecsKind } from '../corpus/vecs.ts';
import { BenchInputError } from './support/benchInputError.ts';
import { positiveEnv } from './support/benchEnv.ts';
import { paraphrase } from '../corpus/queries.ts';
import { syntheticCorpus } from '../corpus/synthetic.ts';
import { exactKnn, normalised, recallAt, type Metric, type Neighbour } from '../core/rag/vector.ts';
import { hnsw } from '../wasm/hnsw/load.ts';
import seedrandom from 'seedrandom';

// hnswlib-node is CommonJS: its classes hang off the default export.
const NativeHnsw = hnswlibNode.HierarchicalNSW;
type NativeHnsw = InstanceType<typeof NativeHnsw>;
const K = 10;
const EFS = [50, 100, 200] as const;
const ROUNDS = 3;
const ROUND_MS_MIN = 250;

interface Impl {
  name: string;
  build(c: Corpus): void;
  search(q: Float32Array, qArr: number[], ef: number): number[];
}

function ours(): Impl {
  const m = hnsw();
  let idx: ReturnType<typeof m.create> | null = null;
  return {
    name: 'wasmSimd',
    build(c) {
      idx = m.create({ space: c.metric, dim: c.dim, capacity: c.count, m: 16, efConstruction: 200, seed: 100 });
      for (let i = 0; i < c.count; i++) idx.add(i, vectorOf(c, i));
    },
    search: (q, _a, ef) => (idx as NonNullable<typeof idx>).search(q, K, ef).map((h) => h.label),
  };
}

function native(): Impl {
  let idx: NativeHnsw | null = null;
  return {
    name: 'native',
    build(c) {
      idx = new NativeHnsw(c.metric, c.dim);
      idx.initIndex(c.count, 16, 200, 100);
      for (let i = 0; i < c.count; i++) idx.addPoint(Array.from(vectorOf(c, i)), i);
    },
    search(_q, qArr, ef) {
      const n = idx as NativeHnsw;
      n.setEf(ef);
      return n.searchKnn(qArr, K).neighbors;
    },
  };
}

interface StockIndex {
  initIndex(max: number, m: number, efc: number, seed: number): void;
  addPoint(v: Float32Array, label: number, replace: boolean): void;
  setEfSearch(ef: number): void;
  searchKnn(q: Float32Array, k: number, filter: undefined): { neighbors: number[] };
}

async function stock(): Promise<Impl> {
  (globalThis as Record<string, unknown>).window ??= globalThis;
  const { loadHnswlib } = await import('hnswlib-wasm/dist/hnswlib.js');
  // Its Emscripten runtime prints to stdout while it mounts IDBFS; the benchmark's stdout
  // is one JSON object, so those lines go to stderr.
  const log = console.log;
  console.log = (...a: unknown[]) => console.error(...a);
  const lib = (await loadHnswlib().finally(() => { console.log = log; })) as unknown as { HierarchicalNSW: new (space: string, dim: number, file: string) => StockIndex };
  let idx: StockIndex | null = null;
  return {
    name: 'hnswlibWasm082',
    build(c) {
      idx = new lib.HierarchicalNSW(c.metric, c.dim, '');
      idx.initIndex(c.count, 16, 200, 100);
      for (let i = 0; i < c.count; i++) idx.addPoint(vectorOf(c, i), i, false);
    },
    search(q, _a, ef) {
      const s = idx as StockIndex;
      s.setEfSearch(ef);
      return s.searchKnn(q, K, undefined).neighbors;
    },
  };
}

function timeRound(f: () => void, queries: number): number {
  let reps = 0;
  const t0 = wallNowMs();
  let t = t0;
  while (t - t0 < ROUND_MS_MIN) {
    f();
    reps++;
    t = wallNowMs();
  }
  return (queries * reps) / ((t - t0) / 1000);
}

interface Dataset {
  corpus: Corpus;
  queries: Float32Array[];
  /** The data set's own ground truth (labels, nearest first), when it holds for these rows. */
  truth?: Int32Array[];
}

/**
 * The first `limit` records of a .fvecs/.bvecs/.ivecs file and how many it holds in all,
 * reading only those records: a base set is cut to FAULTLINE_HNSW_BASE_MAX, and reading
 * the whole of a larger one first (SIFT1B's 128 GB) ended in Node's ERR_FS_FILE_TOO_LARGE
 * stack, or in memory. The file's size is held to whole records as readVecs holds bytes.
 */
function readVecsPrefix(file: string, kind: 'ivecs', limit: number): Vecs<Int32Array> & { total: number };
function readVecsPrefix(file: string, kind: 'fvecs' | 'bvecs', limit: number): Vecs<Float32Array> & { total: number };
function readVecsPrefix(file: string, kind: VecsKind, limit: number): Vecs<Float32Array | Int32Array> & { total: number } {
  const parse = (bytes: Uint8Array): Vecs<Float32Array | Int32Array> => (kind === 'ivecs' ? readVecs(bytes, 'ivecs', file) : readVecs(bytes, kind, file));
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new BenchInputError(`FAULTLINE_HNSW_DATA: cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(4, size));
    readSync(fd, head, 0, head.length, 0);
    // An empty or cut first record is readVecs's to name.
    if (size < 4) return { ...parse(head), total: 0 };
    const dim = head.readInt32LE(0);
    if (dim < 1 || dim > VECS_DIM_MAX) return { ...parse(head), total: 0 };
    const recordBytes = 4 + dim * (kind === 'bvecs' ? 1 : 4);
    if (size % recordBytes !== 0) throw new VecsError(`${file}: ${size} bytes is not a whole number of ${recordBytes}-byte records (dimension ${dim}); the file is cut short or not a .${kind} file`);
    const total = size / recordBytes;
    const bytes = Buffer.alloc(Math.min(total, limit) * recordBytes);
    for (let at = 0; at < bytes.length;) at += readSync(fd, bytes, at, bytes.length - at, at);
    return { ...parse(bytes), total };
  } finally {
    closeSync(fd);
  }
}

/** FAULTLINE_HNSW_DATA's files, read and cut to size. */
function externalDataset(dir: string): Dataset {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? (e as Error).message})`;
    throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${dir} ${what}; name the directory that holds *base.fvecs (or .bvecs), *query.fvecs and optionally *groundtruth.ivecs`);
  }
  const pick = (part: string, kinds: readonly string[], required: boolean): string | undefined => {
    const found = files.filter((f) => f.includes(part) && kinds.includes(vecsKindOf(f) ?? ''));
    if (found.length > 1) throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${dir} holds ${found.length} ${part} files (${found.join(', ')}); keep one`);
    if (found.length === 0 && required) throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${dir} holds no *${part}.${kinds.join('/')} file; expected e.g. sift_${part}.fvecs`);
    return found[0];
  };
  const baseFile = pick('base', ['fvecs', 'bvecs'], true) as string;
  const queryFile = pick('query', ['fvecs', 'bvecs'], true) as string;
  const truthFile = pick('groundtruth', ['ivecs'], false);
  const metricText = process.env.FAULTLINE_HNSW_METRIC ?? 'l2';
  if (metricText !== 'l2' && metricText !== 'cosine') throw new BenchInputError(`FAULTLINE_HNSW_METRIC: expected l2 or cosine, got "${metricText}"`);
  const metric: Metric = metricText;
  const baseMax = positiveEnv('FAULTLINE_HNSW_BASE_MAX', 100_000);
  const queriesMax = positiveEnv('FAULTLINE_HNSW_QUERIES_MAX', 1_000);
  const read = (f: string, limit: number) => {
    try {
      return readVecsPrefix(join(dir, f), vecsKindOf(f) as 'fvecs' | 'bvecs', limit);
    } catch (e) {
      if (e instanceof VecsError) throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${e.message}`);
      throw e;
    }
  };
  const base = read(baseFile, baseMax);
  const count = base.count;
  const q = read(queryFile, queriesMax);
  if (q.dim !== base.dim) throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${queryFile} has dimension ${q.dim} but ${baseFile} ${base.dim}`);
  const rows = (data: Float32Array, dim: number, n: number): Float32Array[] => Array.from({ length: n }, (_, i) => {
    const v = data.subarray(i * dim, (i + 1) * dim);
    return metric === 'cosine' ? normalised(v) : v.slice();
  });
  const baseRows = rows(base.data, base.dim, count);
  const vectors = new Float32Array(count * base.dim);
  baseRows.forEach((v, i) => vectors.set(v, i * base.dim));
  const corpus: Corpus = { name: `${baseFile.replace(/\.\w+$/, '')}-${count}x${base.dim}`, dim: base.dim, count, metric, vectors, titles: baseRows.map((_, i) => String(i)), source: dir };
  const queries = rows(q.data, q.dim, q.count);
  let truth: Int32Array[] | undefined;
  if (truthFile !== undefined && count === base.total) {
    let t;
    try {
      t = readVecsPrefix(join(dir, truthFile), 'ivecs', q.count);
    } catch (e) {
      if (e instanceof VecsError) throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${e.message}`);
      throw e;
    }
    try {
      truth = groundTruthRows(t, q.count, K, count, join(dir, truthFile));
    } catch (e) {
      if (e instanceof VecsError) throw new BenchInputError(`FAULTLINE_HNSW_DATA: ${e.message}`);
      throw e;
    }
  }
  return { corpus, queries, truth };
}

function dataset(name: string): Dataset {
  if (name === 'external') return externalDataset(process.env.FAULTLINE_HNSW_DATA as string);
  if (name === 'fiori') {
    const corpus = corpusByName('fiori');
    const draw = seedrandom.alea('bench/hnsw/fiori-queries');
    const queries = Array.from({ length: 200 }, () => paraphrase(corpus, Math.floor(draw() * corpus.count), 0.5, draw));
    return { corpus, queries };
  }
  const all = syntheticCorpus({ count: 10_500, dim: 128 });
  const corpus: Corpus = { ...all, name: 'synthetic-10000x128', count: 10_000, vectors: all.vectors.slice(0, 10_000 * 128), titles: all.titles.slice(0, 10_000) };
  const queries = Array.from({ length: 500 }, (_, i) => vectorOf(all, 10_000 + i).slice());
  return { corpus, queries };
}

async function benchDataset(name: string): Promise<Record<string, number | string>> {
  const { corpus, queries, truth } = dataset(name);
  const qArrs = queries.map((q) => Array.from(q));
  const rows = Array.from({ length: corpus.count }, (_, i) => [i, vectorOf(corpus, i)] as const);
  const exact: Neighbour[][] = truth !== undefined ? truth.map((t) => Array.from(t, (label) => ({ label, distance: 0 }))) : queries.map((q) => exactKnn(corpus.metric, q, rows, K));
  const out: Record<string, number | string> = { vectors: corpus.count, dim: corpus.dim, metric: corpus.metric, queries: queries.length, groundTruth: truth !== undefined ? 'the data set\'s' : 'exact search' };
  if (name === 'external') out.data = corpus.name;
  const impls = [ours(), native(), await stock()];
  for (const impl of impls) {
    const t0 = wallNowMs();
    impl.build(corpus);
    out[`${impl.name}.buildMs`] = Math.round(wallNowMs() - t0);
  }
  for (const ef of EFS) {
    const best = new Map<string, number>();
    for (const impl of impls) {
      const found = queries.map((q, i) => impl.search(q, qArrs[i], ef));
      const recall = exact.reduce((a, e, i) => a + recallAt(e, found[i].map((label) => ({ label }))), 0) / queries.length;
      out[`${impl.name}.ef${ef}.recall`] = +recall.toFixed(4);
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const impl of impls) {
        const qps = timeRound(() => queries.forEach((q, i) => impl.search(q, qArrs[i], ef)), queries.length);
        best.set(impl.name, Math.max(best.get(impl.name) ?? 0, qps));
      }
    }
    for (const impl of impls) out[`${impl.name}.ef${ef}.qps`] = Math.round(best.get(impl.name) ?? 0);
    out[`ratio.ef${ef}.wasmSimdVsNative`] = +((best.get('wasmSimd') ?? 0) / (best.get('native') ?? 1)).toFixed(3);
    out[`ratio.ef${ef}.hnswlibWasm082VsNative`] = +((best.get('hnswlibWasm082') ?? 0) / (best.get('native') ?? 1)).toFixed(3);
  }
  // Batch search: all queries in one call into WebAssembly, at ef 100.
  const idx = hnsw().create({ space: corpus.metric, dim: corpus.dim, capacity: corpus.count, m: 16, efConstruction: 200, seed: 100 });
  for (let i = 0; i < corpus.count; i++) idx.add(i, vectorOf(corpus, i));
  let batchBest = 0;
  for (let r = 0; r < ROUNDS; r++) batchBest = Math.max(batchBest, timeRound(() => idx.searchBatch(queries, K, 100), queries.length));
  out['wasmSimd.ef100.batchQps'] = Math.round(batchBest);
  let bruteBest = 0;
  const few = queries.slice(0, 50);
  for (let r = 0; r < ROUNDS; r++) bruteBest = Math.max(bruteBest, timeRound(() => few.forEach((q) => exactKnn(corpus.metric, q, rows, K)), few.length));
  out['bruteForce.qps'] = Math.round(bruteBest);
  return out;
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const names = process.env.FAULTLINE_HNSW_DATA === undefined ? ['fiori', 'synthetic'] : ['external'];
  for (const name of names) {
    for (const [k, v] of Object.entries(await benchDataset(name))) out[`${name}.${k}`] = v;
  }
  return out;
}
