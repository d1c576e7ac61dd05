// formatCount must write every number exactly as toLocaleString('en-US') does: it replaces
// that call in messages and reports, which tests and users compare as text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount } from './time.ts';

describe('formatCount', () => {
  it('equals toLocaleString("en-US") on integers of every size and sign', () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.integer({ min: -999_999, max: 999_999 })), (n) => {
      expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
    }), { numRuns: 2000 });
  });

  it('equals it on the edges: digit-count boundaries, zero, -0, fractions, huge and non-finite numbers', () => {
    const edges = [0, -0, 1, 9, 10, 99, 100, 999, 1000, 9999, 10_000, 999_999, 1_000_000, 1_234_567_890, -1000, -999, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21, 2 ** 60, 0.5, 1234.5678, -1234.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const n of edges) expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
