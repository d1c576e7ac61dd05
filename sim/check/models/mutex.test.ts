// Goal: the mutex model gives Knossos's verdicts (src/knossos/model.clj, Mutex: an acquire
// of a held lock and a release of a free one are inconsistent) through the generic checker,
// with refused, unseen and unknown outcomes, named locks checked apart, and the segmented
// checker agreeing with one search.
// Method: small hand-worked histories with both verdicts; the generated ones (linearizable
// by construction, then mutated and held to a brute-force search) are in models.test.ts.
import { describe, expect, it } from 'vitest';
import type { Operation } from '../history.ts';
import { checkHistory } from '../linearizability.ts';
import { checkSegmented } from '../segmentedCheck.ts';
import { mutexModel, type MutexInput, type MutexOutput } from './mutex.ts';

function op(opId: number, input: MutexInput, call: number, ret: number, output: MutexOutput | null): Operation<MutexInput, MutexOutput> {
  return { clientId: opId, opId, input, call, return: ret, output };
}

const acquire: MutexInput = { op: 'acquire' };
const release: MutexInput = { op: 'release' };
const ok: MutexOutput = { ok: true };
const refused: MutexOutput = { ok: false };
const check = (h: Operation<MutexInput, MutexOutput>[]) => checkHistory(mutexModel, h).verdict;

describe('mutex model, hand-worked', () => {
  it('accepts acquire, release, acquire in turn, and overlapping ones in an order that works', () => {
    expect(check([op(1, acquire, 0, 10, ok), op(2, release, 20, 30, ok), op(3, acquire, 40, 50, ok)])).toBe('ok');
    // Two acquires overlap a release: release must come between them.
    expect(check([op(1, acquire, 0, 10, ok), op(2, acquire, 20, 50, ok), op(3, release, 15, 40, ok)])).toBe('ok');
  });

  it('rejects two holders at once and a release of a free lock (Knossos: "already held", "not held")', () => {
    const r = checkHistory(mutexModel, [op(1, acquire, 0, 10, ok), op(2, acquire, 20, 30, ok)]);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.explanation).toContain('acquire() observed ok, but from held it would return refused');
    expect(check([op(1, release, 0, 10, ok)])).toBe('illegal');
    expect(check([op(1, acquire, 0, 10, ok), op(2, release, 20, 30, ok), op(3, release, 40, 50, ok)])).toBe('illegal');
  });

  it('leaves out a refused operation, and lets an unknown one take effect only where the lock allows, or never', () => {
    // A refused acquire (Jepsen :fail) did nothing: the next acquire is fine.
    expect(check([op(1, acquire, 0, 10, refused), op(2, acquire, 20, 30, ok)])).toBe('ok');
    // An acquire of unknown outcome may have taken the lock before the second acquire...
    expect(check([op(1, acquire, 0, Infinity, null), op(2, acquire, 20, 30, ok)])).toBe('ok');
    // ...and it can explain one release, never two.
    expect(check([op(1, acquire, 0, Infinity, null), op(2, release, 20, 30, ok)])).toBe('ok');
    expect(check([op(1, acquire, 0, Infinity, null), op(2, release, 20, 30, ok), op(3, release, 40, 50, ok)])).toBe('illegal');
    // An acquire whose answer was lost may have been refused: it does not force two holders.
    expect(check([op(1, acquire, 0, 10, ok), op(2, acquire, 20, 30, null), op(3, release, 40, 50, ok), op(4, acquire, 60, 70, ok)])).toBe('ok');
  });

  it('checks named locks apart, and the segmented check agrees', () => {
    const a: MutexInput = { op: 'acquire', key: 'a' };
    const b: MutexInput = { op: 'acquire', key: 'b' };
    const r = checkHistory(mutexModel, [op(1, a, 0, 10, ok), op(2, b, 20, 30, ok)]);
    expect([r.verdict, r.partitions]).toEqual(['ok', 2]);
    const bad = [op(1, a, 0, 10, ok), op(2, b, 20, 30, ok), op(3, { op: 'release', key: 'b' }, 40, 50, ok), op(4, a, 60, 70, ok)];
    const seg = checkSegmented(mutexModel, bad);
    expect(seg.verdict).toBe('illegal');
    expect(seg.illegal?.key).toBe('a');
    expect(checkHistory(mutexModel, bad).verdict).toBe('illegal');
  });
});
