// A model cluster for testing the MAPE-K manager's core (Analyze, diagnose, Plan, Execute,
// Knowledge) without the simulator: each round it turns a ground truth (which nodes are up,
// cut off, leaking, lying) into the status answers the Monitor would have gathered, with
// seeded noise (missing answers, round-trip spikes, a flapping memory figure), and it
// carries out the manager's operator calls on that truth. It records every decision with
// the truth at that moment, so tests can hold the manager to its safety properties.
import type { Micros, NodeId, Random } from '../../core/env.ts';
import type { ServerStatus } from '../../core/kv/admin.ts';
import { Analyzer } from '../../core/mapek/analyze.ts';
import type { ManagerConfig } from '../../core/mapek/config.ts';
import type { HostInfo } from '../../core/mapek/controlProtocol.ts';
import { diagnose } from '../../core/mapek/diagnose.ts';
import { Executor } from '../../core/mapek/execute.ts';
import { Knowledge } from '../../core/mapek/knowledge.ts';
import type { RoundView, ServerSample } from '../../core/mapek/monitor.ts';
import type { OperatorPort } from '../../core/mapek/operator.ts';
import { Planner } from '../../core/mapek/plan.ts';
import { DISRUPTIVE, diagnosisKey, type ActionKind } from '../../core/mapek/types.ts';
import { seeded } from './seeded.ts';

export interface ModelFault {
  round: number;
  kind: 'crash' | 'isolate' | 'leak';
  node: NodeId;
  /** crash: the host cannot be restarted (a dead machine). */
  broken?: boolean;
}

export interface ModelOptions {
  cfg: ManagerConfig;
  seed: string;
  rounds: number;
  faults: ModelFault[];
  /** Chance that a node's answer is missing in a round (noise, not a fault). */
  dropProb: number;
  /** Chance that an answer's round trip is 20x its usual. */
  spikeProb: number;
  /** A node whose reported memory flaps between 95% and 10% of its budget. */
  flapNode: NodeId;
  /** Rounds the flapping memory stays high, then low. */
  flapHigh: number;
  flapLow: number;
  /** A byzantine node that lies in its status: it accuses a victim and claims trouble of its own. */
  liar: NodeId;
}

interface Node {
  up: boolean;
  isolated: boolean;
  broken: boolean;
  leaking: number;
  decommissioned: boolean;
  downUntilRound: number;
}

export interface DecisionRecord {
  round: number;
  atUs: Micros;
  kind: ActionKind;
  target: NodeId;
  doneUs: Micros | null;
  /** Ground truth when decided: healthy voters before and after taking the target out. */
  healthyBefore: number;
  healthyAfter: number;
  quorum: number;
  targetTrulyHealthy: boolean;
}

const MEMORY_MAX = 256 * 1024 * 1024;
const INTERVAL_US = 200_000;

export class ModelCluster {
  readonly nodes = new Map<NodeId, Node>();
  voters: NodeId[];
  learners: NodeId[] = [];
  leader: NodeId;
  round = 0;
  readonly decisions: DecisionRecord[] = [];
  private readonly r: Random;
  private readonly later: { round: number; run: () => void }[] = [];
  private readonly analyzer: Analyzer;
  private readonly planner: Planner;
  private readonly executor: Executor;
  private readonly byRecord = new Map<number, DecisionRecord>();

  constructor(private readonly o: ModelOptions) {
    this.r = seeded(o.seed);
    for (const n of [...o.cfg.servers, ...o.cfg.spares]) this.nodes.set(n, { up: o.cfg.servers.includes(n), isolated: false, broken: false, leaking: 0, decommissioned: false, downUntilRound: -1 });
    this.voters = [...o.cfg.servers];
    this.leader = this.voters[0];
    const knowledge = new Knowledge(o.cfg.knowledge, o.cfg.explore);
    this.analyzer = new Analyzer(o.cfg, knowledge);
    this.planner = new Planner(o.cfg, knowledge, seeded(`${o.seed}/plan`), 0);
    this.executor = new Executor(o.cfg, this.operator(), {
      now: () => this.nowUs,
      view: () => this.analyzer.view,
      quorumSafe: (kind, target, v) => o.cfg.bugs.noQuorumGuard === true || this.planner.quorumSafe(kind, target, v),
      step: () => {},
      done: (rec, ok, detail) => {
        this.planner.done(rec, ok, detail, this.nowUs);
        const d = this.byRecord.get(rec.id);
        if (d !== undefined) d.doneUs = this.nowUs;
      },
      watch: () => {},
      unwatch: () => {},
    });
  }

  get nowUs(): Micros {
    return this.round * INTERVAL_US;
  }

  private node(n: NodeId): Node {
    return this.nodes.get(n) as Node;
  }

  /**
   * Nothing wrong with it at all: up, reachable, not leaking, not lying, not flapping. A
   * replacement of such a node is one the byzantine property counts.
   */
  trulyHealthy(n: NodeId): boolean {
    const x = this.node(n);
    return x.up && !x.isolated && x.leaking === 0 && n !== this.o.liar && n !== this.o.flapNode;
  }

  private healthyVoters(): number {
    return this.voters.filter((n) => this.node(n).up && !this.node(n).isolated).length;
  }

  run(): this {
    for (let i = 0; i < this.o.rounds; i++) this.step();
    return this;
  }

  private step(): void {
    this.round++;
    for (const f of this.o.faults) if (f.round === this.round) this.inject(f);
    for (const [, x] of this.nodes) if (x.downUntilRound === this.round && !x.broken && !x.decommissioned) x.up = true;
    if (!this.node(this.leader).up || this.node(this.leader).isolated || !this.voters.includes(this.leader)) this.leader = this.voters.find((n) => this.node(n).up && !this.node(n).isolated) ?? -1;
    const due = this.later.filter((l) => l.round <= this.round);
    this.later.splice(0, this.later.length, ...this.later.filter((l) => l.round > this.round));
    for (const l of due) l.run();
    const view = this.roundView();
    this.analyzer.setHosts(this.hosts());
    this.analyzer.round(view, { latenciesUs: [5_000], pendingSinceUs: null }, this.nowUs);
    const busy = this.planner.busyTargets();
    const diagnoses = diagnose(this.analyzer.tracker.active(), this.analyzer.view, 1, this.nowUs).filter((d) => !busy.has(d.target) || busy.get(d.target) === diagnosisKey(d));
    const out = this.planner.plan(diagnoses, { view: this.analyzer.view, nowUs: this.nowUs, demandRatio: 1, gateways: [] });
    for (const d of out.decisions) {
      const rec = this.planner.recordOf(d);
      const before = this.healthyVoters();
      const takesOut = DISRUPTIVE.has(d.kind) && d.kind !== 'transfer-leader' && this.voters.includes(d.target) && this.node(d.target).up && !this.node(d.target).isolated;
      const record: DecisionRecord = {
        round: this.round, atUs: this.nowUs, kind: d.kind, target: d.target, doneUs: null,
        healthyBefore: before, healthyAfter: before - (takesOut ? 1 : 0), quorum: Math.floor(this.voters.length / 2) + 1,
        targetTrulyHealthy: d.target >= 0 && this.trulyHealthy(d.target),
      };
      this.decisions.push(record);
      this.byRecord.set(rec.id, record);
      this.executor.start(rec, d);
    }
    this.executor.tick();
  }

  private inject(f: ModelFault): void {
    const x = this.node(f.node);
    if (f.kind === 'crash') {
      x.up = false;
      x.broken = f.broken === true;
    } else if (f.kind === 'isolate') x.isolated = true;
    else x.leaking = 1;
  }

  private hosts(): HostInfo[] {
    return [...this.nodes].sort((a, b) => a[0] - b[0]).map(([node, x]) => ({ node, state: x.up ? 'up' : 'down', quarantined: x.isolated && node !== -99 && this.quarantined.has(node), decommissioned: x.decommissioned }));
  }

  private readonly quarantined = new Set<NodeId>();

  private memoryOf(n: NodeId): number {
    const x = this.node(n);
    if (n === this.o.liar) return Math.round(MEMORY_MAX * 0.97);
    if (n === this.o.flapNode) {
      const period = this.o.flapHigh + this.o.flapLow;
      return this.round % period < this.o.flapHigh ? Math.round(MEMORY_MAX * 0.95) : Math.round(MEMORY_MAX * 0.1);
    }
    if (x.leaking > 0) x.leaking++;
    return Math.min(MEMORY_MAX, 20_000_000 + x.leaking * 8_000_000);
  }

  private status(n: NodeId): ServerStatus {
    const members = [...this.voters, ...this.learners];
    const commit = this.round * 10;
    const isLeader = n === this.leader;
    const lie = n === this.o.liar;
    const victim = this.voters.find((v) => v !== n) ?? 0;
    return {
      id: n, role: isLeader ? 'leader' : 'follower', term: 1, lead: this.leader, commit, applied: commit, lastIndex: commit,
      voters: [...this.voters].sort((a, b) => a - b), learners: [...this.learners].sort((a, b) => a - b),
      progress: isLeader ? members.filter((m) => m !== n).sort((a, b) => a - b).map((m) => ({ node: m, match: this.trulyUp(m) ? commit : 0, active: this.trulyUp(m) })) : [],
      diskErrors: lie ? this.round : 0, rejectedFrom: lie ? [[victim, 1000 * this.round]] : [],
      nowUs: this.nowUs, memoryBytes: this.memoryOf(n), memoryBytesMax: MEMORY_MAX, diskBytesUsed: 1000, diskBytesMax: 1 << 30, cpuBusyUs: this.round * 1000,
    };
  }

  private trulyUp(n: NodeId): boolean {
    return this.node(n).up && !this.node(n).isolated;
  }

  private roundView(): RoundView {
    const servers = [...this.voters, ...this.learners].sort((a, b) => a - b);
    const replies = new Map<NodeId, ServerSample>();
    for (const n of servers) {
      if (!this.trulyUp(n) || this.r.next() < this.o.dropProb) continue;
      const rttUs = this.r.next() < this.o.spikeProb ? 100_000 : 5_000;
      replies.set(n, { node: n, status: this.status(n), rttUs, sentUs: this.nowUs - INTERVAL_US, recvUs: this.nowUs - INTERVAL_US + rttUs, late: false });
    }
    return { round: this.round, startUs: this.nowUs - INTERVAL_US, endUs: this.nowUs, servers, replies, late: [], gateways: new Map(), gatewaysAsked: [], malformed: new Map() };
  }

  /** The operator port, acting on the truth one or two rounds later (as over a network). */
  private operator(): OperatorPort {
    const at = (rounds: number, run: () => void): void => {
      this.later.push({ round: this.round + rounds, run });
    };
    return {
      control: (op, node, cb) => at(op === 'restart' || op === 'provision' ? 2 : 1, () => {
        const x = node >= 0 ? this.node(node) : null;
        if (x !== null && x.decommissioned) return cb({ ok: false, reason: 'decommissioned', hosts: this.hosts() });
        if (x !== null && (op === 'restart' || op === 'provision')) {
          if (x.broken) return cb({ ok: false, reason: 'host does not boot', hosts: this.hosts() });
          x.up = true;
          x.leaking = 0;
        } else if (x !== null && op === 'decommission') {
          x.up = false;
          x.decommissioned = true;
        } else if (x !== null && op === 'quarantine') {
          x.isolated = true;
          this.quarantined.add(node);
        }
        cb({ ok: true, reason: '', hosts: this.hosts() });
      }),
      admin: (to, op, node, cb) => at(1, () => {
        const fail = (reason: string): void => cb({ ok: false, reason, status: null });
        if (!this.trulyUp(to)) return fail('timeout');
        if (op !== 'compact' && op !== 'status' && to !== this.leader) return fail('not-leader');
        if (op === 'addLearner' && !this.learners.includes(node) && !this.voters.includes(node)) this.learners.push(node);
        else if (op === 'addVoter' && this.learners.includes(node)) {
          this.learners = this.learners.filter((l) => l !== node);
          this.voters.push(node);
        } else if (op === 'remove') {
          this.voters = this.voters.filter((v) => v !== node);
          this.learners = this.learners.filter((v) => v !== node);
        } else if (op === 'transfer' && this.trulyUp(node)) this.leader = node;
        cb({ ok: true, reason: '', status: this.status(to) });
      }),
      limits: (_g, _rate, cb) => at(1, () => cb({ ok: true, reason: '' })),
    };
  }
}

/** Problems with the decisions, by the three properties the manager promises. */
export function propertyViolations(m: ModelCluster, cfg: ManagerConfig): { rate: string[]; quorum: string[]; byzantine: string[] } {
  const rate: string[] = [];
  const quorum: string[] = [];
  const byTarget = new Map<NodeId, DecisionRecord[]>();
  for (const d of m.decisions) {
    if (!byTarget.has(d.target)) byTarget.set(d.target, []);
    (byTarget.get(d.target) as DecisionRecord[]).push(d);
    if (d.healthyBefore >= d.quorum && d.healthyAfter < d.quorum) quorum.push(`round ${d.round}: ${d.kind} n${d.target} leaves ${d.healthyAfter} healthy voters of a quorum of ${d.quorum}`);
  }
  for (const [target, ds] of byTarget) {
    for (let i = 1; i < ds.length; i++) {
      const prevEnd = ds[i - 1].doneUs ?? ds[i].atUs;
      if (ds[i].atUs - prevEnd < cfg.cooldownUs) rate.push(`n${target}: ${ds[i].kind} at ${ds[i].atUs / 1000} ms, ${(ds[i].atUs - prevEnd) / 1000} ms after the previous action ended`);
    }
  }
  const windowUs = 60_000_000;
  const max = cfg.actionRate.perMinute + cfg.actionRate.burst;
  for (const d of m.decisions) {
    const n = m.decisions.filter((e) => e.atUs >= d.atUs && e.atUs < d.atUs + windowUs).length;
    if (n > max) {
      rate.push(`${n} actions in the minute from ${d.atUs / 1000} ms (at most ${max})`);
      break;
    }
  }
  const replacedHealthy = m.decisions.filter((d) => d.kind === 'replace' && d.targetTrulyHealthy);
  const byzantine = replacedHealthy.length > 1 ? [`${replacedHealthy.length} healthy nodes replaced: ${replacedHealthy.map((d) => `n${d.target}`).join(', ')}`] : [];
  return { rate, quorum, byzantine };
}
