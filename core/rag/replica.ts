// A retrieval replica: a Raft KV server (core/kv) that keeps a vector index of the
// documents in its store and answers batched nearest-neighbour searches.
//
// Contract:
// - Documents are KV entries (document.ts). Each replica applies committed puts and
//   deletes of document keys to its own index, in log order, once per change of the KV
//   value (a session-deduplicated retry changes nothing, so it indexes nothing).
// - Snapshots hold the KV image and the index bytes together, so a replica that restarts,
//   or that the leader brings up to date with a snapshot, restores its index from the bytes
//   of the same log position and then applies the log tail in order: the same graph as a
//   replica that never stopped (wasm/hnsw seeds levels per label). Restoring and every
//   insert are charged to the CPU through the cost model (costModel.ts): rebuild time is
//   modelled in virtual time.
// - `stale` searches are answered at once from the applied state; `fresh` ones first get
//   the leader's read index (Raft ReadIndex, relayed by a follower) and wait until the
//   replica has applied up to it, so every write acknowledged before the search began is
//   visible. A fresh search that cannot get a read index in `freshTimeoutUs` is refused.
// - Every answer carries the applied index it was computed at.
// Bugs for the teeth tests: `skipTailAfterRestart` drops the document changes of the first
// Ready after a restart (the log tail replayed from disk) from the index.
import type { Micros, NodeContext, NodeId, ProcessView } from '../env.ts';
import { seal } from '../kv/integrity.ts';
import { KvServer, type KvServerConfig } from '../kv/server.ts';
import { batchCostUs, insertCostUs, loadCostUs, saveCostUs, searchCostUs, COST } from './costModel.ts';
import { decodeDocValue, labelOfKey } from './document.ts';
import type { IndexSpace, VectorIndex, VectorIndexFactory } from './indexPort.ts';
import { parseRagSearch, type RagResults, type RagSearch } from './protocol.ts';
import { decodeBytes, decodeVector, encodeBytes } from './vectorCodec.ts';

export interface RagReplicaBugs {
  skipTailAfterRestart?: boolean;
}

export interface RagReplicaConfig {
  factory: VectorIndexFactory;
  space: IndexSpace;
  dim: number;
  m: number;
  efConstruction: number;
  seed: number;
  /** Searches of one batch run this many at a time (the cost model's parallel lanes). */
  searchThreads: number;
  freshTimeoutUs: Micros;
  bugs: RagReplicaBugs;
}

/** Fresh searches waiting for a read index or for apply, at most. */
export const FRESH_PENDING_MAX = 1024;
const SNAPSHOT_TAG = 'RAG1';

interface FreshWait {
  from: NodeId;
  req: RagSearch;
  /** The read index once known, else -1. */
  readIndex: number;
  timer: number;
}

export class RagReplica extends KvServer {
  private index: VectorIndex;
  private readonly fresh = new Map<string, FreshWait>();
  private freshSeq = 0;
  /** True from a restart until the first Ready round has been applied (the bug's window). */
  private replayingTail = false;
  searches = 0;
  batches = 0;
  badDocs = 0;
  refused = 0;
  skippedByBug = 0;
  restoredFromBytes = 0;

  constructor(kv: KvServerConfig, private readonly rag: RagReplicaConfig) {
    super(kv);
    this.index = this.emptyIndex();
  }

  private emptyIndex(): VectorIndex {
    const r = this.rag;
    return r.factory.create({ space: r.space, dim: r.dim, m: r.m, efConstruction: r.efConstruction, seed: r.seed });
  }

  override start(ctx: NodeContext): void {
    this.replayingTail = this.rag.bugs.skipTailAfterRestart === true && ctx.disk.list().length > 0;
    super.start(ctx);
  }

  // ---- the index follows the log ----

  protected override onApplied(_index: number, key: string, before: string | null, after: string | null): void {
    const label = labelOfKey(key);
    if (label === null || before === after) return;
    if (this.replayingTail) {
      this.skippedByBug++;
      return;
    }
    if (after === null) {
      this.index.delete(label);
      this.ctx.chargeCpu?.(COST.deleteUs);
      return;
    }
    const doc = decodeDocValue(after, this.rag.dim);
    if (doc === null) {
      // A value that is not a document: keep the index free of it (and of the old vector).
      this.badDocs++;
      this.index.delete(label);
      return;
    }
    this.ctx.chargeCpu?.(insertCostUs(this.index.size, this.rag.dim, this.rag.efConstruction));
    this.index.add(label, doc.vector);
  }

  protected override snapshotData(): string {
    const kv = super.snapshotData();
    const bytes = this.index.serialize();
    this.ctx.chargeCpu?.(saveCostUs(bytes.length));
    return `${SNAPSHOT_TAG}|${kv.length}|${kv}${encodeBytes(bytes)}`;
  }

  protected override restoreData(data: string, index: number): void {
    const m = /^RAG1\|(\d+)\|/.exec(data);
    if (m === null) throw new Error(`rag replica: snapshot at ${index} has no index (it does not start with ${SNAPSHOT_TAG})`);
    const kvEnd = m[0].length + Number(m[1]);
    super.restoreData(data.slice(m[0].length, kvEnd), index);
    const bytes = decodeBytes(data.slice(kvEnd));
    if (bytes === null) throw new Error(`rag replica: snapshot at ${index}: index bytes are not base64`);
    this.ctx.chargeCpu?.(loadCostUs(bytes.length));
    this.index = this.rag.factory.fromBytes(bytes);
    this.restoredFromBytes++;
    this.ctx.telemetry.emit('rag.restored', { index, docs: this.index.size, bytes: bytes.length });
  }

  protected override afterReadyRound(): void {
    this.replayingTail = false;
    this.serveFresh();
  }

  // ---- searches ----

  protected override onOtherMessage(from: NodeId, raw: unknown): boolean {
    const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    if (type !== 'rag.search') return false;
    const req = parseRagSearch(raw);
    if (req === null) {
      this.refused++;
      this.ctx.telemetry.emit('msg.rejected', { from, what: 'rag' });
      return true;
    }
    if (!this.running) return this.refuse(from, req, 'recovering');
    if (req.mode === 'stale') {
      this.serveSearch(from, req);
      return true;
    }
    if (this.fresh.size >= FRESH_PENDING_MAX) return this.refuse(from, req, 'overloaded');
    if (this.knownLeader() < 0) return this.refuse(from, req, 'no-leader');
    const ctx = `rag:${this.freshSeq++}`;
    const timer = this.ctx.setTimer(this.rag.freshTimeoutUs, `rag:timeout:${ctx}`);
    this.fresh.set(ctx, { from, req, readIndex: -1, timer });
    this.requestReadIndex(ctx);
    return true;
  }

  protected override onOtherTimer(tag: string): boolean {
    if (!tag.startsWith('rag:timeout:')) return false;
    const ctx = tag.slice('rag:timeout:'.length);
    const w = this.fresh.get(ctx);
    if (w !== undefined) {
      this.fresh.delete(ctx);
      this.refuse(w.from, w.req, w.readIndex < 0 ? 'read-index-timeout' : 'apply-timeout');
    }
    return true;
  }

  protected override onOtherReadState(ctx: string, index: number): void {
    const w = this.fresh.get(ctx);
    if (w !== undefined && w.readIndex < 0) w.readIndex = index;
  }

  /** Answers fresh searches whose read index has been applied, in arrival order. */
  private serveFresh(): void {
    for (const [ctx, w] of this.fresh) {
      if (w.readIndex < 0 || w.readIndex > this.appliedIndex) continue;
      this.fresh.delete(ctx);
      this.ctx.cancelTimer(w.timer);
      this.serveSearch(w.from, w.req);
    }
  }

  private refuse(to: NodeId, req: RagSearch, error: string): boolean {
    this.refused++;
    const m: RagResults = { type: 'rag.results', bid: req.bid, ok: false, applied: this.appliedIndex, docs: this.index.size, rs: [], error };
    this.ctx.send(to, seal(m));
    return true;
  }

  private serveSearch(to: NodeId, req: RagSearch): void {
    const vectors: Float32Array[] = [];
    for (const q of req.qs) {
      const v = decodeVector(q.v, this.rag.dim);
      if (v === null) {
        this.refuse(to, req, 'bad-vector');
        return;
      }
      vectors.push(v);
    }
    const hits = this.index.searchBatch(vectors, req.k, req.ef);
    const perSearch = searchCostUs(this.index.size, this.rag.dim, req.k, req.ef);
    this.ctx.chargeCpu?.(batchCostUs(vectors.length, this.rag.searchThreads, perSearch));
    this.searches += vectors.length;
    this.batches++;
    this.ctx.telemetry.emit('rag.served', { bid: req.bid, n: vectors.length, mode: req.mode, applied: this.appliedIndex });
    const rs = req.qs.map((q, i) => ({ qid: q.qid, l: hits[i].map((h) => h.label), d: hits[i].map((h) => h.distance) }));
    const m: RagResults = { type: 'rag.results', bid: req.bid, ok: true, applied: this.appliedIndex, docs: this.index.size, rs, error: '' };
    this.ctx.send(to, seal(m));
  }

  /**
   * Searches the index as it is now, for an observer (the UI): nothing is charged, sent or
   * counted, and the answer equals what a stale search would return at this moment.
   */
  peekSearch(vector: Float32Array, k: number, ef: number): { applied: number; docs: number; hits: { label: number; distance: number }[] } {
    const hits = vector.length === this.rag.dim ? this.index.searchBatch([vector], k, ef)[0] : [];
    return { applied: this.appliedIndex, docs: this.index.size, hits };
  }

  override memoryBytes(): number {
    return super.memoryBytes() + this.index.memoryBytes();
  }

  override inspect(): ProcessView {
    const v = super.inspect();
    const rag = {
      docs: this.index.size, applied: this.appliedIndex, searches: this.searches, batches: this.batches,
      freshWaiting: this.fresh.size, refused: this.refused, badDocs: this.badDocs, restoredFromBytes: this.restoredFromBytes,
      skippedByBug: this.skippedByBug, indexMemoryBytes: this.index.memoryBytes(),
    };
    return { ...v, summary: `${v.summary} · docs ${this.index.size}`, details: { ...v.details, rag } };
  }
}
