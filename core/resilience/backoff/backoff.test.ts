// Goal: each backoff strategy yields exactly the documented delays, and every strategy
// stays within [0, maxDelayUs] for any attempt and any random stream.
// Method: a SequenceRandom with fixed values makes jittered delays exact; fast-check
// explores attempts, caps and seeds for the bounds.
// Reference: AWS Architecture Blog, "Exponential Backoff And Jitter" (2015).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Random } from '../../env.ts';
import { SequenceRandom } from '../../../test/support/resilience/sequenceRandom.ts';
import type { Backoff } from './backoff.ts';
import { constantBackoff, decorrelatedJitterBackoff, exponentialBackoff, linearBackoff } from './backoff.ts';

const fixedValues = [0.5, 0.25, 0.75, 0, 0.999];

function delays(backoff: Backoff, count: number, random: Random = new SequenceRandom(fixedValues)): number[] {
  const result: number[] = [];
  let previous = 0;
  for (let attempt = 1; attempt <= count; attempt++) {
    previous = backoff.next(attempt, random, previous);
    result.push(previous);
  }
  return result;
}

describe('exact sequences', () => {
  it('constant', () => {
    expect(delays(constantBackoff(1_000), 3)).toEqual([1_000, 1_000, 1_000]);
  });

  it('linear, capped', () => {
    expect(delays(linearBackoff({ initialUs: 100, stepUs: 50, maxDelayUs: 220 }), 5)).toEqual([100, 150, 200, 220, 220]);
  });

  it('exponential without jitter doubles up to the cap', () => {
    expect(delays(exponentialBackoff({ initialUs: 100, maxDelayUs: 1_000 }), 6)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('exponential with factor 3', () => {
    expect(delays(exponentialBackoff({ initialUs: 10, maxDelayUs: 1_000, factor: 3 }), 5)).toEqual([10, 30, 90, 270, 810]);
  });

  it('full jitter is uniform in [0, capped exponential]', () => {
    // floor(0.5*101), floor(0.25*201), floor(0.75*401), floor(0*801), floor(0.999*1001)
    expect(delays(exponentialBackoff({ initialUs: 100, maxDelayUs: 1_000, jitter: 'full' }), 5)).toEqual([50, 50, 300, 0, 999]);
  });

  it('equal jitter keeps half and jitters the other half', () => {
    expect(delays(exponentialBackoff({ initialUs: 100, maxDelayUs: 1_000, jitter: 'equal' }), 3)).toEqual([75, 125, 350]);
  });

  it('decorrelated jitter is min(cap, uniform[base, 3 * previous])', () => {
    // 100+floor(.5*201), 100+floor(.25*501), 100+floor(.75*576), 100+0, 100+floor(.999*201)
    expect(delays(decorrelatedJitterBackoff({ baseUs: 100, maxDelayUs: 1_000 }), 5)).toEqual([200, 225, 532, 100, 300]);
  });

  it('a plain strategy never draws from the random stream', () => {
    let draws = 0;
    const counting: Random = { next: () => (draws++, 0.5), int: (n) => (draws++, Math.floor(n / 2)) };
    delays(exponentialBackoff({ initialUs: 1, maxDelayUs: 100 }), 5, counting);
    delays(linearBackoff({ initialUs: 1, stepUs: 1, maxDelayUs: 100 }), 5, counting);
    expect(draws).toBe(0);
  });

  it('rejects bad input with a message', () => {
    expect(() => constantBackoff(-1)).toThrow(/delayUs/);
    expect(() => exponentialBackoff({ initialUs: 1, maxDelayUs: 10, factor: 0.5 })).toThrow(/factor/);
    expect(() => exponentialBackoff({ initialUs: 1, maxDelayUs: 10 }).next(0, new SequenceRandom([0]))).toThrow(/attempt/);
  });
});

describe('properties', () => {
  const strategies = (initialUs: number, maxDelayUs: number): Backoff[] => [
    constantBackoff(Math.min(initialUs, maxDelayUs)),
    linearBackoff({ initialUs, stepUs: initialUs, maxDelayUs }),
    exponentialBackoff({ initialUs, maxDelayUs }),
    exponentialBackoff({ initialUs, maxDelayUs, jitter: 'full' }),
    exponentialBackoff({ initialUs, maxDelayUs, jitter: 'equal', factor: 1.5 }),
    decorrelatedJitterBackoff({ baseUs: Math.min(initialUs, maxDelayUs), maxDelayUs }),
  ];

  it('every delay is an integer in [0, maxDelayUs], for any attempt up to 2000', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 0, max: 60_000_000 }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 2_000 }),
        (initialUs, maxDelayUs, values, attempt) => {
          const random = new SequenceRandom(values);
          for (const backoff of strategies(initialUs, maxDelayUs)) {
            for (const previous of [0, initialUs, maxDelayUs]) {
              const delay = backoff.next(attempt, random, previous);
              expect(Number.isInteger(delay)).toBe(true);
              expect(delay).toBeGreaterThanOrEqual(0);
              expect(delay).toBeLessThanOrEqual(maxDelayUs);
            }
          }
        },
      ),
    );
  });

  it('exponential without jitter never decreases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 10_000_000 }), (initialUs, maxDelayUs) => {
        const sequence = delays(exponentialBackoff({ initialUs, maxDelayUs }), 40);
        for (let i = 1; i < sequence.length; i++) expect(sequence[i]).toBeGreaterThanOrEqual(sequence[i - 1]);
      }),
    );
  });
});
