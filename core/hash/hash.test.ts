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

  it('a HashSum is the sum mod 2^32 of each member\'s FNV-1a lanes (bases 811c9dc5 and 050c5d1f), removed by text or by lanes', () => {
    // The definition its one-pass loop must keep: KV digests and snapshots compare it.
    const hex = (n: number): string => n.toString(16).padStart(8, '0');
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 4 }), (members, gone) => {
        const s = new HashSum();
        let a = 0;
        let b = 0;
        const lanes: { a: number; b: number }[] = [];
        for (const m of members) s.add(m);
        for (const m of gone) {
          const kept = { a: 0, b: 0 };
          s.add(m, kept);
          lanes.push(kept);
        }
        // Half the gone members by their text, half by the lanes their add left.
        for (let i = 0; i < gone.length; i++) {
          if (i % 2 === 0) s.remove(gone[i]);
          else s.removeLanes(lanes[i]);
        }
        for (const m of members) {
          a = (a + fnv1a32(m, 0x811c9dc5)) >>> 0;
          b = (b + fnv1a32(m, 0x050c5d1f)) >>> 0;
        }
        expect(s.hex()).toBe(hex(a) + hex(b));
      }),
      { numRuns: 300 },
    );
    const one = new HashSum();
    one.add('d1:kv');
    expect(one.hex()).toBe('64dbe3418e9f613b');
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

  it('equals the encoding fed one word at a time (the definition), for any value, sealed or not', () => {
    // The walker keeps its lanes in locals and Hash64 reads each lane once per value; this
    // reference feeds the same encoding word by word, as the module header defines it.
    const reference = (v: unknown): [number, number, number] => {
      let h1 = STRUCTURAL_SEED1;
      let h2 = STRUCTURAL_SEED2;
      let size = 0;
      const word = (c: number): void => {
        h1 = Math.imul(h1 ^ c, LANE1_MUL);
        h2 = Math.imul(h2 ^ c, LANE2_MUL);
      };
      const text = (s: string): void => {
        for (let i = 0; i < s.length; i++) word(s.charCodeAt(i));
      };
      const walk = (x: unknown): void => {
        if (typeof x === 'string') {
          word((x.length << 8) | 0x73);
          text(x);
          size += x.length + 2;
        } else if (typeof x === 'number') {
          if (Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 32) {
            word(x < 2 ** 31 ? 0x6e : 0x77);
            word(x | 0);
            size += x >= 0 && x < 10 ? 1 : 6;
          } else if (Number.isSafeInteger(x)) {
            word(0x6c);
            word(x | 0);
            word(Math.floor(x / 2 ** 32) | 0);
            size += 16;
          } else {
            word((String(x).length << 8) | 0x66);
            text(String(x));
            size += String(x).length;
          }
        } else if (typeof x === 'boolean') {
          word(x ? 0x74 : 0x46);
          size += 5;
        } else if (x === undefined) word(0x75);
        else if (x === null) {
          word(0x30);
          size += 4;
        } else if (Array.isArray(x)) {
          word((x.length << 8) | 0x5b);
          for (const e of x) walk(e);
          size += 2 + x.length;
        } else {
          word(0x7b);
          for (const [k, e] of Object.entries(x as object)) {
            walk(k);
            walk(e);
          }
          word(0x7d);
          size += 2;
        }
      };
      walk(v);
      return [h1 >>> 0, h2 >>> 0, size];
    };
    const number = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 40), 0.1, -0));
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ unit: 'binary' }), number, fc.boolean(), fc.constant(null), fc.constant(undefined),
        fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 })),
    }));
    const freezing = structuralWalker(true, 64);
    fc.assert(fc.property(value, (v) => {
      const d = walker.digest(v);
      expect([d.d1, d.d2, d.sizeBytes]).toEqual(reference(v));
      expect(freezing.digest(structuredClone(v))).toEqual(d);
    }), { numRuns: 1500 });
    // Hash64 (the trace's hash) against its definition: a string's tag and length words, then its characters.
    fc.assert(fc.property(fc.array(fc.oneof(fc.string({ unit: 'binary' }), number), { maxLength: 6 }), (items) => {
      const h = new Hash64(STRUCTURAL_SEED1, STRUCTURAL_SEED2);
      const w = new Hash64(STRUCTURAL_SEED1, STRUCTURAL_SEED2);
      for (const x of items) {
        if (typeof x === 'string') {
          h.string(x);
          w.word(0x73).word(x.length);
          for (let i = 0; i < x.length; i++) w.word(x.charCodeAt(i));
        } else {
          h.number(x);
          if (Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 32) w.word(x < 2 ** 31 ? 0x6e : 0x77).word(x | 0);
          else if (Number.isSafeInteger(x)) w.word(0x6c).word(x | 0).word(Math.floor(x / 2 ** 32) | 0);
          else {
            w.word(0x66).word(String(x).length);
            for (const c of String(x)) w.word(c.charCodeAt(0));
          }
        }
      }
      expect(h.hex()).toBe(w.hex());
    }), { numRuns: 500 });
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
