// Goal: every breaker state transition happens exactly when its rule says, and not before.
// Method: drive the synchronous core with explicit `now` values (and the Promise path on
// a ManualClock); listeners record transitions; fast-check generates outcome sequences.
// Reference: resilience4j CircuitBreaker semantics (count/time windows, minimum calls,
// slow calls, half-open permitted calls), Nygard "Release It!" ch. 5.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrokenCircuitError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import type { BreakerOptions } from './breakerConfig.ts';
import type { BreakerPermit, BreakerStateChange } from './circuitBreaker.ts';
import { CircuitBreaker } from './circuitBreaker.ts';

const boom = new Error('boom');

function withLog(options: BreakerOptions): { breaker: CircuitBreaker; log: BreakerStateChange[] } {
  const breaker = new CircuitBreaker(options);
  const log: BreakerStateChange[] = [];
  breaker.onStateChange((change) => log.push(change));
  return { breaker, log };
}

function permitAt(breaker: CircuitBreaker, now: number): BreakerPermit {
  const result = breaker.tryAcquire(now);
  if (!result.ok) throw new Error(`expected a permit at ${now}, breaker is ${result.state}`);
  return result;
}

describe('consecutive failures', () => {
  it('opens on the Nth failure in a row, and a success resets the run', () => {
    const { breaker, log } = withLog({ trip: { kind: 'consecutive', failures: 3 }, openDurationUs: 1_000 });
    breaker.onFailure(1, boom);
    breaker.onFailure(2, boom);
    breaker.onSuccess(3, 10);
    breaker.onFailure(4, boom);
    breaker.onFailure(5, boom);
    expect(breaker.state).toBe('closed');
    breaker.onFailure(6, boom);
    expect(breaker.state).toBe('open');
    expect(log.map((c) => [c.from, c.to, c.atUs, c.reason])).toEqual([['closed', 'open', 6, 'consecutive-failures']]);
  });

  it('rejects while open with the exact time left, then admits one probe at openedAt + openDuration', () => {
    const { breaker, log } = withLog({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 1_000 });
    breaker.onFailure(100, boom);
    expect(breaker.tryAcquire(600)).toEqual({ ok: false, state: 'open', retryAfterUs: 500 });
    expect(breaker.tryAcquire(1_099)).toEqual({ ok: false, state: 'open', retryAfterUs: 1 });
    const probe = permitAt(breaker, 1_100);
    expect(probe.probe).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire(1_101)).toEqual({ ok: false, state: 'half-open', retryAfterUs: 0 });
    breaker.onSuccess(1_150, 50, probe);
    expect(breaker.state).toBe('closed');
    expect(log.map((c) => `${c.from}->${c.to}@${c.atUs}:${c.reason}`)).toEqual([
      'closed->open@100:consecutive-failures',
      'open->half-open@1100:open-duration-elapsed',
      'half-open->closed@1150:probes-succeeded',
    ]);
  });

  it('property: N consecutive failures from any closed history open the breaker', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.boolean(), { maxLength: 40 }), (failures, history) => {
        const breaker = new CircuitBreaker({ trip: { kind: 'consecutive', failures }, openDurationUs: 10 });
        let now = 0;
        for (const failed of history) {
          if (breaker.state !== 'closed') breaker.reset(now);
          if (failed) breaker.onFailure(now++, boom);
          else breaker.onSuccess(now++, 0);
        }
        if (breaker.state !== 'closed') breaker.reset(now);
        // A success ends whatever run of failures the history left behind.
        breaker.onSuccess(now++, 0);
        for (let i = 0; i < failures - 1; i++) breaker.onFailure(now++, boom);
        expect(breaker.state).toBe('closed');
        breaker.onFailure(now, boom);
        expect(breaker.state).toBe('open');
      }),
    );
  });
});

describe('half-open probe budget', () => {
  function openedBreaker(permitted: number, successes: number): { breaker: CircuitBreaker; log: BreakerStateChange[] } {
    const made = withLog({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 100, halfOpenPermittedCalls: permitted, halfOpenSuccessesToClose: successes });
    made.breaker.onFailure(0, boom);
    return made;
  }

  it('admits exactly N probes and closes after M successes', () => {
    const { breaker } = openedBreaker(3, 2);
    const probes = [permitAt(breaker, 100), permitAt(breaker, 100), permitAt(breaker, 100)];
    expect(breaker.tryAcquire(100).ok).toBe(false);
    breaker.onSuccess(110, 1, probes[0]);
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess(120, 1, probes[1]);
    expect(breaker.state).toBe('closed');
    // The third probe's outcome belongs to the half-open epoch, so it no longer counts.
    breaker.onFailure(130, boom, 1, probes[2]);
    expect(breaker.state).toBe('closed');
  });

  it('any failed probe reopens and restarts the open period', () => {
    const { breaker, log } = openedBreaker(2, 2);
    const first = permitAt(breaker, 100);
    breaker.onSuccess(105, 1, first);
    const second = permitAt(breaker, 106);
    breaker.onFailure(110, boom, 4, second);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire(209)).toEqual({ ok: false, state: 'open', retryAfterUs: 1 });
    expect(permitAt(breaker, 210).probe).toBe(true);
    expect(log.map((c) => c.reason)).toEqual(['consecutive-failures', 'open-duration-elapsed', 'probe-failed', 'open-duration-elapsed']);
  });

  it('an ignored error hands its probe slot back', () => {
    const { breaker } = withLog({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 10, isFailure: (e) => e !== 'ignored' });
    breaker.onFailure(0, boom);
    const probe = permitAt(breaker, 10);
    expect(breaker.tryAcquire(10).ok).toBe(false);
    breaker.onFailure(11, 'ignored', 1, probe);
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess(12, 1, permitAt(breaker, 12));
    expect(breaker.state).toBe('closed');
  });

  it('a slow probe counts as a failed probe', () => {
    const { breaker } = withLog({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 10, slowCallDurationUs: 50 });
    breaker.onFailure(0, boom);
    breaker.onSuccess(70, 60, permitAt(breaker, 10));
    expect(breaker.state).toBe('open');
  });
});

describe('rate windows', () => {
  it('count window: waits for minimum calls, then opens at the failure ratio', () => {
    const { breaker, log } = withLog({ trip: { kind: 'count', size: 4, failureRatio: 0.5, minimumCalls: 4 }, openDurationUs: 10 });
    breaker.onFailure(1, boom);
    breaker.onFailure(2, boom);
    breaker.onSuccess(3, 0);
    expect(breaker.state).toBe('closed');
    breaker.onSuccess(4, 0);
    expect(breaker.state).toBe('closed');
    expect(breaker.snapshot(4)).toEqual({ callCount: 4, failureCount: 2, slowCallCount: 0 });
    breaker.onFailure(5, boom);
    expect(breaker.snapshot(5)).toEqual({ callCount: 4, failureCount: 2, slowCallCount: 0 });
    expect(log.map((c) => [c.to, c.atUs, c.reason])).toEqual([['open', 5, 'failure-rate']]);
  });

  it('count window: old outcomes slide out', () => {
    const { breaker } = withLog({ trip: { kind: 'count', size: 3, failureRatio: 0.9, minimumCalls: 3 }, openDurationUs: 10 });
    breaker.onFailure(1, boom);
    breaker.onFailure(2, boom);
    breaker.onSuccess(3, 0);
    breaker.onFailure(4, boom);
    expect(breaker.snapshot(4)).toEqual({ callCount: 3, failureCount: 2, slowCallCount: 0 });
    expect(breaker.state).toBe('closed');
  });

  it('slow-call rate opens the breaker even when every call succeeds', () => {
    const { breaker, log } = withLog({
      trip: { kind: 'count', size: 4, failureRatio: 0.5, slowCallRatio: 0.75, minimumCalls: 4 },
      openDurationUs: 10,
      slowCallDurationUs: 1_000,
    });
    breaker.onSuccess(1, 1_000);
    breaker.onSuccess(2, 999);
    breaker.onSuccess(3, 5_000);
    expect(breaker.state).toBe('closed');
    breaker.onSuccess(4, 2_000);
    expect(log.map((c) => c.reason)).toEqual(['slow-call-rate']);
  });

  it('time window: counts only the last windowUs and opens at the ratio', () => {
    const { breaker, log } = withLog({ trip: { kind: 'time', windowUs: 1_000, bucketCount: 10, failureRatio: 0.5, minimumCalls: 3 }, openDurationUs: 10 });
    breaker.onFailure(0, boom);
    breaker.onFailure(50, boom);
    breaker.onSuccess(1_500, 0);
    breaker.onSuccess(1_510, 0);
    expect(breaker.snapshot(1_510)).toEqual({ callCount: 2, failureCount: 0, slowCallCount: 0 });
    breaker.onFailure(1_520, boom);
    expect(breaker.state).toBe('closed');
    breaker.onFailure(1_530, boom);
    expect(log.map((c) => [c.to, c.atUs, c.reason])).toEqual([['open', 1_530, 'failure-rate']]);
  });

  it('errors the predicate rejects are neither failures nor successes', () => {
    const { breaker } = withLog({ trip: { kind: 'count', size: 10, failureRatio: 0.5, minimumCalls: 2 }, openDurationUs: 10, isFailure: (e) => e === boom });
    breaker.onFailure(1, new Error('validation'));
    breaker.onFailure(2, new Error('validation'));
    expect(breaker.snapshot(2).callCount).toBe(0);
    breaker.onFailure(3, boom);
    breaker.onFailure(4, boom);
    expect(breaker.state).toBe('open');
  });
});

describe('stale permits, manual control and events', () => {
  it('an outcome from a permit issued before the breaker opened is ignored', () => {
    const { breaker, log } = withLog({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 100 });
    const early = permitAt(breaker, 0);
    breaker.onFailure(1, boom);
    const probe = permitAt(breaker, 101);
    breaker.onSuccess(102, 1, early);
    expect(breaker.state).toBe('half-open');
    breaker.onSuccess(103, 1, probe);
    expect(log.map((c) => c.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('forced-open rejects, disabled admits and records nothing, reset returns to closed', () => {
    const { breaker, log } = withLog({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 1 });
    breaker.forceOpen(0);
    expect(breaker.tryAcquire(1_000_000)).toEqual({ ok: false, state: 'forced-open', retryAfterUs: 0 });
    breaker.disable(1);
    breaker.onFailure(2, boom);
    expect(breaker.tryAcquire(3).ok).toBe(true);
    expect(breaker.state).toBe('disabled');
    breaker.reset(4);
    breaker.onFailure(5, boom);
    expect(log.map((c) => `${c.from}->${c.to}:${c.reason}`)).toEqual([
      'closed->forced-open:forced-open',
      'forced-open->disabled:disabled',
      'disabled->closed:reset',
      'closed->open:consecutive-failures',
    ]);
  });

  it('reset forgets the window, and unsubscribed listeners hear nothing', () => {
    const breaker = new CircuitBreaker({ trip: { kind: 'consecutive', failures: 2 }, openDurationUs: 1 });
    const heard: string[] = [];
    const unsubscribe = breaker.onStateChange((c) => heard.push(c.to));
    breaker.onFailure(0, boom);
    breaker.reset(1);
    breaker.onFailure(2, boom);
    expect(breaker.state).toBe('closed');
    unsubscribe();
    breaker.onFailure(3, boom);
    expect(breaker.state).toBe('open');
    expect(heard).toEqual(['closed']);
  });

  it('rejects bad settings with a message', () => {
    expect(() => new CircuitBreaker({ trip: { kind: 'consecutive', failures: 0 }, openDurationUs: 1 })).toThrow(/failures/);
    expect(() => new CircuitBreaker({ trip: { kind: 'count', size: 5, failureRatio: 1.5 }, openDurationUs: 1 })).toThrow(/failureRatio/);
    expect(() => new CircuitBreaker({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 1, halfOpenPermittedCalls: 1, halfOpenSuccessesToClose: 2 })).toThrow(/exceed/);
  });
});

describe('Promise execute on a manual clock', () => {
  it('measures duration on the port, opens, and rejects fast with BrokenCircuitError', async () => {
    const clock = new ManualClock(1_000);
    const breaker = new CircuitBreaker({ trip: { kind: 'count', size: 2, failureRatio: 0.5, slowCallRatio: 1, minimumCalls: 2 }, openDurationUs: 500, slowCallDurationUs: 100 }, clock);
    const slowCall = breaker.execute(() => new Promise<string>((resolve) => clock.setTimer(150, () => resolve('late'))));
    await clock.advanceAsync(150);
    await expect(slowCall).resolves.toBe('late');
    expect(breaker.snapshot(clock.now())).toEqual({ callCount: 1, failureCount: 0, slowCallCount: 1 });
    await expect(breaker.execute(() => Promise.reject(boom))).rejects.toBe(boom);
    expect(breaker.state).toBe('open');
    let ran = false;
    const rejected = await breaker.execute(() => (ran = true)).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(BrokenCircuitError);
    expect((rejected as BrokenCircuitError).retryAfterUs).toBe(500);
    expect(ran).toBe(false);
  });

  it('without slow-call detection it still stamps the open time from the clock', async () => {
    const clock = new ManualClock(5_000);
    const breaker = new CircuitBreaker({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 700 }, clock);
    const opened: number[] = [];
    breaker.onStateChange((change) => opened.push(change.atUs));
    await expect(breaker.execute(() => 'fine')).resolves.toBe('fine');
    clock.advance(100);
    await expect(breaker.execute(() => { throw boom; })).rejects.toBe(boom);
    expect(opened).toEqual([5_100]);
    clock.advance(699);
    await expect(breaker.execute(() => 'early')).rejects.toMatchObject({ retryAfterUs: 1 });
    clock.advance(1);
    await expect(breaker.execute(() => 'probe')).resolves.toBe('probe');
    expect(breaker.state).toBe('closed');
    expect(opened).toEqual([5_100, 5_800, 5_800]);
  });
});
