// Builds the spans of a run (taxonomy: core/telemetry/spans.ts) from the telemetry events,
// the deliveries in the trace and the scenario's fault schedule.
//
// Contract: like the metric feeds, these only read what they are given. A request's spans
// are joined by the W3C traceparent the messages carry (core/telemetry/traceContext.ts):
// the client's operation and attempts, the gateway's request and attempts, and each
// server's request span take the ids the messages name, so the recorded trace is the one
// the messages propagated. Log entries carry no traceparent: the leader's propose span is
// found again, by log index, at every node that appends or applies the entry. Maps of open spans are bounded, and
// a crash closes the spans of the node that crashed.
import type { Micros, NodeId } from '../../core/env.ts';
import { nodeName } from '../../core/telemetry/labels.ts';
import { parseTraceparent } from '../../core/telemetry/traceContext.ts';
import type { TelemetryFields } from '../../core/telemetry/sink.ts';
import { describe, healUs } from '../faults/schedule.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { TraceKind } from '../trace/trace.ts';
import { SpanRecorder, type SpanRec } from './spanRecorder.ts';

/** Open spans of one kind remembered at most; the oldest is closed unfinished beyond it. */
export const OPEN_SPANS_MAX = 16_384;
/** Log positions whose propose span is remembered for followers (by index). */
const PROPOSALS_MAX = 65_536;

class Bounded<K, V> extends Map<K, V> {
  constructor(private readonly max: number, private readonly evict: (v: V) => void = () => {}) {
    super();
  }
  override set(k: K, v: V): this {
    if (this.size >= this.max && !this.has(k)) {
      const [oldK, oldV] = this.entries().next().value as [K, V];
      this.delete(oldK);
      this.evict(oldV);
    }
    return super.set(k, v);
  }
}

interface Operation {
  span: SpanRec;
  attempt: SpanRec | null;
  target: NodeId;
}

interface Proposal {
  /** The propose span (kept after it ends: followers' spans are its children). */
  rec: SpanRec;
  term: number;
  leader: NodeId;
  span: SpanRec | null;
}

const OUTCOME_NAMES = ['ok', 'rejected', 'timeout', 'error'];

/** The span id a traceparent field carries, as SpanRecorder ids (null when absent or invalid). */
function idsOf(tp: unknown): { spanId: string } | null {
  const c = parseTraceparent(tp);
  return c === null ? null : { spanId: c.spanId };
}

const ID_SPAN = 0x8000_0000; // 2^31
const NODE_SPAN = 2048;

/**
 * Number keys for the span maps (cheaper than strings on the hot path): node ids stay
 * below 2048 (runtime.ts NODE_ID_MAX) and request ids and log indexes below 2^31 in any run
 * this simulator can make, so keys of two or three parts stay exact integers.
 */
function key2(node: number, id: number): number {
  return node * ID_SPAN + (id % ID_SPAN);
}

function key3(node: number, other: number, id: number): number {
  return (node * NODE_SPAN + other) * ID_SPAN + (id % ID_SPAN);
}

type SpanFeed = (s: SpanFeeds, t: Micros, node: NodeId, f: TelemetryFields) => void;

/** Span builders by event name (registered, as the metric feeds are). */
export const SPAN_FEEDS: Readonly<Record<string, SpanFeed>> = {
  'kv.invoke': (s, t, node, f) => s.onInvoke(t, node, f),
  'kv.attempt': (s, t, node, f) => s.onAttempt(t, node, f),
  'kv.complete': (s, t, node, f) => s.onComplete(t, node, f),
  'kv.request': (s, t, node, f) => s.onRequest(t, node, f),
  'kv.reply': (s, t, node, f) => s.onReply(t, node, f),
  'kv.propose': (s, t, node, f) => s.onPropose(t, node, f),
  'raft.append': (s, t, node, f) => s.onAppend(t, node, Number(f.lo), Number(f.hi)),
  'raft.apply': (s, t, node, f) => s.onApply(t, node, Number(f.index), Number(f.term)),
  'load.send': (s, t, node, f) => s.onLoadSend(t, node, f),
  'load.done': (s, t, node, f) => s.onLoadDone(t, node, f),
  'gw.request': (s, t, node, f) => s.onGatewayRequest(t, node, f),
  'gw.attempt': (s, t, node, f) => s.onGatewayAttempt(t, node, f),
  'gw.reply': (s, t, node, f) => s.onGatewayReply(t, node, f),
  'raft.campaign': (s, t, node, f) => s.onCampaign(t, node, Number(f.term), f.pre === true),
  'raft.vote': (s, t, node, f) => s.onVote(t, node, f),
  'raft.role': (s, t, node, f) => s.onRole(t, node, String(f.role)),
  'raft.snapshot_sent': (s, t, node, f) => s.onSnapshotSent(t, node, f),
  'raft.snapshot_applied': (s, t, node) => s.onSnapshotApplied(t, node),
};

export class SpanFeeds {
  readonly rec: SpanRecorder;
  private readonly close = (v: { span: SpanRec } | SpanRec): void => this.rec.end('span' in v ? v.span : v, this.nowUs, 'evicted');
  /** The last event time seen (used when a bounded map evicts an open span). */
  private nowUs = 0;
  /** KV client operations by key2(client node, rid); gateway requests by key3(gateway, client, rid). */
  private readonly ops = new Bounded<number, Operation>(OPEN_SPANS_MAX, this.close);
  private readonly gatewayOps = new Bounded<number, Operation>(OPEN_SPANS_MAX, this.close);
  /** Server-side request spans by key3(server, client node, rid). */
  private readonly requests = new Bounded<number, SpanRec>(OPEN_SPANS_MAX, this.close);
  private readonly proposals = new Bounded<number, Proposal>(PROPOSALS_MAX);
  /** Follower replicate spans by key2(node, index). */
  private readonly replicas = new Bounded<number, SpanRec>(OPEN_SPANS_MAX, this.close);
  private readonly loads = new Bounded<number, SpanRec>(OPEN_SPANS_MAX, this.close);
  private readonly campaigns = new Map<NodeId, SpanRec>();
  /** Snapshot transfers by follower. */
  private readonly snapshots = new Map<NodeId, SpanRec>();
  private finished = false;
  /** The operation each KV client runs now (one at a time), by node. */
  private readonly currentOp = new Map<NodeId, number>();

  constructor(seedText: string) {
    this.rec = new SpanRecorder(seedText);
  }

  // ---- KV client ----

  onInvoke(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const op = /"op":"([a-z]+)"/.exec(String(f.input))?.[1] ?? '';
    const span = this.rec.start('kv.op', 'client', node, t, null, {
      'db.system.name': 'faultline-kv', 'db.operation.name': op, 'faultline.client.id': Number(f.clientId), 'faultline.rid': Number(f.rid),
    }, parseTraceparent(f.tp));
    const key = key2(node, Number(f.rid));
    this.ops.set(key, { span, attempt: null, target: -1 });
    this.currentOp.set(node, key);
  }

  onAttempt(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const o = this.ops.get(key2(node, Number(f.rid)));
    if (o === undefined) return;
    if (o.attempt !== null) this.rec.end(o.attempt, t, 'timeout', true);
    const target = Number(f.target);
    o.attempt = this.rec.start('kv.attempt', 'client', node, t, o.span, { 'server.address': nodeName(target), 'faultline.attempt': Number(f.attempt) }, idsOf(f.tp));
    o.target = target;
  }

  onComplete(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const key = key2(node, Number(f.rid));
    const o = this.ops.get(key);
    if (o === undefined) return;
    this.ops.delete(key);
    const out = String(f.output);
    const outcome = out === '' ? 'unknown' : out.startsWith('{"ok":true') ? 'ok' : 'failed';
    if (o.attempt !== null) this.rec.end(o.attempt, t, outcome === 'unknown' ? 'timeout' : outcome);
    this.rec.end(o.span, t, outcome, outcome === 'unknown');
  }

  /** An answer delivered to a client or gateway ends the attempt it answers. */
  onDelivered(t: Micros, node: NodeId, from: NodeId, type: string): void {
    if (type !== 'kv.redirect' && type !== 'kv.resp') return;
    // A KV client runs one operation at a time; gateways end their attempts on gw.* events.
    const key = this.currentOp.get(node);
    const o = key === undefined ? undefined : this.ops.get(key);
    if (o === undefined || o.attempt === null || o.target !== from) return;
    this.rec.end(o.attempt, t, type === 'kv.redirect' ? 'redirect' : 'answered');
    o.attempt = null;
  }

  // ---- KV server and Raft ----

  onRequest(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    // The request's traceparent names the attempt it belongs to. Its own id is drawn: a
    // duplicating network may deliver the same message twice.
    const parent = parseTraceparent(f.tp);
    const span = this.rec.start('kv.request', 'server', node, t, parent, { 'db.system.name': 'faultline-kv', 'db.operation.name': String(f.op), 'faultline.client.node': nodeName(Number(f.client)) });
    this.requests.set(key3(node, Number(f.client), Number(f.rid)), span);
  }

  onReply(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const key = key3(node, Number(f.client), Number(f.rid));
    const span = this.requests.get(key);
    if (span === undefined) return;
    this.requests.delete(key);
    this.rec.event(span, 'reply', t);
    this.rec.end(span, t, String(f.outcome));
  }

  onPropose(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const parent = this.requests.get(key3(node, Number(f.client), Number(f.rid))) ?? null;
    const index = Number(f.index);
    const term = Number(f.term);
    const span = this.rec.start('raft.propose', 'internal', node, t, parent, { 'raft.index': index, 'raft.term': term });
    this.proposals.set(index, { rec: span, term, leader: node, span });
  }

  onAppend(t: Micros, node: NodeId, lo: number, hi: number): void {
    this.nowUs = t;
    for (let i = lo; i <= hi; i++) {
      const p = this.proposals.get(i);
      if (p === undefined || p.leader === node) continue;
      const old = this.replicas.get(key2(node, i));
      if (old !== undefined) this.rec.end(old, t, 'overwritten', true);
      this.replicas.set(key2(node, i), this.rec.start('raft.replicate', 'internal', node, t, p.rec, { 'raft.index': i, 'raft.term': p.term }));
    }
  }

  onApply(t: Micros, node: NodeId, index: number, term: number): void {
    this.nowUs = t;
    const p = this.proposals.get(index);
    if (p === undefined) return;
    const same = p.term === term;
    if (p.leader === node && p.span !== null) {
      this.rec.event(p.span, 'committed', t);
      this.rec.end(p.span, t, same ? 'committed' : 'overwritten', !same);
      p.span = null;
      return;
    }
    const key = key2(node, index);
    const r = this.replicas.get(key);
    if (r === undefined) return;
    this.replicas.delete(key);
    this.rec.end(r, t, same ? 'applied' : 'overwritten', !same);
  }

  // ---- load clients and gateways ----

  onLoadSend(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    this.loads.set(key2(node, Number(f.rid)), this.rec.start('load.request', 'client', node, t, null, { 'db.operation.name': String(f.op), 'faultline.rid': Number(f.rid) }, parseTraceparent(f.tp)));
  }

  onLoadDone(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const key = key2(node, Number(f.rid));
    const span = this.loads.get(key);
    if (span === undefined) return;
    this.loads.delete(key);
    const outcome = OUTCOME_NAMES[Number(f.outcome)] ?? 'error';
    this.rec.end(span, t, outcome, outcome !== 'ok');
  }

  onGatewayRequest(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    // The gateway says which span is its own (tp) and what the request carried (parent).
    const parent = parseTraceparent(f.parent);
    const own = parseTraceparent(f.tp);
    const span = this.rec.start('gw.request', 'server', node, t, parent, { 'db.operation.name': String(f.op), 'faultline.client.node': nodeName(Number(f.client)) }, own);
    this.gatewayOps.set(key3(node, Number(f.client), Number(f.rid)), { span, attempt: null, target: -1 });
  }

  onGatewayAttempt(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const o = this.gatewayOps.get(key3(node, Number(f.client), Number(f.rid)));
    if (o === undefined) return;
    const hop = Number(f.hop);
    if (o.attempt !== null) this.rec.end(o.attempt, t, hop > 0 ? 'redirect' : 'failed', hop === 0);
    const target = Number(f.target);
    o.attempt = this.rec.start('gw.attempt', 'client', node, t, o.span, { 'server.address': nodeName(target), 'faultline.attempt': Number(f.attempt), 'faultline.hop': hop }, idsOf(f.tp));
    o.target = target;
  }

  onGatewayReply(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const key = key3(node, Number(f.client), Number(f.rid));
    const o = this.gatewayOps.get(key);
    if (o === undefined) return;
    this.gatewayOps.delete(key);
    const outcome = String(f.outcome);
    const failed = outcome !== 'ok';
    if (o.attempt !== null) this.rec.end(o.attempt, t, outcome, failed);
    if (failed) o.span.attrs['error.type'] = String(f.reason);
    this.rec.end(o.span, t, outcome, failed);
  }

  // ---- elections, snapshots ----

  onCampaign(t: Micros, node: NodeId, term: number, pre: boolean): void {
    this.nowUs = t;
    const old = this.campaigns.get(node);
    if (old !== undefined) this.rec.end(old, t, 'superseded');
    this.campaigns.set(node, this.rec.start('raft.campaign', 'internal', node, t, null, { 'raft.term': pre ? term + 1 : term, 'raft.campaign': pre ? 'pre' : 'election' }));
  }

  onVote(t: Micros, node: NodeId, f: TelemetryFields): void {
    const c = this.campaigns.get(node);
    if (c !== undefined) this.rec.event(c, 'vote', t, { 'faultline.voter': nodeName(Number(f.from)), 'faultline.granted': f.granted === true, 'raft.term': Number(f.term) });
  }

  onRole(t: Micros, node: NodeId, role: string): void {
    this.nowUs = t;
    const c = this.campaigns.get(node);
    if (c === undefined || role === 'precandidate') return;
    const pre = c.attrs['raft.campaign'] === 'pre';
    // A won pre-vote makes a candidate; a won election, a leader; anything else lost it.
    const won = role === 'leader' || (pre && role === 'candidate');
    this.campaigns.delete(node);
    this.rec.end(c, t, won ? 'won' : 'lost');
  }

  onSnapshotSent(t: Micros, node: NodeId, f: TelemetryFields): void {
    this.nowUs = t;
    const to = Number(f.to);
    const old = this.snapshots.get(to);
    if (old !== undefined) this.rec.end(old, t, 'superseded');
    this.snapshots.set(to, this.rec.start('raft.snapshot', 'internal', node, t, null, { 'raft.index': Number(f.index), 'raft.term': Number(f.term), 'server.address': nodeName(to) }));
  }

  onSnapshotApplied(t: Micros, node: NodeId): void {
    this.nowUs = t;
    const s = this.snapshots.get(node);
    if (s === undefined) return;
    this.snapshots.delete(node);
    this.rec.end(s, t, 'installed');
  }

  // ---- the trace ----

  onTrace(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string): void {
    if (kind === 'msg') return this.onDelivered(t, node, from, tag);
    if (kind !== 'crash' && kind !== 'oom') return;
    this.nowUs = t;
    const c = this.campaigns.get(node);
    if (c !== undefined) {
      this.campaigns.delete(node);
      this.rec.end(c, t, 'crashed', true);
    }
    for (const [key, span] of this.requests) {
      if (Math.floor(key / (NODE_SPAN * ID_SPAN)) === node) {
        this.requests.delete(key);
        this.rec.end(span, t, 'crashed', true);
      }
    }
  }

  /** Faults of the nemesis as spans (from the schedule), then every open span closed at `endUs`. */
  finish(faults: readonly FaultSpec[], endUs: Micros): void {
    if (this.finished) return;
    this.finished = true;
    faults.forEach((f, i) => {
      if (f.at > endUs) return;
      const span = this.rec.start('nemesis.fault', 'internal', -1, f.at, null, { 'faultline.fault.kind': f.kind, 'faultline.fault.index': i, 'faultline.fault.spec': describe(f) });
      this.rec.end(span, Math.min(endUs, healUs(f)));
    });
    this.rec.closeAll(endUs);
  }
}
