// The idempotency store port and its records. A store may be remote (Redis, a database),
// so every method takes `now` explicitly and the store never reads a clock.
//
// Contract: `putIfAbsent` is the one atomic step: of two callers with the same key, only
// one sees 'inserted'. An in-progress record is a lease: past `expiresAtUs` it is treated
// as absent, so a crashed executor does not block its key forever.
import type { Micros } from '../../env.ts';

export type StoredOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export type IdempotencyRecord<T> =
  | { readonly state: 'in-progress'; readonly key: string; readonly startedAtUs: Micros; readonly expiresAtUs: Micros }
  | { readonly state: 'completed'; readonly key: string; readonly outcome: StoredOutcome<T>; readonly completedAtUs: Micros; readonly expiresAtUs: Micros };

export type PutResult<T> =
  | { readonly kind: 'inserted' }
  | { readonly kind: 'exists'; readonly record: IdempotencyRecord<T> }
  | { readonly kind: 'full' };

export interface IdempotencyStore<T> {
  /** The live record for `key`, or undefined if there is none or it has expired. */
  get(key: string, now: Micros): IdempotencyRecord<T> | undefined;
  /** Starts an in-progress lease of `leaseUs` unless a live record exists. */
  putIfAbsent(key: string, now: Micros, leaseUs: Micros): PutResult<T>;
  /** Turns a live in-progress record into a completed one kept for `ttlUs`; false if there is none. */
  complete(key: string, now: Micros, outcome: StoredOutcome<T>, ttlUs: Micros): boolean;
  /** Deletes the record for `key`; false if there was none. */
  remove(key: string): boolean;
  /** Deletes every record expired at `now`; returns how many. */
  expire(now: Micros): number;
}
