// The gateway's client protocol: what a load client asks and how the gateway answers.
//
// Contract: every message is parsed from `unknown`; anything malformed yields null and is
// dropped (counted) by the receiver, never thrown on. An answer echoes the request's `rid`
// and says how the request ended: `ok` (the cluster answered), `rejected` (refused at the
// door by the rate limiter or the load shedder, at once and without touching the cluster),
// `timeout` (the request's deadline passed) or `error` (the cluster could not be reached:
// attempts exhausted, a retry refused by the budget, every breaker open; or the cluster
// had forgotten the session, `session-expired`, so a write may or may not have applied).
import type { KvOp, KvResult } from '../kv/types.ts';
import { isCount, parseKvOp, parseKvResult } from '../kv/validate.ts';
import { parseTraceparent } from '../telemetry/traceContext.ts';

export interface GatewayRequest {
  type: 'gw.req';
  rid: number;
  op: KvOp;
  /** The W3C traceparent of the client's request (core/telemetry/traceContext.ts), when valid. */
  tp?: string;
}

export const GATEWAY_OUTCOMES = ['ok', 'rejected', 'timeout', 'error'] as const;
export type GatewayOutcome = (typeof GATEWAY_OUTCOMES)[number];

/** Why a request did not end `ok`: a short code for reports. */
export type GatewayReason = 'rate-limited' | 'shed' | 'deadline' | 'attempts' | 'budget' | 'breaker-open' | 'not-ready' | 'session-expired' | '';

export interface GatewayAnswer {
  type: 'gw.resp';
  rid: number;
  outcome: GatewayOutcome;
  reason: GatewayReason;
  /** The cluster's result when the outcome is `ok`. */
  result?: KvResult;
}

const REASONS: readonly string[] = ['rate-limited', 'shed', 'deadline', 'attempts', 'budget', 'breaker-open', 'not-ready', 'session-expired', ''];

export function parseGatewayRequest(x: unknown): GatewayRequest | null {
  if (x === null || typeof x !== 'object') return null;
  const m = x as Record<string, unknown>;
  if (m.type !== 'gw.req' || !isCount(m.rid)) return null;
  const op = parseKvOp(m.op);
  if (!op.ok) return null;
  const req: GatewayRequest = { type: 'gw.req', rid: m.rid as number, op: op.value };
  if (parseTraceparent(m.tp) !== null) req.tp = m.tp as string;
  return req;
}

export function parseGatewayAnswer(x: unknown): GatewayAnswer | null {
  if (x === null || typeof x !== 'object') return null;
  const m = x as Record<string, unknown>;
  if (m.type !== 'gw.resp' || !isCount(m.rid)) return null;
  if (!(GATEWAY_OUTCOMES as readonly unknown[]).includes(m.outcome) || !REASONS.includes(m.reason as string)) return null;
  const answer: GatewayAnswer = { type: 'gw.resp', rid: m.rid as number, outcome: m.outcome as GatewayOutcome, reason: m.reason as GatewayReason };
  if (m.result === undefined) return answer;
  const r = parseKvResult(m.result);
  return r.ok ? { ...answer, result: r.value } : null;
}
