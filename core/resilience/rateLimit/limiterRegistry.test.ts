// Goal: per-key limiters stay independent, and the registry never holds more than
// keyCountMax buckets nor keeps an idle one past idleTtlUs.
// Method: explicit `now` values; fast-check for the size bound under random key traffic.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LimiterRegistry } from './limiterRegistry.ts';

describe('limiter registry', () => {
  it('keeps one bucket per key, with per-key settings', () => {
    const registry = new LimiterRegistry<string>({
      defaults: { ratePerSec: 1, burst: 1 },
      optionsFor: (key) => (key.startsWith('premium') ? { ratePerSec: 1, burst: 3 } : undefined),
      keyCountMax: 10,
      idleTtlUs: 10_000_000,
    });
    expect(registry.tryAcquire('a', 0).ok).toBe(true);
    expect(registry.tryAcquire('a', 0)).toEqual({ ok: false, retryAfterUs: 1_000_000 });
    expect(registry.tryAcquire('b', 0).ok).toBe(true);
    const premium = [1, 2, 3, 4].map(() => registry.tryAcquire('premium-1', 0).ok);
    expect(premium).toEqual([true, true, true, false]);
  });

  it('evicts the least recently used key when full', () => {
    const registry = new LimiterRegistry<string>({ defaults: { ratePerSec: 1, burst: 1 }, keyCountMax: 2, idleTtlUs: 1_000_000_000 });
    registry.tryAcquire('a', 0);
    registry.tryAcquire('b', 1);
    registry.tryAcquire('a', 2);
    registry.tryAcquire('c', 3);
    expect(registry.size).toBe(2);
    expect(registry.evictionCount).toBe(1);
    // 'a' was used more recently than 'b', so it survived with its bucket still empty.
    expect(registry.tryAcquire('a', 4).ok).toBe(false);
    expect(registry.tryAcquire('b', 5).ok).toBe(true);
  });

  it('drops keys idle for idleTtlUs', () => {
    const registry = new LimiterRegistry<string>({ defaults: { ratePerSec: 1, burst: 1 }, keyCountMax: 100, idleTtlUs: 1_000 });
    registry.get('a', 0);
    registry.get('b', 500);
    expect(registry.sweep(999)).toBe(0);
    expect(registry.sweep(1_000)).toBe(1);
    registry.get('c', 1_500);
    expect(registry.size).toBe(1);
  });

  it('property: size never exceeds keyCountMax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 500 })), { maxLength: 300 }), (keyCountMax, traffic) => {
        const registry = new LimiterRegistry<number>({ defaults: { ratePerSec: 5, burst: 2 }, keyCountMax, idleTtlUs: 2_000 });
        let now = 0;
        for (const [key, gapUs] of traffic) {
          now += gapUs;
          registry.tryAcquire(key, now);
          expect(registry.size).toBeLessThanOrEqual(keyCountMax);
        }
      }),
    );
  });
});
