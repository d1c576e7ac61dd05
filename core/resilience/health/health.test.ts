// Goal: liveness, readiness and detailed views follow their rules: liveness ignores
// dependencies, readiness fails only on a critical unhealthy check, degraded propagates.
// Method: pure aggregation over hand-built results; checks run synchronously and as
// Promises on a ManualClock (throwing, slow and async checks become unhealthy results).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import type { HealthCheck } from './healthChecks.ts';
import { runChecks, runChecksSync } from './healthChecks.ts';
import type { CheckResult, CheckScope, HealthStatus } from './healthStatus.ts';
import { aggregateDetailed, aggregateLiveness, aggregateReadiness } from './healthStatus.ts';

function result(name: string, scope: CheckScope, critical: boolean, status: HealthStatus): CheckResult {
  return { name, scope, critical, status, observedAtUs: 0 };
}

describe('aggregation', () => {
  it('a dead critical database fails readiness but not liveness', () => {
    const results = [result('loop', 'self', true, 'healthy'), result('db', 'dependency', true, 'unhealthy')];
    expect(aggregateLiveness(results)).toMatchObject({ status: 'healthy', ok: true });
    expect(aggregateLiveness(results).checks.map((c) => c.name)).toEqual(['loop']);
    expect(aggregateReadiness(results)).toMatchObject({ status: 'unhealthy', ok: false });
  });

  it('a non-critical unhealthy dependency only degrades readiness, while detailed shows it raw', () => {
    const results = [result('cache', 'dependency', false, 'unhealthy'), result('db', 'dependency', true, 'healthy')];
    expect(aggregateReadiness(results)).toMatchObject({ status: 'degraded', ok: true });
    expect(aggregateDetailed(results)).toMatchObject({ status: 'unhealthy', ok: false, counts: { healthy: 1, degraded: 0, unhealthy: 1 } });
  });

  it('degraded propagates, and an unhealthy self check fails liveness', () => {
    expect(aggregateReadiness([result('a', 'dependency', true, 'degraded')]).status).toBe('degraded');
    expect(aggregateLiveness([result('heap', 'self', false, 'unhealthy')]).status).toBe('unhealthy');
    expect(aggregateReadiness([]).status).toBe('healthy');
  });

  it('property: report order and status do not depend on result order; readiness is never worse than detailed', () => {
    const arbitraryResult = fc.record({
      name: fc.string({ maxLength: 4 }),
      scope: fc.constantFrom<CheckScope>('self', 'dependency'),
      critical: fc.boolean(),
      status: fc.constantFrom<HealthStatus>('healthy', 'degraded', 'unhealthy'),
      observedAtUs: fc.constant(0),
    });
    const rank = { healthy: 0, degraded: 1, unhealthy: 2 };
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryResult, { selector: (r) => r.name, maxLength: 8 }), (results) => {
        const reversed = [...results].reverse();
        expect(aggregateReadiness(reversed)).toEqual(aggregateReadiness(results));
        expect(rank[aggregateReadiness(results).status]).toBeLessThanOrEqual(rank[aggregateDetailed(results).status]);
        const criticalDown = results.some((r) => r.critical && r.status === 'unhealthy');
        expect(aggregateReadiness(results).ok).toBe(!criticalDown);
      }),
    );
  });
});

describe('running checks', () => {
  const checks: HealthCheck[] = [
    { name: 'ok', scope: 'self', critical: true, check: () => ({ status: 'healthy', details: { heapMb: 12 } }) },
    { name: 'throws', scope: 'dependency', critical: true, check: () => { throw new Error('refused'); } },
  ];

  it('synchronously: a throwing or asynchronous check is unhealthy with the reason', () => {
    const asyncCheck: HealthCheck = { name: 'async', scope: 'dependency', critical: false, check: () => Promise.resolve({ status: 'healthy' }) };
    const results = runChecksSync([...checks, asyncCheck], 42);
    expect(results).toEqual([
      { name: 'ok', scope: 'self', critical: true, status: 'healthy', details: { heapMb: 12 }, observedAtUs: 42 },
      { name: 'throws', scope: 'dependency', critical: true, status: 'unhealthy', details: { error: 'refused' }, observedAtUs: 42 },
      { name: 'async', scope: 'dependency', critical: false, status: 'unhealthy', details: { error: 'asynchronous check in a synchronous run' }, observedAtUs: 42 },
    ]);
  });

  it('as Promises: a check slower than the limit is unhealthy at the limit', async () => {
    const clock = new ManualClock();
    const slow: HealthCheck = { name: 'slow', scope: 'dependency', critical: true, check: () => new Promise((resolve) => clock.setTimer(500, () => resolve({ status: 'healthy' }))) };
    const fast: HealthCheck = { name: 'fast', scope: 'dependency', critical: true, check: () => new Promise((resolve) => clock.setTimer(50, () => resolve({ status: 'degraded' }))) };
    const pending = runChecks([slow, fast, checks[1]], clock, 100);
    await clock.runAllAsync(1_000);
    const results = await pending;
    expect(results.map((r) => [r.name, r.status, r.observedAtUs, r.details?.error])).toEqual([
      ['slow', 'unhealthy', 100, 'timed out after 100 us'],
      ['fast', 'degraded', 50, undefined],
      ['throws', 'unhealthy', 0, 'refused'],
    ]);
  });
});
