// Goal: the one hashing module keeps its promises: FNV-1a matches its published vectors,
// Hash64 and the structural digest tell apart values that differ (types, lengths, integers
// past 32 bits, nesting), the digest ignores nothing but the key it is told to skip, and
// every output is pinned (golden values), so a change to any bit fails here.
// Method: published vectors, the two collisions the old sim/trace/canon.ts walk had, a
// fast-check property over JSON values, and literal expected outputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmix32, fnv1a32, fnv1a32Hex, Hash64, hashString, HashSum, LANE1_MUL, LANE2_MUL } from './index.ts';
import { STRUCTURAL_SEED1, STRUCTURAL_SEED2, structuralChecksum, structuralWalker } from './structural.ts';

const walker = structuralWalker(false, 64);
const digest = (v: unknown): string => {
  const d = walker.digest(v);
  return `${d.d1.toString(16)}:${d.d2.toString(16)}`;
};

describe('fnv', () => {
  it('matches the published FNV-1a test vectors', () => {
    expect([fnv1a32Hex(''), fnv1a32Hex('a'), fnv1a32Hex('foobar')]).toEqual(['811c9dc5', 'e40c292c', 'bf9cf968']);
    expect(fnv1a32('a', 0x050c5d1f)).not.toBe(fnv1a32('a'));
  });

  it('a HashSum depends on the set, not on the order it was built in', () => {
    const a = new HashSum();
    const b = new HashSum();
    for (const x of ['k1=1', 'k2=2', 'k3=3']) a.add(x);
    for (const x of ['k3=3', 'k9=9', 'k1=1', 'k2=2']) b.add(x);
    b.remove('k9=9');
    expect(a.hex()).toBe(b.hex());
  });
});

describe('structural digest', () => {
  it('tells 4294967295 from -1, and other integers past 32 bits from their low word', () => {
    expect(digest(4294967295)).not.toBe(digest(-1));
    expect(digest({ n: 4294967296 })).not.toBe(digest({ n: 0 }));
    expect(digest([2 ** 40 + 5])).not.toBe(digest([5]));
    expect(digest(-0)).toBe(digest(0)); // JSON cannot tell them apart either.
  });

  it('tells nesting apart: objects are closed', () => {
    expect(digest({ a: { b: 1 }, c: 2 })).not.toBe(digest({ a: { b: 1, c: 2 } }));
    expect(digest([[1], 2])).not.toBe(digest([[1, 2]]));
    expect(digest({ a: '' })).not.toBe(digest({ a: [] }));
    expect(digest(['ab', 'c'])).not.toBe(digest(['a', 'bc']));
    expect(digest(1)).not.toBe(digest('1'));
    expect(digest(1.5)).not.toBe(digest('1.5'));
  });

  it('different JSON values get different digests, equal ones equal digests', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
      const same = JSON.stringify(a) === JSON.stringify(b);
      expect(digest(a) === digest(b)).toBe(same);
      expect(digest(JSON.parse(JSON.stringify(a)))).toBe(digest(a));
    }), { numRuns: 2000 });
  });

  it('the one-lane checksum is the walker\'s first lane, skipping only the named top-level key', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.jsonValue(), (a, sum) => {
      expect(structuralChecksum(a, 64)).toBe(walker.digest(a).d1);
      const withSum = { head: a, sum, tail: [a] };
      expect(structuralChecksum(withSum, 64, 'sum')).toBe(walker.digest({ head: a, tail: [a] }).d1);
    }), { numRuns: 1000 });
    expect(structuralChecksum({ a: 1, x: { sum: 5 } }, 8, 'sum')).not.toBe(structuralChecksum({ a: 1, x: { sum: 6 } }, 8, 'sum'));
    for (const big of [2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 40), 2 ** 23, -(2 ** 23) - 1, 0.1, -1e300]) {
      expect(structuralChecksum([big], 8)).toBe(walker.digest([big]).d1);
    }
  });

  it('freezes when asked, and refuses what cannot cross a network, naming it', () => {
    const m = { a: [{ b: 1 }] };
    structuralWalker(true, 8).digest(m);
    expect(Object.isFrozen(m.a[0])).toBe(true);
    expect(Object.isFrozen(m)).toBe(true);
    let deep: unknown = 1;
    for (let i = 0; i < 10; i++) deep = [deep];
    const shallow = structuralWalker(false, 8);
    expect(() => shallow.digest(deep)).toThrow(/deeper than 8 levels/);
    expect(structuralChecksum(deep, 8)).toBe(-1);
    expect(() => shallow.digest({ f: () => 1 })).toThrow(/JSON-like; found a function/);
    expect(structuralChecksum({ f: () => 1 }, 8)).toBe(-1);
    expect(() => shallow.digest(new Map())).toThrow(/class instance/);
    // A walker that threw is whole again for the next value.
    expect(shallow.digest({ a: 1 })).toEqual(structuralWalker(false, 8).digest({ a: 1 }));
  });

  it('uses Hash64\'s lane multipliers', () => {
    const d = walker.digest(true); // One word: the tag 0x74.
    expect(d.d1).toBe(Math.imul(STRUCTURAL_SEED1 ^ 0x74, LANE1_MUL) >>> 0);
    expect(d.d2).toBe(Math.imul(STRUCTURAL_SEED2 ^ 0x74, LANE2_MUL) >>> 0);
  });

  it('estimates the JSON size of a message', () => {
    const m = { type: 'MsgApp', term: 3, entries: [{ term: 3, data: 'x'.repeat(100) }] };
    const est = walker.digest(m).sizeBytes;
    const real = JSON.stringify(m).length;
    expect(est).toBeGreaterThan(real * 0.7);
    expect(est).toBeLessThan(real * 1.3);
  });
});

describe('golden values', () => {
  it('every hash gives exactly the pinned output', () => {
    const msg = { type: 'kv.req', clientId: 7, rid: 4294967296, op: { op: 'put', key: 'k', value: 'v' }, ok: true, none: null, f: 0.25 };
    const d = walker.digest(msg);
    const got = {
      structural: [d.d1, d.d2, d.sizeBytes],
      hash64: new Hash64().number(1).number(-1).number(4294967295).number(2 ** 40).number(0.5).string('abc').hex(),
      hashString: hashString('faultline'),
      fmix32: [fmix32(0), fmix32(1), fmix32(0x9e3779b9)],
    };
    expect(got).toEqual(GOLDEN);
  });
});

const GOLDEN = {
  structural: [2083459880, 2461961486, 107],
  hash64: '183cb048c250230c',
  hashString: 'cc776dbe62520b17',
  fmix32: [0, 1364076727, -1832243442],
};
