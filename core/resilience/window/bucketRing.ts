// A sliding time window of counters, split into fixed buckets (a ring), used by the
// breaker's time window and by the retry budget.
//
// Contract: `sum(now, c)` is the total added to counter `c` in the buckets that cover
// (now - windowUs, now], at bucket granularity. Memory is fixed: bucketCount * width
// numbers. Time is clamped to be non-decreasing, because a clock that jumps back (a
// skewed node) must not scatter counts into buckets that were already retired.
import type { Micros } from '../../env.ts';

export class BucketRing {
  readonly bucketUs: Micros;
  private readonly counts: Float64Array;
  // Invariant: epochs[slot] is the absolute bucket index whose counts the slot holds, or -1.
  private readonly epochs: Float64Array;
  private latestUs: Micros = 0;

  constructor(readonly windowUs: Micros, readonly bucketCount: number, readonly width: number) {
    if (!(Number.isInteger(bucketCount) && bucketCount >= 1)) throw new Error('BucketRing: bucketCount must be a positive integer');
    if (!(Number.isInteger(width) && width >= 1)) throw new Error('BucketRing: width must be a positive integer');
    if (!(windowUs >= bucketCount)) throw new Error('BucketRing: windowUs must be at least bucketCount');
    this.bucketUs = Math.ceil(windowUs / bucketCount);
    this.counts = new Float64Array(bucketCount * width);
    this.epochs = new Float64Array(bucketCount).fill(-1);
  }

  add(now: Micros, counter: number, amount = 1): void {
    const epoch = this.epochAt(now);
    const slot = epoch % this.bucketCount;
    if (this.epochs[slot] !== epoch) {
      this.counts.fill(0, slot * this.width, (slot + 1) * this.width);
      this.epochs[slot] = epoch;
    }
    this.counts[slot * this.width + counter] += amount;
  }

  sum(now: Micros, counter: number): number {
    const epoch = this.epochAt(now);
    let total = 0;
    for (let slot = 0; slot < this.bucketCount; slot++) {
      const slotEpoch = this.epochs[slot];
      if (slotEpoch > epoch - this.bucketCount && slotEpoch <= epoch) total += this.counts[slot * this.width + counter];
    }
    return total;
  }

  clear(): void {
    this.counts.fill(0);
    this.epochs.fill(-1);
  }

  private epochAt(now: Micros): number {
    if (now > this.latestUs) this.latestUs = now;
    return Math.floor(this.latestUs / this.bucketUs);
  }
}
