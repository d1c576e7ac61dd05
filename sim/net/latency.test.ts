// Goal: latencyMinUs is a true lower bound of sampleLatency, and a tight one, for every
// distribution: worker lockstep sizes its windows by it, so a sample below it would
// reorder a run and a bound far below it would waste windows.
// Method: draw many samples of each kind (with and without a floor above the minimum)
// and compare with the bound.
import { describe, expect, it } from 'vitest';
import { Streams } from '../kernel/random.ts';
import { latencyMinUs, sampleLatency, type LatencyDist } from './latency.ts';

const N = 20_000;

describe('latencyMinUs', () => {
  const dists: [LatencyDist, number][] = [
    [{ kind: 'fixed', us: 1_500 }, 1_500],
    [{ kind: 'uniform', minUs: 1_000, maxUs: 5_000 }, 1_000],
    [{ kind: 'uniform', minUs: 2_000, maxUs: 2_000 }, 2_000],
    [{ kind: 'normal', meanUs: 3_000, sdUs: 2_000 }, 500],
    [{ kind: 'longtail', minUs: 1_000, alpha: 0.8, maxUs: 400_000 }, 999],
    [{ kind: 'longtail', minUs: 5_000, alpha: 2, maxUs: 3_000 }, 3_000],
  ];
  for (const [d, expected] of dists) {
    it(`${d.kind} ${JSON.stringify(d)}: no sample below the bound, and the bound is ${expected} µs`, () => {
      const floor = 500;
      const bound = latencyMinUs(d, floor);
      expect(bound).toBe(expected);
      const r = new Streams('latency-min').get(JSON.stringify(d));
      let least = Infinity;
      for (let i = 0; i < N; i++) least = Math.min(least, sampleLatency(d, r, floor));
      expect(least).toBeGreaterThanOrEqual(bound);
      // Tight: the bound is within 1% of the range (or 1 µs) of what sampling reaches.
      if (d.kind !== 'longtail' || d.alpha < 1) expect(least - bound).toBeLessThanOrEqual(d.kind === 'uniform' ? (d.maxUs - d.minUs) * 0.01 : 1);
    });
  }

  it('never goes below the floor', () => {
    expect(latencyMinUs({ kind: 'fixed', us: 100 }, 500)).toBe(500);
    expect(latencyMinUs({ kind: 'uniform', minUs: 0, maxUs: 5_000 }, 700)).toBe(700);
  });
});
