// Deterministic idempotency keys: the same method and payload always give the same key,
// in any process, so a retried request finds the record of its first attempt.
import { hashString } from '../../hash/hash64.ts';
import { canonicalJson } from './canonicalJson.ts';

/** `method:hash(canonical payload)`, e.g. `deposit:0a1b2c3d4e5f6071` (Hash64, core/hash). */
export function requestKey(method: string, payload: unknown): string {
  if (method.length === 0) throw new Error('requestKey: method must not be empty');
  return `${method}:${hashString(canonicalJson(payload))}`;
}

/** A key from an explicit list of parts (`trade`, strategy id, signal hash, ...). */
export function partsKey(prefix: string, ...parts: readonly (string | number)[]): string {
  if (prefix.length === 0) throw new Error('partsKey: prefix must not be empty');
  // Parts are JSON-quoted so ("a_b", "c") and ("a", "b_c") never collide.
  return `${prefix}:${hashString(canonicalJson(parts))}`;
}
