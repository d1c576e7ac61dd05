// Goal: every key-value operation has the documented sequential semantics.
// Method: table of (current value, op) -> (expected result, expected next value), plus a
// check that results compare by field, not by reference.
import { describe, expect, it } from 'vitest';
import { applyKvOp, kvOpWrites, kvResultsEqual } from './applyOp.ts';
import type { KvOp, KvResult } from './types.ts';

const cases: Array<[string, string | null, KvOp, KvResult, string | null]> = [
  ['get of a missing key is null', null, { op: 'get', key: 'k' }, { ok: true, value: null }, null],
  ['get returns the value', 'v', { op: 'get', key: 'k' }, { ok: true, value: 'v' }, 'v'],
  ['put returns the new value', 'old', { op: 'put', key: 'k', value: 'new' }, { ok: true, value: 'new' }, 'new'],
  ['append to a missing key starts from empty', null, { op: 'append', key: 'k', value: 'ab' }, { ok: true, value: 'ab' }, 'ab'],
  ['append concatenates', 'ab', { op: 'append', key: 'k', value: 'cd' }, { ok: true, value: 'abcd' }, 'abcd'],
  ['cas with matching value swaps', 'a', { op: 'cas', key: 'k', expected: 'a', value: 'b' }, { ok: true, value: 'b' }, 'b'],
  ['cas expecting null creates', null, { op: 'cas', key: 'k', expected: null, value: 'b' }, { ok: true, value: 'b' }, 'b'],
  ['cas mismatch leaves the value and reports it', 'x', { op: 'cas', key: 'k', expected: 'a', value: 'b' }, { ok: false, error: 'cas-mismatch', current: 'x' }, 'x'],
  ['cas expecting a value on a missing key fails', null, { op: 'cas', key: 'k', expected: 'a', value: 'b' }, { ok: false, error: 'cas-mismatch', current: null }, null],
  ['delete returns the old value', 'v', { op: 'delete', key: 'k' }, { ok: true, value: 'v' }, null],
  ['delete of a missing key returns null', null, { op: 'delete', key: 'k' }, { ok: true, value: null }, null],
];

describe('applyKvOp', () => {
  for (const [name, current, op, result, next] of cases) {
    it(name, () => {
      const step = applyKvOp(current, op);
      expect(step.result).toEqual(result);
      expect(step.next).toBe(next);
    });
  }
});

describe('kvResultsEqual', () => {
  it('compares values and errors field by field', () => {
    expect(kvResultsEqual({ ok: true, value: 'a' }, { ok: true, value: 'a' })).toBe(true);
    expect(kvResultsEqual({ ok: true, value: 'a' }, { ok: true, value: null })).toBe(false);
    expect(kvResultsEqual({ ok: false, error: 'cas-mismatch', current: 'a' }, { ok: false, error: 'cas-mismatch', current: 'a' })).toBe(true);
    expect(kvResultsEqual({ ok: false, error: 'cas-mismatch', current: 'a' }, { ok: false, error: 'cas-mismatch', current: 'b' })).toBe(false);
    expect(kvResultsEqual({ ok: false, error: 'cas-mismatch', current: null }, { ok: false, error: 'session-expired' })).toBe(false);
    expect(kvResultsEqual({ ok: true, value: null }, { ok: false, error: 'session-expired' })).toBe(false);
    expect(kvResultsEqual({ ok: false, error: 'session-expired' }, { ok: false, error: 'session-expired' })).toBe(true);
  });
});

describe('kvOpWrites', () => {
  it('is false for a get and true for every op that can change the key', () => {
    expect(kvOpWrites({ op: 'get', key: 'k' })).toBe(false);
    for (const op of [{ op: 'put', key: 'k', value: 'v' }, { op: 'append', key: 'k', value: 'v' }, { op: 'cas', key: 'k', expected: null, value: 'v' }, { op: 'delete', key: 'k' }] as KvOp[]) {
      expect(kvOpWrites(op)).toBe(true);
    }
  });
});
