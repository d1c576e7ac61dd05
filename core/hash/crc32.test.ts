// Goal: crc32 matches the IEEE CRC-32 of the string's UTF-8 bytes for every kind of text,
// since records written by one version are read by another. Method: published check
// values, and fast-check against a byte-wise reference over TextEncoder's output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Hex } from './crc32.ts';

function reference(text: string): number {
  let crc = 0xffffffff;
  for (const b of new TextEncoder().encode(text)) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc & 1) !== 0 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('crc32', () => {
  it('gives the published check values', () => {
    expect(crc32Hex('123456789')).toBe('cbf43926');
    expect(crc32('')).toBe(0);
    expect(crc32Hex('The quick brown fox jumps over the lazy dog')).toBe('414fa339');
  });

  it('equals CRC-32 over the UTF-8 bytes, surrogates and lone surrogates included', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(crc32(s)).toBe(reference(s));
    }), { numRuns: 2000 });
    for (const s of ['é', '€', '😀', '\ud800', 'a\udc00b', 'ünï€😀\ud83d']) expect(crc32(s)).toBe(reference(s));
  });
});
