// Goal: vectors and documents survive the trip through KV values and messages bit for bit,
// and corrupted text is refused. Method: fast-check round trips over float32 arrays, and
// hand-made bad inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDocValue, docKey, encodeDocValue, labelOfKey } from './document.ts';
import { decodeBytes, decodeVector, encodeBytes, encodeVector } from './vectorCodec.ts';

describe('vector codec', () => {
  it('round-trips bytes and float32 vectors exactly', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      expect(decodeBytes(encodeBytes(b))).toEqual(b);
    }));
    fc.assert(fc.property(fc.float32Array({ minLength: 1, maxLength: 50, noNaN: true, noDefaultInfinity: true }), (v) => {
      expect(decodeVector(encodeVector(v))).toEqual(Float32Array.from(v, (x) => (Object.is(x, -0) ? -0 : x)));
    }));
    expect(encodeBytes(new TextEncoder().encode('hello'))).toBe('aGVsbG8=');
  });

  it('refuses text that is not a vector', () => {
    expect(decodeBytes('abc')).toBeNull();
    expect(decodeBytes('ab$=')).toBeNull();
    expect(decodeVector(encodeBytes(new Uint8Array(6)))).toBeNull();
    expect(decodeVector(encodeVector([1, 2, 3]), 4)).toBeNull();
    expect(decodeVector(encodeVector([1, Number.NaN]))).toBeNull();
    expect(decodeVector('')).toBeNull();
  });

  it('encodes documents as KV entries', () => {
    expect(labelOfKey(docKey(42))).toBe(42);
    for (const bad of ['doc/', 'doc/01', 'doc/-1', 'doc/4294967296', 'k1', 'doc/1x']) expect(labelOfKey(bad)).toBeNull();
    const value = encodeDocValue('A title', [0.5, -0.25]);
    expect(decodeDocValue(value, 2)).toEqual({ title: 'A title', vector: Float32Array.from([0.5, -0.25]) });
    expect(decodeDocValue(value, 3)).toBeNull();
    expect(decodeDocValue('{"t":1,"v":"AAAA"}', 1)).toBeNull();
    expect(decodeDocValue('not json', 1)).toBeNull();
  });
});
