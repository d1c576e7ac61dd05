// The real default corpus: SAP Fiori documentation chunks with 384-d sentence embeddings
// (all-MiniLM-L6-v2), shipped in the npm package @sap-ux/fiori-docs-embeddings 1.2.6
// (Apache-2.0): data/embeddings/embeddings.bin is 778 x 384 little-endian float32 rows,
// one per line of records.jsonl ({ id, title, ... }), in the same order.
//
// Contract: `parseFiori` turns the package's two files into a Corpus anywhere;
// `fioriCorpusSync` reads them in Node (resolved as a package); `loadFiori` fetches them in
// a browser or Web Worker from the URLs below, which Vite serves in development and copies
// into the build as assets. Nothing is downloaded from elsewhere: the files come with
// `npm install`.
import { normalised } from '../core/rag/vector.ts';
import type { Corpus } from './corpus.ts';

export const FIORI_PACKAGE = '@sap-ux/fiori-docs-embeddings';
export const FIORI_BIN = `${FIORI_PACKAGE}/data/embeddings/embeddings.bin`;
export const FIORI_RECORDS = `${FIORI_PACKAGE}/data/embeddings/records.jsonl`;
export const FIORI_DIM = 384;

export function parseFiori(bin: Uint8Array, records: string): Corpus {
  if (bin.length % (FIORI_DIM * 4) !== 0) throw new Error(`${FIORI_BIN}: ${bin.length} bytes is not a whole number of ${FIORI_DIM}-d float32 rows`);
  const count = bin.length / (FIORI_DIM * 4);
  const lines = records.split('\n').filter((l) => l.trim() !== '');
  if (lines.length !== count) throw new Error(`${FIORI_RECORDS}: ${lines.length} records for ${count} embeddings`);
  const titles = lines.map((l, i) => {
    const r = JSON.parse(l) as { title?: unknown; id?: unknown };
    return typeof r.title === 'string' && r.title !== '' ? r.title : `document ${String(r.id ?? i)}`;
  });
  const raw = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const vectors = new Float32Array(count * FIORI_DIM);
  const row = new Float32Array(FIORI_DIM);
  for (let i = 0; i < count; i++) {
    for (let d = 0; d < FIORI_DIM; d++) row[d] = raw.getFloat32((i * FIORI_DIM + d) * 4, true);
    // The package stores unit vectors to about 1e-8; normalising again makes it exact.
    vectors.set(normalised(row), i * FIORI_DIM);
  }
  return { name: 'fiori', dim: FIORI_DIM, count, metric: 'cosine', vectors, titles, source: `${FIORI_PACKAGE}@1.2.6 (Apache-2.0), all-MiniLM-L6-v2 embeddings of SAP Fiori documentation` };
}

// Relative to this file, so Vite can see them (the repository keeps node_modules at its root).
const BIN_URL = new URL('../node_modules/@sap-ux/fiori-docs-embeddings/data/embeddings/embeddings.bin', import.meta.url);
const RECORDS_URL = new URL('../node_modules/@sap-ux/fiori-docs-embeddings/data/embeddings/records.jsonl', import.meta.url);

/** Fetches and parses the corpus (browser, Web Worker). */
export async function loadFiori(): Promise<Corpus> {
  const [bin, records] = await Promise.all([fetch(BIN_URL), fetch(RECORDS_URL)]);
  for (const r of [bin, records]) if (!r.ok) throw new Error(`fiori corpus: HTTP ${r.status} from ${r.url}`);
  return parseFiori(new Uint8Array(await bin.arrayBuffer()), await records.text());
}

interface NodeFs {
  readFileSync(path: URL, encoding?: 'utf8'): Uint8Array | string;
}

/** Reads the package's files in Node (main thread or worker_threads). */
export function fioriCorpusSync(): Corpus {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as NodeFs | undefined;
  if (fs === undefined) throw new Error('the fiori corpus is read from node_modules in Node; in a browser, load it with parseFiori on fetched files');
  const bin = fs.readFileSync(new URL(import.meta.resolve(FIORI_BIN))) as Uint8Array;
  const records = fs.readFileSync(new URL(import.meta.resolve(FIORI_RECORDS)), 'utf8') as string;
  return parseFiori(bin, records);
}
