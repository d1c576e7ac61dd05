// Recovery, measured from outside: for each fault a self-healing manager should repair,
// when the system was whole again, and how the manager's loop spent the time in between.
//
// Contract: an observer with the simulator's ground truth (node status, the committed
// membership, quarantines), never read by the manager. A fault starts at its `at` (a
// leader fault is aimed at whoever leads then; an overload at the start of its load
// phase). It is repaired when its effect is gone: the faulty node left the configuration
// and the voters are back to their number, or the class's own cure happened (a crashed or
// leaking node was restarted and caught up, a full disk takes writes again, a byzantine
// node is quarantined, a throttled node no longer leads). A leak drawn on a node that is
// not up at its start never runs (sim/faults/leak.ts): it had no effect to recover from, and
// `noEffect` says so (the recovery check does not judge it). It is recovered at the first
// successful client operation, at or after the repair, at which the p99 of the operations
// completed in the last `slo.window` is within `slo.p99`. MTTR = recovered - start, split
// into detection (M: first symptom), diagnosis (A), decision (P) and execution until
// recovery (E); K is the time from recovery until the manager recorded the outcome.
// Availability is the share of whole seconds (after the first) with a successful write,
// and with one whose second also kept the p99 within the SLO.
import type { Micros, NodeId } from '../../core/env.ts';
import { decodeConfChange } from '../../core/raft/confChange.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { MapekScenario } from './schema.ts';
import type { LeaderSource } from '../faults/schedule.ts';
import type { World } from '../world/world.ts';
import type { ControlPlane } from './controlPlane.ts';

export const FAULT_CLASSES = ['crash', 'leader-crash', 'partition', 'leader-partition', 'leader-slow', 'disk', 'memory', 'byzantine', 'overload'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

export interface TrackedFault {
  index: number;
  cls: FaultClass;
  startUs: Micros;
  /** The node at fault (-1 for overload, or a leader fault that found no leader). */
  target: NodeId;
  repairedUs: Micros | null;
  recoveredUs: Micros | null;
  detectUs: Micros | null;
  diagnosisUs: Micros | null;
  decisionUs: Micros | null;
  knowledgeUs: Micros | null;
  /** The first action taken on it, e.g. "restart" or "replace". */
  action: string;
  /** Overload: when the p99 first broke the SLO after the surge began (it must hurt first). */
  breachUs: Micros | null;
}

/** A caught-up node applied an entry this much past the highest index seen when it came back. */
const APPLY_MARGIN = 1;
const WRITE_OPS = new Set(['put', 'append', 'cas', 'delete']);

/** The class of a fault a manager should repair, or null for faults it is not measured on. */
export function faultClass(f: FaultSpec): FaultClass | null {
  switch (f.kind) {
    case 'crash': case 'shutdown': return 'crash';
    case 'isolate': case 'partition': return 'partition';
    case 'diskFull': return 'disk';
    case 'leak': case 'memory': return 'memory';
    case 'byzantine': return f.mode === 'corrupt' ? 'byzantine' : null;
    case 'leader':
      return f.do === 'crash' || f.do === 'shutdown' ? 'leader-crash' : f.do === 'isolate' ? 'leader-partition' : f.do === 'throttle' ? 'leader-slow' : null;
    default: return null;
  }
}

function targetOf(f: FaultSpec): NodeId {
  if ('node' in f) return f.node;
  if (f.kind === 'isolate') return f.nodes[0];
  if (f.kind === 'partition') return (f.groups.find((g) => g.length === 1) ?? f.groups[0])[0];
  return -1;
}

interface NodeFacts {
  /** Highest index applied anywhere when the node last came up, or -1 while down. */
  upMark: number;
  caughtUp: boolean;
  wentDownAfterStart: Micros;
  lastDiskErrorUs: Micros;
  lastApplyUs: Micros;
}

export class RecoveryTracker {
  readonly faults: TrackedFault[] = [];
  private voters: Set<NodeId>;
  private readonly votersTarget: number;
  private confIndex = 0;
  private maxApplied = 0;
  private readonly facts = new Map<NodeId, NodeFacts>();
  /** Each node's status changes as [time, up], in order: whether a node was up at a moment. */
  private readonly upLog = new Map<NodeId, [Micros, boolean][]>();
  private readonly window: { t: Micros; latencyUs: number }[] = [];
  private readonly invokes = new Map<string, { t: Micros; write: boolean }>();
  private readonly writeSeconds = new Set<number>();
  private readonly secondLatencies = new Map<number, number[]>();
  /** The leader as the servers report it, from 'raft.role' telemetry. */
  private leaderNow: NodeId = -1;

  constructor(private readonly world: World, private readonly s: MapekScenario, leaders: LeaderSource, private readonly cp: ControlPlane | null, private readonly managerNodes: ReadonlySet<NodeId>) {
    const n = s.topology.nodes;
    this.voters = new Set(Array.from({ length: n }, (_, i) => i));
    this.votersTarget = n;
    s.faults.forEach((f, index) => {
      const cls = faultClass(f);
      if (cls === null) return;
      const tf: TrackedFault = { index, cls, startUs: f.at, target: targetOf(f), repairedUs: null, recoveredUs: null, detectUs: null, diagnosisUs: null, decisionUs: null, knowledgeUs: null, action: '', breachUs: null };
      this.faults.push(tf);
      // Resolved in an action scheduled before the nemesis's own, so both see the same leader.
      if (f.kind === 'leader') world.at(f.at, `observe leader fault ${index}`, () => { tf.target = leaders.current(); });
    });
    if (s.manager.base === 'load-kv') this.trackOverload();
    world.status.forEach((st, node) => this.upLog.set(node, [[-1, st === 'up']]));
    world.onTelemetry((t, node, name, f) => this.onTelemetry(t, node, name, f));
    world.onStatusChange((node, status) => this.onStatus(node, status));
  }

  private trackOverload(): void {
    let t = this.s.load.start;
    for (const p of this.s.load.phases) {
      if (p.factor >= 2) this.faults.push({ index: -1, cls: 'overload', startUs: t, target: -1, repairedUs: null, recoveredUs: null, detectUs: null, diagnosisUs: null, decisionUs: null, knowledgeUs: null, action: '', breachUs: null });
      t += p.duration;
    }
  }

  /** The voters as the committed membership changes say. */
  currentVoters(): ReadonlySet<NodeId> {
    return this.voters;
  }

  private fact(n: NodeId): NodeFacts {
    let f = this.facts.get(n);
    if (f === undefined) {
      f = { upMark: 0, caughtUp: true, wentDownAfterStart: -1, lastDiskErrorUs: -Infinity, lastApplyUs: -Infinity };
      this.facts.set(n, f);
    }
    return f;
  }

  /** Whether `node` was up at `t`: its last status change at or before `t` (a change at `t` itself counts). */
  private wasUpAt(node: NodeId, t: Micros): boolean {
    const log = this.upLog.get(node) ?? [];
    for (let i = log.length - 1; i >= 0; i--) if (log[i][0] <= t) return log[i][1];
    return false;
  }

  /**
   * True for a fault that never acted: a leak whose node was not up at its start (a leak
   * starts only on a running process). Only meaningful once the run has passed its start.
   */
  noEffect(tf: TrackedFault): boolean {
    const spec = tf.index >= 0 ? this.s.faults[tf.index] : undefined;
    return spec?.kind === 'leak' && this.world.nowUs >= tf.startUs && !this.wasUpAt(spec.node, tf.startUs);
  }

  private onStatus(node: NodeId, status: string): void {
    let log = this.upLog.get(node);
    if (log === undefined) this.upLog.set(node, (log = []));
    log.push([this.world.nowUs, status === 'up']);
    const f = this.fact(node);
    if (status === 'down') {
      f.upMark = -1;
      f.caughtUp = false;
      f.wentDownAfterStart = this.world.nowUs;
    } else if (status === 'up' && f.upMark === -1) {
      f.upMark = this.maxApplied;
    }
  }

  private onTelemetry(t: Micros, node: NodeId, name: string, f: Readonly<Record<string, string | number | boolean>>): void {
    switch (name) {
      case 'raft.apply': return this.onApply(t, node, f);
      case 'raft.disk_error': this.fact(node).lastDiskErrorUs = t; return;
      case 'raft.role': return this.noteLeader(node, f.role as string);
      case 'kv.invoke': {
        const input = JSON.parse(f.input as string) as { op: string };
        this.invokes.set(`${f.clientId}:${f.rid}`, { t, write: WRITE_OPS.has(input.op) });
        return;
      }
      case 'kv.complete': {
        const key = `${f.clientId}:${f.rid}`;
        const inv = this.invokes.get(key);
        this.invokes.delete(key);
        // A known outcome of a write means it went through the log (a cas mismatch too).
        if (inv === undefined || f.output === '') return;
        return this.onCompletion(t, t - inv.t, inv.write);
      }
      case 'load.done':
        if (f.outcome === 0) this.onCompletion(t, f.latencyUs as number, true);
        return;
      default:
        if (name.startsWith('mapek.') && this.managerNodes.has(node)) this.onManager(t, name, f);
    }
  }

  private onApply(t: Micros, node: NodeId, f: Readonly<Record<string, string | number | boolean>>): void {
    const index = f.index as number;
    const nf = this.fact(node);
    nf.lastApplyUs = t;
    if (nf.upMark >= 0 && index > nf.upMark + APPLY_MARGIN - 1) nf.caughtUp = true;
    if (index > this.maxApplied) this.maxApplied = index;
    if (f.type === 'conf' && index > this.confIndex) {
      this.confIndex = index;
      const cc = decodeConfChange(f.data as string);
      if (cc === null) return;
      if (cc.type === 'addVoter') this.voters.add(cc.node);
      else if (cc.type === 'removeNode') this.voters.delete(cc.node);
    }
  }

  /** Whether the fault's effect is gone at the moment (see the contract). */
  private repaired(tf: TrackedFault): boolean {
    const x = tf.target;
    if (tf.cls === 'overload') return tf.breachUs !== null;
    if (x < 0) return true;
    if (!this.voters.has(x) && this.voters.size >= this.votersTarget) return true;
    const f = this.fact(x);
    const up = this.world.status[x] === 'up';
    const now = this.world.nowUs;
    switch (tf.cls) {
      case 'crash': case 'leader-crash': return up && f.caughtUp;
      case 'memory': return up && f.wentDownAfterStart >= tf.startUs && f.caughtUp;
      case 'disk': return up && f.lastDiskErrorUs >= tf.startUs && now - f.lastDiskErrorUs > 500_000 && f.lastApplyUs > f.lastDiskErrorUs;
      case 'byzantine': return this.cp?.isQuarantined(x) ?? false;
      case 'leader-slow': return this.leaderNow !== x;
      default: return false;
    }
  }

  private onCompletion(t: Micros, latencyUs: number, write: boolean): void {
    const sec = Math.floor(t / 1_000_000);
    if (write) this.writeSeconds.add(sec);
    let lat = this.secondLatencies.get(sec);
    if (lat === undefined) this.secondLatencies.set(sec, (lat = []));
    lat.push(latencyUs);
    this.window.push({ t, latencyUs });
    const from = t - this.s.manager.slo.window;
    let drop = 0;
    while (drop < this.window.length && this.window[drop].t <= from) drop++;
    if (drop > 0) this.window.splice(0, drop);
    const open = this.faults.filter((x) => x.recoveredUs === null && x.startUs <= t);
    if (open.length === 0) return;
    const late = p99(this.window.map((w) => w.latencyUs)) > this.s.manager.slo.p99;
    for (const x of open) {
      if (late && x.cls === 'overload' && x.breachUs === null) x.breachUs = t;
      if (x.repairedUs === null && this.repaired(x)) x.repairedUs = t;
    }
    if (late) return;
    for (const x of open) if (x.repairedUs !== null && this.repaired(x)) x.recoveredUs = t;
  }

  private onManager(t: Micros, name: string, f: Readonly<Record<string, string | number | boolean>>): void {
    const target = f.target as number;
    for (const x of this.faults) {
      if (t < x.startUs) continue;
      const mine = x.cls === 'overload' ? target < 0 || !this.isServer(target) : target === x.target;
      if (name === 'mapek.symptom' && f.state === 'raised' && x.detectUs === null && (mine || target < 0)) x.detectUs = t;
      else if (name === 'mapek.diagnosis' && f.state !== 'gone' && x.diagnosisUs === null && x.detectUs !== null && (x.cls === 'overload' ? f.cause === 'overload' : mine) && (f.confidence as number) >= 0.6) x.diagnosisUs = t;
      else if (name === 'mapek.decision' && x.decisionUs === null && x.diagnosisUs !== null && (x.cls === 'overload' ? f.action === 'tighten-limits' : mine)) {
        x.decisionUs = t;
        x.action = f.action as string;
      } else if (name === 'mapek.outcome' && x.knowledgeUs === null && x.recoveredUs !== null && (x.cls === 'overload' ? f.cause === 'overload' : mine)) x.knowledgeUs = t;
    }
  }

  private isServer(n: NodeId): boolean {
    return n >= 0 && n < this.s.topology.nodes + this.s.topology.spares;
  }

  private noteLeader(node: NodeId, role: string): void {
    if (role === 'leader') this.leaderNow = node;
    else if (this.leaderNow === node) this.leaderNow = -1;
  }

  /** Seconds [1, end) with a successful write, and with one whose p99 met the SLO too. */
  availability(endUs: Micros): { seconds: number; withWrite: number; withinSlo: number } {
    let withWrite = 0;
    let withinSlo = 0;
    const last = Math.floor(endUs / 1_000_000);
    for (let sec = 1; sec < last; sec++) {
      if (!this.writeSeconds.has(sec)) continue;
      withWrite++;
      if (p99(this.secondLatencies.get(sec) ?? []) <= this.s.manager.slo.p99) withinSlo++;
    }
    return { seconds: Math.max(0, last - 1), withWrite, withinSlo };
  }
}

export function p99(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.99 * s.length) - 1)];
}
