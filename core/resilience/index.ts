// Resilience patterns with injected time: breaker, retry and backoff, retry budget,
// timeout, bulkhead, fallback, token bucket, idempotency, health and graceful shutdown.
export type { ClockPort, TimerHandle, TimerPort } from './policy/ports.ts';
export type { ExecuteContext, Operation, Policy } from './policy/policy.ts';
export { noCancelContext } from './policy/policy.ts';
export { wrap } from './policy/wrap.ts';
export { sleep } from './policy/sleep.ts';
export * from './policy/errors.ts';

export type { BreakerOptions, BreakerConfig, TripPolicy } from './breaker/breakerConfig.ts';
export type { BreakerListener, BreakerPermit, BreakerRejection, BreakerState, BreakerStateChange, TransitionReason } from './breaker/circuitBreaker.ts';
export { CircuitBreaker } from './breaker/circuitBreaker.ts';
export type { OutcomeWindow, TripReason, WindowSnapshot } from './breaker/outcomeWindow.ts';

export type { Backoff, Jitter } from './backoff/backoff.ts';
export { constantBackoff, decorrelatedJitterBackoff, exponentialBackoff, linearBackoff } from './backoff/backoff.ts';
export type { RetryBudgetOptions } from './retry/retryBudget.ts';
export { RetryBudget } from './retry/retryBudget.ts';
export type { RetryDecision, RetryEvent, RetryOptions } from './retry/retryPolicy.ts';
export { RetryPolicy, retryAttemptsMax } from './retry/retryPolicy.ts';

export { deadlineAt, isExpired, remainingUs } from './timeout/deadline.ts';
export type { TimeoutMode } from './timeout/timeoutPolicy.ts';
export { TimeoutPolicy } from './timeout/timeoutPolicy.ts';
export type { BulkheadEntry } from './bulkhead/bulkhead.ts';
export { Bulkhead } from './bulkhead/bulkhead.ts';
export type { FallbackOptions } from './fallback/fallback.ts';
export { FallbackPolicy } from './fallback/fallback.ts';

export type { AcquireResult, ReserveResult, TokenBucketOptions } from './rateLimit/tokenBucket.ts';
export { TokenBucket } from './rateLimit/tokenBucket.ts';
export type { LimiterRegistryOptions } from './rateLimit/limiterRegistry.ts';
export { LimiterRegistry } from './rateLimit/limiterRegistry.ts';

export { canonicalJson } from './idempotency/canonicalJson.ts';
export { partsKey, requestKey } from './idempotency/keys.ts';
export type { IdempotencyRecord, IdempotencyStore, PutResult, StoredOutcome } from './idempotency/store.ts';
export { MemoryIdempotencyStore } from './idempotency/memoryStore.ts';
export type { BeginResult, IdempotencyGuardOptions, OutcomeListener } from './idempotency/idempotencyGuard.ts';
export { IdempotencyGuard } from './idempotency/idempotencyGuard.ts';
export type { IdempotentOptions } from './idempotency/idempotent.ts';
export { idempotent } from './idempotency/idempotent.ts';

export type { CheckResult, CheckScope, HealthDetails, HealthReport, HealthStatus } from './health/healthStatus.ts';
export { aggregateDetailed, aggregateLiveness, aggregateReadiness, worstStatus } from './health/healthStatus.ts';
export type { CheckOutcome, HealthCheck } from './health/healthChecks.ts';
export { runChecks, runChecksSync } from './health/healthChecks.ts';
export type { HandlerOutcome, HandlerReport, ShutdownAction, ShutdownHandlerSpec, ShutdownPhase, ShutdownReport } from './shutdown/shutdownCoordinator.ts';
export { ShutdownCoordinator } from './shutdown/shutdownCoordinator.ts';
export type { ShutdownHandler } from './shutdown/gracefulShutdown.ts';
export { GracefulShutdown } from './shutdown/gracefulShutdown.ts';
