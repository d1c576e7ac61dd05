// Deterministic idempotency keys: the same method and payload always give the same key,
// in any process, so a retried request finds the record of its first attempt.
import { canonicalJson } from './canonicalJson.ts';
import { cyrb53 } from './hash.ts';

/** `method:hash(canonical payload)`, e.g. `deposit:0a1b2c3d4e5f60`. */
export function requestKey(method: string, payload: unknown): string {
  if (method.length === 0) throw new Error('requestKey: method must not be empty');
  return `${method}:${cyrb53(canonicalJson(payload))}`;
}

/** A key from an explicit list of parts (`trade`, strategy id, signal hash, ...). */
export function partsKey(prefix: string, ...parts: readonly (string | number)[]): string {
  if (prefix.length === 0) throw new Error('partsKey: prefix must not be empty');
  // Parts are JSON-quoted so ("a_b", "c") and ("a", "b_c") never collide.
  return `${prefix}:${cyrb53(canonicalJson(parts))}`;
}
