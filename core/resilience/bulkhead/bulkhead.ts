// Bulkhead: at most `concurrencyMax` calls at once, then a bounded FIFO queue, then
// rejection.
//
// Contract (synchronous core): `tryEnter(onAdmit)` returns 'permit' (run now), 'queued'
// (`onAdmit` will be called synchronously from a later `release`; `cancel` withdraws the
// entry) or 'rejected'. Every permit, including one handed over through `onAdmit`, must be
// matched by exactly one `release`.
import { BulkheadRejectedError, CancelledError } from '../policy/errors.ts';
import type { ExecuteContext, Operation, Policy } from '../policy/policy.ts';
import { noCancelContext } from '../policy/policy.ts';

export type BulkheadEntry =
  | { readonly kind: 'permit' }
  | { readonly kind: 'queued'; readonly cancel: () => boolean }
  | { readonly kind: 'rejected'; readonly activeCount: number; readonly queuedCount: number };

interface Waiter {
  readonly onAdmit: () => void;
  cancelled: boolean;
}

const permitEntry: BulkheadEntry = Object.freeze({ kind: 'permit' });

export class Bulkhead implements Policy {
  // Invariant: activeCount <= concurrencyMax; queuedCount <= queueSizeMax.
  private active = 0;
  private queued = 0;
  private readonly waiters: Waiter[] = [];
  private head = 0;

  constructor(readonly concurrencyMax: number, readonly queueSizeMax = 0) {
    if (!(Number.isInteger(concurrencyMax) && concurrencyMax >= 1)) throw new Error('bulkhead: concurrencyMax must be a positive integer');
    if (!(Number.isInteger(queueSizeMax) && queueSizeMax >= 0)) throw new Error('bulkhead: queueSizeMax must be a non-negative integer');
  }

  get activeCount(): number {
    return this.active;
  }

  get queuedCount(): number {
    return this.queued;
  }

  tryEnter(onAdmit?: () => void): BulkheadEntry {
    if (this.active < this.concurrencyMax) {
      this.active++;
      return permitEntry;
    }
    if (onAdmit === undefined || this.queued >= this.queueSizeMax) {
      return { kind: 'rejected', activeCount: this.active, queuedCount: this.queued };
    }
    const waiter: Waiter = { onAdmit, cancelled: false };
    this.waiters.push(waiter);
    this.queued++;
    return { kind: 'queued', cancel: () => this.cancel(waiter) };
  }

  /** Frees one slot; the oldest live waiter, if any, takes it and is told synchronously. */
  release(): void {
    if (this.active <= 0) throw new Error('bulkhead: release without a permit');
    const next = this.shiftWaiter();
    if (next === undefined) {
      this.active--;
      return;
    }
    next.onAdmit();
  }

  async execute<T>(fn: Operation<T>, context: ExecuteContext = noCancelContext): Promise<T> {
    const waiting = this.enter(context.signal);
    if (waiting !== undefined) await waiting;
    try {
      return await fn(context);
    } finally {
      this.release();
    }
  }

  private enter(signal: AbortSignal): Promise<void> | undefined {
    if (signal.aborted) return Promise.reject(new CancelledError(signal.reason));
    if (this.active < this.concurrencyMax) {
      this.active++;
      return undefined;
    }
    let admit: (() => void) | undefined;
    const admitted = new Promise<void>((resolve) => (admit = resolve));
    const entry = this.tryEnter(() => admit?.());
    if (entry.kind === 'permit') return undefined;
    if (entry.kind === 'rejected') return Promise.reject(new BulkheadRejectedError(entry.activeCount, entry.queuedCount));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        if (entry.cancel()) reject(new CancelledError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void admitted.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private cancel(waiter: Waiter): boolean {
    if (waiter.cancelled) return false;
    waiter.cancelled = true;
    this.queued--;
    // Cancelled entries stay in the array until shifted; sweep them when they pile up so
    // enqueue-then-cancel churn cannot grow it past the queue bound.
    if (this.waiters.length - this.head > 2 * this.queueSizeMax + 32) {
      const live = this.waiters.slice(this.head).filter((entry) => !entry.cancelled);
      this.waiters.length = 0;
      this.waiters.push(...live);
      this.head = 0;
    }
    return true;
  }

  private shiftWaiter(): Waiter | undefined {
    while (this.head < this.waiters.length) {
      const waiter = this.waiters[this.head++];
      if (!waiter.cancelled) {
        waiter.cancelled = true;
        this.queued--;
        this.compact();
        return waiter;
      }
    }
    this.compact();
    return undefined;
  }

  // Drops consumed entries so the array never holds more than the queue bound of garbage.
  private compact(): void {
    if (this.head > 32 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }
}
