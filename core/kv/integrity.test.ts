// Goal: sealed messages pass, and any change to a sealed message is refused. Method:
// seal generated JSON-like messages; check them intact; then corrupt one leaf (value or
// checksum) and check they are refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealHandoff, structuralWalker } from '../hash/structural.ts';
import { Sealer } from '../../sim/trace/canon.ts';
import { checksum, seal, unseal } from './integrity.ts';

const message = fc.record({ type: fc.constantFrom('kv.req', 'MsgApp'), term: fc.nat(), index: fc.nat(), data: fc.string(), entries: fc.array(fc.record({ term: fc.nat(), data: fc.string() }), { maxLength: 3 }) });

describe('message integrity', () => {
  it('a sealed message passes and keeps its fields', () => {
    fc.assert(fc.property(message, (m) => {
      const sealed = seal({ ...m });
      const back = unseal(JSON.parse(JSON.stringify(sealed)));
      expect(back).not.toBeNull();
      expect(back?.term).toBe(m.term);
      expect(back?.data).toBe(m.data);
    }));
  });

  it('a changed field or checksum is refused', () => {
    fc.assert(fc.property(message, fc.integer({ min: 1, max: 2 ** 40 }), (m, delta) => {
      const sealed = JSON.parse(JSON.stringify(seal({ ...m })));
      expect(unseal({ ...sealed, term: sealed.term + delta })).toBeNull();
      expect(unseal({ ...sealed, sum: sealed.sum ^ 1 })).toBeNull();
      expect(unseal({ ...sealed, data: `${sealed.data}x` })).toBeNull();
    }));
    expect(unseal({ type: 'kv.req' })).toBeNull();
    expect(unseal({ sum: 1, type: 'kv.req' })).toBeNull();
    // Reordered keys, a value of another type with the same text, or a swapped entry are changes too.
    const m = JSON.parse(JSON.stringify(seal({ type: 'MsgApp', index: 1, entries: [{ term: 1, data: 'a' }, { term: 2, data: 'b' }] })));
    expect(unseal({ sum: m.sum, index: m.index, type: m.type, entries: m.entries })).toBeNull();
    expect(unseal({ ...m, index: '1' })).toBeNull();
    expect(unseal({ ...m, entries: [m.entries[1], m.entries[0]] })).toBeNull();
    // Absurdly deep nesting is refused, not thrown on.
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(unseal({ type: 'kv.req', deep, sum: 1 })).toBeNull();
    // checksum() says -1 for such a message: a claimed sum of -1 must not match it.
    expect(unseal({ type: 'kv.req', deep, sum: -1 })).toBeNull();
    expect(unseal({ ...seal({ type: 'kv.req' }), sum: String(seal({ type: 'kv.req' }).sum) })).toBeNull();
    expect(unseal(Object.assign([1, 2], { sum: 0 }))).toBeNull();
    expect(unseal(null)).toBeNull();
    expect(unseal([1, 2])).toBeNull();
  });
});

describe('one walk per seal: the frozen hand-off and the recent-seal shortcut', () => {
  // Goal: sealing a plain message in one walk changes no answer: the sum is the checksum,
  // the digest handed to the simulator is a fresh walk's, and unseal accepts exactly what
  // a full check accepts. Method: arbitrary JSON-like messages (fc.jsonValue members),
  // each compared with a deep copy walked from scratch.
  const plain = fc.dictionary(fc.string().filter((k) => k !== 'sum' && k !== '__proto__'), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 });

  it('gives the checksum, deep-freezes, and hands over the digest a fresh walk gives', () => {
    fc.assert(fc.property(plain, (m) => {
      const copy = structuredClone(m);
      const sealed = seal(m);
      expect(sealed.sum).toBe(checksum(copy));
      const isDeepFrozen = (v: unknown): boolean => v === null || typeof v !== 'object' || (Object.isFrozen(v) && Object.values(v).every(isDeepFrozen));
      expect(isDeepFrozen(sealed)).toBe(true);
      expect(sealHandoff.obj).toBe(sealed);
      const fresh = structuralWalker(false, 64).digest(structuredClone(sealed));
      expect(new Sealer().sealInto(sealed, { d1: 0, d2: 0, sizeBytes: 0 })).toEqual(fresh);
      expect(unseal(sealed)).toBe(sealed);
      expect(unseal(structuredClone(sealed))).not.toBeNull();
    }));
  });

  it('what the one walk leaves alone is sealed as before and never handed over', () => {
    class Point { x = 1; }
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const cases: object[] = [{ type: 'a', sum: 5 }, { type: 'a', p: new Point() }, Object.assign(Object.create({ inherited: 1 }), { type: 'a' }), { type: 'a', deep }];
    for (const m of cases) {
      const expected = checksum(m);
      const sealed = seal(m);
      expect(sealed.sum).toBe(expected);
      expect(sealHandoff.obj).not.toBe(sealed);
    }
    // A message the checksum refuses (too deep) keeps sum -1 and is refused by unseal.
    expect(unseal(cases[3])).toBeNull();
    // A `sum` the walk cannot see (not enumerable) still sends it down the plain path.
    const hidden = Object.defineProperty({ type: 'a', n: 1 }, 'sum', { value: 0, writable: true, enumerable: false, configurable: true });
    const sealedHidden = seal(hidden);
    expect(sealHandoff.obj).not.toBe(sealedHidden);
    expect(new Sealer().seal(sealedHidden)).toEqual(structuralWalker(false, 64).digest(sealedHidden));
    // Re-sealing a copy that carries a sum freezes nothing, as before.
    const fresh: number[] = [1, 2];
    const resealed = seal({ ...seal({ type: 'a', xs: [0] }), xs: fresh });
    expect(Object.isFrozen(fresh) || Object.isFrozen(resealed)).toBe(false);
    expect(resealed.sum).toBe(checksum(resealed));
  });

  it('unseal reads a message it sealed lately not at all, and one sealed long ago in full', () => {
    // A counting getter shows which path unseal took (messages are plain data; the getter
    // is only a probe): the walk at seal reads it once, a full check reads it again.
    let reads = 0;
    const probe = seal({ type: 'probe', get x() { reads++; return 1; } });
    const atSeal = reads;
    expect(atSeal).toBe(1);
    expect(unseal(probe)).toBe(probe);
    expect(reads).toBe(atSeal);
    for (let i = 0; i < 40; i++) seal({ type: 'filler', i });
    expect(unseal(probe)).toBe(probe);
    expect(reads).toBe(atSeal + 1);
  });

  it('a remembered message that a fault rewrites as a copy is checked in full', () => {
    const sealed = seal({ type: 'MsgApp', term: 3, entries: [{ term: 3, data: 'x' }] });
    expect(unseal(sealed)).toBe(sealed);
    expect(unseal({ ...sealed, term: 4 })).toBeNull();
    expect(unseal({ ...sealed, entries: [{ term: 3, data: 'y' }] })).toBeNull();
    // Older than the remembered window: still accepted, by the full check.
    for (let i = 0; i < 100; i++) seal({ type: 'filler', i });
    expect(unseal(sealed)).toBe(sealed);
  });
});

describe('a repeated flat message is sealed once', () => {
  // Goal: returning an earlier sealed message for an equal flat one changes no answer.
  // Method: messages drawn from a small pool (so that many repeat), with values that are
  // easy to confuse (0 and -0, 1 and '1', true, undefined, null) and keys in two orders;
  // each seal must return a frozen message equal to the input member by member (Object.is,
  // same key order), with the checksum of a copy and the digest a fresh walk gives.
  const scalar = fc.constantFrom<unknown>(0, -0, 1, '1', '', 'n2', true, false, null, undefined, 2 ** 40, 0.5);
  const flat = fc.tuple(fc.constantFrom('p.beat', 'p.beatResp'), fc.constantFrom('n1', 'n2'), scalar, scalar, fc.boolean()).map(([type, to, a, b, swap]) => (swap ? { type, to, b, a } : { type, to, a, b }));

  it('returns a frozen message equal to the one given, with its own sum and digest', () => {
    // Each template is sealed ten times in a row, so that the later ones can be the
    // remembered first (and the type stays warm: nine hits in ten); the steps between make
    // neighbours differ by one confusable value.
    fc.assert(fc.property(fc.array(flat, { minLength: 1, maxLength: 30 }), (steps) => {
      for (const template of steps) {
        const sealedInRow: object[] = [];
        for (let copy = 0; copy < 10; copy++) {
          const m = { ...template };
          const expectedSum = checksum({ ...template });
          const sealed = seal(m);
          expect(Object.isFrozen(sealed)).toBe(true);
          expect(Object.keys(sealed)).toEqual([...Object.keys(template), 'sum']);
          for (const k of Object.keys(template)) expect(Object.is((sealed as Record<string, unknown>)[k], (template as Record<string, unknown>)[k])).toBe(true);
          expect(sealed.sum).toBe(expectedSum);
          expect(sealHandoff.obj).toBe(sealed);
          expect(new Sealer().sealInto(sealed, { d1: 0, d2: 0, sizeBytes: 0 })).toEqual(structuralWalker(false, 64).digest({ ...sealed }));
          expect(unseal(sealed)).toBe(sealed);
          sealedInRow.push(sealed);
        }
        for (const later of sealedInRow.slice(1)) expect(later).toBe(sealedInRow[0]);
      }
    }));
  });

  it('the second of two equal heartbeats is the first, and a changed member is not', () => {
    // A type of its own: how well the memo paid for other types in earlier tests is not this test's.
    const first = seal({ type: 'test.beat', to: 2, commit: 7, from: 1, term: 3 });
    const again = seal({ type: 'test.beat', to: 2, commit: 7, from: 1, term: 3 });
    expect(again).toBe(first);
    const later = seal({ type: 'test.beat', to: 2, commit: 8, from: 1, term: 3 });
    expect(later).not.toBe(first);
    expect(later.commit).toBe(8);
    expect(seal({ type: 'test.beat', to: 2, commit: 7, term: 3, from: 1 })).not.toBe(first);
    // NaN equals nothing, so a message holding it is never the remembered one.
    const nan1 = seal({ type: 'test.beat', to: 2, x: Number.NaN });
    const nan2 = seal({ type: 'test.beat', to: 2, x: Number.NaN });
    expect(nan2).not.toBe(nan1);
    expect(nan2.sum).toBe(nan1.sum);
    expect(nan2.sum).toBe(checksum({ type: 'test.beat', to: 2, x: Number.NaN }));
    // A message with a nested value is never one remembered: its arrays must be frozen.
    const xs = [1];
    const nested = seal({ type: 'MsgApp', to: 2, entries: xs });
    expect(Object.isFrozen(xs)).toBe(true);
    const ys = [1];
    expect(seal({ type: 'MsgApp', to: 2, entries: ys })).not.toBe(nested);
    expect(Object.isFrozen(ys)).toBe(true);
  });
});
