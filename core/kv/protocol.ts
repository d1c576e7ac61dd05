// The client protocol of the replicated KV service: requests, answers and their parsers.
//
// Contract: every message a server or client receives is parsed from `unknown`; anything
// malformed, or whose integrity checksum (integrity.ts) does not match, yields null and is
// dropped by the receiver (counted, never thrown on). Senders seal what they send.
import type { NodeId } from '../env.ts';
import type { KvOp, KvResult } from './types.ts';
import { parseTraceparent } from '../telemetry/traceContext.ts';
import { unseal } from './integrity.ts';
import { isCount, isNonce, isRegisterCount, parseKvOp, parseKvResult } from './validate.ts';

/**
 * A client's request. `rid` names the operation (answers echo it); `seq` is the session
 * sequence number, which only writes advance, so the state machine sees a client's writes
 * numbered 1, 2, 3... A retry reuses both; the server applies a write once per session seq.
 */
export interface KvRequest {
  type: 'kv.req';
  clientId: number;
  rid: number;
  seq: number;
  op: KvOp;
  /** The W3C traceparent of the attempt (core/telemetry/traceContext.ts), when valid. */
  tp?: string;
}

/**
 * A request to open `count` sessions (Raft thesis §6.3): the leader puts a registration in
 * the log and answers 'kv.registered' with the first new session id once it is applied
 * (the others follow it). `nonce` names the registration (unique per client), `rid` the
 * operation it is for.
 */
export interface KvRegisterRequest {
  type: 'kv.register';
  rid: number;
  nonce: string;
  count: number;
}

/**
 * The server's answer: a result, a new session, or a redirect to the leader it knows (-1
 * if none). Answers to a registration carry clientId 0 until the session exists.
 */
export type KvAnswer =
  | { type: 'kv.resp'; clientId: number; rid: number; result: KvResult }
  | { type: 'kv.registered'; clientId: number; rid: number; nonce: string; count: number }
  | { type: 'kv.redirect'; clientId: number; rid: number; leader: NodeId };

export function parseKvRequest(x: unknown): KvRequest | KvRegisterRequest | null {
  const m = unseal(x);
  if (m === null) return null;
  if (m.type === 'kv.register') {
    return isCount(m.rid) && isNonce(m.nonce) && isRegisterCount(m.count) ? { type: 'kv.register', rid: m.rid, nonce: m.nonce, count: m.count } : null;
  }
  if (m.type !== 'kv.req' || !isCount(m.clientId) || !isCount(m.rid) || !isCount(m.seq) || (m.seq as number) < 1) return null;
  const op = parseKvOp(m.op);
  if (!op.ok) return null;
  const req: KvRequest = { type: 'kv.req', clientId: m.clientId as number, rid: m.rid as number, seq: m.seq as number, op: op.value };
  // An invalid traceparent is ignored, as W3C asks: the request is still served.
  if (parseTraceparent(m.tp) !== null) req.tp = m.tp as string;
  return req;
}

export function parseKvAnswer(x: unknown): KvAnswer | null {
  const m = unseal(x);
  if (m === null) return null;
  if (!isCount(m.clientId) || !isCount(m.rid)) return null;
  if (m.type === 'kv.redirect') {
    return Number.isSafeInteger(m.leader) && (m.leader as number) >= -1 ? { type: 'kv.redirect', clientId: m.clientId as number, rid: m.rid as number, leader: m.leader as number } : null;
  }
  if (m.type === 'kv.registered') {
    const ok = isNonce(m.nonce) && isRegisterCount(m.count) && (m.clientId as number) >= 1;
    return ok ? { type: 'kv.registered', clientId: m.clientId as number, rid: m.rid as number, nonce: m.nonce as string, count: m.count as number } : null;
  }
  if (m.type !== 'kv.resp') return null;
  const r = parseKvResult(m.result);
  return r.ok ? { type: 'kv.resp', clientId: m.clientId as number, rid: m.rid as number, result: r.value } : null;
}
