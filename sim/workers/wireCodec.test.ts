// Goal: what crosses the lockstep channel arrives as a structured clone would: a node
// cannot tell the difference, so runs on workers keep their trace hash. Anything outside
// the JSON-like domain is refused by name, never sent as something else.
// Method: encode and decode values that trip simple codecs (-0, undefined, lone
// surrogates, key order, integers and floats at the edges, values larger than the primary
// buffer), compare with structuredClone; random JSON-like values through fast-check.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYS_MAX, wireBuffers, WireReader, WireWriter } from './wireCodec.ts';

function pair(primary = 1 << 16) {
  const bufs = wireBuffers(primary, 1 << 24);
  const w = new WireWriter(bufs);
  const r = new WireReader(bufs);
  return {
    w,
    trip: (v: unknown) => {
      w.encode(v);
      return r.decode(w.overflowed);
    },
  };
}

describe('wire codec', () => {
  it('short strings come back exact through the decoder\'s cache: repeats, near-misses and more distinct strings than its slots', () => {
    const { trip } = pair(1 << 20);
    // 20,000 distinct one-byte strings of lengths 1 to 64 (more than the 4,096 slots, so
    // slots are shared and overwritten), each sent twice, among strings one unit apart.
    const strings: string[] = [];
    for (let i = 0; i < 20_000; i++) strings.push(`${String.fromCharCode(32 + (i % 200))}${i.toString(36)}`.padEnd(1 + (i % 64), 'ÿ'));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < strings.length; i += 500) {
        const batch = strings.slice(i, i + 500);
        expect(trip(batch)).toEqual(batch);
      }
    }
    const near = ['MsgApp', 'MsgApq', 'MsgAp', 'MsgAppp', 'msgApp', 'MsgApp'];
    expect(trip(near)).toEqual(near);
    expect(trip(near.map((k) => ({ [k]: k })))).toEqual(near.map((k) => ({ [k]: k })));
  });

  it('any sequence of short strings round-trips (cache hits and misses alike)', () => {
    const { trip } = pair(1 << 20);
    fc.assert(fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'ÿ', '\u0000'), maxLength: 70 }), { maxLength: 60 }), (xs) => {
      expect(trip(xs)).toEqual(xs);
      expect(trip(xs)).toEqual(xs);
    }));
  });

  it('keeps what JSON and UTF-8 codecs lose', () => {
    const { trip } = pair();
    const v = {
      negZero: -0,
      undef: undefined,
      arr: [1, undefined, null, -5, 255, 256, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1],
      lone: 'a\ud800b\udc00',
      pairOk: '😀',
      nan: NaN,
      inf: -Infinity,
      frac: 0.1 + 0.2,
      big: 2 ** 53 + 2,
      latin: 'ÿé',
      '2': 'integer-like key',
      nested: { a: { b: [{ c: true }, false] } },
      empty: {},
      emptyArr: [],
      emptyStr: '',
    };
    const back = trip(v) as typeof v;
    expect(back).toEqual(structuredClone(v));
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect('undef' in back).toBe(true);
    expect(back.lone).toBe(v.lone);
    expect(Object.keys(back)).toEqual(Object.keys(v));
    expect(Object.keys(back.nested)).toEqual(['a']);
  });

  it('carries a value larger than the primary buffer through the overflow, then uses the primary again', () => {
    const { w, trip } = pair(256);
    const big = { s: 'x\u0100'.repeat(50_000), list: Array.from({ length: 5_000 }, (_, i) => ({ i, f: i / 3 })) };
    expect(trip(big)).toEqual(big);
    expect(w.overflowed).toBe(true);
    expect(trip({ s: 'small' })).toEqual({ s: 'small' });
    expect(w.overflowed).toBe(false);
  });

  it('refuses what a structured clone of a message must not carry, naming it, and stays in step after', () => {
    const { w, trip } = pair();
    expect(() => w.encode({ fresh: new Map() })).toThrow(/only JSON-like values cross to a worker; found a Map/);
    expect(() => w.encode({ fresh2: 1n })).toThrow(/found a bigint/);
    expect(() => w.encode({ fresh3: () => 1 })).toThrow(/found a function/);
    expect(() => w.encode({ u8: new Uint8Array(2) })).toThrow(/found a Uint8Array/);
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => w.encode(cyc)).toThrow(/deeper than 100 levels/);
    // The keys the refused values named were never seen by the reader: they must not be used by number.
    expect(trip({ fresh: 1, fresh2: 2, fresh3: 3, self: 4 })).toEqual({ fresh: 1, fresh2: 2, fresh3: 3, self: 4 });
  });

  it('writes keys out in full once the key table is full', () => {
    const { trip } = pair();
    const many = Object.fromEntries(Array.from({ length: KEYS_MAX + 50 }, (_, i) => [`k${i}`, i]));
    expect(trip(many)).toEqual(many);
    expect(trip(many)).toEqual(many);
    expect(trip({ k1: 'numbered', [`k${KEYS_MAX + 10}`]: 'inline' })).toEqual({ k1: 'numbered', [`k${KEYS_MAX + 10}`]: 'inline' });
  });

  it('keeps an own "__proto__" member as a member (fast-check found it losing one)', () => {
    const { trip } = pair(512);
    const hostile = JSON.parse('{"a":1,"__proto__":{"x":2},"b":[{"__proto__":0}]}') as Record<string, unknown>;
    const back = trip(hostile) as Record<string, unknown>;
    expect(back).toEqual(structuredClone(hostile));
    expect(Object.keys(back)).toEqual(['a', '__proto__', 'b']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(JSON.stringify(back)).toBe(JSON.stringify(hostile));
  });

  it('round-trips random JSON-like values like structuredClone', () => {
    const { trip } = pair(512);
    fc.assert(
      fc.property(fc.jsonValue(), fc.anything({ withNullPrototype: true, values: [fc.double(), fc.string({ unit: 'binary' }), fc.constant(undefined), fc.constant(-0)] }), (j, a) => {
        expect(trip(j)).toEqual(structuredClone(j));
        expect(trip(a)).toEqual(structuredClone(a));
      }),
      { numRuns: 150 },
    );
  });
});
