// Goal: retry decides in a fixed order (attempts, predicate, budget), waits exactly the
// backoff delay on the port's clock, and the budget bounds total attempts.
// Method: the synchronous `decide` with explicit `now`; `execute` on a ManualClock;
// fast-check for the budget bound. Reference: Finagle RetryBudget, gRPC A6 throttling.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { constantBackoff, exponentialBackoff } from '../backoff/backoff.ts';
import { CancelledError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { SequenceRandom } from '../../../test/support/resilience/sequenceRandom.ts';
import { RetryBudget } from './retryBudget.ts';
import type { RetryEvent } from './retryPolicy.ts';
import { RetryPolicy } from './retryPolicy.ts';

const random = new SequenceRandom([0.5]);
const boom = new Error('boom');

describe('decide', () => {
  it('gives up at maxAttempts, and never retries an error the predicate rejects', () => {
    const policy = new RetryPolicy({ maxAttempts: 3, backoff: constantBackoff(10), shouldRetry: (e) => e === boom });
    expect(policy.decide(1, boom, 0, random)).toEqual({ retry: true, delayUs: 10 });
    expect(policy.decide(2, boom, 0, random)).toEqual({ retry: true, delayUs: 10 });
    expect(policy.decide(3, boom, 0, random)).toEqual({ retry: false, reason: 'max-attempts' });
    expect(policy.decide(1, new Error('bad request'), 0, random)).toEqual({ retry: false, reason: 'not-retryable' });
  });

  it('a non-retryable error spends no budget; an empty budget refuses', () => {
    const budget = new RetryBudget({ ttlUs: 1_000_000, retryRatio: 0, minRetriesPerSec: 1 });
    const policy = new RetryPolicy({ maxAttempts: 5, backoff: constantBackoff(1), budget, shouldRetry: (e) => e === boom });
    expect(policy.decide(1, 'other', 0, random).retry).toBe(false);
    expect(budget.balance(0)).toBe(1);
    expect(policy.decide(1, boom, 0, random)).toEqual({ retry: true, delayUs: 1 });
    expect(policy.decide(2, boom, 0, random)).toEqual({ retry: false, reason: 'budget-exhausted' });
  });

  it('tells the listener about every decision', () => {
    const events: RetryEvent[] = [];
    const policy = new RetryPolicy({ maxAttempts: 2, backoff: constantBackoff(5), onDecision: (e) => events.push(e) });
    policy.decide(1, boom, 7, random);
    policy.decide(2, boom, 9, random);
    expect(events.map((e) => [e.attempt, e.atUs, e.decision.retry])).toEqual([[1, 7, true], [2, 9, false]]);
  });
});

describe('budget', () => {
  it('allows ratio * requests + reserve retries per window, then refills as deposits age out', () => {
    const budget = new RetryBudget({ ttlUs: 1_000_000, retryRatio: 0.5, minRetriesPerSec: 2, bucketCount: 10 });
    for (let i = 0; i < 4; i++) budget.deposit(0);
    expect(budget.balance(0)).toBe(4);
    let granted = 0;
    while (budget.tryWithdraw(10)) granted++;
    expect(granted).toBe(4);
    expect(budget.balance(999_999)).toBe(0);
    expect(budget.balance(1_000_000)).toBe(2);
  });

  it('property: total attempts <= (1 + ratio) * requests + reserve within one window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 10 }),
        (requestCount, retryRatio, minRetriesPerSec, maxAttempts) => {
          const ttlUs = 1_000_000;
          const budget = new RetryBudget({ ttlUs, retryRatio, minRetriesPerSec });
          const policy = new RetryPolicy({ maxAttempts, backoff: constantBackoff(0), budget });
          let attemptCount = 0;
          for (let request = 0; request < requestCount; request++) {
            const now = Math.floor((request * (ttlUs - 1)) / requestCount);
            policy.begin(now);
            let attempt = 1;
            attemptCount++;
            while (policy.decide(attempt, boom, now, random).retry) {
              attempt++;
              attemptCount++;
            }
          }
          expect(attemptCount).toBeLessThanOrEqual((1 + retryRatio) * requestCount + minRetriesPerSec * (ttlUs / 1_000_000));
          expect(attemptCount).toBeLessThanOrEqual(requestCount * maxAttempts);
        },
      ),
    );
  });
});

describe('execute on a manual clock', () => {
  it('waits exactly the backoff delays between attempts and returns the first success', async () => {
    const clock = new ManualClock();
    const calledAtUs: number[] = [];
    const policy = new RetryPolicy({ maxAttempts: 4, backoff: exponentialBackoff({ initialUs: 100, maxDelayUs: 1_000 }) }, { timer: clock, random });
    const result = policy.execute(() => {
      calledAtUs.push(clock.now());
      if (calledAtUs.length < 3) throw boom;
      return 'ok';
    });
    await clock.runAllAsync(10_000);
    await expect(result).resolves.toBe('ok');
    expect(calledAtUs).toEqual([0, 100, 300]);
  });

  it('rethrows the last error when attempts run out', async () => {
    const clock = new ManualClock();
    let callCount = 0;
    const policy = new RetryPolicy({ maxAttempts: 3, backoff: constantBackoff(50) }, { timer: clock, random });
    const result = policy.execute(() => Promise.reject(new Error(`fail ${++callCount}`)));
    const settled = result.catch((error: Error) => error.message);
    await clock.runAllAsync(10_000);
    expect(await settled).toBe('fail 3');
    expect(clock.now()).toBe(100);
  });

  it('stops waiting as soon as the caller aborts', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = new RetryPolicy({ maxAttempts: 5, backoff: constantBackoff(1_000) }, { timer: clock, random });
    const settled = policy.execute(() => Promise.reject(boom), { signal: controller.signal }).catch((error: unknown) => error);
    await clock.advanceAsync(10);
    controller.abort();
    expect(await settled).toBeInstanceOf(CancelledError);
    expect(clock.pendingTimerCount).toBe(0);
  });
});
