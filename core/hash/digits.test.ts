// Goal: hex32 and base36 are exactly Number.prototype.toString's output, for any number.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base36, hex32 } from './digits.ts';

const edges = [0, 1, 9, 10, 15, 16, 35, 36, 255, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -1, -(2 ** 31), 0xdeadbeef, 1e15 + 7, -0];

describe('digits', () => {
  it('hex32 is (n >>> 0).toString(16) padded to 8 digits', () => {
    for (const n of edges) expect(hex32(n)).toBe((n >>> 0).toString(16).padStart(8, '0'));
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.nat({ max: 2 ** 32 - 1 }), fc.maxSafeInteger()), (n) => {
      expect(hex32(n)).toBe((n >>> 0).toString(16).padStart(8, '0'));
    }), { numRuns: 2000 });
  });

  it('base36 is (n >>> 0).toString(36)', () => {
    for (const n of edges) expect(base36(n)).toBe((n >>> 0).toString(36));
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.nat({ max: 2 ** 32 - 1 }), fc.maxSafeInteger()), (n) => {
      expect(base36(n)).toBe((n >>> 0).toString(36));
    }), { numRuns: 2000 });
  });
});
