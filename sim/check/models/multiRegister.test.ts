// Goal: the multi-register model gives Knossos's verdicts (src/knossos/model.clj,
// MultiRegister: a transaction's micro-ops apply in order at one point; a read with a value
// must see the register's, a read without one constrains nothing) through the generic
// checker, with the registers' initial value, refusals, unknown outcomes, and answers that
// do not match their transaction; and the segmented checker agrees with one search.
// Method: small hand-worked histories with both verdicts; the generated ones (linearizable
// by construction, then mutated and held to a brute-force search) are in models.test.ts.
import { describe, expect, it } from 'vitest';
import type { Operation } from '../history.ts';
import { checkHistory } from '../linearizability.ts';
import { checkSegmented } from '../segmentedCheck.ts';
import { multiRegisterModel, multiRegisterModelWith, type MicroOp, type MultiRegisterInput, type MultiRegisterOutput } from './multiRegister.ts';
import type { RegisterValue } from './register.ts';

type Op = Operation<MultiRegisterInput, MultiRegisterOutput>;

const r = (key: string, value?: RegisterValue): MicroOp => (value === undefined ? { f: 'r', key } : { f: 'r', key, value });
const w = (key: string, value: RegisterValue): MicroOp => ({ f: 'w', key, value });

/** A transaction that returned `done` (its micro-ops with what the reads saw); its input has the reads' values dropped. */
function txn(opId: number, call: number, ret: number, done: MicroOp[] | null): Op {
  const input = { op: 'txn' as const, txn: (done ?? []).map((m) => (m.f === 'r' ? r(m.key) : m)) };
  return { clientId: opId, opId, input, call, return: ret, output: done === null ? null : { ok: true, txn: done } };
}

const check = (h: Op[], initial: RegisterValue = null) => checkHistory(multiRegisterModelWith(initial), h).verdict;

describe('multi-register model, hand-worked', () => {
  it('applies a transaction atomically: a read sees all of a write transaction or none of it', () => {
    const both = txn(1, 0, 100, [w('x', 1), w('y', 1)]);
    expect(check([both, txn(2, 10, 90, [r('x', 1), r('y', 1)])])).toBe('ok');
    expect(check([both, txn(2, 10, 90, [r('x', null), r('y', null)])])).toBe('ok');
    // Half of it: no point in time shows x = 1 and y = null.
    const half = checkHistory(multiRegisterModel, [both, txn(2, 10, 90, [r('x', 1), r('y', null)])]);
    expect(half.verdict).toBe('illegal');
    expect(half.illegal?.explanation).toContain('txn(r "x", r "y") observed [r "x" 1, r "y" null], but from {"x": 1, "y": 1, others null} it would return [r "x" 1, r "y" 1]');
  });

  it('reads a transaction\'s own earlier writes, in order', () => {
    expect(check([txn(1, 0, 10, [r('x', null), w('x', 2), r('x', 2), w('x', 3)]), txn(2, 20, 30, [r('x', 3)])])).toBe('ok');
    expect(check([txn(1, 0, 10, [w('x', 2), r('x', null)])])).toBe('illegal');
    expect(check([txn(1, 0, 10, [r('x', 2), w('x', 2)])])).toBe('illegal');
  });

  it('takes a read without a value as no observation (Knossos: nil reads are always legal), and a null one as a value', () => {
    const wrote = txn(1, 0, 10, [w('x', 5)]);
    expect(check([wrote, txn(2, 20, 30, [r('x')])])).toBe('ok');
    expect(check([wrote, txn(2, 20, 30, [r('x', null)])])).toBe('illegal');
    expect(check([wrote, txn(2, 20, 30, [r('x', 4)])])).toBe('illegal');
  });

  it('starts every register at the initial value', () => {
    // Knossos's multi-register test starts x and y at 0.
    expect(check([txn(1, 0, 10, [r('x', 0), r('y', 0)])], 0)).toBe('ok');
    expect(check([txn(1, 0, 10, [r('x', 0), r('y', 0)])])).toBe('illegal');
    // A register written back to the initial value is the same state as one never written.
    const m = multiRegisterModelWith(0);
    const back = m.step(m.step(m.init(), { op: 'txn', txn: [w('x', 1)] }, null).next, { op: 'txn', txn: [w('x', 0)] }, null).next;
    expect(m.equal?.(back, m.init())).toBe(true);
    expect(m.hash?.(back)).toBe(m.hash?.(m.init()));
  });

  it('leaves out a refused transaction, lets an unknown one take effect or not, and rejects an answer to another transaction', () => {
    const refused: Op = { ...txn(1, 0, 10, [w('x', 1)]), output: { ok: false } };
    expect(check([refused, txn(2, 20, 30, [r('x', null)])])).toBe('ok');
    expect(check([refused, txn(2, 20, 30, [r('x', 1)])])).toBe('illegal');
    const unknown: Op = { ...txn(1, 0, Infinity, [w('x', 1)]), output: null };
    expect(check([unknown, txn(2, 20, 30, [r('x', null)]), txn(3, 40, 50, [r('x', 1)])])).toBe('ok');
    expect(check([unknown, txn(2, 20, 30, [r('x', 1)]), txn(3, 40, 50, [r('x', null)])])).toBe('illegal');
    // The answer lists other micro-ops than were asked: no multi-register answers so.
    const mismatched: Op = { ...txn(1, 0, 10, [w('x', 1)]), output: { ok: true, txn: [w('y', 1)] } };
    expect(check([mismatched])).toBe('illegal');
  });

  it('is one partition across keys unless a key names the multi-register, and the segmented check agrees', () => {
    const h = [txn(1, 0, 10, [w('x', 1)]), txn(2, 20, 30, [w('y', 2)]), txn(3, 40, 50, [r('x', 1), r('y', 2)])];
    expect(checkHistory(multiRegisterModel, h).partitions).toBe(1);
    const seg = checkSegmented(multiRegisterModel, h);
    expect([seg.verdict, seg.partitions, seg.segments]).toEqual(['ok', 1, 3]);
    const stale = [...h, txn(4, 60, 70, [r('x', null)])];
    expect(checkSegmented(multiRegisterModel, stale).verdict).toBe('illegal');
    const named = h.map((o, i) => ({ ...o, input: { ...o.input, key: i === 2 ? 'b' : 'a' } }));
    expect(checkHistory(multiRegisterModel, named).verdict).toBe('illegal');
  });
});
