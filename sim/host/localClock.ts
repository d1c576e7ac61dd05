// A node's local clock: the true virtual time plus an offset and a drift, both faultable.
//
// Contract: local(t) is piecewise linear in t. Changing the drift keeps local time
// continuous at the moment of change; stepping the offset jumps it (possibly backwards,
// as an NTP step would). Drift is in parts per million: +1000 ppm runs 0.1% fast.
import type { Micros } from '../../core/env.ts';

export class LocalClock {
  private baseTrueUs = 0;
  private baseLocalUs = 0;
  private driftPpmNow = 0;

  get driftPpm(): number {
    return this.driftPpmNow;
  }

  local(trueUs: Micros): Micros {
    const elapsed = trueUs - this.baseTrueUs;
    return this.baseLocalUs + elapsed + Math.floor((elapsed * this.driftPpmNow) / 1_000_000);
  }

  /** Offset of local from true time at `trueUs`. */
  skewAt(trueUs: Micros): Micros {
    return this.local(trueUs) - trueUs;
  }

  /** Steps the clock by `deltaUs` at `trueUs`. */
  step(trueUs: Micros, deltaUs: Micros): void {
    this.rebase(trueUs);
    this.baseLocalUs += deltaUs;
  }

  setDrift(trueUs: Micros, ppm: number): void {
    if (!(ppm > -1_000_000)) throw new Error(`LocalClock: drift must be > -1e6 ppm, got ${ppm}`);
    this.rebase(trueUs);
    this.driftPpmNow = ppm;
  }

  /** Converts a local-time duration into true time, rounded up and at least 1 µs. */
  toTrueDuration(localUs: Micros): Micros {
    const us = Math.ceil((localUs * 1_000_000) / (1_000_000 + this.driftPpmNow));
    return us < 1 ? 1 : us;
  }

  private rebase(trueUs: Micros): void {
    this.baseLocalUs = this.local(trueUs);
    this.baseTrueUs = trueUs;
  }
}
