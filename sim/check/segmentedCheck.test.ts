// Goal: the segmented check (checked as the history is made, forgotten segment by segment)
// gives the end-of-run checker's verdict on every history, holds only undecided operations,
// and says inconclusive or unknown (never ok) when it could not decide.
// Method: random key-value histories (a real state machine's answers in random
// concurrency windows, some outputs replaced by noise so that both verdicts are common)
// fed as call and return events in time order, compared with checkKvHistory on the whole
// history; hand-made histories for what a cut carries (several possible values), overflow,
// refused operations and spent budgets.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from '../../core/kv/stateMachine.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';
import type { Operation } from './history.ts';
import { kvModel, type KvObservation, type KvState } from './kvModel.ts';
import { checkKvHistory, endStates, toSearchOp, unknownTwins, type SearchOp } from './linearizability.ts';
import { expectSameVerdict } from '../../test/support/segmented.ts';
import { checkSegmented, SegmentedChecker, type SegmentedOptions } from './segmentedCheck.ts';

const ok = (value: string | null): KvResult => ({ ok: true, value });
const get = (key = 'x'): KvOp => ({ op: 'get', key });
const put = (value: string, key = 'x'): KvOp => ({ op: 'put', key, value });

/** Feeds `ops` as the run would (checkSegmented); unknown outcomes learned 30 µs after the call, or never. */
function feed(ops: readonly Operation[], opts: SegmentedOptions = {}, answersFirst = true, unknownLearned = true): ReturnType<typeof checkSegmented<KvState, KvOp, KvObservation>> {
  return checkSegmented(kvModel, ops, { ...opts, answersFirst, unknownAfterUs: unknownLearned ? 30 : null });
}

interface Step {
  key: number;
  kind: KvOp['op'];
  value: string;
  leadUs: number;
  lagUs: number;
  gapUs: number;
  noise: KvObservation | null | undefined;
  lost: boolean;
  tookEffect: boolean;
}

const NOISE: (KvObservation | null)[] = [ok(null), ok('a'), ok('b'), ok('ab'), null, { ok: false, error: 'cas-mismatch', current: 'a' }];
const arbStep = (keys: number): fc.Arbitrary<Step> => fc.record({
  key: fc.nat({ max: keys - 1 }),
  kind: fc.constantFrom<KvOp['op']>('get', 'get', 'put', 'append', 'cas', 'delete'),
  value: fc.constantFrom('a', 'b'),
  // Round numbers, so that one operation's return often equals another's call (closed
  // intervals: those two are concurrent, and no cut may fall between them).
  leadUs: fc.constantFrom(0, 5, 10, 20),
  lagUs: fc.constantFrom(0, 5, 10, 20),
  // Gaps between linearization points: often larger than the windows, so keys go quiet.
  gapUs: fc.constantFrom(5, 10, 10, 40, 80),
  // undefined: the machine's own answer; null: no answer (unknown outcome); else noise.
  noise: fc.oneof({ arbitrary: fc.constant(undefined), weight: 12 }, { arbitrary: fc.constantFrom(...NOISE), weight: 1 }),
  // No answer ever (a timeout): the operation took effect, or did not.
  lost: fc.nat({ max: 9 }).map((n) => n === 0),
  tookEffect: fc.boolean(),
});

/** A real state machine's answers at increasing points, in windows around them; some replaced by noise. */
function history(steps: readonly Step[]): Operation[] {
  const sm = new KvStateMachine();
  let point = 100;
  return steps.map((s, i) => {
    point += s.gapUs;
    const key = `k${s.key}`;
    const input: KvOp = s.kind === 'get' || s.kind === 'delete' ? { op: s.kind, key } : s.kind === 'cas' ? { op: 'cas', key, expected: 'a', value: s.value } : { op: s.kind, key, value: s.value };
    const result = !s.lost || s.tookEffect ? sm.apply({ clientId: sm.register(), seq: 1, op: input }) : null;
    const output = s.lost ? null : s.noise === undefined ? result : s.noise;
    return { clientId: i % 5, opId: i, input, call: point - s.leadUs, return: output === null ? Infinity : point + s.lagUs, output };
  });
}

describe('the segmented check against the whole-history checker', () => {
  it('gives the same verdict on random histories, cutting them into many segments', () => {
    const seen = { ok: 0, illegal: 0, cut: 0 };
    fc.assert(fc.property(fc.array(arbStep(3), { minLength: 1, maxLength: 60 }), fc.boolean(), fc.boolean(), (steps, answersFirst, unknownLearned) => {
      expectSameVerdict(kvModel, history(steps), { answersFirst, unknownAfterUs: unknownLearned ? 30 : null }, seen);
    }), { numRuns: 1500 });
    // Both verdicts common, and most histories really cut, or the comparison would prove little.
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.illegal).toBeGreaterThan(250);
    expect(seen.cut).toBeGreaterThan(700);
  });

  it('holds only the undecided operations of a long quiet history', () => {
    // 20,000 writes and reads on 10 keys, one at a time: every segment is one operation.
    const ops: Operation[] = [];
    for (let i = 0; i < 20_000; i++) {
      const key = `k${i % 10}`;
      const write = Math.floor(i / 10) % 2 === 0;
      ops.push({ clientId: 1, opId: i, input: write ? put(`v${i}`, key) : get(key), call: 10 * i, return: 10 * i + 5, output: ok(write ? `v${i}` : `v${i - 10}`) });
    }
    const r = feed(ops, { heldMax: 4 });
    expect(r.verdict).toBe('ok');
    expect(r.heldPeak).toBe(1);
    expect(r.segments).toBe(20_000);
  });
});

/**
 * Brute force: every order of `ops` that respects real time and the model from `start`,
 * each known operation placed once and each unknown one placed or not, stopped where the
 * last known one is placed: the state there and the unknown operations left (by opId).
 */
/**
 * Every end configuration, up to interchangeable operations: of unknown ones with equal
 * inputs (unknownTwins), the ones left unplaced are named as the latest called of their
 * kind, which is the one configuration endStates lists for all of them.
 */
function bruteEnds(ops: readonly SearchOp<KvOp, KvObservation>[], start: KvState): Set<string> {
  const out = new Set<string>();
  const twin = unknownTwins(ops);
  const kindOf = (i: number): number => (twin[i] < 0 ? i : kindOf(twin[i]));
  const members = new Map<number, number[]>();
  const byCall = ops.map((_, i) => i).sort((a, b) => ops[a].call - ops[b].call || a - b);
  for (const i of byCall) if (ops[i].ret === Infinity) members.set(kindOf(i), [...(members.get(kindOf(i)) ?? []), i]);
  const canonical = (left: readonly SearchOp<KvOp, KvObservation>[]): number[] => {
    const count = new Map<number, number>();
    for (const o of left) count.set(kindOf(ops.indexOf(o)), (count.get(kindOf(ops.indexOf(o))) ?? 0) + 1);
    const out: number[] = [];
    for (const [kind, n] of count) out.push(...(members.get(kind) as number[]).slice(-n));
    return out.sort((a, b) => a - b).map((i) => ops[i].op.opId);
  };
  const go = (rest: readonly SearchOp<KvOp, KvObservation>[], state: KvState): void => {
    if (rest.every((o) => o.ret === Infinity)) {
      out.add(`${JSON.stringify(state)}|${canonical(rest).join(',')}`);
      return;
    }
    rest.forEach((o, i) => {
      if (rest.some((p) => p.ret < o.call)) return;
      const step = kvModel.step(state, o.op.input, o.output);
      if (step.legal) go(rest.filter((_, j) => j !== i), step.next);
    });
  };
  go(ops, start);
  return out;
}

describe('endStates', () => {
  it('lists every configuration an order of the operations can end in, once, up to interchangeable operations (both the small search and the WGL search)', () => {
    const sizes = new Set<number>();
    let withUnknown = 0;
    fc.assert(fc.property(fc.array(arbStep(1), { minLength: 1, maxLength: 8 }), fc.constantFrom<KvState>(null, 'a', 'b'), (steps, start) => {
      // Squeezed so that they overlap; some with no answer (placed or not).
      const ops = history(steps.map((st) => ({ ...st, noise: st.noise === null ? undefined : st.noise, gapUs: 5 })))
        .map((o) => toSearchOp(kvModel, o))
        .filter((o) => o !== null);
      fc.pre(ops.length > 0);
      const r = endStates(kvModel, ops, start);
      if (r.kind !== 'ok') throw new Error('budget');
      const got = r.ends.map((e) => `${JSON.stringify(e.state)}|${[...e.unplaced].sort((a, b) => a - b).map((i) => ops[i].op.opId).join(',')}`);
      expect(new Set(got)).toEqual(bruteEnds(ops, start));
      expect(new Set(got).size).toBe(got.length);
      sizes.add(ops.length);
      if (ops.some((o) => o.ret === Infinity)) withUnknown++;
    }), { numRuns: 400 });
    expect(sizes.has(8)).toBe(true);
    expect(withUnknown).toBeGreaterThan(50);
  });
});

describe('what a cut carries', () => {
  it('carries every value overlapping writes can leave, and a later read of any of them is legal', () => {
    const writes = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      { clientId: 2, opId: 1, input: put('b'), call: 0, return: 10, output: ok('b') },
    ];
    for (const v of ['a', 'b']) {
      const r = feed([...writes, { clientId: 1, opId: 2, input: get(), call: 20, return: 30, output: ok(v) }]);
      expect(r.verdict).toBe('ok');
      expect(r.segments).toBe(2);
    }
  });

  it('explains a violation after a cut from the values the key could hold there', () => {
    const ops: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      { clientId: 2, opId: 1, input: put('b'), call: 0, return: 10, output: ok('b') },
      { clientId: 1, opId: 2, input: get(), call: 20, return: 30, output: ok('c') },
    ];
    const r = feed(ops);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.key).toBe('x');
    expect(r.illegal?.ops.map((o) => o.opId)).toEqual([2]);
    expect(r.illegal?.explanation).toMatch(/^The 2 earlier operations on this key \(up to 20 µs\) were checked as they finished; they leave its value as one of ("a", "b"|"b", "a") \(shown from the first\)\.\n/);
    expect(r.illegal?.explanation).toContain('#2 get("x")');
  });
});

describe('when a violation is known', () => {
  it('is reported the moment a closed segment proves it, at the call that cut it; one found at the end, by finish() only', () => {
    const seen: { key: string; atUs: number }[] = [];
    const onIllegal = (r: { key: string }, atUs: number): void => void seen.push({ key: r.key, atUs });
    const stale: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      { clientId: 2, opId: 1, input: get(), call: 20, return: 30, output: ok(null) },
      { clientId: 1, opId: 2, input: put('b', 'y'), call: 45, return: 50, output: ok('b') },
    ];
    const r = checkSegmented(kvModel, stale, { onIllegal });
    expect(r.verdict).toBe('illegal');
    expect(seen).toEqual([{ key: 'x', atUs: 45 }]);
    // Once, even when the call that closes the failing segment would close another failing one.
    seen.length = 0;
    const twoStale: Operation[] = [
      ...stale.slice(0, 2),
      { clientId: 3, opId: 3, input: put('c', 'y'), call: 0, return: 10, output: ok('c') },
      { clientId: 4, opId: 4, input: get('y'), call: 20, return: 30, output: ok(null) },
      { clientId: 5, opId: 5, input: get('y'), call: 45, return: 50, output: ok('c') },
    ];
    expect(checkSegmented(kvModel, twoStale, { onIllegal }).verdict).toBe('illegal');
    expect(seen).toHaveLength(1);
    // Nothing after the stale read: only the end of the history shows it.
    seen.length = 0;
    expect(checkSegmented(kvModel, stale.slice(0, 2), { onIllegal }).verdict).toBe('illegal');
    expect(seen).toEqual([]);
  });
});

describe('where a cut may fall', () => {
  it('never between an operation that returns at t and one called at t (they are concurrent)', () => {
    // The read may take effect before the write: legal whole, and it must stay legal.
    const ops: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      { clientId: 2, opId: 1, input: get(), call: 10, return: 20, output: ok(null) },
    ];
    expect(checkKvHistory(ops).verdict).toBe('ok');
    for (const tieAnswersFirst of [true, false]) expect(feed(ops, {}, tieAnswersFirst).verdict).toBe('ok');
  });
});

describe('when the check cannot decide', () => {
  it('keeps a key whose write has an unknown outcome whole, so the write may take effect late', () => {
    // put(a) times out; reads long after see a, then b, then a write of b lands: legal only
    // because the unknown write may take effect at any time after its call.
    const ops: Operation[] = [
      { clientId: 1, opId: 0, input: put('b'), call: 0, return: 10, output: ok('b') },
      { clientId: 2, opId: 1, input: put('a'), call: 20, return: Infinity, output: null },
      { clientId: 3, opId: 2, input: get(), call: 100, return: 110, output: ok('b') },
      { clientId: 3, opId: 3, input: get(), call: 200, return: 210, output: ok('a') },
    ];
    const r = feed(ops);
    expect(r.verdict).toBe('ok');
    expect(checkKvHistory(ops).verdict).toBe('ok');
  });

  it('lets a write with no answer never take effect, across cuts', () => {
    const ops: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      // feed() reports this one unknown at 50 µs.
      { clientId: 2, opId: 2, input: put('z'), call: 20, return: Infinity, output: null },
      { clientId: 3, opId: 1, input: get(), call: 100, return: 110, output: ok('a') },
      { clientId: 3, opId: 3, input: get(), call: 200, return: 210, output: ok('a') },
    ];
    expect(checkKvHistory(ops).verdict).toBe('ok');
    expect(feed(ops).verdict).toBe('ok');
  });

  it('carries a write with no answer across cuts: it may land late, but once seen it cannot be unseen', () => {
    const base: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      { clientId: 2, opId: 2, input: put('z'), call: 20, return: Infinity, output: null },
      { clientId: 3, opId: 1, input: get(), call: 100, return: 110, output: ok('a') },
    ];
    const late = [...base, { clientId: 3, opId: 3, input: get(), call: 200, return: 210, output: ok('z') }];
    const unseen = [...late, { clientId: 3, opId: 5, input: get(), call: 300, return: 310, output: ok('a') }];
    for (const [h, verdict] of [[late, 'ok'], [unseen, 'illegal']] as const) {
      expect(checkKvHistory(h).verdict).toBe(verdict);
      const r = feed(h);
      expect(r.verdict).toBe(verdict);
      // Cut at every quiet point, the write without an answer notwithstanding.
      expect(r.segments).toBe(h.length);
    }
  });

  it('holds little when writes time out now and then', () => {
    // 5,000 operations on 20 keys, one at a time; one operation in 97 is a write that gets
    // no answer (and half of those took effect: the reads see what the store holds). Held
    // whole from its first unanswered write, as before, a key would keep ~200 operations.
    const ops: Operation[] = [];
    const value = new Map<string, string | null>();
    for (let i = 0; i < 5_000; i++) {
      const key = `k${i % 20}`;
      const write = Math.floor(i / 20) % 2 === 0;
      const lost = write && i % 97 === 0;
      if (write && (!lost || i % 2 === 0)) value.set(key, `v${i}`);
      ops.push({ clientId: 1, opId: i, input: write ? put(`v${i}`, key) : get(key), call: 10 * i, return: lost ? Infinity : 10 * i + 5, output: lost ? null : ok(write ? `v${i}` : value.get(key) ?? null) });
    }
    const r = feed(ops);
    expect(r.verdict).toBe('ok');
    expect(r.heldPeak).toBeLessThan(50);
  });

  it('is inconclusive past heldMax, and leaves answers after the overflow unknown', () => {
    const ops: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: Infinity, output: null },
      { clientId: 2, opId: 1, input: get(), call: 10, return: 100, output: ok('b') },
      // Not recorded (full): the write the read above returns.
      { clientId: 3, opId: 2, input: put('b'), call: 20, return: 30, output: ok('b') },
    ];
    const r = feed(ops, { heldMax: 2 });
    expect(r.overflow).toBe(true);
    expect(r.verdict).toBe('inconclusive');
  });

  it('still finds a violation in what it recorded before the overflow', () => {
    // The stale read overlaps a write still in flight, so x's segment is open (two held)
    // when y's call overflows the check; the write's answer comes after, so it is unknown.
    const ops: Operation[] = [
      { clientId: 1, opId: 0, input: put('a'), call: 0, return: 10, output: ok('a') },
      { clientId: 2, opId: 1, input: get(), call: 20, return: 30, output: ok(null) },
      { clientId: 3, opId: 2, input: put('b'), call: 25, return: 200, output: ok('b') },
      { clientId: 4, opId: 3, input: put('c', 'y'), call: 40, return: 60, output: ok('c') },
    ];
    const r = feed(ops, { heldMax: 2 });
    expect(r.overflow).toBe(true);
    expect(r.verdict).toBe('illegal');
  });

  it('says unknown, naming the key, when a segment spends its budget', () => {
    const ops: Operation[] = [];
    for (let i = 0; i < 12; i++) ops.push({ clientId: i, opId: i, input: put(`v${i}`), call: 0, return: 100, output: ok(`v${i}`) });
    ops.push({ clientId: 0, opId: 12, input: get(), call: 200, return: 210, output: ok('v3') });
    const r = feed(ops, { segmentSteps: 50 });
    expect(r.verdict).toBe('unknown');
    // Too costly to enumerate within 50 steps: held, then the search for one order at the
    // end spends its 50 steps too.
    expect(r.reason).toMatch(/the search of key x's last 13 operations spent its budget of 50 steps/);
  });

  it('leaves refused operations out of the history', () => {
    const checker = new SegmentedChecker(kvModel);
    checker.invoke(0, 1, 0, put('a'));
    checker.complete(0, 5, null, 'refused');
    checker.invoke(1, 2, 10, get());
    checker.complete(1, 20, ok(null));
    expect(checker.finish().verdict).toBe('ok');
  });
});
