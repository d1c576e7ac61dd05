// Clients of the retrieval service: query clients (open-loop questions), an ingest client
// (document writes, with read-your-writes probes) and an auditor (the same question to
// every replica, so checks can compare replicas).
//
// Contract: every client reports what it asked and what it got through telemetry, which
// the workload's checks read (sim/workloads/rag):
//   rag.invoke   {client, qid, mode, atUs}
//   rag.complete {client, qid, mode, ok, cached, replica, applied, latencyUs, labels, error,
//                 v (the query vector, base64, on sampled queries only)}
//   rag.acked    {label, kind, ok}            a write's acknowledgement
//   rag.probe    {label, found, applied, ok}  a fresh query for a just-written document
//   rag.audit    {round, replica, applied, docs, answer}
// Query and document content comes from functions the workload passes in (drawn from the
// node's seeded stream), so clients hold no corpus of their own.
import type { Micros, NodeContext, NodeId, Process, ProcessView, Random } from '../env.ts';
import { seal } from '../kv/integrity.ts';
import { ln } from '../math/portableMath.ts';
import { parseRagAck, parseRagAnswer, parseRagResults, type Consistency, type RagDel, type RagPut, type RagQuery, type RagSearch } from './protocol.ts';
import { encodeVector } from './vectorCodec.ts';

export interface QueryClientConfig {
  clientId: number;
  frontend: NodeId;
  /** Mean queries per second (Poisson arrivals) while running. */
  ratePerSec: number;
  startUs: Micros;
  stopUs: Micros;
  k: number;
  ef: number;
  /** Share of queries asked with `fresh` consistency. */
  freshShare: number;
  timeoutUs: Micros;
  /** Every n-th query reports its vector (for the recall check); 0 never. */
  sampleEvery: number;
  nextQuery: (random: Random) => Float32Array;
  /** Outstanding queries at most; more are not sent (counted as shed). */
  pendingMax: number;
}

interface Outstanding {
  mode: Consistency;
  sentUs: Micros;
  v: string | null;
  timer: number;
}

export class RagQueryClient implements Process {
  private ctx!: NodeContext;
  private qid = 0;
  private readonly outstanding = new Map<number, Outstanding>();
  answered = 0;
  failed = 0;
  shed = 0;

  constructor(private readonly config: QueryClientConfig) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    this.scheduleNext(Math.max(0, this.config.startUs - ctx.monotonic()));
  }

  private scheduleNext(extraUs: Micros): void {
    const gapUs = Math.max(1, Math.round(-ln(1 - this.ctx.random.next()) * (1_000_000 / this.config.ratePerSec)));
    this.ctx.setTimer(extraUs + gapUs, 'ask');
  }

  onTimer(tag: string): void {
    if (tag === 'ask') return this.ask();
    if (tag.startsWith('timeout:')) {
      const qid = Number(tag.slice(8));
      const o = this.outstanding.get(qid);
      if (o !== undefined) this.complete(qid, o, { ok: false, cached: false, replica: -1, applied: 0, labels: '', error: 'client-timeout' });
    }
  }

  private ask(): void {
    const c = this.config;
    if (this.ctx.monotonic() >= c.stopUs) return;
    this.scheduleNext(0);
    if (this.outstanding.size >= c.pendingMax) {
      this.shed++;
      return;
    }
    const qid = ++this.qid;
    const mode: Consistency = this.ctx.random.next() < c.freshShare ? 'fresh' : 'stale';
    const v = encodeVector(c.nextQuery(this.ctx.random));
    const timer = this.ctx.setTimer(c.timeoutUs, `timeout:${qid}`);
    this.outstanding.set(qid, { mode, sentUs: this.ctx.monotonic(), v: c.sampleEvery > 0 && qid % c.sampleEvery === 0 ? v : null, timer });
    this.ctx.telemetry.emit('rag.invoke', { client: c.clientId, qid, mode, atUs: this.ctx.monotonic() });
    const m: RagQuery = { type: 'rag.query', qid, v, k: c.k, ef: c.ef, mode };
    this.ctx.send(c.frontend, seal(m));
  }

  onMessage(_from: NodeId, raw: unknown): void {
    const a = parseRagAnswer(raw);
    if (a === null) return;
    const o = this.outstanding.get(a.qid);
    if (o === undefined) return;
    this.ctx.cancelTimer(o.timer);
    this.complete(a.qid, o, { ok: a.ok, cached: a.cached, replica: a.replica, applied: a.applied, labels: a.l.join(','), error: a.error });
  }

  private complete(qid: number, o: Outstanding, r: { ok: boolean; cached: boolean; replica: number; applied: number; labels: string; error: string }): void {
    this.outstanding.delete(qid);
    if (r.ok) this.answered++;
    else this.failed++;
    this.ctx.telemetry.emit('rag.complete', {
      client: this.config.clientId, qid, mode: o.mode, latencyUs: this.ctx.monotonic() - o.sentUs, ...r, ...(o.v !== null ? { v: o.v } : {}),
    });
  }

  memoryBytes(): number {
    return 2048 + this.outstanding.size * 3000;
  }

  inspect(): ProcessView {
    return { role: 'client', summary: `asked ${this.qid} · answered ${this.answered}`, details: { asked: this.qid, answered: this.answered, failed: this.failed, shed: this.shed, outstanding: this.outstanding.size } };
  }
}

export type IngestOp =
  | { kind: 'put'; label: number; title: string; vector: Float32Array }
  | { kind: 'del'; label: number };

export interface IngestClientConfig {
  frontend: NodeId;
  /** The writes, in order; null when there are no more. */
  nextWrite: (seq: number, random: Random) => IngestOp | null;
  /** Writes in flight at most. */
  window: number;
  /** Delay before the first write. */
  startUs: Micros;
  /** Pause between a write's acknowledgement and the next write on that slot. */
  gapUs: Micros;
  timeoutUs: Micros;
  /** After an acknowledged put: probability of a fresh read-your-writes probe. */
  probeShare: number;
  k: number;
  ef: number;
  stopUs: Micros;
}

interface PendingWrite {
  op: IngestOp;
  timer: number;
}

/** Probe query ids live above this, so they never meet write ids. */
const PROBE_QID_BASE = 1 << 30;

export class RagIngestClient implements Process {
  private ctx!: NodeContext;
  private seq = 0;
  private wid = 0;
  private done = false;
  private readonly pending = new Map<number, PendingWrite>();
  private readonly probes = new Map<number, { label: number; timer: number }>();
  acked = 0;
  unknown = 0;

  constructor(private readonly config: IngestClientConfig) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    // A restarted ingest client resumes where the writes' sequence says (it is stateless
    // apart from `seq`, which a real ingest job would keep in its queue): it starts over.
    for (let i = 0; i < this.config.window; i++) ctx.setTimer(this.config.startUs + i, 'write');
  }

  onTimer(tag: string): void {
    if (tag === 'write') return this.writeNext();
    if (tag.startsWith('wto:')) {
      const wid = Number(tag.slice(4));
      const p = this.pending.get(wid);
      if (p === undefined) return;
      this.pending.delete(wid);
      this.unknown++;
      this.ctx.telemetry.emit('rag.acked', { label: p.op.label, kind: p.op.kind, ok: false });
      this.ctx.setTimer(this.config.gapUs, 'write');
      return;
    }
    if (tag.startsWith('pto:')) {
      const qid = Number(tag.slice(4));
      const p = this.probes.get(qid);
      if (p !== undefined) {
        this.probes.delete(qid);
        this.ctx.telemetry.emit('rag.probe', { label: p.label, ok: false, found: false, applied: 0 });
      }
    }
  }

  private writeNext(): void {
    if (this.done || this.ctx.monotonic() >= this.config.stopUs) return;
    const op = this.config.nextWrite(this.seq++, this.ctx.random);
    if (op === null) {
      this.done = true;
      return;
    }
    const wid = ++this.wid;
    this.pending.set(wid, { op, timer: this.ctx.setTimer(this.config.timeoutUs, `wto:${wid}`) });
    const m: RagPut | RagDel = op.kind === 'put'
      ? { type: 'rag.put', wid, label: op.label, title: op.title, v: encodeVector(op.vector) }
      : { type: 'rag.del', wid, label: op.label };
    this.ctx.send(this.config.frontend, seal(m));
  }

  onMessage(_from: NodeId, raw: unknown): void {
    const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    if (type === 'rag.answer') return this.onProbeAnswer(raw);
    const a = parseRagAck(raw);
    if (a === null) return;
    const p = this.pending.get(a.wid);
    if (p === undefined) return;
    this.pending.delete(a.wid);
    this.ctx.cancelTimer(p.timer);
    if (a.ok) this.acked++;
    else this.unknown++;
    this.ctx.telemetry.emit('rag.acked', { label: p.op.label, kind: p.op.kind, ok: a.ok });
    if (a.ok && p.op.kind === 'put' && this.ctx.random.next() < this.config.probeShare) this.probe(p.op.label, p.op.vector);
    this.ctx.setTimer(this.config.gapUs, 'write');
  }

  private probe(label: number, vector: Float32Array): void {
    const qid = PROBE_QID_BASE + label;
    if (this.probes.has(qid)) return;
    this.probes.set(qid, { label, timer: this.ctx.setTimer(this.config.timeoutUs, `pto:${qid}`) });
    const m: RagQuery = { type: 'rag.query', qid, v: encodeVector(vector), k: this.config.k, ef: this.config.ef, mode: 'fresh' };
    this.ctx.send(this.config.frontend, seal(m));
  }

  private onProbeAnswer(raw: unknown): void {
    const a = parseRagAnswer(raw);
    if (a === null) return;
    const p = this.probes.get(a.qid);
    if (p === undefined) return;
    this.probes.delete(a.qid);
    this.ctx.cancelTimer(p.timer);
    this.ctx.telemetry.emit('rag.probe', { label: p.label, ok: a.ok, found: a.l.includes(p.label), applied: a.applied, replica: a.replica, error: a.error });
  }

  memoryBytes(): number {
    return 2048 + (this.pending.size + this.probes.size) * 3000;
  }

  inspect(): ProcessView {
    return { role: 'ingest', summary: `writes ${this.wid} · acked ${this.acked}`, details: { written: this.wid, acked: this.acked, unknown: this.unknown, pending: this.pending.size, done: this.done } };
  }
}

export interface AuditorConfig {
  replicas: readonly NodeId[];
  intervalUs: Micros;
  startUs: Micros;
  stopUs: Micros;
  k: number;
  ef: number;
  nextQuery: (random: Random) => Float32Array;
}

/** Sends one stale question to every replica each interval and reports each answer. */
export class RagAuditor implements Process {
  private ctx!: NodeContext;
  private round = 0;

  constructor(private readonly config: AuditorConfig) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    ctx.setTimer(Math.max(0, this.config.startUs - ctx.monotonic()), 'audit');
  }

  onTimer(): void {
    if (this.ctx.monotonic() >= this.config.stopUs) return;
    this.round++;
    const v = encodeVector(this.config.nextQuery(this.ctx.random));
    const m: RagSearch = { type: 'rag.search', bid: this.round, mode: 'stale', k: this.config.k, ef: this.config.ef, qs: [{ qid: this.round, v }] };
    for (const r of this.config.replicas) this.ctx.send(r, seal({ ...m }));
    this.ctx.setTimer(this.config.intervalUs, 'audit');
  }

  onMessage(from: NodeId, raw: unknown): void {
    const r = parseRagResults(raw);
    if (r === null || !r.ok || r.rs.length !== 1) return;
    const answer = r.rs[0].l.map((l, i) => `${l}:${r.rs[0].d[i]}`).join(',');
    this.ctx.telemetry.emit('rag.audit', { round: r.bid, replica: from, applied: r.applied, docs: r.docs, answer });
  }

  inspect(): ProcessView {
    return { role: 'auditor', summary: `round ${this.round}` };
  }
}
