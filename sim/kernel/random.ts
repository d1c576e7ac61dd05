// Named seeded random streams.
//
// Contract: every stream is derived from the run seed and its own name alone
// (`seed/net/n1->n2`, `seed/node/3/raft`), so adding a component or drawing more numbers
// in one stream never shifts the numbers another stream sees. The generator is
// seedrandom's alea (about 100 M draws/s here, versus ~30 M/s for its default arc4), which
// uses only + - * and so gives the same numbers in every engine; the samplers built on it
// use core/math/portableMath.ts instead of Math.log/cos, whose last bit differs by engine.
import alea from 'seedrandom/lib/alea.js';
import type { Random } from '../../core/env.ts';
import { cosTurns, ln } from '../../core/math/portableMath.ts';

export class Stream implements Random {
  private readonly draw: () => number;
  readonly name: string;

  constructor(seed: string, name: string) {
    this.name = name;
    this.draw = alea(`${seed}/${name}`);
  }

  next(): number {
    return this.draw();
  }

  int(n: number): number {
    if (!(n > 0 && Number.isInteger(n))) throw new Error(`Random.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.draw() * n);
  }

  /** Integer uniform in [lo, hi]. */
  intBetween(lo: number, hi: number): number {
    return lo + Math.floor(this.draw() * (hi - lo + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.draw() < p;
  }

  /** Standard normal via Box-Muller (one draw of the pair is discarded to stay stateless). */
  normal(): number {
    const u = 1 - this.draw();
    const v = this.draw();
    return Math.sqrt(-2 * ln(u)) * cosTurns(v);
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -ln(1 - this.draw()) * mean;
  }
}

/** The registry of a run's streams: one per (component, purpose) name. */
export class Streams {
  private readonly streams = new Map<string, Stream>();
  constructor(readonly seed: string) {}

  get(name: string): Stream {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new Stream(this.seed, name);
      this.streams.set(name, s);
    }
    return s;
  }
}
