// The retrieval frontend: what clients talk to. It routes document writes into the
// replicated KV store, and answers queries through a semantic cache and batched searches
// on the replicas.
//
// Contract:
// - Writes (rag.put, rag.del) become KV puts and deletes of document keys, sent to the Raft
//   leader over `writeLanes` client sessions (one write in flight per session, so each is
//   applied at most once even when retried); a write is acknowledged only after the KV
//   store acknowledged it. The sessions are registered through the log (one registration
//   for every lane without one, Raft thesis §6.3); a session the store forgot
//   (session-expired) leaves its write unknown and its lane registers again. On acknowledgement the cache drops every answer the write could
//   change (semanticCache.ts). A write whose outcome stays unknown after `attemptsMax`
//   tries is answered `unknown`, never `ok`.
// - `stale` queries may be answered from the cache; `fresh` queries never are. Misses are
//   grouped by (mode, k, ef) into batches of at most `batch.max`, sent when full or
//   `batch.windowUs` after the first query arrived; a batch goes to the replicas round
//   robin, and is retried on the next replica after `timeoutUs` or a refusal, at most
//   `attemptsMax` times. A replica that let a batch time out is skipped for `ejectUs`
//   (outlier ejection), unless every replica is. Every answer says which replica computed it, at which applied
//   index, and whether it came from the cache.
// - Bounded: at most PENDING_MAX queries and writes wait at once; more are refused.
import type { Micros, NodeContext, NodeId, Process, ProcessView } from '../env.ts';
import { seal } from '../kv/integrity.ts';
import { parseKvAnswer, type KvAnswer, type KvRegisterRequest, type KvRequest } from '../kv/protocol.ts';
import type { KvOp } from '../kv/types.ts';
import { cacheLookupCostUs } from './costModel.ts';
import { docKey, encodeDocValue } from './document.ts';
import { parseRagQuery, parseRagResults, parseRagWrite, type Consistency, type RagAck, type RagAnswer, type RagDel, type RagPut, type RagSearch } from './protocol.ts';
import { SemanticCache, type SemanticCacheConfig } from './semanticCache.ts';
import { decodeVector } from './vectorCodec.ts';

export interface RagFrontendConfig {
  replicas: readonly NodeId[];
  /** The Raft servers that accept KV writes (usually the replicas themselves). */
  servers: readonly NodeId[];
  dim: number;
  /** KV sessions, one write in flight on each. */
  writeLanes: number;
  cache: SemanticCacheConfig & { enabled: boolean };
  batch: { enabled: boolean; max: number; windowUs: Micros };
  timeoutUs: Micros;
  attemptsMax: number;
  ejectUs: Micros;
}

export const PENDING_MAX = 8192;
const NO_LEADER_RETRY_US = 20_000;

/** Characters of the base64 text of `bytes` bytes. */
function base64Length(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

interface Waiting {
  client: NodeId;
  qid: number;
  v: string;
  /** Decoded only when the cache is on (it stores it). */
  vector: Float32Array | null;
  arrivedUs: Micros;
}

interface Batch {
  mode: Consistency;
  k: number;
  ef: number;
  queries: Waiting[];
  attempts: number;
  target: NodeId;
  timer: number;
}

interface Write {
  client: NodeId;
  msg: RagPut | RagDel;
  vector: Float32Array | null;
}

interface Lane {
  /** The lane's KV session id; 0 until registered. */
  clientId: number;
  seq: number;
  rid: number;
  write: Write | null;
  attempts: number;
  target: NodeId;
  timer: number;
}

export class RagFrontend implements Process {
  private ctx!: NodeContext;
  private cache: SemanticCache;
  /** Misses waiting to be batched, by "mode/k/ef", in arrival order. */
  private readonly forming = new Map<string, Waiting[]>();
  private readonly inflight = new Map<number, Batch>();
  private readonly writes: Write[] = [];
  private lanes: Lane[] = [];
  private bidNext = 1;
  private rr = 0;
  private leaderGuess: NodeId = -1;
  private readonly ejectedUntil = new Map<NodeId, Micros>();
  private waitingCount = 0;
  /** The registration in flight for the lanes without a session: its rid (0 when none). */
  private reg = { rid: 0, count: 0, attempts: 0, timer: -1 };
  private regRidNext = 1;
  queries = 0;
  cacheHits = 0;
  batchesSent = 0;
  writesAcked = 0;
  writesUnknown = 0;
  rejected = 0;

  constructor(private readonly config: RagFrontendConfig) {
    if (config.replicas.length === 0 || config.servers.length === 0) throw new Error('RagFrontend: no replicas or servers');
    this.cache = new SemanticCache(config.cache);
  }

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    // A restart forgets the cache and every session: the lanes register new ones (the
    // frontend's process memory is its whole state).
    this.cache = new SemanticCache(this.config.cache);
    this.lanes = Array.from({ length: this.config.writeLanes }, () => ({
      clientId: 0, seq: 0, rid: 0, write: null, attempts: 0, target: -1, timer: -1,
    }));
    this.reg = { rid: 0, count: 0, attempts: 0, timer: -1 };
  }

  onMessage(from: NodeId, raw: unknown): void {
    const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    switch (type) {
      case 'rag.query': return this.onQuery(from, raw);
      case 'rag.put':
      case 'rag.del': return this.onWrite(from, raw);
      case 'rag.results': return this.onResults(from, raw);
      case 'kv.resp':
      case 'kv.registered':
      case 'kv.redirect': return this.onKvAnswer(raw);
      default: return this.reject(from);
    }
  }

  onTimer(tag: string): void {
    const [kind, arg] = tag.split(':', 2);
    if (kind === 'form') this.flush(arg);
    else if (kind === 'search') this.retryBatch(Number(arg), 'timeout');
    else if (kind === 'write') this.retryWrite(this.lanes[Number(arg)]);
    else if (kind === 'register' && Number(arg) === this.reg.rid) this.retryRegister();
  }

  private reject(from: NodeId): void {
    this.rejected++;
    this.ctx.telemetry.emit('msg.rejected', { from, what: 'rag-frontend' });
  }

  // ---- queries ----

  private onQuery(from: NodeId, raw: unknown): void {
    const q = parseRagQuery(raw);
    if (q === null) return this.reject(from);
    this.queries++;
    // The cache needs the vector itself; without a cache, a length check is enough here
    // (the replica decodes and refuses a bad vector, and the batch is answered with it).
    const vector = this.config.cache.enabled ? decodeVector(q.v, this.config.dim) : null;
    if (this.config.cache.enabled ? vector === null : q.v.length !== base64Length(this.config.dim * 4)) return this.answerError(from, q.qid, 'bad-vector');
    if (this.waitingCount >= PENDING_MAX) return this.answerError(from, q.qid, 'overloaded');
    if (q.mode === 'stale' && this.config.cache.enabled) {
      this.ctx.chargeCpu?.(cacheLookupCostUs(this.cache.size, this.config.dim));
      const hit = this.cache.lookup(this.ctx.monotonic(), vector as Float32Array, q.k, q.ef);
      if (hit !== null) {
        this.cacheHits++;
        const a = hit.answer;
        return this.send(from, { type: 'rag.answer', qid: q.qid, ok: true, l: [...a.labels], d: [...a.distances], replica: a.replica, applied: a.applied, cached: true, error: '' });
      }
    }
    const key = `${q.mode}/${q.k}/${q.ef}`;
    let list = this.forming.get(key);
    if (list === undefined) {
      list = [];
      this.forming.set(key, list);
    }
    list.push({ client: from, qid: q.qid, v: q.v, vector, arrivedUs: this.ctx.monotonic() });
    this.waitingCount++;
    const b = this.config.batch;
    if (!b.enabled || list.length >= b.max) this.flush(key);
    else if (list.length === 1) this.ctx.setTimer(b.windowUs, `form:${key}`);
  }

  private flush(key: string): void {
    const list = this.forming.get(key);
    if (list === undefined || list.length === 0) return;
    this.forming.delete(key);
    const [mode, k, ef] = key.split('/');
    const batch: Batch = { mode: mode as Consistency, k: Number(k), ef: Number(ef), queries: list, attempts: 0, target: -1, timer: -1 };
    this.sendBatch(this.bidNext++, batch);
  }

  private sendBatch(bid: number, b: Batch): void {
    b.target = this.pickReplica();
    b.attempts++;
    b.timer = this.ctx.setTimer(this.config.timeoutUs, `search:${bid}`);
    this.inflight.set(bid, b);
    this.batchesSent++;
    const m: RagSearch = { type: 'rag.search', bid, mode: b.mode, k: b.k, ef: b.ef, qs: b.queries.map((q) => ({ qid: q.qid, v: q.v })) };
    this.ctx.send(b.target, seal(m));
  }

  /** The next replica round robin, skipping ejected ones unless all are. */
  private pickReplica(): NodeId {
    const replicas = this.config.replicas;
    const now = this.ctx.monotonic();
    for (let i = 0; i < replicas.length; i++) {
      const r = replicas[this.rr++ % replicas.length];
      if ((this.ejectedUntil.get(r) ?? -1) <= now) return r;
    }
    return replicas[this.rr++ % replicas.length];
  }

  private retryBatch(bid: number, why: string): void {
    const b = this.inflight.get(bid);
    if (b === undefined) return;
    if (why === 'timeout') this.ejectedUntil.set(b.target, this.ctx.monotonic() + this.config.ejectUs);
    this.inflight.delete(bid);
    this.ctx.cancelTimer(b.timer);
    if (b.attempts < this.config.attemptsMax) {
      this.sendBatch(this.bidNext++, b);
      return;
    }
    for (const q of b.queries) this.answerError(q.client, q.qid, why);
    this.waitingCount -= b.queries.length;
  }

  private onResults(from: NodeId, raw: unknown): void {
    const r = parseRagResults(raw);
    if (r === null) return this.reject(from);
    const b = this.inflight.get(r.bid);
    if (b === undefined || b.target !== from) return;
    if (!r.ok) return this.retryBatch(r.bid, r.error);
    this.inflight.delete(r.bid);
    this.ctx.cancelTimer(b.timer);
    this.waitingCount -= b.queries.length;
    const byQid = new Map(r.rs.map((x) => [x.qid, x]));
    const now = this.ctx.monotonic();
    for (const q of b.queries) {
      const x = byQid.get(q.qid);
      if (x === undefined) {
        this.answerError(q.client, q.qid, 'missing-result');
        continue;
      }
      if (this.config.cache.enabled && q.vector !== null) this.cache.store(now, q.vector, b.k, b.ef, { labels: x.l, distances: x.d, applied: r.applied, replica: from });
      this.send(q.client, { type: 'rag.answer', qid: q.qid, ok: true, l: x.l, d: x.d, replica: from, applied: r.applied, cached: false, error: '' });
    }
  }

  private answerError(to: NodeId, qid: number, error: string): void {
    this.send(to, { type: 'rag.answer', qid, ok: false, l: [], d: [], replica: -1, applied: 0, cached: false, error });
  }

  private send(to: NodeId, m: RagAnswer | RagAck): void {
    this.ctx.send(to, seal(m));
  }

  // ---- writes ----

  private onWrite(from: NodeId, raw: unknown): void {
    const w = parseRagWrite(raw);
    if (w === null) return this.reject(from);
    let vector: Float32Array | null = null;
    if (w.type === 'rag.put') {
      vector = decodeVector(w.v, this.config.dim);
      if (vector === null) return this.send(from, { type: 'rag.ack', wid: w.wid, ok: false, error: 'bad-vector' });
    }
    if (this.writes.length >= PENDING_MAX) return this.send(from, { type: 'rag.ack', wid: w.wid, ok: false, error: 'overloaded' });
    this.writes.push({ client: from, msg: w, vector });
    this.pumpWrites();
  }

  private pumpWrites(): void {
    if (this.writes.length === 0) return;
    for (const lane of this.lanes) {
      if (lane.write !== null) continue;
      if (lane.clientId === 0) {
        this.register();
        continue;
      }
      const w = this.writes.shift();
      if (w === undefined) return;
      lane.write = w;
      lane.seq++;
      lane.rid++;
      lane.attempts = 0;
      this.sendWrite(lane);
    }
  }

  private sendWrite(lane: Lane): void {
    const w = lane.write as Write;
    const servers = this.config.servers;
    lane.target = this.leaderGuess >= 0 ? this.leaderGuess : servers[this.rr++ % servers.length];
    lane.attempts++;
    const op: KvOp = w.msg.type === 'rag.put'
      ? { op: 'put', key: docKey(w.msg.label), value: encodeDocValue(w.msg.title, w.vector as Float32Array) }
      : { op: 'delete', key: docKey(w.msg.label) };
    const req: KvRequest = { type: 'kv.req', clientId: lane.clientId, rid: lane.rid, seq: lane.seq, op };
    lane.timer = this.ctx.setTimer(this.config.timeoutUs, `write:${this.lanes.indexOf(lane)}`);
    this.ctx.send(lane.target, seal(req));
  }

  private retryWrite(lane: Lane | undefined): void {
    if (lane === undefined || lane.write === null) return;
    if (lane.attempts < this.config.attemptsMax) {
      this.leaderGuess = -1;
      this.sendWrite(lane);
      return;
    }
    this.writesUnknown++;
    this.send(lane.write.client, { type: 'rag.ack', wid: lane.write.msg.wid, ok: false, error: 'unknown' });
    lane.write = null;
    this.pumpWrites();
  }

  // ---- sessions ----

  private nonce(rid: number): string {
    return `f${this.ctx.id}r${rid}`;
  }

  /** Registers a session for every lane without one, unless a registration is on its way. */
  private register(): void {
    if (this.reg.rid !== 0) return;
    const count = this.lanes.filter((l) => l.clientId === 0).length;
    if (count === 0) return;
    this.reg = { rid: this.regRidNext++, count, attempts: 0, timer: -1 };
    this.sendRegister();
  }

  private sendRegister(): void {
    const servers = this.config.servers;
    const target = this.leaderGuess >= 0 ? this.leaderGuess : servers[this.rr++ % servers.length];
    this.reg.attempts++;
    const req: KvRegisterRequest = { type: 'kv.register', rid: this.reg.rid, nonce: this.nonce(this.reg.rid), count: this.reg.count };
    this.reg.timer = this.ctx.setTimer(this.config.timeoutUs, `register:${this.reg.rid}`);
    this.ctx.send(target, seal(req));
  }

  /** Tries again; after attemptsMax tries the queued writes are refused and the next one starts over. */
  private retryRegister(): void {
    if (this.reg.attempts < this.config.attemptsMax) {
      this.leaderGuess = -1;
      this.sendRegister();
      return;
    }
    this.reg = { rid: 0, count: 0, attempts: 0, timer: -1 };
    for (const w of this.writes.splice(0)) this.send(w.client, { type: 'rag.ack', wid: w.msg.wid, ok: false, error: 'no-session' });
  }

  /** An answer to the registration in flight: sessions for the lanes, or a redirect. */
  private onRegisterAnswer(a: KvAnswer): void {
    this.ctx.cancelTimer(this.reg.timer);
    if (a.type === 'kv.registered') {
      let id = a.clientId;
      for (const lane of this.lanes) {
        if (lane.clientId !== 0 || id >= a.clientId + a.count) continue;
        lane.clientId = id++;
        lane.seq = 0;
      }
      this.reg = { rid: 0, count: 0, attempts: 0, timer: -1 };
      this.pumpWrites();
      return;
    }
    if (a.type !== 'kv.redirect') return;
    this.leaderGuess = a.leader;
    if (a.leader < 0) this.reg.timer = this.ctx.setTimer(NO_LEADER_RETRY_US, `register:${this.reg.rid}`);
    else this.retryRegister();
  }

  private onKvAnswer(raw: unknown): void {
    const a = parseKvAnswer(raw);
    if (a === null) return this.reject(-1);
    if (this.reg.rid !== 0 && a.rid === this.reg.rid && (a.type === 'kv.registered' ? a.nonce === this.nonce(a.rid) : a.clientId === 0)) {
      return this.onRegisterAnswer(a);
    }
    if (a.type === 'kv.registered' || a.clientId === 0) return; // A late answer to an earlier registration.
    const lane = this.lanes.find((l) => l.clientId === a.clientId);
    if (lane === undefined || lane.write === null || a.rid !== lane.rid) return;
    this.ctx.cancelTimer(lane.timer);
    if (a.type === 'kv.redirect') {
      this.leaderGuess = a.leader;
      if (a.leader < 0) lane.timer = this.ctx.setTimer(NO_LEADER_RETRY_US, `write:${this.lanes.indexOf(lane)}`);
      else if (lane.attempts < this.config.attemptsMax) this.sendWrite(lane);
      else this.retryWrite(lane);
      return;
    }
    const w = lane.write;
    lane.write = null;
    // The store forgot the session: the write may or may not have applied; a new session follows.
    if (!a.result.ok && a.result.error === 'session-expired') lane.clientId = 0;
    if (!a.result.ok) {
      this.writesUnknown++;
      this.send(w.client, { type: 'rag.ack', wid: w.msg.wid, ok: false, error: 'unknown' });
    } else {
      this.writesAcked++;
      if (w.msg.type === 'rag.put') this.cache.invalidateInsert(w.msg.label, w.vector as Float32Array);
      else this.cache.invalidateDelete(w.msg.label);
      this.send(w.client, { type: 'rag.ack', wid: w.msg.wid, ok: true, error: '' });
    }
    this.pumpWrites();
  }

  /** What the cache would answer now for a stale question (observers only: changes nothing). */
  peekCache(vector: Float32Array, k: number, ef: number): { labels: readonly number[]; distances: readonly number[]; replica: number; applied: number; similarity: number } | null {
    if (!this.config.cache.enabled) return null;
    const hit = this.cache.peek(this.ctx.monotonic(), vector, k, ef);
    return hit === null ? null : { ...hit.answer, similarity: hit.similarity };
  }

  /** The replica the next batch would go to (observers only). */
  peekNextReplica(): NodeId {
    const replicas = this.config.replicas;
    const now = this.ctx.monotonic();
    for (let i = 0; i < replicas.length; i++) {
      const r = replicas[(this.rr + i) % replicas.length];
      if ((this.ejectedUntil.get(r) ?? -1) <= now) return r;
    }
    return replicas[this.rr % replicas.length];
  }

  memoryBytes(): number {
    return 4096 + this.cache.size * (this.config.dim * 4 + 256) + (this.waitingCount + this.writes.length) * (this.config.dim * 6 + 128);
  }

  inspect(): ProcessView {
    const c = this.cache;
    return {
      role: 'frontend',
      summary: `cache ${c.size} · hits ${this.cacheHits}/${this.queries}`,
      details: {
        queries: this.queries, cacheHits: this.cacheHits, cacheSize: c.size, cacheInvalidations: c.invalidations, cacheEvictions: c.evictions,
        cacheExpirations: c.expirations, batchesSent: this.batchesSent, batchesInFlight: this.inflight.size, writesQueued: this.writes.length,
        writesAcked: this.writesAcked, writesUnknown: this.writesUnknown, rejected: this.rejected,
      },
    };
  }
}
