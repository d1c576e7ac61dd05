// The Promise convenience over IdempotencyGuard: wraps an async function so it runs once
// per key. A duplicate that arrives while the first call runs awaits that call's outcome
// instead of running again; one that arrives later gets the stored outcome.
//
// Contract: with `raiseOnDuplicate`, every duplicate that would have received a stored
// value rejects with DuplicateRequestError carrying that value instead. Stored errors are
// rethrown as they are in both modes.
import { DuplicateRequestError, IdempotencyStoreFullError } from '../policy/errors.ts';
import type { ClockPort } from '../policy/ports.ts';
import type { IdempotencyGuard } from './idempotencyGuard.ts';
import type { StoredOutcome } from './store.ts';

export interface IdempotentOptions<A extends readonly unknown[], T> {
  readonly guard: IdempotencyGuard<T>;
  readonly clock: ClockPort;
  readonly keyOf: (...args: A) => string;
  readonly raiseOnDuplicate?: boolean;
}

export function idempotent<A extends readonly unknown[], T>(fn: (...args: A) => Promise<T>, options: IdempotentOptions<A, T>): (...args: A) => Promise<T> {
  const { guard, clock, keyOf } = options;
  const raise = options.raiseOnDuplicate === true;
  return async (...args: A): Promise<T> => {
    const key = keyOf(...args);
    const begun = guard.begin(key, clock.now());
    switch (begun.kind) {
      case 'execute':
        return runAndFinish(guard, clock, key, () => fn(...args));
      case 'completed':
        return answerDuplicate(key, begun.outcome, raise);
      case 'in-progress':
        return answerDuplicate(key, await waitFor(key, begun.subscribe), raise);
      case 'rejected':
        throw new IdempotencyStoreFullError(key);
    }
  };
}

async function runAndFinish<T>(guard: IdempotencyGuard<T>, clock: ClockPort, key: string, run: () => Promise<T>): Promise<T> {
  let value: T;
  try {
    value = await run();
  } catch (error) {
    guard.finish(key, clock.now(), { ok: false, error });
    throw error;
  }
  guard.finish(key, clock.now(), { ok: true, value });
  return value;
}

function waitFor<T>(key: string, subscribe: (listener: (outcome: StoredOutcome<T>) => void) => (() => void) | undefined): Promise<StoredOutcome<T>> {
  return new Promise((resolve, reject) => {
    if (subscribe(resolve) === undefined) reject(new Error(`idempotency: too many callers waiting on ${key}`));
  });
}

function answerDuplicate<T>(key: string, outcome: StoredOutcome<T>, raise: boolean): T {
  if (!outcome.ok) throw outcome.error;
  if (raise) throw new DuplicateRequestError(key, outcome.value);
  return outcome.value;
}
