// Goal: shutdown refuses new work at once, drains in-flight work up to the deadline, runs
// handlers by priority with their limits, and reports each handler's outcome.
// Method: drive the coordinator's step/handlerFinished by hand with explicit `now`; then
// the Promise GracefulShutdown on a ManualClock.
import { describe, expect, it } from 'vitest';
import { ShuttingDownError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { GracefulShutdown } from './gracefulShutdown.ts';
import { ShutdownCoordinator } from './shutdownCoordinator.ts';

describe('shutdown coordinator', () => {
  it('drains, then runs handlers by priority (ties in registration order)', () => {
    const coordinator = new ShutdownCoordinator(10_000);
    coordinator.register({ name: 'flush', priority: 2 });
    coordinator.register({ name: 'http', priority: 1 });
    coordinator.register({ name: 'db', priority: 2 });
    expect(coordinator.tryBeginWork()).toBe(true);
    coordinator.begin(1_000);
    expect(coordinator.tryBeginWork()).toBe(false);
    expect(coordinator.step(1_000)).toEqual({ kind: 'wait-drain', untilUs: 11_000, inFlightCount: 1 });
    expect(coordinator.endWork()).toBe(true);
    expect(coordinator.step(1_200)).toEqual({ kind: 'run-handler', name: 'http', untilUs: 11_000 });
    coordinator.handlerFinished('http', 1_300);
    expect(coordinator.step(1_300)).toMatchObject({ kind: 'run-handler', name: 'flush' });
    coordinator.handlerFinished('flush', 1_400, new Error('disk full'));
    expect(coordinator.step(1_400)).toMatchObject({ kind: 'run-handler', name: 'db' });
    coordinator.handlerFinished('db', 1_500);
    const done = coordinator.step(1_500);
    if (done.kind !== 'done') throw new Error('expected done');
    expect(done.report).toEqual({
      startedAtUs: 1_000,
      finishedAtUs: 1_500,
      drained: true,
      abandonedWorkCount: 0,
      handlers: [
        { name: 'http', outcome: 'completed', startedAtUs: 1_200, finishedAtUs: 1_300 },
        { name: 'flush', outcome: 'failed', startedAtUs: 1_300, finishedAtUs: 1_400, error: 'disk full' },
        { name: 'db', outcome: 'completed', startedAtUs: 1_400, finishedAtUs: 1_500 },
      ],
    });
  });

  it('gives up draining at the deadline and skips every handler', () => {
    const coordinator = new ShutdownCoordinator(1_000);
    coordinator.register({ name: 'a', priority: 0 });
    coordinator.tryBeginWork();
    coordinator.begin(0);
    expect(coordinator.step(999).kind).toBe('wait-drain');
    const done = coordinator.step(1_000);
    if (done.kind !== 'done') throw new Error('expected done');
    expect([done.report.drained, done.report.abandonedWorkCount]).toEqual([false, 1]);
    expect(done.report.handlers).toEqual([{ name: 'a', outcome: 'skipped' }]);
    expect(coordinator.endWork()).toBe(false);
  });

  it('the overall deadline times out the running handler, a late report changes nothing, the rest are skipped', () => {
    const coordinator = new ShutdownCoordinator(1_000);
    coordinator.register({ name: 'a', priority: 0, timeoutUs: 5_000 });
    coordinator.register({ name: 'b', priority: 1 });
    coordinator.begin(0);
    expect(coordinator.step(600)).toEqual({ kind: 'run-handler', name: 'a', untilUs: 1_000 });
    expect(coordinator.tryBeginWork()).toBe(false);
    expect(coordinator.step(700)).toEqual({ kind: 'wait-handler', name: 'a', untilUs: 1_000 });
    const done = coordinator.step(1_000);
    coordinator.handlerFinished('a', 1_100);
    if (done.kind !== 'done') throw new Error('expected done');
    expect(done.report.handlers).toEqual([
      { name: 'a', outcome: 'timed-out', startedAtUs: 600, finishedAtUs: 1_000 },
      { name: 'b', outcome: 'skipped' },
    ]);
    expect(coordinator.phase).toBe('done');
  });

  it('a handler past its own timeout is timed out and the next one starts', () => {
    const coordinator = new ShutdownCoordinator(10_000);
    coordinator.register({ name: 'slow', priority: 0, timeoutUs: 100 });
    coordinator.register({ name: 'next', priority: 1 });
    coordinator.begin(0);
    expect(coordinator.step(0)).toEqual({ kind: 'run-handler', name: 'slow', untilUs: 100 });
    expect(coordinator.step(100)).toEqual({ kind: 'run-handler', name: 'next', untilUs: 10_000 });
    coordinator.handlerFinished('slow', 150);
    coordinator.handlerFinished('next', 160);
    const done = coordinator.step(160);
    expect(done.kind === 'done' && done.report.handlers.map((h) => h.outcome)).toEqual(['timed-out', 'completed']);
  });

  it('refuses late registration and duplicate names', () => {
    const coordinator = new ShutdownCoordinator(1);
    coordinator.register({ name: 'x', priority: 0 });
    expect(() => coordinator.register({ name: 'x', priority: 1 })).toThrow(/twice/);
    coordinator.begin(0);
    expect(() => coordinator.register({ name: 'y', priority: 0 })).toThrow(/after shutdown/);
  });
});

describe('graceful shutdown (Promise API)', () => {
  it('waits for in-flight work, refuses new work, runs handlers and reports timeouts', async () => {
    const clock = new ManualClock();
    const shutdown = new GracefulShutdown(clock, 5_000);
    const order: string[] = [];
    let hungSignal: AbortSignal | undefined;
    shutdown.register('close-db', 2, () => new Promise<void>((resolve) => clock.setTimer(100, () => (order.push(`db@${clock.now()}`), resolve()))));
    shutdown.register('stop-http', 1, () => void order.push(`http@${clock.now()}`));
    shutdown.register('hang', 3, (signal) => ((hungSignal = signal), new Promise<void>(() => undefined)), 300);
    const work = shutdown.track(() => new Promise<string>((resolve) => clock.setTimer(1_000, () => resolve('work done'))));
    const report = shutdown.shutdown();
    expect(shutdown.shutdown()).toBe(report);
    await expect(shutdown.track(() => 'late')).rejects.toBeInstanceOf(ShuttingDownError);
    await clock.runAllAsync(100_000);
    await expect(work).resolves.toBe('work done');
    const final = await report;
    expect(order).toEqual(['http@1000', 'db@1100']);
    expect(final.drained).toBe(true);
    expect(final.handlers.map((h) => [h.name, h.outcome, h.startedAtUs, h.finishedAtUs])).toEqual([
      ['stop-http', 'completed', 1_000, 1_000],
      ['close-db', 'completed', 1_000, 1_100],
      ['hang', 'timed-out', 1_100, 1_400],
    ]);
    expect(hungSignal?.aborted).toBe(true);
  });
});
