// Goal: the bucket refills at its rate, never holds more than its burst, and its
// retryAfterUs is exact: retrying then succeeds, one microsecond earlier fails.
// Method: explicit `now` values; fast-check drives random acquire schedules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../policy/errors.ts';
import { ManualClock } from '../../../test/support/resilience/manualClock.ts';
import { TokenBucket } from './tokenBucket.ts';

describe('token bucket', () => {
  it('spends the burst, then refills at ratePerSec and caps at burst', () => {
    const bucket = new TokenBucket({ ratePerSec: 10, burst: 20 });
    for (let i = 0; i < 20; i++) expect(bucket.tryAcquire(0).ok).toBe(true);
    expect(bucket.tryAcquire(0)).toEqual({ ok: false, retryAfterUs: 100_000 });
    expect(bucket.tokens(1_000_000)).toBe(10);
    expect(bucket.tokens(5_000_000)).toBe(20);
  });

  it('starts from initialTokens and reports the exact wait for n tokens', () => {
    const bucket = new TokenBucket({ ratePerSec: 4, burst: 10, initialTokens: 1 });
    expect(bucket.tryAcquire(0, 3)).toEqual({ ok: false, retryAfterUs: 500_000 });
    expect(bucket.tryAcquire(499_999, 3).ok).toBe(false);
    expect(bucket.tryAcquire(500_000, 3)).toEqual({ ok: true });
    expect(bucket.tokens(500_000)).toBe(0);
  });

  it('reserve spends ahead within the wait limit and refuses beyond it', () => {
    const bucket = new TokenBucket({ ratePerSec: 1_000, burst: 5, initialTokens: 0 });
    expect(bucket.reserve(0, 2, 1_000)).toEqual({ ok: false, retryAfterUs: 2_000 });
    expect(bucket.reserve(0, 2, 2_000)).toEqual({ ok: true, waitUs: 2_000 });
    expect(bucket.tokens(0)).toBe(-2);
    expect(bucket.tryAcquire(2_000)).toEqual({ ok: false, retryAfterUs: 1_000 });
    expect(bucket.tryAcquire(3_000).ok).toBe(true);
  });

  it('acquire waits on the port, or rejects with RateLimitedError carrying retryAfterUs', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket({ ratePerSec: 100, burst: 1, initialTokens: 0 });
    let acquiredAtUs = -1;
    const waiting = bucket.acquire(clock, 1, 20_000).then(() => (acquiredAtUs = clock.now()));
    await expect(bucket.acquire(clock, 1, 5_000)).rejects.toEqual(new RateLimitedError(20_000));
    await clock.runAllAsync(1_000_000);
    await waiting;
    expect(acquiredAtUs).toBe(10_000);
  });

  it('rejects impossible requests with a message', () => {
    const bucket = new TokenBucket({ ratePerSec: 1, burst: 2 });
    expect(() => bucket.tryAcquire(0, 3)).toThrow(/burst/);
    expect(() => new TokenBucket({ ratePerSec: 0, burst: 1 })).toThrow(/ratePerSec/);
    expect(() => new TokenBucket({ ratePerSec: 1, burst: 1, initialTokens: 2 })).toThrow(/initialTokens/);
  });

  it('property: tokens never exceed burst, and retryAfterUs is exact for integer rates', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 1_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 1, max: 1_000 })), { maxLength: 60 }),
        (ratePerSec, burst, steps) => {
          const bucket = new TokenBucket({ ratePerSec, burst, initialTokens: 0 });
          let now = 0;
          for (const [advanceUs, wanted] of steps) {
            now += advanceUs;
            const n = Math.min(wanted, burst);
            expect(bucket.tokens(now)).toBeLessThanOrEqual(burst);
            const result = bucket.tryAcquire(now, n);
            if (!result.ok) {
              const probe = new TokenBucket({ ratePerSec, burst, initialTokens: Math.max(0, bucket.tokens(now)) }, now);
              if (result.retryAfterUs > 1) expect(probe.tryAcquire(now + result.retryAfterUs - 1, n).ok).toBe(false);
              expect(probe.tryAcquire(now + result.retryAfterUs, n).ok).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('property: admitted tokens over any run are at most burst + rate * elapsed', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 1_000, noNaN: true }), fc.integer({ min: 1, max: 50 }), fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 200 }), (ratePerSec, burst, gapsUs) => {
        const bucket = new TokenBucket({ ratePerSec, burst });
        let now = 0;
        let admitted = 0;
        for (const gapUs of gapsUs) {
          now += gapUs;
          if (bucket.tryAcquire(now).ok) admitted++;
          expect(bucket.tokens(now)).toBeLessThanOrEqual(burst);
        }
        expect(admitted).toBeLessThanOrEqual(burst + (ratePerSec * now) / 1_000_000 + 1e-9);
      }),
    );
  });
});
