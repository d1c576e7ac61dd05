// The .fvecs / .ivecs / .bvecs files of the standard ANN data sets (TEXMEX's SIFT and GIST,
// ann-benchmarks' exports): each record is a little-endian int32 dimension d followed by d
// float32 (fvecs), int32 (ivecs) or uint8 (bvecs) components.
//
// Contract: readVecs(bytes, kind, name) returns the rows as one typed array with their
// count and dimension, or throws VecsError naming the file, the record and what is wrong:
// an empty file, a dimension that is not positive or differs from the first record's, a
// file that ends inside a record, a float that is NaN or infinite. `limit` reads only the
// first rows (a base set larger than this machine should index). groundTruthRows checks a
// ground truth's neighbours against the base set they index.

export type VecsKind = 'fvecs' | 'ivecs' | 'bvecs';

export class VecsError extends Error {}

export interface Vecs<T extends Float32Array | Int32Array> {
  readonly dim: number;
  readonly count: number;
  readonly data: T;
}

const COMPONENT_BYTES: Record<VecsKind, number> = { fvecs: 4, ivecs: 4, bvecs: 1 };
/** No data set in use has vectors wider than this (GIST: 960). */
export const VECS_DIM_MAX = 65_536;

export function vecsKindOf(file: string): VecsKind | null {
  const m = /\.(fvecs|ivecs|bvecs)$/.exec(file);
  return m === null ? null : (m[1] as VecsKind);
}

export function readVecs(bytes: Uint8Array, kind: 'ivecs', name: string, limit?: number): Vecs<Int32Array>;
export function readVecs(bytes: Uint8Array, kind: 'fvecs' | 'bvecs', name: string, limit?: number): Vecs<Float32Array>;
export function readVecs(bytes: Uint8Array, kind: VecsKind, name: string, limit = Infinity): Vecs<Float32Array | Int32Array> {
  if (bytes.length === 0) throw new VecsError(`${name}: the file is empty`);
  if (bytes.length < 4) throw new VecsError(`${name}: ${bytes.length} bytes is not even one record's dimension (4 bytes); is it a .${kind} file?`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dim = view.getInt32(0, true);
  if (dim < 1 || dim > VECS_DIM_MAX) throw new VecsError(`${name}: record 1 gives dimension ${dim}; a .${kind} record starts with its dimension, 1 to ${VECS_DIM_MAX} (is it a .${kind} file, little-endian?)`);
  const recordBytes = 4 + dim * COMPONENT_BYTES[kind];
  if (bytes.length % recordBytes !== 0) throw new VecsError(`${name}: ${bytes.length} bytes is not a whole number of ${recordBytes}-byte records (dimension ${dim}); the file is cut short or not a .${kind} file`);
  const count = Math.min(bytes.length / recordBytes, limit);
  const data = kind === 'ivecs' ? new Int32Array(count * dim) : new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const at = r * recordBytes;
    const d = view.getInt32(at, true);
    if (d !== dim) throw new VecsError(`${name}: record ${r + 1} gives dimension ${d} but record 1 gave ${dim}; every record of a .${kind} file has the same dimension`);
    for (let j = 0; j < dim; j++) {
      let v: number;
      if (kind === 'fvecs') {
        v = view.getFloat32(at + 4 + 4 * j, true);
        if (!Number.isFinite(v)) throw new VecsError(`${name}: record ${r + 1}, component ${j + 1} is ${v}; vectors must be finite`);
      } else if (kind === 'ivecs') {
        v = view.getInt32(at + 4 + 4 * j, true);
      } else {
        v = bytes[at + 4 + j];
      }
      data[r * dim + j] = v;
    }
  }
  return { dim, count, data };
}

/**
 * A ground-truth .ivecs file's first `k` neighbours of each of `rows` queries, checked
 * against the base set they index: each an index of its `baseCount` vectors, none twice
 * in a row. A neighbour outside the base (a padding -1, the ground truth of another or a
 * larger base set) would match no result, and recall would be reported low without a word.
 */
export function groundTruthRows(t: Vecs<Int32Array>, rows: number, k: number, baseCount: number, name: string): Int32Array[] {
  if (t.count < rows || t.dim < k) throw new VecsError(`${name}: holds ${t.count} rows of ${t.dim} neighbours; need ${rows} rows of at least ${k}`);
  return Array.from({ length: rows }, (_, i) => {
    const row = t.data.subarray(i * t.dim, i * t.dim + k);
    const seen = new Map<number, number>();
    row.forEach((id, j) => {
      if (id < 0 || id >= baseCount) throw new VecsError(`${name}: row ${i + 1}, neighbour ${j + 1} is ${id}, not an index of the base set's ${baseCount} vectors (0 to ${baseCount - 1}); is it the ground truth of this base set?`);
      const before = seen.get(id);
      if (before !== undefined) throw new VecsError(`${name}: row ${i + 1} names vector ${id} twice (neighbours ${before + 1} and ${j + 1}); a ground truth lists k different nearest neighbours`);
      seen.set(id, j);
    });
    return row;
  });
}

/** Writes rows as a .fvecs or .ivecs file's bytes (tests, and converting data for others). */
export function writeVecs(rows: readonly ArrayLike<number>[], kind: 'fvecs' | 'ivecs'): Uint8Array {
  const dim = rows.length === 0 ? 0 : rows[0].length;
  const out = new Uint8Array(rows.length * (4 + 4 * dim));
  const view = new DataView(out.buffer);
  rows.forEach((row, r) => {
    if (row.length !== dim) throw new Error(`writeVecs: row ${r} has ${row.length} components, row 0 has ${dim}`);
    const at = r * (4 + 4 * dim);
    view.setInt32(at, dim, true);
    for (let j = 0; j < dim; j++) {
      if (kind === 'fvecs') view.setFloat32(at + 4 + 4 * j, row[j], true);
      else view.setInt32(at + 4 + 4 * j, row[j], true);
    }
  });
  return out;
}
