// A retry budget (Finagle's RetryBudget, gRPC's retry throttling): retries are allowed
// only up to a fraction of recent requests plus a small floor per second, so a client
// cannot multiply its load on a struggling server by its retry count.
//
// Contract: over any budget window of `ttlUs`, successful withdrawals are at most
// floor(retryRatio * deposits + minRetriesPerSec * ttlUs / 1e6). Deposit once per
// logical request; withdraw once per retry. Memory is fixed (a bucket ring).
import type { Micros } from '../../env.ts';
import { BucketRing } from '../window/bucketRing.ts';

export interface RetryBudgetOptions {
  /** How long a deposit counts; 10 s by default. */
  readonly ttlUs?: Micros;
  /** Retries allowed per request, e.g. 0.1 for 10 %; 0.2 by default. */
  readonly retryRatio?: number;
  /** Retries always allowed per second of the window, even with no traffic; 10 by default. */
  readonly minRetriesPerSec?: number;
  readonly bucketCount?: number;
}

const deposits = 0;
const withdrawals = 1;

export class RetryBudget {
  readonly ttlUs: Micros;
  readonly retryRatio: number;
  readonly reserve: number;
  private readonly ring: BucketRing;

  constructor(options: RetryBudgetOptions = {}) {
    this.ttlUs = options.ttlUs ?? 10_000_000;
    this.retryRatio = options.retryRatio ?? 0.2;
    const minRetriesPerSec = options.minRetriesPerSec ?? 10;
    if (!(Number.isSafeInteger(this.ttlUs) && this.ttlUs >= 1_000)) throw new Error('retry budget: ttlUs must be an integer >= 1000');
    if (!(this.retryRatio >= 0 && this.retryRatio <= 1000)) throw new Error('retry budget: retryRatio must be in [0, 1000]');
    if (!(minRetriesPerSec >= 0 && Number.isFinite(minRetriesPerSec))) throw new Error('retry budget: minRetriesPerSec must be >= 0');
    this.reserve = (minRetriesPerSec * this.ttlUs) / 1_000_000;
    this.ring = new BucketRing(this.ttlUs, options.bucketCount ?? 10, 2);
  }

  /** Records one logical request. */
  deposit(now: Micros): void {
    this.ring.add(now, deposits);
  }

  /** Takes one retry from the budget if there is one. */
  tryWithdraw(now: Micros): boolean {
    if (this.balance(now) < 1) return false;
    this.ring.add(now, withdrawals);
    return true;
  }

  /** Whole retries available now. */
  balance(now: Micros): number {
    const allowed = Math.floor(this.retryRatio * this.ring.sum(now, deposits) + this.reserve);
    return allowed - this.ring.sum(now, withdrawals);
  }
}
