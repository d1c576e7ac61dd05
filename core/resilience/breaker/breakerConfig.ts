// Circuit breaker settings: validated at the boundary, defaults filled in one place.
import type { Micros } from '../../env.ts';
import { ConsecutiveWindow } from './consecutiveWindow.ts';
import { CountWindow } from './countWindow.ts';
import type { OutcomeWindow } from './outcomeWindow.ts';
import { TimeWindow } from './timeWindow.ts';

/** How a closed breaker decides to open. */
export type TripPolicy =
  | { readonly kind: 'consecutive'; readonly failures: number }
  | { readonly kind: 'count'; readonly size: number; readonly failureRatio: number; readonly slowCallRatio?: number; readonly minimumCalls?: number }
  | { readonly kind: 'time'; readonly windowUs: Micros; readonly bucketCount?: number; readonly failureRatio: number; readonly slowCallRatio?: number; readonly minimumCalls?: number };

export interface BreakerOptions {
  readonly name?: string;
  readonly trip: TripPolicy;
  /** How long the breaker stays open before letting probes through. */
  readonly openDurationUs: Micros;
  /** A call at least this long counts as slow; unset means no call is slow. */
  readonly slowCallDurationUs?: Micros;
  /** Probes admitted per half-open period (N); 1 by default. */
  readonly halfOpenPermittedCalls?: number;
  /** Probe successes that close the breaker (M <= N); equal to N by default. */
  readonly halfOpenSuccessesToClose?: number;
  /** Which errors count as failures; others are ignored (neither success nor failure). */
  readonly isFailure?: (error: unknown) => boolean;
  /** Upper bound on state-change listeners, so a leak is caught early. */
  readonly listenerCountMax?: number;
}

export interface BreakerConfig {
  readonly name: string;
  readonly openDurationUs: Micros;
  readonly slowCallDurationUs: Micros;
  readonly halfOpenPermittedCalls: number;
  readonly halfOpenSuccessesToClose: number;
  readonly isFailure: (error: unknown) => boolean;
  readonly listenerCountMax: number;
  readonly makeWindow: () => OutcomeWindow;
  /** True when a closed breaker's decisions depend on time (slow calls or a time window). */
  readonly timeSensitive: boolean;
}

const countsEveryError = (): boolean => true;

export function breakerConfig(options: BreakerOptions): BreakerConfig {
  requireInteger('openDurationUs', options.openDurationUs, 0);
  if (options.slowCallDurationUs !== undefined) requireInteger('slowCallDurationUs', options.slowCallDurationUs, 1);
  const permitted = options.halfOpenPermittedCalls ?? 1;
  requireInteger('halfOpenPermittedCalls', permitted, 1);
  const successes = options.halfOpenSuccessesToClose ?? permitted;
  requireInteger('halfOpenSuccessesToClose', successes, 1);
  if (successes > permitted) throw new Error('breaker: halfOpenSuccessesToClose must not exceed halfOpenPermittedCalls');
  const trip = options.trip;
  return {
    name: options.name ?? 'breaker',
    openDurationUs: options.openDurationUs,
    slowCallDurationUs: options.slowCallDurationUs ?? Number.POSITIVE_INFINITY,
    halfOpenPermittedCalls: permitted,
    halfOpenSuccessesToClose: successes,
    isFailure: options.isFailure ?? countsEveryError,
    listenerCountMax: options.listenerCountMax ?? 64,
    makeWindow: windowFactory(trip),
    timeSensitive: options.slowCallDurationUs !== undefined || trip.kind === 'time',
  };
}

function windowFactory(trip: TripPolicy): () => OutcomeWindow {
  if (trip.kind === 'consecutive') return () => new ConsecutiveWindow(trip.failures);
  requireRatio('failureRatio', trip.failureRatio);
  const thresholds = {
    failureRatio: trip.failureRatio,
    slowCallRatio: trip.slowCallRatio ?? 1,
    minimumCalls: trip.minimumCalls ?? 1,
  };
  requireRatio('slowCallRatio', thresholds.slowCallRatio);
  requireInteger('minimumCalls', thresholds.minimumCalls, 1);
  if (trip.kind === 'count') return () => new CountWindow(trip.size, thresholds);
  requireInteger('windowUs', trip.windowUs, 1);
  return () => new TimeWindow(trip.windowUs, trip.bucketCount ?? 10, thresholds);
}

function requireInteger(name: string, value: number, min: number): void {
  if (!(Number.isSafeInteger(value) && value >= min)) throw new Error(`breaker: ${name} must be an integer >= ${min}, got ${value}`);
}

function requireRatio(name: string, value: number): void {
  if (!(value > 0 && value <= 1)) throw new Error(`breaker: ${name} must be in (0, 1], got ${value}`);
}
