// Goal: the KV validators accept exactly what their contract allows and name the field that
// is wrong: an op's key (at most KEY_LENGTH_MAX), value (at most VALUE_LENGTH_MAX), a cas's
// expected value (a string or null), exactly the fields of each op; a result's three
// shapes; a nonce of 1..NONCE_LENGTH_MAX characters; counts as non-negative safe integers.
// canonicalResult rebuilds a result in canonical field order.
// Method: boundary values on both sides of each limit and one malformed input per rule,
// asserting the accepted value or the problem text. These kill mutants that survived
// `npm run mutation` in core/kv/validate.ts (docs/mutation.md).
import { describe, expect, it } from 'vitest';
import { canonicalResult, isCount, isKey, isNonce, isValue, KEY_LENGTH_MAX, NONCE_LENGTH_MAX, parseKvOp, parseKvResult, VALUE_LENGTH_MAX } from './validate.ts';

function problem(p: { ok: boolean; problem?: string }): string | undefined {
  return p.ok ? undefined : p.problem;
}

describe('KV scalar validators', () => {
  it('accept each limit and refuse one past it', () => {
    expect(isKey('k'.repeat(KEY_LENGTH_MAX))).toBe(true);
    expect(isKey('k'.repeat(KEY_LENGTH_MAX + 1))).toBe(false);
    expect(isKey(7)).toBe(false);
    expect(isKey(['k'])).toBe(false);
    expect(isValue('v'.repeat(VALUE_LENGTH_MAX))).toBe(true);
    expect(isValue('v'.repeat(VALUE_LENGTH_MAX + 1))).toBe(false);
    expect(isValue(null)).toBe(false);
    expect(isNonce('n'.repeat(NONCE_LENGTH_MAX))).toBe(true);
    expect(isNonce('n'.repeat(NONCE_LENGTH_MAX + 1))).toBe(false);
    expect(isNonce('')).toBe(false);
    expect(isCount(0)).toBe(true);
    expect(isCount(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(isCount(-1)).toBe(false);
    expect(isCount(1.5)).toBe(false);
    expect(isCount('1')).toBe(false);
    expect(isCount(2 ** 53)).toBe(false);
  });
});

describe('parseKvOp', () => {
  it('accepts every op with exactly its fields, rebuilt in canonical order', () => {
    expect(parseKvOp({ key: 'k', op: 'get' })).toEqual({ ok: true, value: { op: 'get', key: 'k' } });
    expect(parseKvOp({ op: 'delete', key: '' })).toEqual({ ok: true, value: { op: 'delete', key: '' } });
    expect(parseKvOp({ value: 'v', key: 'k', op: 'append' })).toEqual({ ok: true, value: { op: 'append', key: 'k', value: 'v' } });
    expect(parseKvOp({ op: 'cas', key: 'k', expected: null, value: 'v' })).toEqual({ ok: true, value: { op: 'cas', key: 'k', expected: null, value: 'v' } });
    expect(parseKvOp({ op: 'cas', key: 'k', expected: 'e', value: 'v' })).toEqual({ ok: true, value: { op: 'cas', key: 'k', expected: 'e', value: 'v' } });
    expect(parseKvOp({ op: 'put', key: 'k'.repeat(KEY_LENGTH_MAX), value: '' }).ok).toBe(true);
  });

  it('names the field that is wrong', () => {
    expect(problem(parseKvOp(null))).toBe('op: expected an object');
    expect(problem(parseKvOp([{ op: 'get', key: 'k' }]))).toBe('op: expected an object');
    expect(problem(parseKvOp('get k'))).toBe('op: expected an object');
    expect(problem(parseKvOp({ op: 'get', key: 'k'.repeat(KEY_LENGTH_MAX + 1) }))).toBe(`op.key: expected a string of at most ${KEY_LENGTH_MAX} characters`);
    expect(problem(parseKvOp({ op: 'get', key: 'k', value: 'v' }))).toBe('op: get takes exactly op and key');
    expect(problem(parseKvOp({ op: 'delete', key: 'k', x: 1 }))).toBe('op: delete takes exactly op and key');
    expect(problem(parseKvOp({ op: 'put', key: 'k' }))).toBe('op: put takes exactly op, key and value');
    expect(problem(parseKvOp({ op: 'append', key: 'k', value: 'v', x: 1 }))).toBe('op: append takes exactly op, key and value');
    expect(problem(parseKvOp({ op: 'put', key: 'k', value: 5 }))).toBe('op.value: expected a string');
    expect(problem(parseKvOp({ op: 'cas', key: 'k', value: 'v' }))).toBe('op: cas takes exactly op, key, expected and value');
    expect(problem(parseKvOp({ op: 'cas', key: 'k', expected: 1, value: 'v' }))).toBe('op.expected: expected a string or null');
    expect(problem(parseKvOp({ op: 'cas', key: 'k', expected: null, value: null }))).toBe('op.value: expected a string');
    expect(problem(parseKvOp({ op: 'incr', key: 'k' }))).toBe('op.op: expected one of get, put, append, cas, delete');
  });
});

describe('parseKvResult and canonicalResult', () => {
  it('accepts the three result shapes, rebuilt in canonical order', () => {
    expect(parseKvResult({ value: null, ok: true })).toEqual({ ok: true, value: { ok: true, value: null } });
    expect(parseKvResult({ ok: true, value: 'v' })).toEqual({ ok: true, value: { ok: true, value: 'v' } });
    expect(parseKvResult({ current: 'c', error: 'cas-mismatch', ok: false })).toEqual({ ok: true, value: { ok: false, error: 'cas-mismatch', current: 'c' } });
    expect(parseKvResult({ ok: false, error: 'session-expired' })).toEqual({ ok: true, value: { ok: false, error: 'session-expired' } });
    expect(JSON.stringify((parseKvResult({ current: null, error: 'cas-mismatch', ok: false }) as { value: unknown }).value)).toBe('{"ok":false,"error":"cas-mismatch","current":null}');
  });

  it('names what is wrong with a result', () => {
    expect(problem(parseKvResult(null))).toBe('result: expected an object');
    expect(problem(parseKvResult([true]))).toBe('result: expected an object');
    expect(problem(parseKvResult({ ok: true }))).toBe('result: expected {ok: true, value}');
    expect(problem(parseKvResult({ ok: true, value: 3 }))).toBe('result: expected {ok: true, value}');
    expect(problem(parseKvResult({ ok: true, value: 'v', error: 'x' }))).toBe('result: expected {ok: true, value}');
    expect(problem(parseKvResult({ ok: 'false', error: 'session-expired' }))).toBe('result.ok: expected a boolean');
    expect(problem(parseKvResult({ ok: false, error: 'cas-mismatch' }))).toBe('result: expected {ok: false, error: "cas-mismatch", current}');
    expect(problem(parseKvResult({ ok: false, error: 'cas-mismatch', current: 1 }))).toBe('result: expected {ok: false, error: "cas-mismatch", current}');
    expect(problem(parseKvResult({ ok: false, error: 'session-expired', current: null }))).toBe('result.error: expected cas-mismatch or session-expired');
    expect(problem(parseKvResult({ ok: false, error: 'timeout' }))).toBe('result.error: expected cas-mismatch or session-expired');
  });

  it('canonicalResult orders fields and drops none', () => {
    const text = (r: unknown) => JSON.stringify(canonicalResult(r as never));
    expect(text({ value: 'v', ok: true })).toBe('{"ok":true,"value":"v"}');
    expect(text({ current: null, error: 'cas-mismatch', ok: false })).toBe('{"ok":false,"error":"cas-mismatch","current":null}');
    expect(text({ error: 'session-expired', ok: false })).toBe('{"ok":false,"error":"session-expired"}');
  });
});
