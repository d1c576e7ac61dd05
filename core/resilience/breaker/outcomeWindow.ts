// What a closed breaker remembers about recent calls, and when that memory says "open".
//
// Contract: `record` adds one finished call; `tripReason` names why the breaker should
// open now, or returns undefined. Three windows share this shape: consecutive failures,
// the last N calls (count window) and the calls of the last T microseconds (time window).
import type { Micros } from '../../env.ts';

export type TripReason = 'consecutive-failures' | 'failure-rate' | 'slow-call-rate';

export interface WindowSnapshot {
  readonly callCount: number;
  readonly failureCount: number;
  readonly slowCallCount: number;
}

export interface OutcomeWindow {
  record(now: Micros, failed: boolean, slow: boolean): void;
  tripReason(now: Micros): TripReason | undefined;
  snapshot(now: Micros): WindowSnapshot;
  clear(): void;
}

/** Thresholds shared by the rate-based windows. */
export interface RateThresholds {
  /** Open when failures / calls reaches this ratio, in (0, 1]. */
  readonly failureRatio: number;
  /** Open when slow calls / calls reaches this ratio, in (0, 1]; 1 by default. */
  readonly slowCallRatio: number;
  /** No rate is judged before this many calls are in the window. */
  readonly minimumCalls: number;
}

/** The rate rule both rate windows apply to their counts. */
export function rateTripReason(snapshot: WindowSnapshot, thresholds: RateThresholds): TripReason | undefined {
  if (snapshot.callCount < thresholds.minimumCalls || snapshot.callCount === 0) return undefined;
  if (snapshot.failureCount / snapshot.callCount >= thresholds.failureRatio) return 'failure-rate';
  if (snapshot.slowCallCount / snapshot.callCount >= thresholds.slowCallRatio) return 'slow-call-rate';
  return undefined;
}
