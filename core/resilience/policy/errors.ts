// Errors raised by the Promise conveniences. The synchronous cores return values instead,
// because an expected outcome (a rejection, a timeout) is data, not an exception.
import type { Micros } from '../../env.ts';

/** The circuit breaker refused the call without running it. */
export class BrokenCircuitError extends Error {
  override readonly name = 'BrokenCircuitError';
  constructor(readonly state: string, readonly retryAfterUs: Micros) {
    super(`circuit is ${state}; retry after ${retryAfterUs} us`);
  }
}

/** The call did not finish within its time budget. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(readonly durationUs: Micros) {
    super(`timed out after ${durationUs} us`);
  }
}

/** The bulkhead had no free slot and no room left in its queue. */
export class BulkheadRejectedError extends Error {
  override readonly name = 'BulkheadRejectedError';
  constructor(readonly activeCount: number, readonly queuedCount: number) {
    super(`bulkhead full: ${activeCount} active, ${queuedCount} queued`);
  }
}

/** A rate limiter had too few tokens and the wait would exceed the caller's limit. */
export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  constructor(readonly retryAfterUs: Micros) {
    super(`rate limited; retry after ${retryAfterUs} us`);
  }
}

/** The call was cancelled through its AbortSignal before it finished. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(readonly reason?: unknown) {
    super('operation cancelled');
  }
}

/** A duplicate request found a stored result; the result travels with the error. */
export class DuplicateRequestError<T = unknown> extends Error {
  override readonly name = 'DuplicateRequestError';
  constructor(readonly key: string, readonly cachedResult: T) {
    super(`duplicate request for idempotency key ${key}`);
  }
}

/** The idempotency store is full of in-progress entries and cannot accept a new key. */
export class IdempotencyStoreFullError extends Error {
  override readonly name = 'IdempotencyStoreFullError';
  constructor(readonly key: string) {
    super(`idempotency store full; cannot start ${key}`);
  }
}

/** New work was refused because shutdown has begun. */
export class ShuttingDownError extends Error {
  override readonly name = 'ShuttingDownError';
  constructor() {
    super('shutting down; new work refused');
  }
}
