// Token bucket: `ratePerSec` tokens accrue continuously up to `burst`; a call spends n.
//
// Contract (synchronous core): `tryAcquire(now, n)` spends n tokens or says how long until
// n will be there (`retryAfterUs`, rounded up so that retrying exactly then succeeds if
// nobody else spent in between). `reserve(now, n, waitUsMax)` is acquire-with-timeout:
// it spends the tokens ahead of time, possibly going into debt, and tells the caller to
// wait `waitUs` before acting; it refuses when the wait would exceed `waitUsMax`.
// Invariant: tokens <= burst at every instant (checked by property tests).
// Tokens are stored in millionths (token-microseconds), so a whole rate per second adds a
// whole number per microsecond and refill is exact for integer rates.
import type { Micros } from '../../env.ts';
import type { TimerPort } from '../policy/ports.ts';
import { RateLimitedError } from '../policy/errors.ts';
import { sleep } from '../policy/sleep.ts';

export interface TokenBucketOptions {
  readonly ratePerSec: number;
  readonly burst: number;
  /** Tokens at creation; `burst` by default. */
  readonly initialTokens?: number;
}

export type AcquireResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterUs: Micros };
export type ReserveResult = { readonly ok: true; readonly waitUs: Micros } | { readonly ok: false; readonly retryAfterUs: Micros };

const unit = 1_000_000;
const acquired: AcquireResult = Object.freeze({ ok: true });

export class TokenBucket {
  readonly ratePerSec: number;
  readonly burst: number;
  // Invariant: scaledTokens <= burst * unit; it may be negative only after `reserve`.
  private scaledTokens: number;
  private updatedAtUs: Micros;

  constructor(options: TokenBucketOptions, now: Micros = 0) {
    const { ratePerSec, burst } = options;
    if (!(ratePerSec > 0 && Number.isFinite(ratePerSec))) throw new Error(`token bucket: ratePerSec must be positive, got ${ratePerSec}`);
    if (!(burst > 0 && Number.isFinite(burst))) throw new Error(`token bucket: burst must be positive, got ${burst}`);
    const initial = options.initialTokens ?? burst;
    if (!(initial >= 0 && initial <= burst)) throw new Error(`token bucket: initialTokens must be in [0, burst], got ${initial}`);
    this.ratePerSec = ratePerSec;
    this.burst = burst;
    this.scaledTokens = initial * unit;
    this.updatedAtUs = now;
  }

  /** Tokens available at `now` (negative while paying off a reservation). */
  tokens(now: Micros): number {
    this.refill(now);
    return this.scaledTokens / unit;
  }

  tryAcquire(now: Micros, n = 1): AcquireResult {
    const needed = this.checkedScaled(n);
    this.refill(now);
    if (this.scaledTokens >= needed) {
      this.scaledTokens -= needed;
      return acquired;
    }
    return { ok: false, retryAfterUs: this.waitFor(needed) };
  }

  reserve(now: Micros, n: number, waitUsMax: Micros): ReserveResult {
    const needed = this.checkedScaled(n);
    this.refill(now);
    const waitUs = this.scaledTokens >= needed ? 0 : this.waitFor(needed);
    if (waitUs > waitUsMax) return { ok: false, retryAfterUs: waitUs };
    this.scaledTokens -= needed;
    return { ok: true, waitUs };
  }

  /** Promise convenience: waits up to `waitUsMax` of port time for n tokens. */
  async acquire(timer: TimerPort, n = 1, waitUsMax: Micros = 0, signal?: AbortSignal): Promise<void> {
    const result = this.reserve(timer.now(), n, waitUsMax);
    if (!result.ok) throw new RateLimitedError(result.retryAfterUs);
    if (result.waitUs > 0) await sleep(timer, result.waitUs, signal);
  }

  private refill(now: Micros): void {
    // A clock that steps back adds nothing rather than removing tokens.
    if (now <= this.updatedAtUs) return;
    const cap = this.burst * unit;
    if (this.scaledTokens < cap) this.scaledTokens = Math.min(cap, this.scaledTokens + (now - this.updatedAtUs) * this.ratePerSec);
    this.updatedAtUs = now;
  }

  private waitFor(needed: number): Micros {
    const deficit = needed - this.scaledTokens;
    let waitUs = Math.max(1, Math.ceil(deficit / this.ratePerSec));
    // A fractional rate can round the quotient down by one ulp; never promise too early.
    if (waitUs * this.ratePerSec < deficit) waitUs++;
    return waitUs;
  }

  private checkedScaled(n: number): number {
    if (!(n > 0 && n <= this.burst)) throw new Error(`token bucket: n must be in (0, burst=${this.burst}], got ${n}`);
    return n * unit;
  }
}
