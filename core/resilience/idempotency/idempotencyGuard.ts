// The synchronous idempotency core: decides whether a request with a given key runs, gets
// a stored result, or waits for a run already under way.
//
// Contract: `begin(key, now)` returns
//   'execute'     the caller runs the operation and must call `finish` exactly once;
//   'completed'   a stored outcome (the duplicate is answered without running);
//   'in-progress' someone is running it: `subscribe` gets the outcome when this guard's
//                 `finish` is called (waiters on another process must poll the store);
//   'rejected'    the store is full of live leases.
// A failure is stored only with `cacheErrors`; otherwise its record is removed so a later
// retry runs again, while the waiters of that attempt still share its error.
import type { Micros } from '../../env.ts';
import type { IdempotencyStore, StoredOutcome } from './store.ts';

export type OutcomeListener<T> = (outcome: StoredOutcome<T>) => void;

export type BeginResult<T> =
  | { readonly kind: 'execute' }
  | { readonly kind: 'completed'; readonly outcome: StoredOutcome<T> }
  | { readonly kind: 'in-progress'; readonly subscribe: (listener: OutcomeListener<T>) => (() => void) | undefined }
  | { readonly kind: 'rejected'; readonly reason: 'store-full' };

export interface IdempotencyGuardOptions {
  /** How long an in-progress lease lasts before another caller may take over. */
  readonly leaseUs: Micros;
  /** How long a completed outcome is kept. */
  readonly ttlUs: Micros;
  readonly cacheErrors?: boolean;
  /** Local waiters per key; `subscribe` returns undefined beyond it. 1024 by default. */
  readonly waiterCountMax?: number;
}

const execute = Object.freeze({ kind: 'execute' as const });

export class IdempotencyGuard<T> {
  // Invariant: every list has at most waiterCountMax listeners; a key is removed when it finishes.
  private readonly waiters = new Map<string, OutcomeListener<T>[]>();
  private readonly waiterCountMax: number;

  constructor(readonly store: IdempotencyStore<T>, private readonly options: IdempotencyGuardOptions) {
    if (!(Number.isSafeInteger(options.leaseUs) && options.leaseUs >= 1)) throw new Error('idempotency: leaseUs must be a positive integer');
    if (!(Number.isSafeInteger(options.ttlUs) && options.ttlUs >= 1)) throw new Error('idempotency: ttlUs must be a positive integer');
    this.waiterCountMax = options.waiterCountMax ?? 1024;
  }

  begin(key: string, now: Micros): BeginResult<T> {
    const put = this.store.putIfAbsent(key, now, this.options.leaseUs);
    if (put.kind === 'inserted') return execute;
    if (put.kind === 'full') return { kind: 'rejected', reason: 'store-full' };
    const record = put.record;
    if (record.state === 'completed') return { kind: 'completed', outcome: record.outcome };
    return { kind: 'in-progress', subscribe: (listener) => this.subscribe(key, listener) };
  }

  finish(key: string, now: Micros, outcome: StoredOutcome<T>): void {
    if (outcome.ok || this.options.cacheErrors === true) this.store.complete(key, now, outcome, this.options.ttlUs);
    else this.store.remove(key);
    const listeners = this.waiters.get(key);
    this.waiters.delete(key);
    if (listeners !== undefined) for (const listener of listeners) listener(outcome);
  }

  private subscribe(key: string, listener: OutcomeListener<T>): (() => void) | undefined {
    let listeners = this.waiters.get(key);
    if (listeners === undefined) {
      listeners = [];
      this.waiters.set(key, listeners);
    }
    if (listeners.length >= this.waiterCountMax) return undefined;
    listeners.push(listener);
    const list = listeners;
    return () => {
      const index = list.indexOf(listener);
      if (index >= 0) list.splice(index, 1);
    };
  }
}
