// Goal: a timeout fires at exactly its duration of port time, aborts the inner signal,
// and leaves no timer behind on any path.
// Method: a ManualClock; the inner function waits on port timers or on its signal.
import { describe, expect, it } from 'vitest';
import { CancelledError, TimeoutError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { deadlineAt, isExpired, remainingUs } from './deadline.ts';
import { TimeoutPolicy } from './timeoutPolicy.ts';

function after<T>(clock: ManualClock, us: number, value: T): Promise<T> {
  return new Promise((resolve) => clock.setTimer(us, () => resolve(value)));
}

describe('timeout policy', () => {
  it('passes through a call that finishes in time and clears its timer', async () => {
    const clock = new ManualClock();
    const result = new TimeoutPolicy(1_000, clock).execute(() => after(clock, 999, 'done'));
    await clock.advanceAsync(999);
    await expect(result).resolves.toBe('done');
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('aggressive: rejects at the deadline even if the call ignores its signal', async () => {
    const clock = new ManualClock();
    let abortedAtUs = -1;
    const settled = new TimeoutPolicy(1_000, clock)
      .execute(({ signal }) => {
        signal.addEventListener('abort', () => (abortedAtUs = clock.now()));
        return after(clock, 5_000, 'late');
      })
      .catch((error: unknown) => ({ error, atUs: clock.now() }));
    await clock.advanceAsync(1_000);
    const outcome = await settled;
    expect(outcome).toEqual({ error: new TimeoutError(1_000), atUs: 1_000 });
    expect(abortedAtUs).toBe(1_000);
  });

  it('cooperative: waits for the call, then reports the timeout', async () => {
    const clock = new ManualClock();
    let settledAtUs = -1;
    const settled = new TimeoutPolicy(1_000, clock, 'cooperative')
      .execute(() => after(clock, 1_500, 'late'))
      .catch((error: unknown) => ((settledAtUs = clock.now()), error));
    await clock.advanceAsync(2_000);
    expect(await settled).toBeInstanceOf(TimeoutError);
    expect(settledAtUs).toBe(1_500);
  });

  it('the caller aborting aborts the inner signal and the inner error is passed on', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const settled = new TimeoutPolicy(1_000, clock)
      .execute(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new CancelledError(signal.reason)))), { signal: controller.signal })
      .catch((error: unknown) => error);
    await clock.advanceAsync(10);
    controller.abort('caller');
    expect(await settled).toEqual(new CancelledError('caller'));
    expect(clock.pendingTimerCount).toBe(0);
  });

  it('deadline arithmetic', () => {
    const deadline = deadlineAt(100, 50);
    expect([deadline, remainingUs(120, deadline), remainingUs(200, deadline), isExpired(149, deadline), isExpired(150, deadline)]).toEqual([150, 30, 0, false, true]);
    expect(() => deadlineAt(0, -1)).toThrow(/budget/);
  });
});
