// Online baselines: an exponentially weighted mean and variance per series (EWMA/EWMV),
// from which a series' learned threshold and a sample's z-score follow.
//
// Contract: `observe(x)` folds a sample in and returns its z-score against the baseline as
// it was before the sample (0 while the baseline is still warming up). A sample judged
// anomalous (z above the threshold) is not folded in, so a fault does not teach the
// baseline that the fault is normal. A series never learns faster than `alpha` per sample
// and its standard deviation never falls below `sdFloor`, so a perfectly flat series does
// not turn the smallest wiggle into an alarm. Baselines are plain numbers, saved in and
// loaded from the knowledge file.

export interface BaselineState {
  mean: number;
  variance: number;
  /** Samples folded in. */
  count: number;
}

export interface BaselineOptions {
  /** Weight of a new sample, in (0, 1]. */
  alpha: number;
  /** Samples before z-scores count. */
  warmup: number;
  /** The smallest standard deviation assumed, in the series' unit. */
  sdFloor: number;
}

export class Baseline {
  private s: BaselineState;

  constructor(readonly options: BaselineOptions, initial?: BaselineState) {
    if (!(options.alpha > 0 && options.alpha <= 1)) throw new Error(`baseline: alpha must be in (0, 1], got ${options.alpha}`);
    if (!(options.sdFloor > 0)) throw new Error('baseline: sdFloor must be positive');
    this.s = initial === undefined ? { mean: 0, variance: 0, count: 0 } : { ...initial };
  }

  get state(): BaselineState {
    return { ...this.s };
  }

  get mean(): number {
    return this.s.mean;
  }

  get sd(): number {
    return Math.max(this.options.sdFloor, Math.sqrt(this.s.variance));
  }

  get warm(): boolean {
    return this.s.count >= this.options.warmup;
  }

  /** The z-score of `x` against the current baseline (0 while warming up). */
  score(x: number): number {
    return this.warm ? (x - this.s.mean) / this.sd : 0;
  }

  /** The value above which a sample is `k` standard deviations high. */
  threshold(k: number): number {
    return this.s.mean + k * this.sd;
  }

  /** Scores `x`, then folds it in unless it scores above `kMax`. */
  observe(x: number, kMax = Infinity): number {
    const z = this.score(x);
    if (z > kMax) return z;
    const s = this.s;
    if (s.count === 0) {
      s.mean = x;
      s.variance = 0;
    } else {
      // Finch's incremental EWMV: variance of the weighted window, no stored samples.
      const a = this.options.alpha;
      const d = x - s.mean;
      s.mean += a * d;
      s.variance = (1 - a) * (s.variance + a * d * d);
    }
    s.count++;
    return z;
  }
}
