// Link latency distributions. Every sample is clamped to at least the run's minimum link
// latency L > 0, which is what lets worker lockstep run a window [t, t+L) in parallel.
import type { Micros } from '../../core/env.ts';
import { pow } from '../../core/math/portableMath.ts';
import type { Stream } from '../kernel/random.ts';

export type LatencyDist =
  | { kind: 'fixed'; us: Micros }
  | { kind: 'uniform'; minUs: Micros; maxUs: Micros }
  | { kind: 'normal'; meanUs: Micros; sdUs: Micros }
  /** Pareto tail above minUs with shape alpha (smaller alpha, heavier tail), capped at maxUs. */
  | { kind: 'longtail'; minUs: Micros; alpha: number; maxUs: Micros };

export function sampleLatency(d: LatencyDist, r: Stream, floorUs: Micros): Micros {
  let us: number;
  switch (d.kind) {
    case 'fixed':
      us = d.us;
      break;
    case 'uniform':
      us = d.minUs + r.next() * (d.maxUs - d.minUs);
      break;
    case 'normal':
      us = d.meanUs + r.normal() * d.sdUs;
      break;
    case 'longtail':
      us = Math.min(d.maxUs, d.minUs * pow(1 - r.next(), -1 / d.alpha));
      break;
  }
  const rounded = Math.round(us);
  return rounded < floorUs ? floorUs : rounded;
}

/**
 * The least value sampleLatency can return for `d` with this floor: what a message on the
 * link takes at least, which bounds worker lockstep's windows (sim/workers/lockstep.ts).
 * Each case follows sampleLatency's arithmetic: Math.round is monotone, a uniform or
 * longtail draw never goes below its minimum, and a normal draw has no lower bound.
 */
export function latencyMinUs(d: LatencyDist, floorUs: Micros): Micros {
  let us: number;
  switch (d.kind) {
    case 'fixed':
      us = d.us;
      break;
    case 'uniform':
      us = d.minUs;
      break;
    case 'normal':
      us = -Infinity;
      break;
    case 'longtail':
      // pow(x <= 1, negative) >= 1 in exact arithmetic; 1 µs of margin covers its last bit.
      us = Math.min(d.maxUs, d.minUs - 1);
      break;
  }
  const rounded = Math.round(us);
  return rounded < floorUs ? floorUs : rounded;
}

/** The configured mean, for tests and summaries (before clamping to L). */
export function latencyMean(d: LatencyDist): number {
  switch (d.kind) {
    case 'fixed':
      return d.us;
    case 'uniform':
      return (d.minUs + d.maxUs) / 2;
    case 'normal':
      return d.meanUs;
    case 'longtail':
      return d.alpha > 1 ? (d.alpha * d.minUs) / (d.alpha - 1) : Infinity;
  }
}
