// Goal: the checker's per-key model agrees with the real state machine and treats unknown
// and read-only outcomes as documented.
// Method: a fast-check property that runs random operations through KvStateMachine and
// through kvModelStep side by side, plus direct cases for unknown outputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from '../../core/kv/stateMachine.ts';
import type { KvOp } from '../../core/kv/types.ts';
import { isReadOnly, isUnknownOutput, KV_INITIAL_STATE, kvModelStep, kvSpec } from './kvModel.ts';
import type { KvState } from './kvModel.ts';

const arbOp: fc.Arbitrary<KvOp> = fc.oneof(
  fc.constant<KvOp>({ op: 'get', key: 'k' }),
  fc.constant<KvOp>({ op: 'delete', key: 'k' }),
  fc.constantFrom('a', 'b').map((value): KvOp => ({ op: 'put', key: 'k', value })),
  fc.constantFrom('a', 'b').map((value): KvOp => ({ op: 'append', key: 'k', value })),
  fc.record({ expected: fc.option(fc.constantFrom('a', 'b', 'ab'), { nil: null }), value: fc.constantFrom('a', 'b') })
    .map(({ expected, value }): KvOp => ({ op: 'cas', key: 'k', expected, value })),
);

describe('kvModelStep', () => {
  it('accepts exactly what the state machine answers and follows its state', () => {
    fc.assert(fc.property(fc.array(arbOp, { maxLength: 40 }), (ops) => {
      const sm = new KvStateMachine();
      const session = sm.register();
      let state: KvState = KV_INITIAL_STATE;
      ops.forEach((input, i) => {
        const result = sm.apply({ clientId: session, seq: i + 1, op: input });
        const step = kvModelStep(state, input, result);
        expect(step.legal).toBe(true);
        state = step.next;
        expect(state).toBe(sm.read('k'));
        expect(kvModelStep(state === 'zz' ? 'yy' : 'zz', { op: 'get', key: 'k' }, { ok: true, value: state }).legal).toBe(false);
      });
    }));
  });

  it('is its own specification, not the store\'s code: each operation\'s meaning pinned by hand', () => {
    // The model no longer calls core/kv's applyKvOp, so a bug there (an append that
    // prepends, a cas that compares the wrong way) shows as a linearizability violation.
    const cases: [string | null, KvOp, unknown, string | null][] = [
      [null, { op: 'get', key: 'k' }, { ok: true, value: null }, null],
      ['x', { op: 'put', key: 'k', value: 'y' }, { ok: true, value: 'y' }, 'y'],
      [null, { op: 'append', key: 'k', value: 'b' }, { ok: true, value: 'b' }, 'b'],
      ['a', { op: 'append', key: 'k', value: 'b' }, { ok: true, value: 'ab' }, 'ab'],
      ['', { op: 'append', key: 'k', value: 'b' }, { ok: true, value: 'b' }, 'b'],
      [null, { op: 'cas', key: 'k', expected: null, value: 'v' }, { ok: true, value: 'v' }, 'v'],
      ['', { op: 'cas', key: 'k', expected: null, value: 'v' }, { ok: false, error: 'cas-mismatch', current: '' }, ''],
      ['a', { op: 'cas', key: 'k', expected: 'b', value: 'v' }, { ok: false, error: 'cas-mismatch', current: 'a' }, 'a'],
      ['a', { op: 'delete', key: 'k' }, { ok: true, value: 'a' }, null],
    ];
    for (const [current, op, result, next] of cases) expect(kvSpec(current, op), JSON.stringify([current, op])).toEqual({ result, next });
    expect(kvModelStep('a', { op: 'append', key: 'k', value: 'b' }, { ok: true, value: 'ba' }).legal).toBe(false);
  });

  it('lets an unknown output take effect without constraining it', () => {
    const step = kvModelStep('a', { op: 'append', key: 'k', value: 'b' }, null);
    expect(step).toEqual({ legal: true, next: 'ab', expected: { ok: true, value: 'ab' } });
  });

  it('keeps the state on an illegal step', () => {
    const step = kvModelStep('a', { op: 'put', key: 'k', value: 'b' }, { ok: true, value: 'c' });
    expect(step.legal).toBe(false);
    expect(step.next).toBe('a');
  });

  it('classifies unknown and read-only outcomes', () => {
    expect(isUnknownOutput(null)).toBe(true);
    expect(isUnknownOutput({ ok: false, error: 'session-expired' })).toBe(true);
    expect(isUnknownOutput({ ok: false, error: 'cas-mismatch', current: null })).toBe(false);
    expect(isReadOnly({ op: 'get', key: 'k' }, { ok: true, value: null })).toBe(true);
    expect(isReadOnly({ op: 'cas', key: 'k', expected: 'a', value: 'b' }, { ok: false, error: 'cas-mismatch', current: null })).toBe(true);
    expect(isReadOnly({ op: 'cas', key: 'k', expected: 'a', value: 'b' }, null)).toBe(false);
    expect(isReadOnly({ op: 'put', key: 'k', value: 'b' }, { ok: true, value: 'b' })).toBe(false);
  });
});
