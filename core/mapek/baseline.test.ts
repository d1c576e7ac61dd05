// Goal: online baselines learn a series' mean and spread, score deviations, and are not
// taught by the anomalies they flag; trends see a level coming before it arrives.
// Method: feed known series and compare with the values they must converge to.
import { describe, expect, it } from 'vitest';
import { seeded } from '../../test/support/seeded.ts';
import { Baseline } from './baseline.ts';
import { Trend } from './trend.ts';

describe('Baseline (EWMA with variance)', () => {
  it('converges on the mean and standard deviation of a noisy series', () => {
    const r = seeded('baseline');
    const b = new Baseline({ alpha: 0.02, warmup: 10, sdFloor: 0.01 });
    // Uniform on [90, 110]: mean 100, sd 20 / sqrt(12) = 5.77.
    for (let i = 0; i < 5000; i++) b.observe(90 + 20 * r.next());
    expect(b.mean).toBeGreaterThan(98);
    expect(b.mean).toBeLessThan(102);
    expect(b.sd).toBeGreaterThan(4.5);
    expect(b.sd).toBeLessThan(7);
    expect(b.threshold(3)).toBeCloseTo(b.mean + 3 * b.sd, 6);
  });

  it('scores nothing while warming up, and a spike afterwards by its distance in sds', () => {
    const b = new Baseline({ alpha: 0.1, warmup: 5, sdFloor: 1 });
    for (let i = 0; i < 4; i++) expect(b.observe(10)).toBe(0);
    expect(b.warm).toBe(false);
    b.observe(10);
    expect(b.warm).toBe(true);
    // A flat series has sd 0, so the floor (1) decides: 10 sds up.
    expect(b.score(20)).toBeCloseTo(10, 6);
  });

  it('does not fold in samples it finds anomalous, so a fault does not become normal', () => {
    const b = new Baseline({ alpha: 0.5, warmup: 3, sdFloor: 1 });
    for (let i = 0; i < 10; i++) b.observe(10, 4);
    for (let i = 0; i < 100; i++) expect(b.observe(1000, 4)).toBeGreaterThan(4);
    expect(b.mean).toBeCloseTo(10, 6);
    const taught = new Baseline({ alpha: 0.5, warmup: 3, sdFloor: 1 });
    for (let i = 0; i < 10; i++) taught.observe(10);
    for (let i = 0; i < 100; i++) taught.observe(1000);
    expect(taught.mean).toBeGreaterThan(999);
  });

  it('restarts from a saved state exactly', () => {
    const a = new Baseline({ alpha: 0.1, warmup: 2, sdFloor: 1 });
    for (const x of [5, 7, 6, 9, 4]) a.observe(x);
    const b = new Baseline(a.options, a.state);
    expect(b.observe(8)).toBe(a.observe(8));
    expect(b.state).toEqual(a.state);
  });

  it('refuses settings it cannot honour', () => {
    expect(() => new Baseline({ alpha: 0, warmup: 1, sdFloor: 1 })).toThrow(/alpha/);
    expect(() => new Baseline({ alpha: 0.5, warmup: 1, sdFloor: 0 })).toThrow(/sdFloor/);
  });
});

describe('Trend (least squares)', () => {
  it('fits a linear series exactly and says when it reaches a level', () => {
    const t = new Trend(8);
    for (let i = 0; i < 8; i++) t.add(i * 100_000, 1000 + i * 50);
    expect(t.slopePerUs()).toBeCloseTo(50 / 100_000, 12);
    // Last sample 1350 at 700 ms; 2350 is 1000 away at 0.0005 per µs: 2 s.
    expect(t.timeToReachUs(2350)).toBeCloseTo(2_000_000, 3);
  });

  it('never predicts a level for a flat or falling series, or with too few samples', () => {
    const t = new Trend(8, 4);
    t.add(0, 10);
    t.add(1, 20);
    expect(t.slopePerUs()).toBe(0);
    expect(t.timeToReachUs(100)).toBe(Infinity);
    for (let i = 2; i < 10; i++) t.add(i, 100 - i);
    expect(t.timeToReachUs(1000)).toBe(Infinity);
  });
});
