// A least-squares trend over the last samples of a series, to see a level coming before it
// arrives (memory growing towards the budget).
//
// Contract: keeps at most `size` (t, y) samples; `slopePerUs` is the fitted slope (0 with
// fewer than `minSamples`); `timeToReachUs(level)` is how long until the fitted line
// reaches `level` from the last sample, Infinity when the series is flat or falling.
import type { Micros } from '../env.ts';

export class Trend {
  private readonly ts: number[] = [];
  private readonly ys: number[] = [];

  constructor(readonly size: number, readonly minSamples = 4) {
    if (!(size >= 2 && minSamples >= 2 && minSamples <= size)) throw new Error('trend: need 2 <= minSamples <= size');
  }

  add(t: Micros, y: number): void {
    this.ts.push(t);
    this.ys.push(y);
    if (this.ts.length > this.size) {
      this.ts.shift();
      this.ys.shift();
    }
  }

  clear(): void {
    this.ts.length = 0;
    this.ys.length = 0;
  }

  get last(): number {
    return this.ys.length === 0 ? 0 : this.ys[this.ys.length - 1];
  }

  slopePerUs(): number {
    const n = this.ts.length;
    if (n < this.minSamples) return 0;
    const t0 = this.ts[0];
    let st = 0;
    let sy = 0;
    for (let i = 0; i < n; i++) {
      st += this.ts[i] - t0;
      sy += this.ys[i];
    }
    const mt = st / n;
    const my = sy / n;
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      const dt = this.ts[i] - t0 - mt;
      num += dt * (this.ys[i] - my);
      den += dt * dt;
    }
    return den === 0 ? 0 : num / den;
  }

  timeToReachUs(level: number): number {
    const slope = this.slopePerUs();
    if (slope <= 0) return Infinity;
    return Math.max(0, (level - this.last) / slope);
  }
}
