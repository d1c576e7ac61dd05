// The gateway's readiness: should a load balancer send it traffic?
//
// Contract: readiness is computed at one instant from the gateway's own state through the
// health module's pure aggregation: `backends` (critical dependency) is unhealthy when
// every server's breaker refuses calls and degraded when some do; `leader` (dependency) is
// degraded while no leader is known; `queue` (self) is degraded when the bulkhead queue is
// at least 80 % full. A degraded gateway still serves; an unhealthy one fails fast.
import type { Micros } from '../env.ts';
import type { BreakerState } from '../resilience/breaker/circuitBreaker.ts';
import { runChecksSync, type HealthCheck } from '../resilience/health/healthChecks.ts';
import { aggregateReadiness, type HealthReport } from '../resilience/health/healthStatus.ts';

export interface GatewayHealthView {
  breakerStates(): readonly (BreakerState | 'off')[];
  leaderKnown(): boolean;
  queued(): number;
  queueMax(): number;
}

const QUEUE_DEGRADED_RATIO = 0.8;

export function gatewayChecks(v: GatewayHealthView): HealthCheck[] {
  return [
    {
      name: 'backends', scope: 'dependency', critical: true,
      check: () => {
        const states = v.breakerStates();
        const refusing = states.filter((s) => s === 'open' || s === 'forced-open').length;
        const status = refusing === states.length ? 'unhealthy' : refusing > 0 ? 'degraded' : 'healthy';
        return { status, details: { refusing, servers: states.length } };
      },
    },
    { name: 'leader', scope: 'dependency', critical: false, check: () => ({ status: v.leaderKnown() ? 'healthy' : 'degraded' }) },
    {
      name: 'queue', scope: 'self', critical: false,
      check: () => {
        const max = v.queueMax();
        const full = max > 0 && v.queued() >= QUEUE_DEGRADED_RATIO * max;
        return { status: full ? 'degraded' : 'healthy', details: { queued: v.queued(), max } };
      },
    },
  ];
}

export function readiness(checks: readonly HealthCheck[], now: Micros): HealthReport {
  return aggregateReadiness(runChecksSync(checks, now));
}
