// Health check results and how they add up, as pure functions.
//
// Contract: three views of one set of results, each sorted by check name so a report is
// the same whatever order the checks finished in:
//   liveness   "should this process be restarted?"  Only `self` checks count, so a
//              dead database never makes a healthy process look dead (restarting would
//              not fix the database). Any unhealthy self check fails it.
//   readiness  "should this process get traffic?"  Every check counts. A critical
//              unhealthy check fails it; a non-critical unhealthy one only degrades it;
//              degraded propagates.
//   detailed   "what is wrong anywhere?"  The worst raw status of every check, with counts.
import type { Micros } from '../../env.ts';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** `self` checks the process itself (event loop, memory); `dependency` checks what it calls. */
export type CheckScope = 'self' | 'dependency';

export type HealthDetails = Readonly<Record<string, string | number | boolean>>;

export interface CheckResult {
  readonly name: string;
  readonly scope: CheckScope;
  readonly critical: boolean;
  readonly status: HealthStatus;
  readonly details?: HealthDetails;
  readonly observedAtUs: Micros;
}

export interface HealthReport {
  readonly status: HealthStatus;
  /** False only when the status is unhealthy: a degraded process still serves. */
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  readonly counts: Readonly<Record<HealthStatus, number>>;
}

const rank: Readonly<Record<HealthStatus, number>> = { healthy: 0, degraded: 1, unhealthy: 2 };

export function worstStatus(statuses: Iterable<HealthStatus>): HealthStatus {
  let worst: HealthStatus = 'healthy';
  for (const status of statuses) if (rank[status] > rank[worst]) worst = status;
  return worst;
}

export function aggregateLiveness(results: readonly CheckResult[]): HealthReport {
  const own = results.filter((result) => result.scope === 'self');
  return report(own, worstStatus(own.map((result) => result.status)));
}

export function aggregateReadiness(results: readonly CheckResult[]): HealthReport {
  return report(results, worstStatus(results.map(readinessContribution)));
}

export function aggregateDetailed(results: readonly CheckResult[]): HealthReport {
  return report(results, worstStatus(results.map((result) => result.status)));
}

function readinessContribution(result: CheckResult): HealthStatus {
  if (result.status === 'unhealthy' && !result.critical) return 'degraded';
  return result.status;
}

function report(results: readonly CheckResult[], status: HealthStatus): HealthReport {
  const checks = [...results].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const counts = { healthy: 0, degraded: 0, unhealthy: 0 };
  for (const check of checks) counts[check.status]++;
  return { status, ok: status !== 'unhealthy', checks, counts };
}
