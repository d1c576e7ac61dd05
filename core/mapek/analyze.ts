// Analyze: turns each monitoring round into the manager's belief about the cluster
// (clusterView.ts) and into symptoms, through per-series baselines and hysteresis.
//
// Contract: `round` folds one closed round in and returns the symptoms raised and cleared
// by it. Missing samples are tolerated: a node that did not answer in time is only
// unreachable when no late answer arrived either, and its other series simply skip the
// round. Each condition is judged against the node's peers (round trip, clock offset) or
// against a learned baseline (canary latency, gateway p99 and demand), with thresholds
// from the config and the knowledge base. An accusation (a peer whose messages are
// refused) needs `reportersMin` distinct accusers, the manager itself counting as one, so
// a single lying node cannot get a healthy one blamed. Leader and membership come from
// the majority of answers, not from any single node's claim.
import type { Micros, NodeId } from '../env.ts';
import type { ServerStatus } from '../kv/admin.ts';
import { Baseline } from './baseline.ts';
import { emptyView, type ClusterView } from './clusterView.ts';
import { DEMAND_SURGE_RATIO } from './diagnose.ts';
import type { ManagerConfig } from './config.ts';
import type { HostInfo } from './controlProtocol.ts';
import type { Knowledge } from './knowledge.ts';
import type { GatewaySample, RoundView, ServerSample } from './monitor.ts';
import { SymptomTracker } from './symptomTracker.ts';
import { Trend } from './trend.ts';
import type { Symptom } from './types.ts';

/** The manager's own KV operations (lease renewals, canary writes) seen in a round. */
export interface CanaryView {
  latenciesUs: number[];
  /** When the operation still waiting was first sent, or null. */
  pendingSinceUs: Micros | null;
}

interface NodeState {
  lastHeardUs: Micros;
  status: ServerStatus | null;
  rttUs: number;
  /** The last RTT_WINDOW round trips: slowness is judged on their median, not one spike. */
  rtts: number[];
  cpu: { busyUs: number; atUs: number } | null;
  busyFraction: number;
  memory: Trend;
  diskErrorsDelta: number;
  rejected: Map<NodeId, number>;
  rejectedDelta: Map<NodeId, number>;
  offsetUs: number | null;
}

interface GatewayState {
  prev: GatewaySample['status'] | null;
  p99: Baseline;
  demand: Baseline;
  demandRatio: number;
  p99Us: number;
  errorRate: number;
  /** Backend attempts per admitted request lately (retries multiply the load). */
  amplification: number;
}

type Present = Omit<Symptom, 'sinceUs'>;

/** Baseline settings per series class: how fast they learn and their floor. */
const CANARY_BASELINE = { alpha: 0.05, warmup: 10, sdFloor: 2_000 };
const P99_BASELINE = { alpha: 0.05, warmup: 10, sdFloor: 5_000 };
const DEMAND_BASELINE = { alpha: 0.1, warmup: 10, sdFloor: 5 };
const MEMORY_TREND_SAMPLES = 8;
/** A follower whose log is within this many entries of the commit index keeps up with the leader. */
const HEALTHY_LAG = 10;
/** Round trips per node whose median says whether it is slow. */
const RTT_WINDOW = 5;

export class Analyzer {
  readonly tracker: SymptomTracker;
  view: ClusterView;
  private readonly nodes = new Map<NodeId, NodeState>();
  private readonly gateways = new Map<NodeId, GatewayState>();
  private readonly leaderChangesUs: Micros[] = [];
  private lastLeader = -1;
  readonly canary: Baseline;
  /** The demand ratio of the busiest gateway (offered rate over its baseline). */
  demandRatio = 1;
  /** Each gateway's smoothed rate of `ok` answers, per second: what the cluster can serve. */
  private readonly okRate = new Map<NodeId, number>();

  constructor(private readonly cfg: ManagerConfig, private readonly knowledge: Knowledge) {
    this.tracker = new SymptomTracker(cfg.raiseRounds, cfg.clearRounds, { 'disk-errors': 1, 'rejected-peer': 1 });
    this.view = emptyView(cfg.servers);
    this.canary = new Baseline(CANARY_BASELINE, knowledge.baseline('canary.latency'));
  }

  setHosts(hosts: readonly HostInfo[]): void {
    for (const h of hosts) this.view.hosts.set(h.node, h);
  }

  private node(n: NodeId): NodeState {
    let s = this.nodes.get(n);
    if (s === undefined) {
      s = { lastHeardUs: -Infinity, status: null, rttUs: 0, rtts: [], cpu: null, busyFraction: 0, memory: new Trend(MEMORY_TREND_SAMPLES), diskErrorsDelta: 0, rejected: new Map(), rejectedDelta: new Map(), offsetUs: null };
      this.nodes.set(n, s);
    }
    return s;
  }

  /** Folds one closed round in; returns what it raised and cleared. */
  round(r: RoundView, canary: CanaryView, nowUs: Micros): { raised: Symptom[]; cleared: Symptom[] } {
    const samples = [...r.replies.values(), ...r.late].sort((a, b) => a.recvUs - b.recvUs || a.node - b.node);
    for (const n of r.servers) {
      const s = this.node(n);
      s.diskErrorsDelta = 0;
      s.rejectedDelta = new Map();
    }
    for (const x of samples) this.fold(x);
    this.updateMembership(samples, nowUs);
    const present: Present[] = [];
    this.nodeSymptoms(r, nowUs, present);
    this.clusterSymptoms(r, canary, nowUs, present);
    this.gatewaySymptoms(r, present);
    this.updateHealth(r.startUs);
    return this.tracker.update(nowUs, present);
  }

  private fold(x: ServerSample): void {
    const s = this.node(x.node);
    const st = x.status;
    s.lastHeardUs = Math.max(s.lastHeardUs, x.recvUs);
    s.rtts.push(x.rttUs);
    if (s.rtts.length > RTT_WINDOW) s.rtts.shift();
    s.rttUs = median(s.rtts);
    const prev = s.status;
    if (prev !== null && st.cpuBusyUs >= 0 && s.cpu !== null && st.nowUs > s.cpu.atUs && st.cpuBusyUs >= s.cpu.busyUs) {
      s.busyFraction = (st.cpuBusyUs - s.cpu.busyUs) / (st.nowUs - s.cpu.atUs);
    }
    s.cpu = st.cpuBusyUs >= 0 ? { busyUs: st.cpuBusyUs, atUs: st.nowUs } : null;
    // A restart (memory or counters going down) starts the node's series afresh.
    if (prev !== null && (st.memoryBytes < prev.memoryBytes * 0.5 || st.diskErrors < prev.diskErrors)) s.memory.clear();
    if (st.memoryBytes >= 0) s.memory.add(x.recvUs, st.memoryBytes);
    s.diskErrorsDelta += prev !== null && st.diskErrors > prev.diskErrors ? st.diskErrors - prev.diskErrors : 0;
    for (const [from, count] of st.rejectedFrom) {
      const before = s.rejected.get(from) ?? 0;
      const d = count >= before ? count - before : count;
      if (d > 0) s.rejectedDelta.set(from, (s.rejectedDelta.get(from) ?? 0) + d);
      s.rejected.set(from, count);
    }
    s.offsetUs = st.nowUs - (x.sentUs + x.recvUs) / 2;
    s.status = st;
  }

  /** Leader, term and membership by majority of this round's answers. */
  private updateMembership(samples: ServerSample[], nowUs: Micros): void {
    const v = this.view;
    const votes = new Map<NodeId, number>();
    for (const x of samples) if (x.status.lead >= 0) votes.set(x.status.lead, (votes.get(x.status.lead) ?? 0) + 1);
    let leader = -1;
    let best = 0;
    for (const [n, c] of [...votes].sort((a, b) => a[0] - b[0])) {
      if (c > best) {
        best = c;
        leader = n;
      }
    }
    // A claim only counts if the claimed leader agrees, or nobody else answered it.
    const claimant = samples.find((x) => x.node === leader);
    if (leader >= 0 && claimant !== undefined && claimant.status.role !== 'leader') leader = -1;
    if (samples.length > 0) {
      if (leader !== this.lastLeader && leader >= 0) this.leaderChangesUs.push(nowUs);
      if (leader >= 0) this.lastLeader = leader;
      v.leader = leader;
    }
    while (this.leaderChangesUs.length > 0 && this.leaderChangesUs[0] < nowUs - this.cfg.thresholds.churnWindowUs) this.leaderChangesUs.shift();
    const fromLeader = samples.filter((x) => x.node === leader).pop();
    if (fromLeader !== undefined) {
      const st = fromLeader.status;
      v.voters = [...st.voters];
      v.learners = [...st.learners];
      v.term = st.term;
      v.commit = Math.max(v.commit, st.commit);
      v.progress = new Map(st.progress.map((p) => [p.node, { match: p.match, active: p.active }]));
    } else if (samples.length > 0) {
      // No word from a leader: the configuration most answers agree on.
      const confs = new Map<string, number>();
      for (const x of samples) {
        const key = `${x.status.voters.join(',')}|${x.status.learners.join(',')}`;
        confs.set(key, (confs.get(key) ?? 0) + 1);
      }
      const [key] = [...confs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
      const [vs, ls] = key.split('|');
      v.voters = vs === '' ? [] : vs.split(',').map(Number);
      v.learners = ls === '' ? [] : ls.split(',').map(Number);
      v.progress = new Map();
    }
    for (const x of samples) v.status.set(x.node, x.status);
  }

  private nodeSymptoms(r: RoundView, nowUs: Micros, out: Present[]): void {
    const t = this.cfg.thresholds;
    const heard = r.servers.filter((n) => this.node(n).lastHeardUs >= r.startUs);
    const rtts = new Map(heard.map((n) => [n, this.node(n).rttUs]));
    // Offsets only from quick round trips: a request that queued on a busy node makes the
    // node's clock look ahead by half the wait (NTP keeps its minimum-delay samples too).
    const offsets = new Map<NodeId, number>();
    for (const n of heard) {
      const s = this.node(n);
      if (s.offsetUs !== null && s.rttUs <= t.clockSkewUs / 2) offsets.set(n, s.offsetUs);
    }
    for (const n of r.servers) {
      const s = this.node(n);
      if (s.lastHeardUs < r.startUs) {
        out.push({ kind: 'unreachable', target: n, value: s.lastHeardUs === -Infinity ? -1 : Math.round(nowUs - s.lastHeardUs), detail: 'no status answer this round' });
        continue;
      }
      const st = s.status as ServerStatus;
      const others = [...rtts].filter(([m]) => m !== n).map(([, x]) => x);
      const med = median(others);
      if (others.length > 0 && s.rttUs >= t.slowRttUs && s.rttUs >= t.slowRatio * Math.max(1, med)) {
        out.push({ kind: 'slow-node', target: n, value: Math.round(s.rttUs), detail: `status round trip ${(s.rttUs / 1000).toFixed(1)} ms (median of the last ${s.rtts.length}) vs peers' ${(med / 1000).toFixed(1)} ms` });
      } else if (s.busyFraction >= t.busyFraction) {
        out.push({ kind: 'slow-node', target: n, value: round3(s.busyFraction), detail: `CPU ${(s.busyFraction * 100).toFixed(0)}% busy` });
      }
      if (s.diskErrorsDelta > 0) out.push({ kind: 'disk-errors', target: n, value: s.diskErrorsDelta, detail: `${s.diskErrorsDelta} failed disk writes` });
      if (st.diskBytesMax > 0 && st.diskBytesUsed / st.diskBytesMax >= t.diskFraction) {
        out.push({ kind: 'disk-nearly-full', target: n, value: round3(st.diskBytesUsed / st.diskBytesMax), detail: `disk ${st.diskBytesUsed} of ${st.diskBytesMax} bytes` });
      }
      this.memorySymptom(n, s, st, out);
      const off = offsets.get(n);
      const offMed = median([...offsets].filter(([m]) => m !== n).map(([, x]) => x));
      if (off !== undefined && offsets.size >= 3 && Math.abs(off - offMed) > t.clockSkewUs) {
        out.push({ kind: 'clock-skew', target: n, value: Math.round(off - offMed), detail: `clock ${((off - offMed) / 1000).toFixed(0)} ms off its peers` });
      }
    }
    this.accusations(r, out);
  }

  private memorySymptom(n: NodeId, s: NodeState, st: ServerStatus, out: Present[]): void {
    const t = this.cfg.thresholds;
    if (st.memoryBytesMax <= 0 || st.memoryBytes < 0) return;
    const frac = st.memoryBytes / st.memoryBytesMax;
    const eta = s.memory.timeToReachUs(st.memoryBytesMax);
    if (frac >= t.memoryFraction) out.push({ kind: 'memory-trend', target: n, value: round3(frac), detail: `memory at ${(frac * 100).toFixed(0)}% of the budget` });
    // A tenth of the budget at least: a nearly empty node's noise is no trend.
    else if (frac >= 0.1 && eta <= t.memoryHorizonUs) out.push({ kind: 'memory-trend', target: n, value: Math.round(eta), detail: `memory at ${(frac * 100).toFixed(0)}%, reaching the budget in ${(eta / 1e6).toFixed(1)} s` });
  }

  /** A peer whose messages several reporters refused (the manager counts as one). */
  private accusations(r: RoundView, out: Present[]): void {
    const t = this.cfg.thresholds;
    const accusers = new Map<NodeId, Set<NodeId>>();
    for (const reporter of r.servers) {
      for (const [from, d] of this.node(reporter).rejectedDelta) {
        if (d < t.rejectsMin || from === reporter) continue;
        if (!accusers.has(from)) accusers.set(from, new Set());
        (accusers.get(from) as Set<NodeId>).add(reporter);
      }
    }
    const MANAGER = -2;
    for (const [from, count] of r.malformed) {
      if (count < 1) continue;
      if (!accusers.has(from)) accusers.set(from, new Set());
      (accusers.get(from) as Set<NodeId>).add(MANAGER);
    }
    for (const [n, who] of [...accusers].sort((a, b) => a[0] - b[0])) {
      if (who.size >= t.reportersMin) out.push({ kind: 'rejected-peer', target: n, value: who.size, detail: `messages refused by ${[...who].sort((a, b) => a - b).map((w) => (w === MANAGER ? 'the manager' : `n${w}`)).join(', ')}` });
    }
  }

  private clusterSymptoms(r: RoundView, canary: CanaryView, nowUs: Micros, out: Present[]): void {
    const t = this.cfg.thresholds;
    if (r.replies.size + r.late.length > 0 && this.view.leader < 0) out.push({ kind: 'no-leader', target: -1, value: 0, detail: 'no agreed leader this round' });
    if (this.leaderChangesUs.length >= t.churnChanges) out.push({ kind: 'leader-churn', target: -1, value: this.leaderChangesUs.length, detail: `${this.leaderChangesUs.length} leader changes in ${t.churnWindowUs / 1e6} s` });
    const pendingUs = canary.pendingSinceUs === null ? 0 : nowUs - canary.pendingSinceUs;
    if (pendingUs >= t.commitStallUs) out.push({ kind: 'commit-stall', target: -1, value: Math.round(pendingUs), detail: `a write has waited ${(pendingUs / 1000).toFixed(0)} ms` });
    const k = this.knowledge.thresholdK('canary.latency', t.zScore);
    let worst = pendingUs;
    for (const lat of canary.latenciesUs) {
      this.canary.observe(lat, k);
      worst = Math.max(worst, lat);
    }
    const z = this.canary.score(worst);
    if (worst > 0 && ((z > k && worst > 2 * this.canary.mean && worst >= t.latencySloUs / 4) || worst > t.latencySloUs)) {
      out.push({ kind: 'latency-up', target: -1, value: Math.round(worst), detail: `canary write ${(worst / 1000).toFixed(1)} ms (baseline ${(this.canary.mean / 1000).toFixed(1)} ms)` });
    }
  }

  private gatewaySymptoms(r: RoundView, out: Present[]): void {
    const t = this.cfg.thresholds;
    for (const g of r.gatewaysAsked) {
      const x = r.gateways.get(g);
      let s = this.gateways.get(g);
      if (s === undefined) {
        s = { prev: null, p99: new Baseline(P99_BASELINE, this.knowledge.baseline(`gw.p99/${g}`)), demand: new Baseline(DEMAND_BASELINE, this.knowledge.baseline(`gw.demand/${g}`)), demandRatio: 1, p99Us: 0, errorRate: 0, amplification: 1 };
        this.gateways.set(g, s);
      }
      if (x === undefined) continue;
      const st = x.status;
      const prev = s.prev;
      s.prev = st;
      if (prev === null || st.nowUs <= prev.nowUs || st.received < prev.received) continue;
      const dtS = (st.nowUs - prev.nowUs) / 1e6;
      const rate = (st.received - prev.received) / dtS;
      const okNow = (st.ok - prev.ok) / dtS;
      const admitted = st.admitted - prev.admitted;
      if (admitted > 0) s.amplification = Math.max(1, (st.attempts - prev.attempts) / admitted);
      const okBefore = this.okRate.get(g);
      this.okRate.set(g, okBefore === undefined ? okNow : 0.7 * okBefore + 0.3 * okNow);
      // An idle gateway (before the load starts) says nothing about normal demand, and a
      // surge must not teach the baseline that it is normal: demand is noisy round to round,
      // so a z-score would let a surge in (its variance grows with every sample it folds);
      // the baseline learns only from rates within the surge ratio of what it knows.
      if (rate > 0 && (!s.demand.warm || rate <= s.demand.mean * DEMAND_SURGE_RATIO)) s.demand.observe(rate);
      s.demandRatio = s.demand.warm ? rate / Math.max(1, s.demand.mean) : 1;
      const answered = st.ok + st.errors + st.timeouts - (prev.ok + prev.errors + prev.timeouts);
      const failed = st.errors + st.timeouts - (prev.errors + prev.timeouts);
      s.errorRate = answered > 0 ? failed / answered : 0;
      s.p99Us = st.latencyP99Us;
      const k = this.knowledge.thresholdK('gw.p99', t.zScore);
      const z = st.latencyCount > 0 ? s.p99.observe(st.latencyP99Us, k) : 0;
      if (st.latencyCount > 0 && (st.latencyP99Us > t.latencySloUs || (z > k && st.latencyP99Us > 2 * s.p99.mean && st.latencyP99Us >= t.latencySloUs / 4))) {
        out.push({ kind: 'latency-up', target: g, value: st.latencyP99Us, detail: `gateway p99 ${(st.latencyP99Us / 1000).toFixed(1)} ms (SLO ${t.latencySloUs / 1000} ms)` });
      }
      if (answered >= 10 && s.errorRate > t.errorRate) out.push({ kind: 'error-rate-up', target: g, value: round3(s.errorRate), detail: `${(s.errorRate * 100).toFixed(1)}% of answers failed or timed out` });
    }
    // A gateway that did not answer this round keeps its last figure: a missing sample
    // must not read as demand back to normal (that would lift a limit mid-surge).
    let demand = 1;
    for (const s of this.gateways.values()) demand = Math.max(demand, s.demandRatio);
    this.demandRatio = demand;
  }

  /**
   * Which voters the manager counts as healthy (see clusterView.ts): heard from during
   * this round (an answer, even a late one to an earlier round), or reported active by the
   * leader. Anything older is not trusted: the quorum guard must not count a node that may
   * have died since.
   */
  private updateHealth(roundStartUs: Micros): void {
    const v = this.view;
    const recent = roundStartUs;
    const healthy = new Set<NodeId>();
    for (const n of [...v.voters, ...v.learners]) {
      const s = this.nodes.get(n);
      const heard = s !== undefined && s.lastHeardUs >= recent;
      const host = v.hosts.get(n);
      if (host !== undefined && (host.quarantined || host.decommissioned)) continue;
      const p = v.progress.get(n);
      // The leader's word: a member it heard from lately, or one whose log keeps up, is with
      // it. (Its "recently active" flags are all cleared at each of its quorum checks, so
      // a clear flag alone is no evidence against a member.)
      const leaderSays = v.leader >= 0 && n !== v.leader && p !== undefined ? p.active || p.match >= v.commit - HEALTHY_LAG : null;
      if (leaderSays === true || (heard && leaderSays !== false)) healthy.add(n);
    }
    v.healthy = healthy;
  }

  /** Saves the learned baselines into the knowledge base. */
  saveBaselines(): void {
    this.knowledge.saveBaseline('canary.latency', this.canary.state);
    for (const [g, s] of [...this.gateways].sort((a, b) => a[0] - b[0])) {
      this.knowledge.saveBaseline(`gw.p99/${g}`, s.p99.state);
      this.knowledge.saveBaseline(`gw.demand/${g}`, s.demand.state);
    }
  }

  gatewayFigures(g: NodeId): { p99Us: number; errorRate: number; demandRatio: number; okRatePerSec: number; amplification: number; limitPerSec: number } | null {
    const s = this.gateways.get(g);
    if (s === undefined || s.prev === null) return null;
    return { p99Us: s.p99Us, errorRate: s.errorRate, demandRatio: s.demandRatio, okRatePerSec: this.okRate.get(g) ?? 0, amplification: s.amplification, limitPerSec: s.prev.limitRatePerSec };
  }

  /** A gateway's learned normal demand (requests/s), 0 while unknown. */
  demandBaseline(g: NodeId): number {
    const s = this.gateways.get(g);
    return s !== undefined && s.demand.warm ? s.demand.mean : 0;
  }

  /** Forgets a node that left the cluster for good. */
  forget(n: NodeId): void {
    this.nodes.delete(n);
    this.tracker.forget(n);
  }
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
