// Goal: the resilience policies work with real timers in a plain Node program.
// Method: run the example end to end (tens of milliseconds of real time) and check the
// outcome of each phase; real-time numbers are checked as bounds, never exact values.
import { describe, expect, it } from 'vitest';
import { FlakyService, runExample } from './example.ts';
import { realTimerPort, seededRandom } from './realTimeAdapter.ts';

describe('resilience example with real timers', () => {
  it('hides transient failures, cuts off hangs, fails fast in an outage and recovers', async () => {
    const report = await runExample();
    expect(report.transient).toEqual({ result: 'reply:a', serviceCallCount: 3 });
    expect(report.hanging.error).toBe('TimeoutError');
    expect(report.hanging.elapsedUs).toBeGreaterThanOrEqual(2_000);
    expect(report.hanging.elapsedUs).toBeLessThan(500_000);
    expect(report.outage.results).toEqual(['error:service down', 'fallback', 'fallback', 'fallback', 'fallback']);
    expect(report.outage.serviceCallCount).toBe(3);
    expect(report.outage.breakerState).toBe('open');
    expect(report.recovery).toEqual({ result: 'reply:r', breakerState: 'closed', transitions: ['closed->open', 'open->half-open', 'half-open->closed'] });
    expect(report.duplicates.serviceCallCount).toBe(1);
    expect(report.duplicates.results[0]).toBe(report.duplicates.results[1]);
    expect(report.rate.admittedCount).toBe(5);
    expect(report.rate.refusedCount).toBe(3);
    expect(report.rate.retryAfterUs).toBeGreaterThan(50_000);
    expect(report.rate.retryAfterUs).toBeLessThanOrEqual(100_000);
  });

  it('the real timer port moves forward and fires timers after their delay', async () => {
    const timer = realTimerPort();
    const startUs = timer.now();
    const firedAtUs = await new Promise<number>((resolve) => timer.setTimer(3_000, () => resolve(timer.now())));
    expect(firedAtUs - startUs).toBeGreaterThanOrEqual(2_000);
    let fired = false;
    timer.clearTimer(timer.setTimer(1_000, () => (fired = true)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(fired).toBe(false);
  });

  it('a seeded random repeats and stays in range', () => {
    const a = seededRandom('s');
    const b = seededRandom('s');
    const drawsA = Array.from({ length: 20 }, () => a.int(7));
    expect(drawsA).toEqual(Array.from({ length: 20 }, () => b.int(7)));
    expect(drawsA.every((value) => value >= 0 && value < 7)).toBe(true);
  });

  it('the fake service answers once its queued failures are used up', async () => {
    const service = new FlakyService();
    service.failNext(1);
    const signal = new AbortController().signal;
    await expect(service.call('x', signal)).rejects.toThrow('transient failure');
    await expect(service.call('x', signal)).resolves.toBe('reply:x');
  });
});
