// The calls of the last `windowUs`, counted in buckets so memory stays fixed however
// many calls arrive.
import type { Micros } from '../../env.ts';
import { BucketRing } from '../window/bucketRing.ts';
import type { OutcomeWindow, RateThresholds, TripReason, WindowSnapshot } from './outcomeWindow.ts';
import { rateTripReason } from './outcomeWindow.ts';

const calls = 0;
const failures = 1;
const slowCalls = 2;

export class TimeWindow implements OutcomeWindow {
  private readonly ring: BucketRing;

  constructor(windowUs: Micros, bucketCount: number, private readonly thresholds: RateThresholds) {
    this.ring = new BucketRing(windowUs, bucketCount, 3);
  }

  record(now: Micros, failed: boolean, slow: boolean): void {
    this.ring.add(now, calls);
    if (failed) this.ring.add(now, failures);
    if (slow) this.ring.add(now, slowCalls);
  }

  tripReason(now: Micros): TripReason | undefined {
    return rateTripReason(this.snapshot(now), this.thresholds);
  }

  snapshot(now: Micros): WindowSnapshot {
    return {
      callCount: this.ring.sum(now, calls),
      failureCount: this.ring.sum(now, failures),
      slowCallCount: this.ring.sum(now, slowCalls),
    };
  }

  clear(): void {
    this.ring.clear();
  }
}
