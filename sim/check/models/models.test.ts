// Goal: the register, queue and set models give the right verdicts through the generic
// checker, including partial observations (returned but output unseen, a failed cas
// without the value found), and the checker agrees with a brute-force search for every
// model, the mutex and multi-register too (their hand-worked cases are in mutex.test.ts and
// multiRegister.test.ts).
// Method: hand-worked small histories with both verdicts; fast-check histories made
// linearizable by construction (a plain reference object applied at linearization points
// inside each operation's window) that must pass; and the same histories mutated (an
// output changed, an outcome made unknown or unseen, a window moved), whose verdict must
// equal a brute-force search over every order that respects real time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../history.ts';
import { checkHistory } from '../linearizability.ts';
import { expectSameVerdict } from '../../../test/support/segmented.ts';
import { isUnknownOutcome, type Model } from '../model.ts';
import { multiRegisterModel, type MicroOp, type MultiRegisterInput, type MultiRegisterOutput, type MultiRegisterState } from './multiRegister.ts';
import { mutexModel, type MutexInput, type MutexOutput } from './mutex.ts';
import { queueModel, type QueueInput, type QueueOutput } from './queue.ts';
import { registerModel, type RegisterInput, type RegisterOutput, type RegisterValue } from './register.ts';
import { setModel, type SetInput, type SetOutput } from './set.ts';

function op<I, O>(opId: number, input: I, call: number, ret: number, output: O | null, clientId = opId): Operation<I, O> {
  return { clientId, opId, input, call, return: ret, output };
}

const read = (): RegisterInput => ({ op: 'read' });
const write = (value: RegisterValue): RegisterInput => ({ op: 'write', value });
const cas = (expected: RegisterValue, value: RegisterValue): RegisterInput => ({ op: 'cas', expected, value });
const saw = (value: RegisterValue): RegisterOutput => ({ ok: true, value });
const done: RegisterOutput = { ok: true };
const failed: RegisterOutput = { ok: false };
const reg = (h: Operation<RegisterInput, RegisterOutput>[]) => checkHistory(registerModel, h);
const unseen = null as RegisterOutput | null;

describe('register model, hand-worked', () => {
  it('accepts a sequential history and overlapping writes read in either order', () => {
    expect(reg([op(1, write(1), 0, 10, done), op(2, read(), 20, 30, saw(1)), op(3, cas(1, 2), 40, 50, done), op(4, read(), 60, 70, saw(2))]).verdict).toBe('ok');
    // Two concurrent writes; a later read may see either, but two later reads must agree.
    const w = [op(1, write('a'), 0, 100, done), op(2, write('b'), 0, 100, done)];
    expect(reg([...w, op(3, read(), 110, 120, saw('a'))]).verdict).toBe('ok');
    expect(reg([...w, op(3, read(), 110, 120, saw('b'))]).verdict).toBe('ok');
    expect(reg([...w, op(3, read(), 110, 120, saw('b')), op(4, read(), 130, 140, saw('a'))]).verdict).toBe('illegal');
  });

  it('rejects a stale read and explains it in the register\'s words', () => {
    const r = reg([op(1, write(1), 0, 10, done), op(2, write(2), 20, 30, done), op(3, read(), 40, 50, saw(1))]);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.key).toBe('');
    const text = r.illegal?.explanation ?? '';
    expect(text.split('\n')[0]).toBe('These 3 operations have no linearization.');
    expect(text).toContain('#3 client 3 [40 .. 50 µs] read() -> 1');
    expect(text).toContain('the value is then 2.');
    expect(text).toContain('#3 read() observed 1, but from 2 it would return 2');
  });

  it('holds a cas to its outcome, with or without the value it found', () => {
    const base = [op(1, write(1), 0, 10, done)];
    expect(reg([...base, op(2, cas(1, 5), 20, 30, done), op(3, read(), 40, 50, saw(5))]).verdict).toBe('ok');
    expect(reg([...base, op(2, cas(0, 5), 20, 30, done)]).verdict).toBe('illegal');
    // A failed cas without the current value says only that the register did not hold 0.
    expect(reg([...base, op(2, cas(0, 5), 20, 30, failed), op(3, read(), 40, 50, saw(1))]).verdict).toBe('ok');
    expect(reg([...base, op(2, cas(1, 5), 20, 30, failed)]).verdict).toBe('illegal');
    // With the value it found, that value must be the register's.
    expect(reg([...base, op(2, cas(0, 5), 20, 30, { ok: false, current: 1 })]).verdict).toBe('ok');
    expect(reg([...base, op(2, cas(0, 5), 20, 30, { ok: false, current: 7 })]).verdict).toBe('illegal');
  });

  it('places an operation that returned with its output unseen inside its window', () => {
    // The write returned at 30 (output lost): a read after it must see it.
    expect(reg([op(1, write(1), 0, 10, done), op(2, write(2), 20, 30, unseen), op(3, read(), 40, 50, saw(2))]).verdict).toBe('ok');
    expect(reg([op(1, write(1), 0, 10, done), op(2, write(2), 20, 30, unseen), op(3, read(), 40, 50, saw(1))]).verdict).toBe('illegal');
    // The same write with an unknown outcome may never have happened.
    expect(reg([op(1, write(1), 0, 10, done), op(2, write(2), 20, Infinity, unseen), op(3, read(), 40, 50, saw(1))]).verdict).toBe('ok');
    // A cas that returned, result unseen: it took effect iff the register held 1 then.
    expect(reg([op(1, write(1), 0, 10, done), op(2, cas(1, 3), 20, 30, unseen), op(3, read(), 40, 50, saw(3))]).verdict).toBe('ok');
    expect(reg([op(1, write(1), 0, 10, done), op(2, cas(1, 3), 20, 30, unseen), op(3, read(), 40, 50, saw(1))]).verdict).toBe('illegal');
  });

  it('treats a refused operation as not done and checks named registers apart', () => {
    expect(reg([op(1, write(1), 0, 10, done), op(2, write(2), 20, 30, failed), op(3, read(), 40, 50, saw(1))]).verdict).toBe('ok');
    // A cas refused with an error says nothing about the value, unlike a failed cas.
    const refused: RegisterOutput = { ok: false, error: 'disk full' };
    expect(reg([op(1, write(1), 0, 10, done), op(2, cas(1, 2), 20, 30, refused), op(3, read(), 40, 50, saw(1))]).verdict).toBe('ok');
    expect(reg([op(1, write(1), 0, 10, done), op(2, cas(1, 2), 20, 30, refused), op(3, read(), 40, 50, saw(2))]).verdict).toBe('illegal');
    const keyed = (key: string, input: RegisterInput): RegisterInput => ({ ...input, key });
    const h = [op(1, keyed('x', write(1)), 0, 10, done), op(2, keyed('y', write(2)), 0, 10, done), op(3, keyed('x', read()), 20, 30, saw(1)), op(4, keyed('y', read()), 20, 30, saw(1))];
    const r = reg(h);
    expect(r.partitions).toBe(2);
    expect(r.illegal?.key).toBe('y');
    expect(r.illegal?.explanation.split('\n')[0]).toBe('Register "y": these 2 operations have no linearization.');
  });
});

const enq = (value: string): QueueInput => ({ op: 'enqueue', value });
const deq = (): QueueInput => ({ op: 'dequeue' });
const got = (value: string | null): QueueOutput => ({ ok: true, value });
const queued: QueueOutput = { ok: true };
const queue = (h: Operation<QueueInput, QueueOutput>[]) => checkHistory(queueModel, h);
const unseenQ = null as QueueOutput | null;

describe('queue model, hand-worked', () => {
  it('accepts first in, first out, and concurrent enqueues in either order', () => {
    expect(queue([op(1, enq('a'), 0, 10, queued), op(2, enq('b'), 20, 30, queued), op(3, deq(), 40, 50, got('a')), op(4, deq(), 60, 70, got('b')), op(5, deq(), 80, 90, got(null))]).verdict).toBe('ok');
    const both = [op(1, enq('a'), 0, 100, queued), op(2, enq('b'), 0, 100, queued)];
    expect(queue([...both, op(3, deq(), 110, 120, got('b')), op(4, deq(), 130, 140, got('a'))]).verdict).toBe('ok');
    expect(queue([...both, op(3, deq(), 110, 120, got('b')), op(4, deq(), 130, 140, got('b'))]).verdict).toBe('illegal');
  });

  it('rejects out-of-order and phantom dequeues, with an explanation', () => {
    const r = queue([op(1, enq('a'), 0, 10, queued), op(2, enq('b'), 20, 30, queued), op(3, deq(), 40, 50, got('b'))]);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.explanation).toContain('#3 dequeue() observed "b", but from ["a", "b"] it would return "a"');
    expect(queue([op(1, deq(), 0, 10, got('z'))]).verdict).toBe('illegal');
    expect(queue([op(1, enq('a'), 0, 10, queued), op(2, deq(), 20, 30, got(null))]).verdict).toBe('illegal');
  });

  it('lets an unknown or unseen operation take its place', () => {
    // An enqueue that never returned may have happened: the dequeue of it is fine.
    expect(queue([op(1, enq('a'), 0, Infinity, unseenQ), op(2, deq(), 20, 30, got('a'))]).verdict).toBe('ok');
    // A dequeue that returned, value unseen, took the head: the next dequeue sees the second.
    const h = [op(1, enq('a'), 0, 10, queued), op(2, enq('b'), 20, 30, queued), op(3, deq(), 40, 50, unseenQ)];
    expect(queue([...h, op(4, deq(), 60, 70, got('b'))]).verdict).toBe('ok');
    expect(queue([...h, op(4, deq(), 60, 70, got('a'))]).verdict).toBe('illegal');
  });
});

describe('set model, hand-worked', () => {
  const add = (value: string): SetInput => ({ op: 'add', value });
  const readAll = (values: string[]): [SetInput, SetOutput] => [{ op: 'read' }, { ok: true, values }];
  const set = (h: Operation<SetInput, SetOutput>[]) => checkHistory(setModel, h);
  it('compares reads as sets and catches a lost add', () => {
    const adds = [op(1, add('a'), 0, 10, { ok: true }), op(2, add('b'), 0, 10, { ok: true })];
    const [ri, ro] = readAll(['b', 'a', 'a']);
    expect(set([...adds, op(3, ri, 20, 30, ro)]).verdict).toBe('ok');
    const [li, lo] = readAll(['a']);
    const r = set([...adds, op(3, li, 20, 30, lo)]);
    expect(r.verdict).toBe('illegal');
    expect(r.illegal?.explanation).toContain('observed {"a"}, but from {"a", "b"} it would return {"a", "b"}');
    expect(set([op(1, add('a'), 0, 10, { ok: true }), op(2, { op: 'remove', value: 'a' }, 20, 30, { ok: true }), op(3, { op: 'contains', value: 'a' }, 40, 50, { ok: true, value: true })]).verdict).toBe('illegal');
  });
});

// ---- Generated histories ----

/** A reference object: a plain implementation, independent of the model under test. */
interface Reference<I, O> {
  apply(input: I): O;
}

class RegisterRef implements Reference<RegisterInput, RegisterOutput> {
  private v: RegisterValue = null;
  apply(input: RegisterInput): RegisterOutput {
    if (input.op === 'read') return { ok: true, value: this.v };
    if (input.op === 'write') {
      this.v = input.value;
      return { ok: true };
    }
    if (this.v !== input.expected) return { ok: false, current: this.v };
    this.v = input.value;
    return { ok: true };
  }
}

class QueueRef implements Reference<QueueInput, QueueOutput> {
  private readonly items: string[] = [];
  apply(input: QueueInput): QueueOutput {
    if (input.op === 'enqueue') {
      this.items.push(String(input.value));
      return { ok: true };
    }
    return { ok: true, value: this.items.shift() ?? null };
  }
}

class SetRef implements Reference<SetInput, SetOutput> {
  private readonly items = new Set<string | number>();
  apply(input: SetInput): SetOutput {
    if (input.op === 'add') this.items.add(input.value);
    else if (input.op === 'remove') this.items.delete(input.value);
    else if (input.op === 'contains') return { ok: true, value: this.items.has(input.value) };
    else return { ok: true, values: [...this.items] };
    return { ok: true };
  }
}

/** A lock that refuses what it cannot do (a try-lock), so every history it answers is linearizable. */
class MutexRef implements Reference<MutexInput, MutexOutput> {
  private held = false;
  apply(input: MutexInput): MutexOutput {
    if (this.held === (input.op === 'acquire')) return { ok: false };
    this.held = !this.held;
    return { ok: true };
  }
}

class MultiRegisterRef implements Reference<MultiRegisterInput, MultiRegisterOutput> {
  private readonly registers = new Map<string, RegisterValue>();
  apply(input: MultiRegisterInput): MultiRegisterOutput {
    const txn = input.txn.map((m): MicroOp => {
      if (m.f === 'r') return { f: 'r', key: m.key, value: this.registers.get(m.key) ?? null };
      this.registers.set(m.key, m.value);
      return m;
    });
    return { ok: true, txn };
  }
}

/** One generated step: its input, its window around the linearization point, its fate. */
interface Step<I> {
  input: I;
  leadUs: number;
  lagUs: number;
  /** 'known': returned with its output; 'unseen': returned, output not seen; 'unknown': no return. */
  fate: 'known' | 'unseen' | 'unknown';
  tookEffect: boolean;
}

const arbStep = <I>(input: fc.Arbitrary<I>): fc.Arbitrary<Step<I>> => fc.record({
  input,
  leadUs: fc.nat({ max: 40 }),
  lagUs: fc.nat({ max: 40 }),
  fate: fc.constantFrom<Step<I>['fate']>('known', 'known', 'known', 'known', 'unseen', 'unknown'),
  tookEffect: fc.boolean(),
});

/** Linearization points 10 µs apart; an unknown step that did not take effect is not applied. */
function linearizable<I, O>(ref: Reference<I, O>, steps: readonly Step<I>[]): Operation<I, O>[] {
  return steps.map((s, i) => {
    const pointUs = 100 + 10 * i;
    const applied = s.fate !== 'unknown' || s.tookEffect;
    const result = applied ? ref.apply(s.input) : null;
    const ret = s.fate === 'unknown' ? Infinity : pointUs + s.lagUs;
    return op(i, s.input, pointUs - s.leadUs, ret, s.fate === 'known' ? result : null, i % 4);
  });
}

/**
 * Brute force over one partition: every order that respects real time; an unknown
 * outcome may take effect after its call or never, everything else exactly once in its
 * window. Nothing is dropped or normalized beyond that.
 */
function bruteForce<S, I, O>(model: Model<S, I, O>, h: readonly Operation<I, O>[]): boolean {
  const ops = h.map((o) => {
    const unknown = isUnknownOutcome(model, o);
    return { o, out: unknown ? null : o.output, ret: unknown ? Infinity : o.return };
  });
  const search = (rest: typeof ops, state: S): boolean => {
    if (rest.every((x) => x.ret === Infinity)) return true;
    return rest.some((x, i) => {
      if (rest.some((y) => y.ret < x.o.call)) return false;
      const step = model.step(state, x.o.input, x.out);
      return step.legal && search(rest.filter((_, j) => j !== i), step.next);
    });
  };
  return search(ops, model.init());
}

interface Subject<S, I, O> {
  name: string;
  model: Model<S, I, O>;
  ref: () => Reference<I, O>;
  input: fc.Arbitrary<I>;
  /** Wrong outputs to plant. */
  noise: fc.Arbitrary<O>;
}

const values = ['a', 'b', 'c'];
const subjects = [
  {
    name: 'register',
    model: registerModel,
    ref: () => new RegisterRef(),
    input: fc.oneof(
      fc.constant<RegisterInput>({ op: 'read' }),
      fc.constantFrom(...values).map((value): RegisterInput => ({ op: 'write', value })),
      fc.record({ expected: fc.constantFrom(null, ...values), value: fc.constantFrom(...values) }).map((c): RegisterInput => ({ op: 'cas', ...c })),
    ),
    noise: fc.constantFrom<RegisterOutput>({ ok: true, value: 'a' }, { ok: true, value: null }, { ok: true }, { ok: false }, { ok: false, current: 'b' }, { ok: false, error: 'refused' }),
  } satisfies Subject<RegisterValue, RegisterInput, RegisterOutput>,
  {
    name: 'queue',
    model: queueModel,
    ref: () => new QueueRef(),
    input: fc.oneof(fc.constant<QueueInput>({ op: 'dequeue' }), fc.constantFrom(...values).map((value): QueueInput => ({ op: 'enqueue', value }))),
    noise: fc.constantFrom<QueueOutput>({ ok: true, value: 'a' }, { ok: true, value: 'b' }, { ok: true, value: null }, { ok: true }),
  } satisfies Subject<readonly (string | number)[], QueueInput, QueueOutput>,
  {
    name: 'set',
    model: setModel,
    ref: () => new SetRef(),
    input: fc.oneof(
      { arbitrary: fc.constant<SetInput>({ op: 'read' }), weight: 2 },
      { arbitrary: fc.constantFrom(...values).map((value): SetInput => ({ op: 'add', value })), weight: 2 },
      { arbitrary: fc.constantFrom(...values).map((value): SetInput => ({ op: 'remove', value })), weight: 1 },
      { arbitrary: fc.constantFrom(...values).map((value): SetInput => ({ op: 'contains', value })), weight: 2 },
    ),
    noise: fc.constantFrom<SetOutput>({ ok: true, values: ['a'] }, { ok: true, values: [] }, { ok: true, values: ['b', 'c'] }, { ok: true, value: true }, { ok: true, value: false }),
  } satisfies Subject<readonly (string | number)[], SetInput, SetOutput>,
  {
    name: 'mutex',
    model: mutexModel,
    ref: () => new MutexRef(),
    input: fc.constantFrom<MutexInput>({ op: 'acquire' }, { op: 'release' }),
    noise: fc.constantFrom<MutexOutput>({ ok: true }, { ok: false }),
  } satisfies Subject<boolean, MutexInput, MutexOutput>,
  {
    name: 'multi-register',
    model: multiRegisterModel,
    ref: () => new MultiRegisterRef(),
    // Short transactions over two registers, so planted answers often fit their transaction.
    input: fc.array(fc.oneof(fc.constantFrom<MicroOp>({ f: 'r', key: 'x' }, { f: 'r', key: 'y' }), fc.record({ key: fc.constantFrom('x', 'y'), value: fc.constantFrom('a', 'b') }).map((m): MicroOp => ({ f: 'w', ...m }))), { minLength: 1, maxLength: 2 }).map((txn): MultiRegisterInput => ({ op: 'txn', txn })),
    noise: fc.constantFrom<MultiRegisterOutput>(
      { ok: true, txn: [{ f: 'r', key: 'x', value: 'a' }] },
      { ok: true, txn: [{ f: 'r', key: 'x', value: null }] },
      { ok: true, txn: [{ f: 'r', key: 'y', value: 'b' }] },
      { ok: true, txn: [{ f: 'r', key: 'x', value: 'b' }, { f: 'r', key: 'y', value: 'a' }] },
      { ok: true, txn: [{ f: 'r', key: 'x' }, { f: 'r', key: 'y', value: null }] },
      { ok: true },
      { ok: false },
    ),
  } satisfies Subject<MultiRegisterState, MultiRegisterInput, MultiRegisterOutput>,
];

/** A mutation of one operation: a planted output, an unseen or unknown outcome, or a moved window. */
type Mutation<O> = { kind: 'output'; output: O } | { kind: 'unseen' } | { kind: 'unknown' } | { kind: 'late-call'; byUs: number };

function mutate<I, O>(h: Operation<I, O>[], at: number, m: Mutation<O>): Operation<I, O>[] {
  return h.map((o, i) => {
    if (i !== at % h.length) return o;
    switch (m.kind) {
      case 'output': return { ...o, output: m.output, return: o.return === Infinity ? o.call + 50 : o.return };
      case 'unseen': return { ...o, output: null };
      case 'unknown': return { ...o, output: null, return: Infinity };
      case 'late-call': return { ...o, call: Math.min(o.return, o.call + m.byUs) };
    }
  });
}

describe.each(subjects)('$name model over generated histories', (subject) => {
  const s = subject as Subject<unknown, unknown, unknown>;
  it('accepts every history made linearizable by construction', () => {
    fc.assert(fc.property(fc.array(arbStep(s.input), { maxLength: 40 }), (steps) => {
      expect(checkHistory(s.model, linearizable(s.ref(), steps)).verdict).toBe('ok');
    }), { numRuns: 200 });
  });

  it('gives the brute-force verdict on small mutated histories', () => {
    const seen = { ok: 0, illegal: 0 };
    const arbMutation: fc.Arbitrary<Mutation<unknown>> = fc.oneof(
      { arbitrary: s.noise.map((output) => ({ kind: 'output' as const, output })), weight: 6 },
      fc.constant({ kind: 'unseen' as const }),
      fc.constant({ kind: 'unknown' as const }),
      { arbitrary: fc.nat({ max: 60 }).map((byUs) => ({ kind: 'late-call' as const, byUs })), weight: 2 },
    );
    fc.assert(fc.property(fc.array(arbStep(s.input), { minLength: 1, maxLength: 6 }), fc.array(fc.tuple(fc.nat(), arbMutation), { minLength: 1, maxLength: 4 }), (steps, mutations) => {
      let h = linearizable(s.ref(), steps);
      for (const [at, m] of mutations) h = mutate(h, at, m);
      const expected = bruteForce(s.model, h) ? 'ok' : 'illegal';
      expect(checkHistory(s.model, h).verdict).toBe(expected);
      seen[expected] += 1;
    }), { numRuns: 1000 });
    // Both verdicts must be common, or the comparison would prove little.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.illegal).toBeGreaterThan(100);
  });

  it('gives checkHistory\'s verdict when checked segment by segment as the history is made', () => {
    const seen = { ok: 0, illegal: 0, cut: 0 };
    const arbMutation: fc.Arbitrary<Mutation<unknown>> = fc.oneof(
      { arbitrary: s.noise.map((output) => ({ kind: 'output' as const, output })), weight: 8 },
      fc.constant({ kind: 'unseen' as const }),
      fc.constant({ kind: 'unknown' as const }),
    );
    // Gaps of 100 µs between some steps let the object go quiet, so the history is cut.
    const arbSpaced = fc.array(fc.tuple(arbStep(s.input), fc.constantFrom(0, 0, 100)), { minLength: 1, maxLength: 30 });
    fc.assert(fc.property(arbSpaced, fc.array(fc.tuple(fc.nat(), arbMutation), { minLength: 1, maxLength: 2 }), fc.boolean(), (spaced, mutations, answersFirst) => {
      let gap = 0;
      let h = linearizable(s.ref(), spaced.map(([step]) => step)).map((o, i) => {
        gap += spaced[i][1];
        return { ...o, call: o.call + gap, return: o.return + gap };
      });
      for (const [at, m] of mutations) h = mutate(h, at, m);
      expectSameVerdict(s.model, h, { answersFirst, unknownAfterUs: 50 }, seen);
    }), { numRuns: 600 });
    // Both verdicts common (the set model's noise is illegal least often: 88-168 here), and cuts.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.illegal).toBeGreaterThan(50);
    expect(seen.cut).toBeGreaterThan(200);
  });
});

describe('operations of unknown outcome with equal inputs (interchangeable: tried in call order)', () => {
  // Register histories with many unanswered writes of two values, called at random times,
  // among answered writes and reads of random values: the search prunes orders that differ
  // only in which of two equal unanswered writes took effect, and must still find every
  // order brute force finds, whole or segment by segment.
  const arbHistory = fc.tuple(
    fc.array(fc.tuple(fc.constantFrom(1, 2), fc.nat({ max: 200 })), { minLength: 2, maxLength: 5 }),
    fc.array(fc.tuple(fc.boolean(), fc.constantFrom(0, 1, 2, 3), fc.nat({ max: 200 }), fc.nat({ max: 40 })), { minLength: 1, maxLength: 4 }),
  ).map(([unknown, known]) => {
    const h: Operation<RegisterInput, RegisterOutput>[] = [];
    unknown.forEach(([value, call], i) => h.push(op(i, write(value), call, Infinity, unseen)));
    known.forEach(([isRead, value, call, length], i) => h.push(op(100 + i, isRead ? read() : write(value), call, call + length, isRead ? saw(value) : done)));
    return h;
  });

  it('gives the brute-force verdict, whole and segmented', () => {
    const seen = { ok: 0, illegal: 0, cut: 0 };
    fc.assert(fc.property(arbHistory, fc.boolean(), (h, answersFirst) => {
      const expected = bruteForce(registerModel, h) ? 'ok' : 'illegal';
      expect(checkHistory(registerModel, h).verdict).toBe(expected);
      expectSameVerdict(registerModel, h, { answersFirst, unknownAfterUs: 50 }, seen);
    }), { numRuns: 1500 });
    expect(seen.ok).toBeGreaterThan(200);
    expect(seen.illegal).toBeGreaterThan(200);
  });

  it('decides a history that 24 unanswered writes of two values made undecidable before', () => {
    // 12 crashed writes of 1 and 12 of 3, all pending forever; reads alternate 1 and 3 (each
    // needs another crashed write to take effect), then one reads 7, which nothing wrote.
    // Every order of the crashed writes had to be tried: 2^24 configurations, far past
    // this budget. Taken in call order they are 13 x 13.
    const h: Operation<RegisterInput, RegisterOutput>[] = [];
    for (let i = 0; i < 24; i++) h.push(op(i, write(i < 12 ? 1 : 3), i, Infinity, unseen));
    for (let k = 0; k < 20; k++) h.push(op(100 + k, read(), 100 + 10 * k, 105 + 10 * k, saw(k % 2 === 0 ? 1 : 3), 99));
    const good = checkHistory(registerModel, h, { maxSteps: 500_000 });
    expect(good.verdict).toBe('ok');
    h.push(op(200, read(), 400, 405, saw(7), 99));
    const bad = checkHistory(registerModel, h, { maxSteps: 500_000 });
    expect(bad.verdict).toBe('illegal');
    expect(bad.illegal?.ops.map((o) => o.opId)).toContain(200);
  });
});
