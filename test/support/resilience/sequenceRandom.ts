// A Random that replays a fixed list of values, so a test can state exact backoff delays.
//
// Contract: `next()` returns the values in order and wraps around; `int(n)` is
// floor(next() * n). Values must lie in [0, 1).
import type { Random } from '../../../core/env.ts';

export class SequenceRandom implements Random {
  private index = 0;

  constructor(private readonly values: readonly number[]) {
    if (values.length === 0) throw new Error('SequenceRandom: give at least one value');
    for (const value of values) if (!(value >= 0 && value < 1)) throw new Error(`SequenceRandom: ${value} is not in [0, 1)`);
  }

  next(): number {
    const value = this.values[this.index];
    this.index = (this.index + 1) % this.values.length;
    return value;
  }

  int(n: number): number {
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`SequenceRandom: int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }
}
