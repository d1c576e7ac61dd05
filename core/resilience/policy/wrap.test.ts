// Goal: composed policies nest in the order given, so a timeout inside a retry gives
// each attempt its own budget, and a breaker outside the retry sees one outcome per call.
// Method: wrap(breaker, retry, timeout) and wrap(retry, timeout) on a ManualClock with a
// fake operation that hangs or fails on chosen attempts; fallback outermost.
import { describe, expect, it } from 'vitest';
import { constantBackoff } from '../backoff/backoff.ts';
import { CircuitBreaker } from '../breaker/circuitBreaker.ts';
import { FallbackPolicy } from '../fallback/fallback.ts';
import { RetryPolicy } from '../retry/retryPolicy.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { SequenceRandom } from '../../../test/support/resilience/sequenceRandom.ts';
import { TimeoutPolicy } from '../timeout/timeoutPolicy.ts';
import { BrokenCircuitError, TimeoutError } from './errors.ts';
import type { ExecuteContext } from './policy.ts';
import { wrap } from './wrap.ts';

function setup(): { clock: ManualClock; breaker: CircuitBreaker; retry: RetryPolicy; timeout: TimeoutPolicy } {
  const clock = new ManualClock();
  const random = new SequenceRandom([0.5]);
  return {
    clock,
    breaker: new CircuitBreaker({ trip: { kind: 'consecutive', failures: 2 }, openDurationUs: 10_000 }, clock),
    retry: new RetryPolicy({ maxAttempts: 3, backoff: constantBackoff(100), shouldRetry: (e) => !(e instanceof BrokenCircuitError) }, { timer: clock, random }),
    timeout: new TimeoutPolicy(1_000, clock),
  };
}

describe('wrap', () => {
  it('timeout inside retry: a hung first attempt is cut off and the second succeeds', async () => {
    const { clock, retry, timeout } = setup();
    const startedAtUs: number[] = [];
    const op = ({ signal }: ExecuteContext): Promise<string> => {
      startedAtUs.push(clock.now());
      if (startedAtUs.length === 1) return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      return Promise.resolve('second');
    };
    const result = wrap(retry, timeout).execute(op);
    await clock.runAllAsync(100_000);
    await expect(result).resolves.toBe('second');
    expect(startedAtUs).toEqual([0, 1_100]);
  });

  it('breaker outside retry: one failed logical call is one breaker failure', async () => {
    const { clock, breaker, retry, timeout } = setup();
    let attemptCount = 0;
    const failing = (): Promise<never> => (attemptCount++, Promise.reject(new Error('down')));
    const policy = wrap(breaker, retry, timeout);
    const first = policy.execute(failing).catch((e: Error) => e.message);
    await clock.runAllAsync(100_000);
    expect(await first).toBe('down');
    expect([attemptCount, breaker.state]).toEqual([3, 'closed']);
    const second = policy.execute(failing).catch((e: Error) => e.message);
    await clock.runAllAsync(100_000);
    expect(await second).toBe('down');
    expect([attemptCount, breaker.state]).toEqual([6, 'open']);
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(attemptCount).toBe(6);
  });

  it('retry outside breaker stops at once when the breaker opens', async () => {
    const { clock, breaker, retry } = setup();
    let attemptCount = 0;
    const result = new FallbackPolicy({ handles: (e) => e instanceof BrokenCircuitError, fallback: () => 'cached' })
      .execute(() => wrap(retry, breaker).execute(() => (attemptCount++, Promise.reject(new TimeoutError(1)))));
    await clock.runAllAsync(100_000);
    expect(await result).toBe('cached');
    expect(attemptCount).toBe(2);
  });

  it('a fallback that does not handle the error lets it through', async () => {
    const fallback = new FallbackPolicy({ handles: (e) => e === 'x', fallback: () => 0 });
    await expect(fallback.execute(() => Promise.reject(new Error('other')))).rejects.toThrow('other');
    await expect(fallback.execute(() => Promise.reject('x'))).resolves.toBe(0);
  });

  it('wrap needs at least one policy', () => {
    expect(() => wrap()).toThrow(/at least one/);
  });
});
