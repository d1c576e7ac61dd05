// Documents as KV entries: key `doc/<label>`, value `{"t": title, "v": base64 vector}`.
//
// Contract: a document is written through the replicated KV store (a put inserts or
// replaces it, a delete removes it), so it reaches every replica's index through the log,
// once per session-deduplicated command. Labels are 32-bit unsigned integers (the index's
// label space). Values that do not decode are ignored by the index (and counted).
import { decodeVector, encodeVector } from './vectorCodec.ts';

export const DOC_PREFIX = 'doc/';
export const TITLE_LENGTH_MAX = 200;

export interface Doc {
  label: number;
  title: string;
  vector: Float32Array;
}

export function docKey(label: number): string {
  return `${DOC_PREFIX}${label}`;
}

/** The label of a document key, or null if the key is not a document's. */
export function labelOfKey(key: string): number | null {
  if (!key.startsWith(DOC_PREFIX)) return null;
  const rest = key.slice(DOC_PREFIX.length);
  if (!/^(0|[1-9]\d{0,9})$/.test(rest)) return null;
  const n = Number(rest);
  return n < 0x100000000 ? n : null;
}

export function encodeDocValue(title: string, vector: ArrayLike<number>): string {
  return JSON.stringify({ t: title.slice(0, TITLE_LENGTH_MAX), v: encodeVector(vector) });
}

export function decodeDocValue(value: string, dim: number): { title: string; vector: Float32Array } | null {
  let x: unknown;
  try {
    x = JSON.parse(value);
  } catch {
    return null;
  }
  if (x === null || typeof x !== 'object') return null;
  const { t, v } = x as { t?: unknown; v?: unknown };
  if (typeof t !== 'string' || typeof v !== 'string') return null;
  const vector = decodeVector(v, dim);
  return vector === null ? null : { title: t, vector };
}
