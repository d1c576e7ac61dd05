// Backoff strategies: the delay before retry number `attempt`, as a pure function of the
// attempt, a Random and the previous delay.
//
// Contract: `next(attempt, random, previousDelayUs)` returns an integer in
// [0, maxDelayUs]; `attempt` is 1 for the delay before the first retry. Strategies draw
// from `random` only when they jitter, so a plain strategy never shifts a shared stream.
// Jitter follows the AWS Architecture Blog "Exponential Backoff And Jitter" (2015):
// full jitter is uniform in [0, cap]; decorrelated jitter is min(cap, uniform[base, 3*prev]).
import type { Micros, Random } from '../../env.ts';
import { powInt } from '../../math/portableMath.ts';

export interface Backoff {
  readonly maxDelayUs: Micros;
  next(attempt: number, random: Random, previousDelayUs?: Micros): Micros;
}

export type Jitter = 'none' | 'full' | 'equal';

export function constantBackoff(delayUs: Micros): Backoff {
  requireDelay('delayUs', delayUs);
  return { maxDelayUs: delayUs, next: () => delayUs };
}

export function linearBackoff(options: { initialUs: Micros; stepUs: Micros; maxDelayUs: Micros }): Backoff {
  const { initialUs, stepUs, maxDelayUs } = options;
  requireDelay('initialUs', initialUs);
  requireDelay('stepUs', stepUs);
  requireDelay('maxDelayUs', maxDelayUs);
  return {
    maxDelayUs,
    next: (attempt) => Math.min(maxDelayUs, initialUs + stepUs * (requireAttempt(attempt) - 1)),
  };
}

export function exponentialBackoff(options: { initialUs: Micros; maxDelayUs: Micros; factor?: number; jitter?: Jitter }): Backoff {
  const { initialUs, maxDelayUs } = options;
  const factor = options.factor ?? 2;
  const jitter = options.jitter ?? 'none';
  requireDelay('initialUs', initialUs);
  requireDelay('maxDelayUs', maxDelayUs);
  if (!(factor >= 1 && Number.isFinite(factor))) throw new Error(`backoff: factor must be a finite number >= 1, got ${factor}`);
  return {
    maxDelayUs,
    next(attempt, random) {
      const exponent = requireAttempt(attempt) - 1;
      // Past the cap the power only overflows, so stop computing it there.
      const raw = initialUs === 0 ? 0 : initialUs * powInt(factor, Math.min(exponent, 1074));
      const capped = Math.floor(Math.min(maxDelayUs, raw));
      if (jitter === 'full') return random.int(capped + 1);
      if (jitter === 'equal') {
        const half = Math.floor(capped / 2);
        return half + random.int(capped - half + 1);
      }
      return capped;
    },
  };
}

export function decorrelatedJitterBackoff(options: { baseUs: Micros; maxDelayUs: Micros }): Backoff {
  const { baseUs, maxDelayUs } = options;
  requireDelay('baseUs', baseUs);
  requireDelay('maxDelayUs', maxDelayUs);
  if (baseUs > maxDelayUs) throw new Error('backoff: baseUs must not exceed maxDelayUs');
  return {
    maxDelayUs,
    next(attempt, random, previousDelayUs = 0) {
      requireAttempt(attempt);
      const previous = Math.max(baseUs, previousDelayUs);
      const high = Math.min(maxDelayUs, previous * 3);
      return Math.min(maxDelayUs, baseUs + random.int(high - baseUs + 1));
    },
  };
}

function requireDelay(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) throw new Error(`backoff: ${name} must be a non-negative integer of microseconds, got ${value}`);
}

function requireAttempt(attempt: number): number {
  if (!(Number.isInteger(attempt) && attempt >= 1)) throw new Error(`backoff: attempt must be an integer >= 1, got ${attempt}`);
  return attempt;
}
