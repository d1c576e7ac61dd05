// Running health checks: synchronously at one instant (the simulator's way) or as
// Promises with a per-check time limit (real time).
//
// Contract: a check that throws, rejects, times out or (in a synchronous run) returns a
// promise is reported unhealthy with the reason in `details.error`; a check never takes
// the whole report down with it.
import type { Micros } from '../../env.ts';
import type { TimerPort } from '../policy/ports.ts';
import type { CheckResult, CheckScope, HealthDetails, HealthStatus } from './healthStatus.ts';

export interface CheckOutcome {
  readonly status: HealthStatus;
  readonly details?: HealthDetails;
}

export interface HealthCheck {
  readonly name: string;
  readonly scope: CheckScope;
  readonly critical: boolean;
  check(now: Micros): CheckOutcome | Promise<CheckOutcome>;
}

export function runChecksSync(checks: readonly HealthCheck[], now: Micros): CheckResult[] {
  return checks.map((spec) => {
    try {
      const outcome = spec.check(now);
      if (outcome instanceof Promise) {
        void outcome.catch(() => undefined);
        return failed(spec, now, 'asynchronous check in a synchronous run');
      }
      return succeeded(spec, outcome, now);
    } catch (error) {
      return failed(spec, now, describe(error));
    }
  });
}

export function runChecks(checks: readonly HealthCheck[], timer: TimerPort, timeoutUs: Micros): Promise<CheckResult[]> {
  return Promise.all(checks.map((spec) => runOne(spec, timer, timeoutUs)));
}

function runOne(spec: HealthCheck, timer: TimerPort, timeoutUs: Micros): Promise<CheckResult> {
  const startUs = timer.now();
  return new Promise<CheckResult>((resolve) => {
    const handle = timer.setTimer(timeoutUs, () => resolve(failed(spec, timer.now(), `timed out after ${timeoutUs} us`)));
    Promise.resolve()
      .then(() => spec.check(startUs))
      .then(
        (outcome) => resolve(succeeded(spec, outcome, timer.now())),
        (error: unknown) => resolve(failed(spec, timer.now(), describe(error))),
      )
      .finally(() => timer.clearTimer(handle));
  });
}

function identity(spec: HealthCheck): Pick<CheckResult, 'name' | 'scope' | 'critical'> {
  return { name: spec.name, scope: spec.scope, critical: spec.critical };
}

function succeeded(spec: HealthCheck, outcome: CheckOutcome, now: Micros): CheckResult {
  const result = { ...identity(spec), status: outcome.status, observedAtUs: now };
  return outcome.details === undefined ? result : { ...result, details: outcome.details };
}

function failed(spec: HealthCheck, now: Micros, reason: string): CheckResult {
  return { ...identity(spec), status: 'unhealthy', details: { error: reason }, observedAtUs: now };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
