// Goal: the bulkhead never runs more than its limit, queues FIFO up to its bound,
// rejects beyond it, and hands slots over on release.
// Method: the synchronous core with callbacks, then the Promise path on a ManualClock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BulkheadRejectedError, CancelledError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { Bulkhead } from './bulkhead.ts';

describe('bulkhead core', () => {
  it('permits up to the limit, queues up to the bound, then rejects', () => {
    const bulkhead = new Bulkhead(2, 1);
    const admitted: string[] = [];
    expect(bulkhead.tryEnter(() => admitted.push('a')).kind).toBe('permit');
    expect(bulkhead.tryEnter(() => admitted.push('b')).kind).toBe('permit');
    expect(bulkhead.tryEnter(() => admitted.push('c')).kind).toBe('queued');
    expect(bulkhead.tryEnter(() => admitted.push('d'))).toEqual({ kind: 'rejected', activeCount: 2, queuedCount: 1 });
    bulkhead.release();
    expect(admitted).toEqual(['c']);
    expect([bulkhead.activeCount, bulkhead.queuedCount]).toEqual([2, 0]);
    bulkhead.release();
    bulkhead.release();
    expect(bulkhead.activeCount).toBe(0);
    expect(() => bulkhead.release()).toThrow(/without a permit/);
  });

  it('a cancelled waiter is skipped and frees its queue place', () => {
    const bulkhead = new Bulkhead(1, 2);
    const admitted: string[] = [];
    bulkhead.tryEnter();
    const first = bulkhead.tryEnter(() => admitted.push('first'));
    bulkhead.tryEnter(() => admitted.push('second'));
    if (first.kind !== 'queued') throw new Error('expected queued');
    expect(first.cancel()).toBe(true);
    expect(first.cancel()).toBe(false);
    expect(bulkhead.queuedCount).toBe(1);
    bulkhead.release();
    expect(admitted).toEqual(['second']);
  });

  it('property: active never exceeds the limit and queued never exceeds the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.array(fc.constantFrom('enter', 'release', 'cancel'), { maxLength: 200 }), (limit, queueSizeMax, ops) => {
        const bulkhead = new Bulkhead(limit, queueSizeMax);
        const cancels: (() => boolean)[] = [];
        for (const op of ops) {
          if (op === 'enter') {
            const entry = bulkhead.tryEnter(() => undefined);
            if (entry.kind === 'queued') cancels.push(entry.cancel);
          } else if (op === 'release' && bulkhead.activeCount > 0) bulkhead.release();
          else if (op === 'cancel') cancels.shift()?.();
          expect(bulkhead.activeCount).toBeLessThanOrEqual(limit);
          expect(bulkhead.queuedCount).toBeLessThanOrEqual(queueSizeMax);
        }
      }),
    );
  });
});

describe('bulkhead execute', () => {
  it('runs queued calls in order as slots free, and rejects when full', async () => {
    const clock = new ManualClock();
    const bulkhead = new Bulkhead(1, 1);
    const startedAtUs: number[] = [];
    const job = (us: number) => () => {
      startedAtUs.push(clock.now());
      return new Promise<number>((resolve) => clock.setTimer(us, () => resolve(us)));
    };
    const first = bulkhead.execute(job(100));
    const second = bulkhead.execute(job(50));
    await expect(bulkhead.execute(job(1))).rejects.toBeInstanceOf(BulkheadRejectedError);
    await clock.runAllAsync(1_000);
    expect(await Promise.all([first, second])).toEqual([100, 50]);
    expect(startedAtUs).toEqual([0, 100]);
    expect(bulkhead.activeCount).toBe(0);
  });

  it('a queued call aborted by its caller never runs', async () => {
    const bulkhead = new Bulkhead(1, 1);
    const clock = new ManualClock();
    const running = bulkhead.execute(() => new Promise((resolve) => clock.setTimer(10, () => resolve('x'))));
    const controller = new AbortController();
    let ran = false;
    const queued = bulkhead.execute(() => (ran = true), { signal: controller.signal }).catch((error: unknown) => error);
    controller.abort();
    expect(await queued).toBeInstanceOf(CancelledError);
    await clock.runAllAsync(100);
    await running;
    expect(ran).toBe(false);
    expect(bulkhead.activeCount).toBe(0);
  });
});
