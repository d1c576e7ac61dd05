// The rag workload's checks and figures, from telemetry (so they work wherever the nodes
// run, in one thread or across workers).
//
// A model of the replicated state follows the log: the first 'raft.apply' of each index
// (Raft's own invariants, checked beside, make every replica apply the same entry there)
// goes through a KvStateMachine of its own, which yields each document's versions by log
// index. Against that model:
// - recall: each sampled answer that a replica computed (not the cache) is compared with
//   exact brute-force search over the documents present at the answer's applied index;
//   the mean recall@k must reach `rag.recallMin` ('rag-recall'); no samples: inconclusive
//   (not applicable when no query is sent or sampling is off), never a pass;
// - read-your-writes: a `fresh` answer must come from an applied index at least the
//   model's applied index when the last write acknowledged before the query began was
//   acknowledged (Raft makes every committed entry visible to a later ReadIndex); and a
//   fresh probe for a just-acknowledged document must find it when the document is still
//   present at the answer's index ('rag-read-your-writes');
// - replicas agree: answers to the auditor's question from replicas at the same applied
//   index must be identical, labels and distances, and their indexes must hold the same
//   number of documents ('rag-replicas-diverge');
// - liveness: after the last fault heals, a query is answered within `liveness.within`.
import type { Micros, NodeId } from '../../../core/env.ts';
import { decodeEntry } from '../../../core/kv/commandCodec.ts';
import { KvStateMachine } from '../../../core/kv/stateMachine.ts';
import { isRegister } from '../../../core/kv/types.ts';
import { decodeDocValue, labelOfKey } from '../../../core/rag/document.ts';
import { decodeVector } from '../../../core/rag/vectorCodec.ts';
import { exactKnn, recallAt } from '../../../core/rag/vector.ts';
import type { Corpus } from '../../../corpus/corpus.ts';
import { notApplicable } from '../../check/verdict.ts';
import type { World } from '../../world/world.ts';
import type { RagScenario } from './ragScenario.ts';

/** Violations reported per check; later ones are counted only. */
const REPORTS_PER_CHECK_MAX = 3;
/** Audit rounds remembered (older ones are dropped). */
const AUDIT_ROUNDS_KEPT = 64;

interface Version {
  index: number;
  vector: Float32Array | null;
}

type Fields = Readonly<Record<string, string | number | boolean>>;

export class RagChecks {
  private readonly model = new KvStateMachine();
  private modelApplied = 0;
  /** Each document's versions in log order (null: deleted). */
  private readonly versions = new Map<number, Version[]>();
  /** (true time of a write's acknowledgement, model applied index then), in time order. */
  private readonly acks: { t: Micros; index: number }[] = [];
  private readonly invokedAt = new Map<string, Micros>();
  private readonly audits = new Map<number, Map<number, { replica: NodeId; answer: string; docs: number }>>();
  private readonly reported = new Map<string, number>();
  private recallSum = 0;
  private recallMin = 1;
  private samples = 0;
  readonly latencies: { mode: string; cached: boolean; us: number }[] = [];
  readonly errors = new Map<string, number>();
  probes = 0;
  probesFound = 0;
  probesSkipped = 0;
  auditPairs = 0;
  restores = 0;
  batches = 0;
  batchQueries = 0;
  writesAcked = 0;
  writesUnknown = 0;
  lastOkUs = -1;
  firstInvokeUs = -1;

  constructor(private readonly world: World, private readonly s: RagScenario, private readonly corpus: Corpus) {
    world.onTelemetry((t, node, name, f) => this.on(t, node, name, f));
  }

  private on(t: Micros, node: NodeId, name: string, f: Fields): void {
    switch (name) {
      case 'raft.apply': return this.onApply(f.index as number, f.data as string);
      case 'rag.acked': return this.onAcked(t, f);
      case 'rag.invoke': {
        if (this.firstInvokeUs < 0) this.firstInvokeUs = t;
        this.invokedAt.set(`${f.client}/${f.qid}`, t);
        return;
      }
      case 'rag.complete': return this.onComplete(t, f);
      case 'rag.probe': return this.onProbe(f);
      case 'rag.audit': return this.onAudit(f);
      case 'rag.restored': {
        this.restores++;
        return;
      }
      case 'rag.served': {
        this.batches++;
        this.batchQueries += f.n as number;
        return;
      }
      default:
    }
    void node;
  }

  private violate(check: string, node: NodeId | null, message: string): void {
    const n = this.reported.get(check) ?? 0;
    this.reported.set(check, n + 1);
    if (n < REPORTS_PER_CHECK_MAX) this.world.violate(check, node, message);
  }

  private onApply(index: number, data: string): void {
    if (index !== this.modelApplied + 1) return;
    this.modelApplied = index;
    if (data === '') return;
    const cmd = decodeEntry(data);
    if (cmd === null) return;
    // Registrations open sessions in the model as on the servers (they touch no document).
    if (isRegister(cmd)) {
      this.model.register(cmd.count);
      return;
    }
    const label = labelOfKey(cmd.op.key);
    const before = label === null ? null : this.model.read(cmd.op.key);
    this.model.apply(cmd);
    if (label === null) return;
    const after = this.model.read(cmd.op.key);
    if (before === after) return;
    const doc = after === null ? null : decodeDocValue(after, this.corpus.dim);
    let list = this.versions.get(label);
    if (list === undefined) {
      list = [];
      this.versions.set(label, list);
    }
    list.push({ index, vector: doc === null ? null : doc.vector });
  }

  /** The documents present at log index `at`, as (label, vector) pairs in label order. */
  private docsAt(at: number): [number, Float32Array][] {
    const out: [number, Float32Array][] = [];
    for (const [label, list] of this.versions) {
      const v = versionAt(list, at);
      if (v !== null) out.push([label, v]);
    }
    return out.sort((a, b) => a[0] - b[0]);
  }

  private onAcked(t: Micros, f: Fields): void {
    if (f.ok !== true) {
      this.writesUnknown++;
      return;
    }
    this.writesAcked++;
    this.acks.push({ t, index: this.modelApplied });
  }

  /** The model's applied index at the last acknowledgement strictly before `t`. */
  private requiredAt(t: Micros): number {
    let lo = 0;
    let hi = this.acks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.acks[mid].t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : this.acks[lo - 1].index;
  }

  private onComplete(t: Micros, f: Fields): void {
    const key = `${f.client}/${f.qid}`;
    const invoked = this.invokedAt.get(key) ?? t;
    this.invokedAt.delete(key);
    if (f.ok !== true) {
      const e = String(f.error);
      this.errors.set(e, (this.errors.get(e) ?? 0) + 1);
      return;
    }
    this.lastOkUs = t;
    this.latencies.push({ mode: f.mode as string, cached: f.cached === true, us: f.latencyUs as number });
    const applied = f.applied as number;
    if (f.mode === 'fresh' && f.cached !== true) {
      const need = this.requiredAt(invoked);
      if (applied < need) {
        this.violate('rag-read-your-writes', f.replica as number, `fresh query ${key} began at ${invoked / 1000} ms, after writes acknowledged up to log index ${need}, but replica ${f.replica} answered at applied index ${applied}`);
      }
    }
    if (typeof f.v === 'string' && f.cached !== true) this.sample(f, applied);
  }

  private sample(f: Fields, applied: number): void {
    const q = decodeVector(f.v as string, this.corpus.dim);
    if (q === null) return;
    const k = this.s.rag.queries.k;
    const exact = exactKnn(this.corpus.metric, q, this.docsAt(applied), k);
    const found = String(f.labels) === '' ? [] : String(f.labels).split(',').map((x) => ({ label: Number(x) }));
    const r = recallAt(exact, found);
    this.recallSum += r;
    this.recallMin = Math.min(this.recallMin, r);
    this.samples++;
  }

  private onProbe(f: Fields): void {
    if (f.ok !== true) return;
    this.probes++;
    if (f.found === true) {
      this.probesFound++;
      return;
    }
    const label = f.label as number;
    const applied = f.applied as number;
    // A later churn write may have deleted or replaced the document before the probe ran.
    const list = this.versions.get(label);
    const last = list === undefined ? null : lastVersionAtOrBefore(list, applied);
    if (last === null || last.vector === null || (list as Version[]).some((v) => v.index > (last as Version).index && v.index <= this.modelApplied)) {
      this.probesSkipped++;
      return;
    }
    this.violate('rag-read-your-writes', f.replica as number, `document ${label} was acknowledged, but a fresh query for exactly its vector, answered by replica ${f.replica} at applied index ${applied} (where the document is present since index ${last.index}), did not return it`);
  }

  private onAudit(f: Fields): void {
    const round = f.round as number;
    const applied = f.applied as number;
    let byApplied = this.audits.get(round);
    if (byApplied === undefined) {
      byApplied = new Map();
      this.audits.set(round, byApplied);
      if (this.audits.size > AUDIT_ROUNDS_KEPT) this.audits.delete(this.audits.keys().next().value as number);
    }
    const prior = byApplied.get(applied);
    const replica = f.replica as number;
    const answer = f.answer as string;
    if (prior === undefined) {
      byApplied.set(applied, { replica, answer, docs: f.docs as number });
      return;
    }
    this.auditPairs++;
    const docs = f.docs as number;
    if (prior.docs !== docs) {
      this.violate('rag-replicas-diverge', replica, `audit question ${round}: replicas ${prior.replica} and ${replica} are both at applied index ${applied} but hold ${prior.docs} and ${docs} documents`);
    } else if (prior.answer !== answer) {
      this.violate('rag-replicas-diverge', replica, `audit question ${round}: replicas ${prior.replica} and ${replica} are both at applied index ${applied} but answer differently:\n  ${prior.replica}: ${prior.answer.slice(0, 200)}\n  ${replica}: ${answer.slice(0, 200)}`);
    }
  }

  /** End-of-run checks and the report's figures. */
  finish(): Record<string, number | string> {
    const out: Record<string, number | string> = {};
    const recall = this.samples > 0 ? this.recallSum / this.samples : NaN;
    const min = this.s.rag.recallMin;
    const q = this.s.rag.queries;
    const off = q.clients === 0 || q.rate === 0 ? 'the scenario sends no queries' : q.sampleEvery === 0 ? 'queries.sampleEvery is 0: no answer is sampled' : null;
    out.recallVerdict = this.samples > 0 ? (recall >= min ? 'pass' : 'fail') : off !== null ? notApplicable(off) : 'inconclusive';
    // Queries were sampled, yet no answer a replica computed came back: recall was never measured.
    if (this.samples === 0 && off === null) this.world.cannotDecide('rag-recall', `no answer computed by a replica was sampled, so recall@${q.k} was never measured`);
    if (this.samples > 0 && recall < min) {
      this.violate('rag-recall', null, `mean recall@${this.s.rag.queries.k} of ${this.samples} sampled answers is ${recall.toFixed(4)}, below ${min} (worst ${this.recallMin.toFixed(2)})`);
    }
    out.recallSamples = this.samples;
    out.recall = this.samples > 0 ? round(recall, 4) : 'n/a';
    out.recallWorst = this.samples > 0 ? round(this.recallMin, 2) : 'n/a';
    Object.assign(out, latencyFigures(this.latencies));
    // From the first question to the last answer: throughput when the load is a burst.
    if (this.firstInvokeUs >= 0 && this.lastOkUs > this.firstInvokeUs) {
      const spanUs = this.lastOkUs - this.firstInvokeUs;
      out.queryMakespanMs = round(spanUs / 1000, 3);
      out.answeredPerS = round(this.latencies.length / (spanUs / 1e6), 1);
    }
    const failed = [...this.errors.values()].reduce((a, b) => a + b, 0);
    out.queriesFailed = failed;
    for (const [e, n] of [...this.errors].sort()) out[`queriesFailed.${e}`] = n;
    out.probes = this.probes;
    out.probesFound = this.probesFound;
    out.probesSkipped = this.probesSkipped;
    out.auditComparisons = this.auditPairs;
    out.writesAcked = this.writesAcked;
    out.writesUnknown = this.writesUnknown;
    out.indexRestores = this.restores;
    out.logIndex = this.modelApplied;
    out.docs = this.docsAt(this.modelApplied).length;
    return out;
  }
}

function versionAt(list: readonly Version[], at: number): Float32Array | null {
  const v = lastVersionAtOrBefore(list, at);
  return v === null ? null : v.vector;
}

function lastVersionAtOrBefore(list: readonly Version[], at: number): Version | null {
  let found: Version | null = null;
  for (const v of list) {
    if (v.index > at) break;
    found = v;
  }
  return found;
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Answered queries, cache hits, and latency percentiles (ms) overall and by kind. */
export function latencyFigures(ls: readonly { mode: string; cached: boolean; us: number }[]): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const stale = ls.filter((l) => l.mode === 'stale');
  const hits = ls.filter((l) => l.cached).length;
  out.queriesAnswered = ls.length;
  out.cacheHits = hits;
  out.cacheHitRate = stale.length > 0 ? round(hits / stale.length, 4) : 'n/a';
  const groups: [string, readonly { us: number }[]][] = [
    ['all', ls], ['stale', stale], ['fresh', ls.filter((l) => l.mode === 'fresh')],
    ['cached', ls.filter((l) => l.cached)], ['uncached', ls.filter((l) => !l.cached)],
  ];
  for (const [name, g] of groups) {
    if (g.length === 0) continue;
    const sorted = g.map((x) => x.us).sort((a, b) => a - b);
    out[`latency.${name}.p50Ms`] = round(percentile(sorted, 0.5) / 1000, 3);
    out[`latency.${name}.p99Ms`] = round(percentile(sorted, 0.99) / 1000, 3);
  }
  return out;
}
