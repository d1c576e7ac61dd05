// A node's clocks: a monotonic clock that runs at the node's (drifting) rate, and a wall
// clock that is the monotonic clock plus an offset that steps move, as on a real host
// (CLOCK_MONOTONIC beside CLOCK_REALTIME).
//
// Contract: monotonic(t) is piecewise linear and non-decreasing in the true time t: a drift
// of rate (a layer over the host's driftPpm setting) changes its slope and keeps it
// continuous at the moment of change; nothing else moves it. wall(t) = monotonic(t) +
// offset, and a step (an NTP step, possibly backwards) changes only the offset. So drift
// applies to both clocks and steps to the wall clock alone; timers run on the monotonic
// clock (toTrueDuration). Both start at the true time 0 when the run starts. Drift is in
// parts per million: +1000 ppm runs 0.1% fast.
import type { Micros } from '../../core/env.ts';

export class LocalClock {
  private baseTrueUs = 0;
  private baseMonoUs = 0;
  private driftPpmNow = 0;
  private offsetUs = 0;

  get driftPpm(): number {
    return this.driftPpmNow;
  }

  /** The monotonic clock at true time `trueUs`. */
  monotonic(trueUs: Micros): Micros {
    const elapsed = trueUs - this.baseTrueUs;
    return this.baseMonoUs + elapsed + Math.floor((elapsed * this.driftPpmNow) / 1_000_000);
  }

  /** The wall clock at true time `trueUs`: the monotonic clock plus every step so far. */
  local(trueUs: Micros): Micros {
    return this.monotonic(trueUs) + this.offsetUs;
  }

  /** Offset of the wall clock from true time at `trueUs`. */
  skewAt(trueUs: Micros): Micros {
    return this.local(trueUs) - trueUs;
  }

  /** Steps the wall clock by `deltaUs`; the monotonic clock does not move. */
  step(_trueUs: Micros, deltaUs: Micros): void {
    if (!Number.isSafeInteger(deltaUs)) throw new Error(`LocalClock: a step must be a whole number of µs, got ${deltaUs}`);
    this.offsetUs += deltaUs;
  }

  setDrift(trueUs: Micros, ppm: number): void {
    if (!(ppm > -1_000_000)) throw new Error(`LocalClock: drift must be > -1e6 ppm, got ${ppm}`);
    this.baseMonoUs = this.monotonic(trueUs);
    this.baseTrueUs = trueUs;
    this.driftPpmNow = ppm;
  }

  /** Converts a monotonic-clock duration into true time, rounded up and at least 1 µs. */
  toTrueDuration(localUs: Micros): Micros {
    const us = Math.ceil((localUs * 1_000_000) / (1_000_000 + this.driftPpmNow));
    return us < 1 ? 1 : us;
  }
}
