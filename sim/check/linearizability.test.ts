// Goal: checkKvHistory accepts exactly the linearizable key-value histories, handles
// unknown outcomes, partitions by key, respects its budget, and explains failures.
// Method: hand-made histories with known verdicts; fast-check properties over histories
// produced by running the real KvStateMachine with random concurrency windows (always
// 'ok'), the same with one read corrupted (always 'illegal'), and tiny random histories
// compared against a brute-force search over all real-time-respecting orders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KvStateMachine } from '../../core/kv/stateMachine.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';
import type { Operation } from './history.ts';
import { isReadOnly, isUnknownOutput, KV_INITIAL_STATE, kvModelStep } from './kvModel.ts';
import type { KvObservation, KvState } from './kvModel.ts';
import { describeOperation } from './explain.ts';
import { checkKvHistory } from './linearizability.ts';

function op(opId: number, clientId: number, input: KvOp, call: number, ret: number, output: KvObservation | null): Operation {
  return { clientId, opId, input, call, return: ret, output };
}
const ok = (value: string | null): KvResult => ({ ok: true, value });
const get = (key = 'x'): KvOp => ({ op: 'get', key });
const put = (value: string, key = 'x'): KvOp => ({ op: 'put', key, value });

describe('hand-made histories', () => {
  it('accepts a sequential history of every operation', () => {
    const h = [
      op(1, 1, put('1'), 0, 10, ok('1')),
      op(2, 1, get(), 20, 30, ok('1')),
      op(3, 1, { op: 'append', key: 'x', value: '2' }, 40, 50, ok('12')),
      op(4, 1, { op: 'cas', key: 'x', expected: '12', value: '3' }, 60, 70, ok('3')),
      op(5, 1, { op: 'cas', key: 'x', expected: '12', value: '4' }, 80, 90, { ok: false, error: 'cas-mismatch', current: '3' }),
      op(6, 1, { op: 'delete', key: 'x' }, 100, 110, ok('3')),
      op(7, 1, get(), 120, 130, ok(null)),
    ];
    const r = checkKvHistory(h);
    expect(r.verdict).toBe('ok');
    expect(r.partitions).toBe(1);
    expect(r.checkedOps).toBe(7);
    expect(r.illegal).toBeUndefined();
  });

  it('accepts concurrent operations that only some orders explain', () => {
    const h = [
      op(1, 1, put('1'), 0, 100, ok('1')),
      op(2, 2, put('2'), 0, 100, ok('2')),
      op(3, 3, get(), 10, 20, ok(null)),
      op(4, 3, get(), 30, 40, ok('2')),
      op(5, 3, get(), 50, 60, ok('1')),
      op(6, 4, get(), 110, 120, ok('1')),
    ];
    expect(checkKvHistory(h).verdict).toBe('ok');
  });

  it('treats a return and a call at the same instant as concurrent', () => {
    const h = [op(1, 1, put('1'), 0, 10, ok('1')), op(2, 2, get(), 10, 20, ok(null))];
    expect(checkKvHistory(h).verdict).toBe('ok');
  });

  it('rejects a stale read and names the operations in the explanation', () => {
    const h = [
      op(1, 1, put('1'), 0, 10, ok('1')),
      op(2, 2, get(), 20, 30, ok(null)),
    ];
    const r = checkKvHistory(h);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.key).toBe('x');
    expect(r.illegal?.ops.map((o) => o.opId)).toEqual([1, 2]);
    const text = r.illegal?.explanation ?? '';
    expect(text).toContain('#1 client 1 [0 .. 10 µs] put("x", "1") -> "1"');
    expect(text).toContain('#2 client 2 [20 .. 30 µs] get("x") -> null');
    expect(text).toContain('Longest linearizable prefix found (1 of 2): #1 put("x", "1") -> "1"; the value is then "1".');
    expect(text).toContain('#2 get("x") observed null, but from "1" it would return "1"');
  });

  it('rejects a lost write', () => {
    const h = [
      op(1, 1, { op: 'append', key: 'x', value: 'a' }, 0, 10, ok('a')),
      op(2, 2, { op: 'append', key: 'x', value: 'b' }, 20, 30, ok('ab')),
      op(3, 1, { op: 'append', key: 'x', value: 'c' }, 40, 50, ok('ac')),
    ];
    const r = checkKvHistory(h);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.explanation).toContain('#3 append("x", "c") observed "ac", but from "ab" it would return "abc"');
  });

  it('accepts an unknown-outcome write whether or not it took effect', () => {
    const base = [op(1, 1, put('1'), 0, 10, ok('1')), op(2, 2, put('2'), 20, Infinity, null)];
    expect(checkKvHistory([...base, op(3, 3, get(), 30, 40, ok('2'))]).verdict).toBe('ok');
    expect(checkKvHistory([...base, op(3, 3, get(), 30, 40, ok('1'))]).verdict).toBe('ok');
    expect(checkKvHistory([...base, op(3, 3, get(), 30, 40, ok('1')), op(4, 3, get(), 50, 60, ok('2'))]).verdict).toBe('ok');
    expect(checkKvHistory([...base, op(3, 3, get(), 30, 40, ok('2')), op(4, 3, get(), 50, 60, ok('1'))]).verdict).toBe('illegal');
  });

  it('never places an unknown-outcome write before its call', () => {
    const h = [op(1, 1, get(), 0, 10, ok('2')), op(2, 2, put('2'), 20, Infinity, null)];
    expect(checkKvHistory(h).verdict).toBe('illegal');
  });

  it('treats session-expired as unknown and drops unknown reads', () => {
    const h = [
      op(1, 1, put('1'), 0, 10, { ok: false, error: 'session-expired' }),
      op(2, 2, get(), 20, 30, ok('1')),
      op(3, 3, get(), 5, Infinity, null),
    ];
    const r = checkKvHistory(h);
    expect(r.verdict).toBe('ok');
    expect(r.checkedOps).toBe(2);
  });

  it('holds a failed cas to the value it reports', () => {
    const mismatch = (current: string | null): KvResult => ({ ok: false, error: 'cas-mismatch', current });
    const cas: KvOp = { op: 'cas', key: 'x', expected: '0', value: '5' };
    expect(checkKvHistory([op(1, 1, put('1'), 0, 10, ok('1')), op(2, 2, cas, 20, 30, mismatch('1')), op(3, 1, get(), 40, 50, ok('1'))]).verdict).toBe('ok');
    expect(checkKvHistory([op(1, 1, put('1'), 0, 10, ok('1')), op(2, 2, cas, 20, 30, mismatch('7'))]).verdict).toBe('illegal');
    expect(checkKvHistory([op(1, 1, put('0'), 0, 10, ok('0')), op(2, 2, cas, 20, 30, mismatch('0'))]).verdict).toBe('illegal');
  });

  it('accepts partial observations: a failed cas without its value, a write returned unseen', () => {
    const bare: KvObservation = { ok: false, error: 'cas-mismatch' };
    const cas: KvOp = { op: 'cas', key: 'x', expected: '0', value: '5' };
    expect(checkKvHistory([op(1, 1, put('1'), 0, 10, ok('1')), op(2, 2, cas, 20, 30, bare), op(3, 1, get(), 40, 50, ok('1'))]).verdict).toBe('ok');
    expect(checkKvHistory([op(1, 1, put('0'), 0, 10, ok('0')), op(2, 2, cas, 20, 30, bare)]).verdict).toBe('illegal');
    // A put that returned at 30 with its answer unseen took effect by then.
    const unseen = [op(1, 1, put('1'), 0, 10, ok('1')), op(2, 2, put('2'), 20, 30, null)];
    expect(checkKvHistory([...unseen, op(3, 3, get(), 40, 50, ok('2'))]).verdict).toBe('ok');
    expect(checkKvHistory([...unseen, op(3, 3, get(), 40, 50, ok('1'))]).verdict).toBe('illegal');
    expect(describeOperation(unseen[1])).toBe('#2 client 2 [20 .. 30 µs] put("x", "2") -> answer not seen');
  });

  it('rejects malformed operations and options with a clear Error', () => {
    expect(() => checkKvHistory([op(1, 1, get(), 10, 5, ok(null))])).toThrow(/returns \(5\) before its call \(10\)/);
    expect(() => checkKvHistory([op(1, 1, get(), NaN, 5, ok(null))])).toThrow(/non-finite call/);
    expect(() => checkKvHistory([], { maxSteps: -1 })).toThrow(/maxSteps/);
  });
});

/** A random workload step: the op, its concurrency window and its fate. */
interface GenStep {
  key: number;
  kind: KvOp['op'];
  value: string;
  expected: string | null;
  leadUs: number;
  lagUs: number;
  unknown: boolean;
  tookEffect: boolean;
}

const VALUES = ['a', 'b', 'c'];
const arbGenStep = (keys: number): fc.Arbitrary<GenStep> => fc.record({
  key: fc.nat({ max: keys - 1 }),
  kind: fc.constantFrom('get', 'get', 'put', 'append', 'cas', 'delete'),
  value: fc.constantFrom(...VALUES),
  expected: fc.option(fc.constantFrom(...VALUES, 'ab', 'ba'), { nil: null }),
  leadUs: fc.nat({ max: 40 }),
  lagUs: fc.nat({ max: 40 }),
  unknown: fc.nat({ max: 5 }).map((n) => n === 0),
  tookEffect: fc.boolean(),
});

function toOp(s: GenStep): KvOp {
  const key = `k${s.key}`;
  switch (s.kind) {
    case 'get': return { op: 'get', key };
    case 'delete': return { op: 'delete', key };
    case 'put': return { op: 'put', key, value: s.value };
    case 'append': return { op: 'append', key, value: s.value };
    case 'cas': return { op: 'cas', key, expected: s.expected, value: s.value };
  }
}

/**
 * Runs the steps on a real state machine at linearization points 10 µs apart and wraps
 * each in a window [point - lead, point + lag]. An unknown step returns never and, when
 * it did not take effect, is not applied at all.
 */
function linearizableHistory(steps: readonly GenStep[]): Operation[] {
  const sm = new KvStateMachine();
  return steps.map((s, i) => {
    const pointUs = 100 + 10 * i;
    const input = toOp(s);
    const applied = !s.unknown || s.tookEffect;
    const result = applied ? sm.apply({ clientId: sm.register(), seq: 1, op: input }) : null;
    return op(i, i % 7, input, pointUs - s.leadUs, s.unknown ? Infinity : pointUs + s.lagUs, s.unknown ? null : result);
  });
}

describe('properties over generated histories', () => {
  it('accepts every history produced by a sequential state machine', () => {
    fc.assert(fc.property(fc.array(arbGenStep(3), { maxLength: 80 }), (steps) => {
      const r = checkKvHistory(linearizableHistory(steps));
      expect(r.verdict).toBe('ok');
    }), { numRuns: 300 });
  });

  it('rejects the history once one read reports a value never written', () => {
    fc.assert(fc.property(fc.array(arbGenStep(3), { minLength: 1, maxLength: 60 }), fc.nat(), (steps, pick) => {
      const h = linearizableHistory(steps);
      const reads = h.filter((o) => o.input.op === 'get' && o.output !== null);
      fc.pre(reads.length > 0);
      const victim = reads[pick % reads.length];
      victim.output = ok('never-written');
      const r = checkKvHistory(h);
      expect(r.verdict).toBe('illegal');
      expect(r.illegal?.key).toBe(victim.input.key);
      // Shrinking removes every other read, so the corrupted read is the one left.
      expect(r.illegal?.ops.filter((o) => isReadOnly(o.input, o.output)).map((o) => o.opId)).toEqual([victim.opId]);
      for (const o of r.illegal?.ops ?? []) expect(r.illegal?.explanation).toContain(`#${o.opId} `);
    }), { numRuns: 300 });
  });
});

/**
 * Brute force: try every order that respects real time; unknown outcomes (no return or
 * no usable output) may take effect after their call or be dropped.
 */
function bruteForceLinearizable(h: readonly Operation[]): boolean {
  const unknown = (o: Operation) => isUnknownOutput(o.output) || o.return === Infinity;
  const ops = h.map((o) => ({ o, out: unknown(o) ? null : o.output, ret: unknown(o) ? Infinity : o.return }));
  const search = (rest: typeof ops, state: KvState): boolean => {
    if (rest.every((x) => x.out === null)) return true;
    return rest.some((x, i) => {
      if (rest.some((y) => y.ret < x.o.call)) return false;
      const step = kvModelStep(state, x.o.input, x.out);
      return step.legal && search(rest.filter((_, j) => j !== i), step.next);
    });
  };
  return search(ops, KV_INITIAL_STATE);
}

const arbNoise = fc.array(fc.option(fc.constantFrom<KvResult | null>(ok(null), ok('a'), ok('b'), ok('ab'), null,
  { ok: false, error: 'cas-mismatch', current: 'a' }, { ok: false, error: 'cas-mismatch', current: null }), { freq: 3 }), { minLength: 7, maxLength: 7 });

describe('agreement with brute force', () => {
  it('gives the brute-force verdict on tiny random histories', () => {
    const seen = { ok: 0, illegal: 0 };
    fc.assert(fc.property(fc.array(arbGenStep(1), { minLength: 1, maxLength: 7 }), arbNoise, (steps, noise) => {
      const h = linearizableHistory(steps).map((o, i) => {
        const n = noise[i];
        if (n === null || n === undefined) return o;
        return { ...o, output: n, return: n === null ? Infinity : o.return };
      });
      const expected = bruteForceLinearizable(h) ? 'ok' : 'illegal';
      expect(checkKvHistory(h).verdict).toBe(expected);
      seen[expected] += 1;
    }), { numRuns: 2000 });
    // Both verdicts must be common, or the comparison would prove little.
    expect(seen.ok).toBeGreaterThan(300);
    expect(seen.illegal).toBeGreaterThan(300);
  });
});

describe('partitions, budget and determinism', () => {
  const manyKeys = (keys: number, count: number, seed: number): Operation[] => {
    const steps = fc.sample(fc.array(arbGenStep(keys), { minLength: count, maxLength: count }), { seed, numRuns: 1 })[0];
    return linearizableHistory(steps);
  };

  it('checks 100 keys as 100 partitions and finds the one corrupted key', () => {
    const h = manyKeys(100, 3000, 7);
    const r = checkKvHistory(h);
    expect(r.verdict).toBe('ok');
    expect(r.partitions).toBe(new Set(h.map((o) => o.input.key)).size);
    expect(r.partitions).toBe(100);
    const victim = h.find((o) => o.input.key === 'k42' && o.input.op === 'get' && o.output !== null);
    expect(victim).toBeDefined();
    if (victim !== undefined) victim.output = ok('corrupt');
    const bad = checkKvHistory(h);
    expect(bad.verdict).toBe('illegal');
    expect(bad.illegal?.key).toBe('k42');
    expect(bad.illegal?.ops.every((o) => o.input.key === 'k42')).toBe(true);
  });

  it('answers unknown when the step budget runs out, and counts only finished work', () => {
    const h = manyKeys(4, 400, 11);
    const full = checkKvHistory(h);
    expect(full.verdict).toBe('ok');
    const cut = checkKvHistory(h, { maxSteps: Math.floor(full.steps / 2) });
    expect(cut.verdict).toBe('unknown');
    expect(cut.steps).toBe(Math.floor(full.steps / 2));
    expect(cut.checkedOps).toBeLessThan(full.checkedOps);
    expect(checkKvHistory(h, { maxSteps: full.steps }).verdict).toBe('ok');
  });

  it('answers unknown when the deadline says so, polling it sparingly', () => {
    const h = manyKeys(10, 12_000, 13);
    let polls = 0;
    const r = checkKvHistory(h, { deadline: () => ++polls >= 2 });
    expect(r.verdict).toBe('unknown');
    expect(polls).toBe(2);
    expect(r.steps).toBeGreaterThanOrEqual(2 * 4096);
  });

  it('answers unknown instead of growing the memo past its byte limit', () => {
    const h = manyKeys(1, 300, 19);
    expect(checkKvHistory(h).verdict).toBe('ok');
    const r = checkKvHistory(h, { maxVisitedBytes: 1024 });
    expect(r.verdict).toBe('unknown');
    expect(r.checkedOps).toBe(0);
    expect(() => checkKvHistory(h, { maxVisitedBytes: 0 })).toThrow(/maxVisitedBytes/);
  });

  it('runs out of memo room where whole chunks of 4,096 entries say, however small chunk 0 starts', () => {
    // n concurrent appends and a read of one order: every order is a distinct state, so the
    // memo grows past chunk 0's first 64 entries (n = 5) and past several chunks (n = 7).
    // The figures are those of the checker before chunk 0 started small (measured with both).
    const appends = (n: number): Operation[] => {
      const h: Operation[] = [];
      let want = '';
      for (let i = 0; i < n; i++) {
        const c = String.fromCharCode(97 + i);
        want = c + want;
        h.push(op(i, i, { op: 'append', key: 'k', value: c }, i, 1000 + i, null));
      }
      h.push(op(n, n, get('k'), 5000, 5001, ok(want)));
      return h;
    };
    const chunk = 4096 * (4 + 4 + 48); // one word of bits per entry, its state id, overhead
    const at = (n: number, bytes?: number): string => {
      const r = checkKvHistory(appends(n), bytes === undefined ? {} : { maxVisitedBytes: bytes });
      return `${r.verdict}/${r.steps}`;
    };
    expect([at(5), at(5, chunk - 1), at(5, chunk)]).toEqual(['ok/765', 'unknown/1', 'ok/765']);
    expect([at(7), at(7, chunk), at(7, 3 * chunk), at(7, 5 * chunk)]).toEqual(['ok/32431', 'unknown/9695', 'unknown/29093', 'ok/32431']);
  });

  it('is deterministic: the same history gives the same result twice', () => {
    const h = manyKeys(5, 500, 17);
    h[h.findIndex((o) => o.input.op === 'get' && o.output !== null)].output = ok('zzz');
    expect(checkKvHistory(h)).toEqual(checkKvHistory(h));
  });
});
