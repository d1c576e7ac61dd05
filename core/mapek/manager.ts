// The MAPE-K manager as a process on its own virtual node: every interval it monitors
// the cluster over the network, analyzes the round into symptoms and diagnoses, plans
// under its safety rules and executes through the operator port, and it learns from
// every outcome. Partitions, latency and crashes hit it like any node.
//
// Contract: sans-IO, through the Env seam only. Every phase reports what it did as
// telemetry (`mapek.*`, see docs/mapek.md), which is how reports, the UI and the MTTR
// benchmark follow the loop; the knowledge base is emitted as `mapek.knowledge` whenever
// it changes, so a run's learning can be saved and loaded by a later run. With the lease
// enabled, two instances run side by side and only the lease holder plans and executes;
// both monitor and analyze, so the standby takes over with warm baselines.
import type { Micros, NodeContext, NodeId, Process, ProcessView } from '../env.ts';
import { parseAdminAnswer } from '../kv/admin.ts';
import { seal } from '../kv/integrity.ts';
import { parseKvAnswer } from '../kv/protocol.ts';
import { parseGatewayControlAnswer } from '../gateway/control.ts';
import { Analyzer, type CanaryView } from './analyze.ts';
import { healthyVoters } from './clusterView.ts';
import type { ManagerConfig } from './config.ts';
import { controlRequest, parseControlAnswer, type ControlAnswer } from './controlProtocol.ts';
import { diagnose } from './diagnose.ts';
import { Executor } from './execute.ts';
import { Knowledge } from './knowledge.ts';
import { KvSession } from './kvSession.ts';
import { Lease } from './lease.ts';
import { Monitor } from './monitor.ts';
import type { OperatorPort } from './operator.ts';
import { Planner, type Decision } from './plan.ts';
import { Rpc } from './rpc.ts';
import { diagnosisKey, type ActionRecord, type Diagnosis, type Phase } from './types.ts';

/** Rounds between control-plane describes while nothing is unreachable. */
const DESCRIBE_EVERY_ROUNDS = 5;
/** Session ids of manager instances start here, far from clients and gateways. */
export const MANAGER_SESSION_BASE = 900_000_000;
const KV_ATTEMPTS_MAX = 5;
const RECENT_MAX = 20;

export class MapekManager implements Process {
  private ctx!: NodeContext;
  private rpc!: Rpc;
  private monitor!: Monitor;
  private analyzer!: Analyzer;
  private planner!: Planner;
  private executor!: Executor;
  private kv!: KvSession;
  private lease: Lease | null = null;
  readonly knowledge: Knowledge;
  private diagnoses: Diagnosis[] = [];
  private canaryLatencies: number[] = [];
  private canaryCount = 0;
  private describing = false;
  private roundsSinceDescribe = 0;
  private phase: Phase = 'monitor';
  private readonly recent: ActionRecord[] = [];
  private knowledgeDirty = false;

  constructor(private readonly cfg: ManagerConfig) {
    this.knowledge = new Knowledge(cfg.knowledge, cfg.explore);
  }

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    const port = { now: () => ctx.now(), send: (to: NodeId, m: unknown) => ctx.send(to, m), setTimer: (us: Micros, tag: string) => ctx.setTimer(us, tag), cancelTimer: (id: number) => ctx.cancelTimer(id) };
    this.rpc = new Rpc(port);
    this.monitor = new Monitor(this.rpc, port.now, this.cfg.servers, this.cfg.gateways, this.cfg.statusTimeoutUs);
    this.analyzer = new Analyzer(this.cfg, this.knowledge);
    this.planner = new Planner(this.cfg, this.knowledge, ctx.random, ctx.now());
    this.executor = new Executor(this.cfg, this.operator(), {
      now: port.now,
      view: () => this.analyzer.view,
      quorumSafe: (kind, target, v) => this.cfg.bugs.noQuorumGuard === true || this.planner.quorumSafe(kind, target, v),
      step: (rec, step, ok, reason) => ctx.telemetry.emit('mapek.step', { id: rec.id, action: rec.kind, target: rec.target, step, ok, reason }),
      done: (rec, ok, detail) => this.actionDone(rec, ok, detail),
      watch: (n) => this.monitor.watch(n),
      unwatch: (n) => {
        this.monitor.unwatch(n);
        this.analyzer.forget(n);
      },
    });
    // A fresh session per incarnation: a restarted manager must not reuse answered seqs.
    const clientId = MANAGER_SESSION_BASE + this.cfg.instance * 10_000_000 + ctx.random.int(10_000_000);
    this.kv = new KvSession(port, () => this.analyzer.view.voters, clientId, this.cfg.statusTimeoutUs * 2, KV_ATTEMPTS_MAX);
    this.kv.onComplete = (latencyUs, known) => {
      if (known) this.canaryLatencies.push(latencyUs);
    };
    if (this.cfg.lease.enabled) this.lease = new Lease(this.cfg.lease, `m${this.cfg.instance}.${ctx.random.int(1_000_000_000)}`, this.kv, port.now);
    ctx.setTimer(this.cfg.intervalUs, 'round');
    ctx.setTimer(this.cfg.lease.renewUs, 'lease');
  }

  /** Plans and executes only while this is true (the lease holder, or the only instance). */
  get active(): boolean {
    return this.lease === null || this.lease.isActive();
  }

  onTimer(tag: string): void {
    if (this.rpc.onTimer(tag) || this.kv.onTimer(tag)) return;
    if (tag === 'round') {
      this.ctx.setTimer(this.cfg.intervalUs, 'round');
      this.runRound();
    } else if (tag === 'lease') {
      this.ctx.setTimer(this.cfg.lease.renewUs, 'lease');
      this.leaseOrCanary();
    }
  }

  onMessage(from: NodeId, raw: unknown): void {
    const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    let rid = -1;
    let answer: unknown = null;
    if (type === 'kv.admin.resp') {
      const a = parseAdminAnswer(raw);
      if (a !== null) [rid, answer] = [a.rid, a];
    } else if (type === 'gw.ctl.resp') {
      const a = parseGatewayControlAnswer(raw);
      if (a !== null) [rid, answer] = [a.rid, a];
    } else if (type === 'cp.resp') {
      const a = parseControlAnswer(raw);
      if (a !== null) [rid, answer] = [a.rid, a];
    } else {
      const a = parseKvAnswer(raw);
      if (a !== null) {
        this.kv.onAnswer(a);
        return;
      }
    }
    if (answer === null) {
      // The network names the sender: garbage from a node is evidence against it.
      this.monitor.malformed(from);
      return;
    }
    this.rpc.answer(from, rid, answer);
  }

  // ---- the loop ----

  private runRound(): void {
    const closed = this.monitor.nextRound();
    this.phase = 'monitor';
    if (closed === null) return;
    const now = this.ctx.now();
    const canary: CanaryView = { latenciesUs: this.canaryLatencies, pendingSinceUs: this.kv.pendingSinceUs };
    this.canaryLatencies = [];
    const { raised, cleared } = this.analyzer.round(closed, canary, now);
    const t = this.ctx.telemetry;
    for (const s of raised) t.emit('mapek.symptom', { state: 'raised', kind: s.kind, target: s.target, value: s.value, detail: s.detail });
    for (const s of cleared) t.emit('mapek.symptom', { state: 'cleared', kind: s.kind, target: s.target, value: s.value, detail: s.detail });
    this.maybeDescribe(raised.some((s) => s.kind === 'unreachable'));
    this.analyze(now);
    if (this.active) this.plan(now);
    this.executor.tick();
    this.phase = this.currentPhase();
    if (this.knowledgeDirty) this.emitKnowledge();
  }

  private analyze(now: Micros): void {
    // While an action works on a node, what it does to the node (a restart makes it
    // unreachable for a while) is not a new problem.
    const busy = this.planner.busyTargets();
    const next = diagnose(this.analyzer.tracker.active(), this.analyzer.view, this.analyzer.demandRatio, now).filter((d) => !busy.has(d.target) || busy.get(d.target) === diagnosisKey(d));
    const before = new Map(this.diagnoses.map((d) => [diagnosisKey(d), d]));
    const t = this.ctx.telemetry;
    for (const d of next) {
      const b = before.get(diagnosisKey(d));
      if (b === undefined || b.confidence !== d.confidence) {
        t.emit('mapek.diagnosis', { state: b === undefined ? 'new' : 'changed', cause: d.cause, target: d.target, confidence: d.confidence, symptoms: d.symptoms.join(' '), sinceUs: d.sinceUs });
      }
      before.delete(diagnosisKey(d));
    }
    for (const d of before.values()) t.emit('mapek.diagnosis', { state: 'gone', cause: d.cause, target: d.target, confidence: d.confidence, symptoms: d.symptoms.join(' '), sinceUs: d.sinceUs });
    this.diagnoses = next;
  }

  private plan(now: Micros): void {
    const gateways = this.cfg.gateways.map((g) => {
      const f = this.analyzer.gatewayFigures(g);
      return { node: g, okRatePerSec: f?.okRatePerSec ?? 0, baselinePerSec: this.analyzer.demandBaseline(g), amplification: f?.amplification ?? 1, limitPerSec: f?.limitPerSec ?? 0 };
    });
    const out = this.planner.plan(this.diagnoses, { view: this.analyzer.view, nowUs: now, demandRatio: this.analyzer.demandRatio, gateways });
    const t = this.ctx.telemetry;
    for (const e of out.ended) {
      t.emit('mapek.outcome', { key: e.key, cause: e.cause, target: e.target, outcome: e.outcome, action: e.action ?? '', ttrUs: e.ttrUs });
      if (e.action === null) this.learnThresholds(e.symptoms, true);
      else if (e.outcome === 'recovered') this.learnThresholds(e.symptoms, false);
      this.knowledgeDirty = true;
    }
    for (const d of out.deferred) t.emit('mapek.deferred', { key: d.key, reason: d.reason });
    for (const d of out.decisions) this.startAction(d);
  }

  private startAction(d: Decision): void {
    const rec = this.planner.recordOf(d);
    this.ctx.telemetry.emit('mapek.decision', { id: rec.id, action: d.kind, target: d.target, cause: d.cause, spare: d.spare, arg: d.arg, healthyVoters: healthyVoters(this.analyzer.view).length, voters: this.analyzer.view.voters.length });
    this.recent.push(rec);
    if (this.recent.length > RECENT_MAX) this.recent.shift();
    this.executor.start(rec, d);
  }

  private actionDone(rec: ActionRecord, ok: boolean, detail: string): void {
    this.planner.done(rec, ok, detail, this.ctx.now());
    this.ctx.telemetry.emit('mapek.action', { id: rec.id, action: rec.kind, target: rec.target, spare: rec.spare, ok, detail });
  }

  /**
   * Threshold learning from outcomes: a statistical symptom that went away on its own (a
   * false alarm) makes its series less jumpy; one that led to a real recovery, keener.
   */
  private learnThresholds(symptoms: string[], falseAlarm: boolean): void {
    for (const s of symptoms) {
      const kind = s.slice(0, s.lastIndexOf(':'));
      // Only the latency series are judged against learned baselines (error rates against a fixed share).
      const series = kind === 'latency-up' ? (s.endsWith(':-1') ? 'canary.latency' : 'gw.p99') : null;
      if (series !== null) this.knowledge.learnThreshold(series, this.cfg.thresholds.zScore, falseAlarm);
    }
  }

  private emitKnowledge(): void {
    this.knowledgeDirty = false;
    this.analyzer.saveBaselines();
    this.ctx.telemetry.emit('mapek.knowledge', { json: JSON.stringify(this.knowledge.toJSON()), episodes: this.knowledge.recorded });
  }

  /** Asks the control plane for host states: soon after a node goes quiet, and now and then. */
  private maybeDescribe(urgent: boolean): void {
    this.roundsSinceDescribe++;
    if (this.cfg.controlPlane < 0 || this.describing) return;
    if (!urgent && this.roundsSinceDescribe < DESCRIBE_EVERY_ROUNDS) return;
    this.describing = true;
    this.roundsSinceDescribe = 0;
    this.rpc.call(this.cfg.controlPlane, (rid) => controlRequest(rid, 'describe', -1), this.cfg.stepTimeoutUs, (a) => {
      this.describing = false;
      if (a === null) return;
      this.analyzer.setHosts((a as ControlAnswer).hosts);
      // New evidence may settle a diagnosis now rather than at the next round.
      this.analyze(this.ctx.now());
    });
  }

  /** The lease renewals (or, without a lease, a canary write) also measure the service. */
  private leaseOrCanary(): void {
    if (this.lease !== null) {
      this.lease.tick((active) => this.ctx.telemetry.emit('mapek.lease', { active, instance: this.cfg.instance }));
      return;
    }
    if (this.kv.busy) return;
    this.kv.request({ op: 'put', key: `mapek/canary/${this.cfg.instance}`, value: String(++this.canaryCount) }, () => {});
  }

  private currentPhase(): Phase {
    if (this.executor.active > 0) return 'execute';
    if (this.planner.episodes.size > 0 && this.diagnoses.length === 0) return 'knowledge';
    if (this.diagnoses.some((d) => d.confidence < 0.6)) return 'analyze';
    if (this.diagnoses.length > 0) return 'plan';
    return 'monitor';
  }

  // ---- the operator port, over the network ----

  private operator(): OperatorPort {
    const timeout = this.cfg.stepTimeoutUs;
    return {
      control: (op, node, cb, arg = 0) => {
        if (this.cfg.controlPlane < 0) return cb({ ok: false, reason: 'no control plane', hosts: [] });
        this.rpc.call(this.cfg.controlPlane, (rid) => controlRequest(rid, op, node, arg), timeout, (a) => {
          if (a === null) return cb({ ok: false, reason: 'timeout', hosts: [] });
          const c = a as ControlAnswer;
          this.analyzer.setHosts(c.hosts);
          cb({ ok: c.ok, reason: c.reason, hosts: c.hosts });
        });
      },
      admin: (to, op, node, cb) => {
        this.rpc.call(to, (rid) => adminRequest(rid, op, node), Math.min(timeout, 4 * this.cfg.intervalUs), (a) => {
          if (a === null) return cb({ ok: false, reason: 'timeout', status: null });
          const r = a as ReturnType<typeof parseAdminAnswer> & object;
          cb({ ok: r.ok, reason: r.reason, status: r.status });
        });
      },
      limits: (gateway, ratePerSec, cb) => {
        this.rpc.call(gateway, (rid) => ({ type: 'gw.ctl', rid, op: 'limits', ratePerSec }), Math.min(timeout, 4 * this.cfg.intervalUs), (a) => {
          cb(a === null ? { ok: false, reason: 'timeout' } : { ok: true, reason: '' });
        });
      },
    };
  }

  memoryBytes(): number {
    return 64 * 1024 + this.rpc.pendingCount * 256;
  }

  inspect(): ProcessView {
    const active = this.active;
    const v = this.analyzer.view;
    return {
      role: active ? 'manager' : 'standby',
      summary: `${active ? 'active' : 'standby'} · ${this.phase} · ${this.diagnoses.length} diagnoses · ${this.executor.active} running`,
      details: {
        instance: this.cfg.instance, active, phase: this.phase, leader: v.leader, voters: v.voters, learners: v.learners,
        healthy: [...v.healthy].sort((a, b) => a - b),
        symptoms: this.analyzer.tracker.active().map((s) => ({ kind: s.kind, target: s.target, detail: s.detail, sinceUs: s.sinceUs })),
        diagnoses: this.diagnoses.map((d) => ({ cause: d.cause, target: d.target, confidence: d.confidence })),
        running: this.planner.running().map((a) => ({ id: a.id, action: a.kind, target: a.target })),
        recent: this.recent.map((a) => ({ id: a.id, action: a.kind, target: a.target, outcome: a.outcome, detail: a.detail })),
        episodes: this.knowledge.recorded,
      },
    };
  }
}

function adminRequest(rid: number, op: string, node: NodeId): unknown {
  return seal({ type: 'kv.admin', rid, op, node });
}
