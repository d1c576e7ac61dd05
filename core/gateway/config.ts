// Gateway settings: every resilience policy can be switched on or off, so one scenario can
// compare a gateway with and without it.
//
// Contract: `checkGatewayConfig` rejects settings the policies cannot honour with a clear
// message; a switched-off policy falls back to a wide but finite limit (a gateway without a
// bulkhead still holds at most CONCURRENCY_UNBOUNDED calls and QUEUE_UNBOUNDED waiters), so
// every queue has a maximum even in the "without" variant.
import type { Micros, NodeId } from '../env.ts';
import type { Jitter } from '../resilience/backoff/backoff.ts';

/** Concurrent backend calls when the bulkhead is off: the KV server's own pending bound. */
export const CONCURRENCY_UNBOUNDED = 4096;
/** Waiting requests when the bulkhead is off. */
export const QUEUE_UNBOUNDED = 65_536;
/** Redirects followed within one attempt before it counts as failed. */
export const REDIRECT_HOPS_MAX = 3;

export interface RateLimitSettings {
  enabled: boolean;
  /** One bucket per client node instead of one for the whole gateway. */
  perClient: boolean;
  ratePerSec: number;
  burst: number;
}

export interface BulkheadSettings {
  enabled: boolean;
  /** Backend calls in flight at once (each holds one KV client session). */
  concurrency: number;
  /** Requests that may wait for a free call slot; beyond it they are shed. */
  queue: number;
}

export interface RetrySettings {
  enabled: boolean;
  /** Attempts per request including the first. */
  attempts: number;
  backoffInitialUs: Micros;
  backoffMaxUs: Micros;
  jitter: Jitter;
  budget: { enabled: boolean; ratio: number; minPerSec: number; ttlUs: Micros };
}

export interface BreakerSettings {
  enabled: boolean;
  /** Calls in the count window. */
  window: number;
  failureRatio: number;
  /** A call at least this long counts as slow; 0 means no call is slow. */
  slowCallUs: Micros;
  slowCallRatio: number;
  minimumCalls: number;
  openUs: Micros;
  probes: number;
}

export interface GatewayConfig {
  /** The gateway's index among gateways: it keeps their registration nonces apart. */
  index: number;
  servers: readonly NodeId[];
  /** A request's whole budget, from arrival to answer, queueing included. */
  timeoutUs: Micros;
  /** How long one backend attempt may take before it counts as failed. */
  attemptTimeoutUs: Micros;
  rateLimit: RateLimitSettings;
  bulkhead: BulkheadSettings;
  retry: RetrySettings;
  breaker: BreakerSettings;
  /** How often readiness is evaluated and counters are reported. */
  healthIntervalUs: Micros;
}

export function checkGatewayConfig(c: GatewayConfig): void {
  const fail = (m: string): never => {
    throw new Error(`gateway: ${m}`);
  };
  if (c.servers.length === 0) fail('no servers');
  if (!(Number.isInteger(c.index) && c.index >= 0 && c.index < 1000)) fail(`index must be an integer in [0, 1000), got ${c.index}`);
  if (!(c.timeoutUs >= 1 && c.attemptTimeoutUs >= 1)) fail('timeouts must be positive');
  if (!(c.healthIntervalUs >= 1_000)) fail('healthIntervalUs must be at least 1 ms');
  if (c.bulkhead.enabled && !(c.bulkhead.concurrency >= 1 && c.bulkhead.concurrency <= CONCURRENCY_UNBOUNDED)) fail(`bulkhead.concurrency must be in [1, ${CONCURRENCY_UNBOUNDED}]`);
  if (c.bulkhead.enabled && !(c.bulkhead.queue >= 0 && c.bulkhead.queue <= QUEUE_UNBOUNDED)) fail(`bulkhead.queue must be in [0, ${QUEUE_UNBOUNDED}]`);
  if (c.retry.attempts < 1) fail('retry.attempts must be at least 1');
}
