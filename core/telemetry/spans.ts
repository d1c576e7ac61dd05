// The span taxonomy: every OpenTelemetry span faultline records, on which node, with which
// parent and attributes. Attribute names follow OpenTelemetry semantic conventions where
// one exists (db.*, error.type, server.address); the rest are under `faultline.` or `raft.`.
//
// Contract: one client operation is one trace: kv.op (or load.request) at the client, one
// kv.attempt per try (or gw.request and one gw.attempt per try at a gateway), kv.request
// at each server it reached, raft.propose at the leader and raft.replicate at each
// follower that applied the entry. Elections, snapshot transfers and faults are traces
// of their own. Span times are virtual; ids come from the request's identity and the W3C
// traceparent its messages carry (traceContext.ts) or from a seeded generator, never from
// a clock or Math.random.

export type SpanKind = 'client' | 'server' | 'internal';

export interface SpanSpec {
  readonly name: string;
  readonly kind: SpanKind;
  /** The resource (node) that records it. */
  readonly on: string;
  readonly parent: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly events: readonly string[];
  readonly meaning: string;
}

function s(name: string, kind: SpanKind, on: string, parent: string, meaning: string, attributes: Record<string, string>, events: string[] = []): SpanSpec {
  return { name, kind, on, parent, meaning, attributes, events };
}

export const SPANS: readonly SpanSpec[] = [
  s('kv.op', 'client', 'KV client', 'none (a trace root)', 'One client operation from invocation to completion.', { 'db.system.name': 'faultline-kv', 'db.operation.name': 'get, put, append, cas or delete', 'faultline.client.id': 'session id', 'faultline.rid': 'operation id', 'faultline.outcome': 'ok, failed or unknown' }),
  s('kv.attempt', 'client', 'KV client', 'kv.op', 'One try of an operation against one server, until its answer, redirect or timeout.', { 'server.address': 'target node name', 'faultline.attempt': 'attempt number', 'faultline.outcome': 'ok, failed, expired, redirect or timeout' }),
  s('load.request', 'client', 'load client', 'none (a trace root)', 'One open-loop request from send to its end.', { 'db.operation.name': 'operation', 'faultline.rid': 'request id', 'faultline.outcome': 'ok, rejected, timeout or error' }),
  s('gw.request', 'server', 'gateway', 'load.request', 'A request inside the gateway, from arrival to answer.', { 'db.operation.name': 'operation', 'faultline.outcome': 'ok, rejected, timeout or error', 'error.type': 'reason when not ok' }),
  s('gw.attempt', 'client', 'gateway', 'gw.request', 'One call of the gateway to a server: each retry is a new attempt, each redirect followed within one a new hop.', { 'server.address': 'target node name', 'faultline.attempt': 'attempt number', 'faultline.hop': 'redirects followed within the attempt', 'faultline.outcome': 'ok, redirect, failed, ...' }),
  s('kv.request', 'server', 'KV server', 'kv.attempt or gw.attempt (from the message\'s traceparent)', 'A request at a server, from arrival to its answer or redirect.', { 'db.operation.name': 'operation', 'faultline.outcome': 'ok, failed, expired or redirect' }, ['reply']),
  s('raft.propose', 'internal', 'leader', 'kv.request', 'A write in the leader\'s log, from append to commit and apply on the leader.', { 'raft.index': 'log index', 'raft.term': 'term', 'faultline.outcome': 'committed or overwritten' }, ['committed']),
  s('raft.replicate', 'internal', 'follower', 'raft.propose (found by log index)', 'The entry on a follower, from durable append to apply.', { 'raft.index': 'log index', 'raft.term': 'term', 'faultline.outcome': 'applied or overwritten' }),
  s('raft.campaign', 'internal', 'candidate', 'none (a trace root)', 'A campaign (pre-vote round or election) until won, lost or superseded.', { 'raft.term': 'term campaigned for', 'raft.campaign': 'pre or election', 'faultline.outcome': 'won, lost or superseded' }, ['vote']),
  s('raft.snapshot', 'internal', 'leader', 'none (a trace root)', 'A snapshot transfer, from send until the follower installed it.', { 'raft.index': 'snapshot index', 'server.address': 'follower node name', 'faultline.outcome': 'installed or not-installed' }),
  s('nemesis.fault', 'internal', 'nemesis', 'none (a trace root)', 'A fault of the scenario, from injection to heal.', { 'faultline.fault.kind': 'fault kind', 'faultline.fault.index': 'index in the fault list', 'faultline.fault.spec': 'the fault, JSON' }),
];
