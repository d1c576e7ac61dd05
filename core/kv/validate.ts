// Validation of key-value data that arrives from outside: log entries, messages, snapshots.
//
// Contract: each parser takes `unknown` and returns either the typed value, rebuilt with
// its fields in canonical order and nothing extra, or a string that says what is wrong.
// Parsers never throw; callers decide whether a bad value is null or an Error.

import { REGISTER_COUNT_MAX, type KvOp, type KvResult } from './types.ts';

/** Limits on what a command may carry, so a forged entry cannot exhaust memory. */
export const KEY_LENGTH_MAX = 1024;
export const VALUE_LENGTH_MAX = 1 << 20;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

function fail<T>(problem: string): Parsed<T> {
  return { ok: false, problem };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function hasExactly(x: Record<string, unknown>, fields: readonly string[]): boolean {
  const keys = Object.keys(x);
  return keys.length === fields.length && fields.every((f) => Object.hasOwn(x, f));
}

export function isKey(x: unknown): x is string {
  return typeof x === 'string' && x.length <= KEY_LENGTH_MAX;
}

export function isValue(x: unknown): x is string {
  return typeof x === 'string' && x.length <= VALUE_LENGTH_MAX;
}

function isNullableValue(x: unknown): x is string | null {
  return x === null || isValue(x);
}

/** The longest registration nonce a client may choose. */
export const NONCE_LENGTH_MAX = 64;

export function isNonce(x: unknown): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= NONCE_LENGTH_MAX;
}

/** A non-negative safe integer, the shape of client ids, seqs and counters. */
export function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** How many sessions one registration may open: 1..REGISTER_COUNT_MAX. */
export function isRegisterCount(x: unknown): x is number {
  return isCount(x) && x >= 1 && x <= REGISTER_COUNT_MAX;
}

export function parseKvOp(x: unknown): Parsed<KvOp> {
  if (!isRecord(x)) return fail('op: expected an object');
  if (!isKey(x.key)) return fail(`op.key: expected a string of at most ${KEY_LENGTH_MAX} characters`);
  const key = x.key;
  switch (x.op) {
    case 'get':
    case 'delete':
      if (!hasExactly(x, ['op', 'key'])) return fail(`op: ${x.op} takes exactly op and key`);
      return { ok: true, value: { op: x.op, key } };
    case 'put':
    case 'append':
      if (!hasExactly(x, ['op', 'key', 'value'])) return fail(`op: ${x.op} takes exactly op, key and value`);
      if (!isValue(x.value)) return fail('op.value: expected a string');
      return { ok: true, value: { op: x.op, key, value: x.value } };
    case 'cas':
      if (!hasExactly(x, ['op', 'key', 'expected', 'value'])) return fail('op: cas takes exactly op, key, expected and value');
      if (!isNullableValue(x.expected)) return fail('op.expected: expected a string or null');
      if (!isValue(x.value)) return fail('op.value: expected a string');
      return { ok: true, value: { op: 'cas', key, expected: x.expected, value: x.value } };
    default:
      return fail('op.op: expected one of get, put, append, cas, delete');
  }
}

export function parseKvResult(x: unknown): Parsed<KvResult> {
  if (!isRecord(x)) return fail('result: expected an object');
  if (x.ok === true) {
    if (!hasExactly(x, ['ok', 'value']) || !isNullableValue(x.value)) return fail('result: expected {ok: true, value}');
    return { ok: true, value: { ok: true, value: x.value } };
  }
  if (x.ok !== false) return fail('result.ok: expected a boolean');
  if (x.error === 'cas-mismatch') {
    if (!hasExactly(x, ['ok', 'error', 'current']) || !isNullableValue(x.current)) {
      return fail('result: expected {ok: false, error: "cas-mismatch", current}');
    }
    return { ok: true, value: { ok: false, error: 'cas-mismatch', current: x.current } };
  }
  if (x.error === 'session-expired' && hasExactly(x, ['ok', 'error'])) {
    return { ok: true, value: { ok: false, error: 'session-expired' } };
  }
  return fail('result.error: expected cas-mismatch or session-expired');
}

/** Rebuilds a result with canonical field order, so its JSON text is canonical too. */
export function canonicalResult(r: KvResult): KvResult {
  if (r.ok) return { ok: true, value: r.value };
  if (r.error === 'cas-mismatch') return { ok: false, error: 'cas-mismatch', current: r.current };
  return { ok: false, error: 'session-expired' };
}
