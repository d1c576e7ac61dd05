// The last N calls as a ring of flags, with running totals so every query is O(1).
import type { Micros } from '../../env.ts';
import type { OutcomeWindow, RateThresholds, TripReason, WindowSnapshot } from './outcomeWindow.ts';
import { rateTripReason } from './outcomeWindow.ts';

const failedBit = 1;
const slowBit = 2;

export class CountWindow implements OutcomeWindow {
  private readonly flags: Uint8Array;
  private nextIndex = 0;
  // Invariant: callCount <= flags.length; failureCount and slowCallCount <= callCount.
  private callCount = 0;
  private failureCount = 0;
  private slowCallCount = 0;

  constructor(size: number, private readonly thresholds: RateThresholds) {
    if (!(Number.isInteger(size) && size >= 1 && size <= 1_000_000)) throw new Error('count window: size must be an integer in [1, 1e6]');
    this.flags = new Uint8Array(size);
  }

  record(_now: Micros, failed: boolean, slow: boolean): void {
    if (this.callCount === this.flags.length) {
      const old = this.flags[this.nextIndex];
      if (old & failedBit) this.failureCount--;
      if (old & slowBit) this.slowCallCount--;
    } else {
      this.callCount++;
    }
    const flag = (failed ? failedBit : 0) | (slow ? slowBit : 0);
    this.flags[this.nextIndex] = flag;
    if (failed) this.failureCount++;
    if (slow) this.slowCallCount++;
    this.nextIndex = (this.nextIndex + 1) % this.flags.length;
  }

  tripReason(): TripReason | undefined {
    return rateTripReason(this.snapshot(), this.thresholds);
  }

  snapshot(): WindowSnapshot {
    return { callCount: this.callCount, failureCount: this.failureCount, slowCallCount: this.slowCallCount };
  }

  clear(): void {
    this.flags.fill(0);
    this.nextIndex = 0;
    this.callCount = 0;
    this.failureCount = 0;
    this.slowCallCount = 0;
  }
}
