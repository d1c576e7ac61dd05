// The gateway and its open-loop load clients: public surface of core/gateway.
export { Gateway } from './gateway.ts';
export { LoadClient, OUTCOME_CODES, type LoadClientConfig, type LoadPhase } from './loadClient.ts';
export { CONCURRENCY_UNBOUNDED, QUEUE_UNBOUNDED, REDIRECT_HOPS_MAX, checkGatewayConfig, type BreakerSettings, type BulkheadSettings, type GatewayConfig, type RateLimitSettings, type RetrySettings } from './config.ts';
export { GATEWAY_OUTCOMES, parseGatewayAnswer, parseGatewayRequest, type GatewayAnswer, type GatewayOutcome, type GatewayReason, type GatewayRequest } from './protocol.ts';
export { GatewayCounters } from './counters.ts';
