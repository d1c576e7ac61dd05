// Goal: a host's two clocks behave like CLOCK_MONOTONIC and CLOCK_REALTIME: steps move the
// wall clock only, drift of rate moves both, and the monotonic clock never goes backwards.
// Method: fixed examples, then fast-check over random sequences of steps and drift changes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalClock } from './localClock.ts';

describe('LocalClock', () => {
  it('a step moves the wall clock and leaves the monotonic clock alone', () => {
    const c = new LocalClock();
    c.step(1_000_000, 10_000_000);
    expect(c.local(2_000_000)).toBe(12_000_000);
    expect(c.monotonic(2_000_000)).toBe(2_000_000);
    c.step(3_000_000, -20_000_000);
    expect(c.local(4_000_000)).toBe(-6_000_000);
    expect(c.monotonic(4_000_000)).toBe(4_000_000);
    expect(c.skewAt(4_000_000)).toBe(-10_000_000);
  });

  it('drift of rate moves both clocks alike, continuously', () => {
    const c = new LocalClock();
    c.step(0, 500);
    c.setDrift(1_000_000, 100_000); // 10% fast from 1 s
    expect(c.monotonic(1_000_000)).toBe(1_000_000);
    expect(c.monotonic(2_000_000)).toBe(2_100_000);
    expect(c.local(2_000_000)).toBe(2_100_500);
    c.setDrift(2_000_000, 0);
    expect(c.monotonic(3_000_000)).toBe(3_100_000);
    // Timers run on the monotonic clock: a local second is 1 s / 1.1 of true time when fast.
    c.setDrift(3_000_000, 100_000);
    expect(c.toTrueDuration(1_100_000)).toBe(1_000_000);
  });

  it('the monotonic clock never goes backwards, whatever the steps and drift', () => {
    const op = fc.oneof(
      fc.record({ step: fc.integer({ min: -100_000_000, max: 100_000_000 }) }),
      fc.record({ drift: fc.integer({ min: -999_999, max: 1_000_000 }) }),
    );
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 1_000_000 }), op), { maxLength: 40 }), (ops) => {
      const c = new LocalClock();
      let t = 0;
      let mono = c.monotonic(0);
      let offset = 0;
      for (const [dt, o] of ops) {
        t += dt;
        if ('step' in o) {
          c.step(t, o.step);
          offset += o.step;
        } else {
          c.setDrift(t, o.drift);
        }
        const m = c.monotonic(t);
        expect(m).toBeGreaterThanOrEqual(mono);
        expect(c.local(t) - m).toBe(offset);
        mono = m;
      }
    }));
  });
});
