// Plan: chooses what to do about each diagnosis, under safety rules.
//
// Contract: each round, `plan` walks the diagnoses by priority (severity of the cause
// times confidence) and returns the actions to start now, the diagnoses it holds back
// (with the rule that held them) and the episodes that ended. An episode is one diagnosis
// from first sight to its end; it walks a ladder of candidate actions ranked by the
// knowledge base, moving to the next rung when an action fails or has not made the
// diagnosis go away within its verify time. Safety rules, checked before every start:
//   - at most one disruptive action (restart, replace, transfer, quarantine) in flight,
//     and at most one action of any kind per target;
//   - the quorum guard: never start an action after which fewer than a quorum of the
//     voters would be healthy, unless the control plane reports the target's host down
//     (an action on a node that is already out cannot take anything more out);
//   - a cool-down per target after each action, and a token bucket on the action rate;
//   - a spare must be free for a replace.
// An overload is met with a deep cut of the gateway's rate (so the backlog already queued
// on the leader drains), then, once the service has been healthy for `clearRounds` rounds
// while demand is still high, a step back up to the rate the cluster was serving; the limit
// is lifted only once demand has been back near its baseline for `clearRounds` rounds
// (hysteresis), never on the first quiet round.
import type { Micros, NodeId, Random } from '../env.ts';
import { TokenBucket } from '../resilience/rateLimit/tokenBucket.ts';
import { healthyVoters, hostDown, quorum, type ClusterView } from './clusterView.ts';
import type { ManagerConfig } from './config.ts';
import type { Knowledge } from './knowledge.ts';
import { DISRUPTIVE, diagnosisKey, type ActionKind, type ActionRecord, type Cause, type Diagnosis, type Outcome } from './types.ts';

/** The prior ladder per cause, before the knowledge base reorders it. */
export const LADDERS: Record<Cause, ActionKind[]> = {
  'crashed': ['restart', 'replace'],
  'unresponsive': ['restart', 'replace'],
  // A restart leaves the process on the same host and network, so it cannot end an
  // isolation: a replacement first, a restart only when no spare is free (or it has worked).
  'isolated': ['replace', 'restart'],
  'quarantined': ['replace'],
  'slow-leader': ['transfer-leader', 'replace'],
  'slow-node': ['replace'],
  'disk-full': ['compact', 'replace'],
  'memory-leak': ['restart', 'replace'],
  'byzantine': ['quarantine', 'replace'],
  'clock-skew': ['resync-clock', 'restart'],
  // Each rung tightens further (see limitFor): a limit that did not help halves.
  'overload': ['tighten-limits', 'tighten-limits', 'tighten-limits'],
  'quorum-loss': [],
};

/** How much a cause hurts if left alone, 0..10. */
export const SEVERITY: Record<Cause, number> = {
  'crashed': 9, 'byzantine': 9, 'unresponsive': 8, 'isolated': 8, 'slow-leader': 8, 'disk-full': 7, 'overload': 7,
  'memory-leak': 6, 'quarantined': 5, 'slow-node': 4, 'clock-skew': 3, 'quorum-loss': 0,
};

/** Diagnoses below this confidence wait for more evidence. */
export const CONFIDENCE_MIN = 0.6;
/** Demand within this ratio of its baseline counts as normal again (relaxing limits). */
export const DEMAND_NORMAL_RATIO = 1.25;
/** The first cut admits this share of the sustainable rate, to drain what already queued. */
export const DRAIN_SHARE = 0.5;

export interface Decision {
  kind: ActionKind;
  target: NodeId;
  cause: Cause;
  spare: NodeId;
  /** tighten-limits: the new rate per second; resync-clock: the clock correction, µs; else 0. */
  arg: number;
  episodeKey: string;
}

export interface EpisodeEnd {
  key: string;
  cause: Cause;
  target: NodeId;
  outcome: Outcome;
  /** The action credited (or blamed), or null if none was taken (a false alarm). */
  action: ActionKind | null;
  ttrUs: Micros;
  symptoms: string[];
}

interface Episode {
  key: string;
  cause: Cause;
  target: NodeId;
  startedUs: Micros;
  ladder: ActionKind[];
  step: number;
  current: ActionRecord | null;
  verifyUntilUs: Micros;
  symptoms: string[];
  /** The diagnosis' figure, kept current (a clock offset for resync-clock). */
  value: number;
  /** Set once the ladder is exhausted: retried from the top after a long pause. */
  exhaustedUs: Micros | null;
  /** When the diagnosis went away after an action, or null: it must stay away to count. */
  goneUs: Micros | null;
}

export interface PlanContext {
  view: ClusterView;
  nowUs: Micros;
  demandRatio: number;
  /**
   * Per gateway: the rate of ok answers lately, the demand baseline, the retry
   * amplification (backend attempts per admitted request) and the operator limit in force.
   */
  gateways: { node: NodeId; okRatePerSec: number; baselinePerSec: number; amplification: number; limitPerSec: number }[];
}

export class Planner {
  readonly episodes = new Map<string, Episode>();
  private readonly lastEndUs = new Map<NodeId, Micros>();
  private readonly bucket: TokenBucket;
  private readonly inFlight = new Map<number, ActionRecord>();
  private readonly sparesUsed = new Set<NodeId>();
  /** Gateways whose limits we tightened: quiet rounds since, and the rate to step back up to. */
  private readonly tightened = new Map<NodeId, { quiet: number; sustainable: number }>();
  private idNext = 1;
  /** The last deferral reason per episode, to report changes only. */
  private readonly lastDeferral = new Map<string, string>();

  constructor(private readonly cfg: ManagerConfig, private readonly knowledge: Knowledge, private readonly random: Random, nowUs: Micros) {
    this.bucket = new TokenBucket({ ratePerSec: cfg.actionRate.perMinute / 60, burst: cfg.actionRate.burst }, nowUs);
  }

  /** Marks spares as used (e.g. found in the membership after a failover). */
  useSpare(n: NodeId): void {
    this.sparesUsed.add(n);
  }

  freeSpare(view: ClusterView): NodeId {
    const members = new Set([...view.voters, ...view.learners]);
    for (const s of this.cfg.spares) {
      const h = view.hosts.get(s);
      if (!this.sparesUsed.has(s) && !members.has(s) && !(h?.decommissioned ?? false)) return s;
    }
    return -1;
  }

  running(): ActionRecord[] {
    return [...this.inFlight.values()].sort((a, b) => a.id - b.id);
  }

  plan(diagnoses: readonly Diagnosis[], ctx: PlanContext): { decisions: Decision[]; deferred: { key: string; reason: string }[]; ended: EpisodeEnd[] } {
    const decisions: Decision[] = [];
    const deferred: { key: string; reason: string }[] = [];
    const ended = this.endEpisodes(diagnoses, ctx.nowUs);
    const ordered = [...diagnoses].sort((a, b) => SEVERITY[b.cause] * b.confidence - SEVERITY[a.cause] * a.confidence || a.target - b.target || (a.cause < b.cause ? -1 : 1));
    for (const d of ordered) {
      if (LADDERS[d.cause].length === 0 || d.confidence < CONFIDENCE_MIN) continue;
      const ep = this.episodeFor(d, ctx.nowUs);
      if (ep === null) continue;
      if (!this.advance(ep, ctx.nowUs, ended)) continue;
      const r = this.tryStart(ep, ctx, decisions);
      if (r !== null) {
        if (this.lastDeferral.get(ep.key) !== r) deferred.push({ key: ep.key, reason: r });
        this.lastDeferral.set(ep.key, r);
      } else this.lastDeferral.delete(ep.key);
    }
    this.relaxLimits(diagnoses, ctx, decisions);
    return { decisions, deferred, ended };
  }

  private episodeFor(d: Diagnosis, nowUs: Micros): Episode | null {
    const key = diagnosisKey(d);
    let ep = this.episodes.get(key);
    if (ep === undefined) {
      const candidates = LADDERS[d.cause].filter((a) => this.cfg.allowed.includes(a));
      if (candidates.length === 0) return null;
      ep = { key, cause: d.cause, target: d.target, startedUs: d.sinceUs, ladder: this.knowledge.rank(d.cause, candidates, this.random), step: 0, current: null, verifyUntilUs: 0, symptoms: [...d.symptoms], value: d.value, exhaustedUs: null, goneUs: null };
      this.episodes.set(key, ep);
    }
    ep.symptoms = [...d.symptoms];
    ep.value = d.value;
    if (d.cause !== ep.cause && ep.step === 0 && ep.current === null && ep.exhaustedUs === null) {
      // Nothing tried yet, and the evidence has sharpened (a node first only unresponsive,
      // with no leader to ask, now known to be cut off): the sharper cause picks the ladder.
      const candidates = LADDERS[d.cause].filter((a) => this.cfg.allowed.includes(a));
      if (candidates.length > 0) {
        ep.cause = d.cause;
        ep.ladder = this.knowledge.rank(d.cause, candidates, this.random);
      }
    }
    if (ep.goneUs !== null && ep.current !== null) {
      // A relapse while settling: the action did not cure it after all.
      this.knowledge.record({ cause: ep.cause, target: ep.target, action: ep.current.kind, outcome: 'no-effect', ttrUs: nowUs - ep.startedUs, atUs: nowUs, run: this.knowledge.data.runs });
      ep.current.outcome = 'no-effect';
      ep.current = null;
      ep.goneUs = null;
      ep.step++;
      if (ep.step >= ep.ladder.length) ep.exhaustedUs = nowUs;
    }
    if (ep.exhaustedUs !== null) {
      // Tried everything: start the ladder again only after a long pause.
      if (nowUs < ep.exhaustedUs + 5 * this.cfg.cooldownUs) return null;
      ep.exhaustedUs = null;
      ep.step = 0;
    }
    return ep;
  }

  /**
   * Moves an episode past an action that ended without curing it. Returns true when the
   * episode wants a new action now.
   */
  private advance(ep: Episode, nowUs: Micros, ended: EpisodeEnd[]): boolean {
    const a = ep.current;
    if (a === null) return true;
    if (a.doneUs === null) return false;
    if (a.outcome === 'failed' || nowUs >= ep.verifyUntilUs) {
      const outcome: Outcome = a.outcome === 'failed' ? 'failed' : 'no-effect';
      a.outcome = outcome;
      this.knowledge.record({ cause: ep.cause, target: ep.target, action: a.kind, outcome, ttrUs: nowUs - ep.startedUs, atUs: nowUs, run: this.knowledge.data.runs });
      ended.push({ key: ep.key, cause: ep.cause, target: ep.target, outcome, action: a.kind, ttrUs: nowUs - ep.startedUs, symptoms: ep.symptoms });
      ep.current = null;
      ep.step++;
      if (ep.step >= ep.ladder.length) {
        ep.exhaustedUs = nowUs;
        return false;
      }
      return true;
    }
    return false;
  }

  /**
   * Episodes whose diagnosis is gone. One with an action must stay gone for `settleUs`
   * before the action is credited (a relapse moves the ladder on instead); one without an
   * action ends at once, as a false alarm.
   */
  private endEpisodes(diagnoses: readonly Diagnosis[], nowUs: Micros): EpisodeEnd[] {
    const live = new Set(diagnoses.map(diagnosisKey));
    const ended: EpisodeEnd[] = [];
    for (const [key, ep] of [...this.episodes].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (live.has(key)) continue;
      const a = ep.current;
      if (a !== null && a.doneUs === null) continue; // Judge the action once it has finished.
      if (a !== null && a.outcome !== 'failed') {
        if (ep.goneUs === null) ep.goneUs = nowUs;
        if (nowUs < ep.goneUs + this.cfg.settleUs) continue;
        const ttrUs = ep.goneUs - ep.startedUs;
        a.outcome = 'recovered';
        this.knowledge.record({ cause: ep.cause, target: ep.target, action: a.kind, outcome: 'recovered', ttrUs, atUs: nowUs, run: this.knowledge.data.runs });
        ended.push({ key, cause: ep.cause, target: ep.target, outcome: 'recovered', action: a.kind, ttrUs, symptoms: ep.symptoms });
      } else if (a === null && ep.step === 0) {
        ended.push({ key, cause: ep.cause, target: ep.target, outcome: 'no-effect', action: null, ttrUs: nowUs - ep.startedUs, symptoms: ep.symptoms });
      }
      this.episodes.delete(key);
      this.lastDeferral.delete(key);
    }
    return ended;
  }

  /** Targets with an action running or being verified: their other diagnoses are our doing. */
  busyTargets(): Map<NodeId, string> {
    const out = new Map<NodeId, string>();
    for (const ep of this.episodes.values()) if (ep.current !== null && ep.target >= 0) out.set(ep.target, ep.key);
    return out;
  }

  /** Starts the episode's current rung if every rule allows; otherwise the rule that held it. */
  private tryStart(ep: Episode, ctx: PlanContext, decisions: Decision[]): string | null {
    while (ep.step < ep.ladder.length) {
      const kind = ep.ladder[ep.step];
      const spare = kind === 'replace' ? this.freeSpare(ctx.view) : -1;
      if (kind === 'replace' && spare < 0) {
        ep.step++;
        continue;
      }
      const held = this.held(kind, ep.target, ctx);
      if (held !== null) return held;
      const arg = kind === 'tighten-limits' ? this.limitFor(ctx) : kind === 'resync-clock' ? -ep.value : 0;
      const rec: ActionRecord = { id: this.idNext++, kind, target: ep.target, cause: ep.cause, spare, decidedUs: ctx.nowUs, doneUs: null, outcome: null, detail: '' };
      ep.current = rec;
      this.inFlight.set(rec.id, rec);
      if (spare >= 0) this.sparesUsed.add(spare);
      if (kind === 'tighten-limits') for (const g of ctx.gateways) this.tightened.set(g.node, { quiet: 0, sustainable: this.tightened.get(g.node)?.sustainable ?? Math.round(arg / DRAIN_SHARE) });
      decisions.push({ kind, target: ep.target, cause: ep.cause, spare, arg, episodeKey: ep.key });
      return null;
    }
    ep.exhaustedUs = ctx.nowUs;
    return 'no action left to try';
  }

  /** The safety rules, in order; null when the action may start now. */
  held(kind: ActionKind, target: NodeId, ctx: PlanContext): string | null {
    const bugs = this.cfg.bugs;
    if (DISRUPTIVE.has(kind) && [...this.inFlight.values()].some((a) => DISRUPTIVE.has(a.kind))) return 'another disruptive action is in flight';
    if ([...this.inFlight.values()].some((a) => a.target === target)) return `another action on ${target < 0 ? 'the service' : `n${target}`} is in flight`;
    if (!bugs.noQuorumGuard && !this.quorumSafe(kind, target, ctx.view)) return 'quorum guard: it would leave fewer than a quorum of healthy voters';
    if (!bugs.noCooldown) {
      const last = this.lastEndUs.get(target);
      if (last !== undefined && ctx.nowUs < last + this.cfg.cooldownUs) return `cool-down on ${target < 0 ? 'the service' : `n${target}`}`;
      if (this.bucket.tokens(ctx.nowUs) < 1) return 'action rate limit';
      this.bucket.tryAcquire(ctx.nowUs);
    }
    return null;
  }

  /**
   * True when, with the target out of service, a quorum of the voters stays healthy. Only a
   * target whose host the control plane reports down is exempt (an action on it cannot take
   * anything more out); one that merely does not answer the manager may be serving the
   * others, so it counts as taken out.
   */
  quorumSafe(kind: ActionKind, target: NodeId, v: ClusterView): boolean {
    if (!DISRUPTIVE.has(kind)) return true;
    const healthy = healthyVoters(v);
    if (kind === 'transfer-leader') return healthy.length >= quorum(v.voters.length);
    if (hostDown(v, target)) return true;
    return healthy.filter((n) => n !== target).length >= quorum(v.voters.length);
  }

  /**
   * The gateway-wide limit for a tightening. The first cut admits half of the sustainable
   * rate (what the cluster served, or a little above normal demand, over the retry
   * amplification, since every admitted request costs that many backend calls while the
   * cluster is slow), so the queue already built up drains; a limit already in force that
   * did not help is halved.
   */
  private limitFor(ctx: PlanContext): number {
    let rate = 0;
    for (const g of ctx.gateways) {
      const sustainable = Math.max(g.baselinePerSec * 1.25, g.okRatePerSec * 0.9) / g.amplification;
      rate = Math.max(rate, g.limitPerSec > 0 ? g.limitPerSec / 2 : sustainable * DRAIN_SHARE);
    }
    return Math.max(1, Math.round(rate));
  }

  /** Steps a drained gateway back up to its sustainable rate, and lifts limits once demand is normal. */
  private relaxLimits(diagnoses: readonly Diagnosis[], ctx: PlanContext, decisions: Decision[]): void {
    if (!this.cfg.allowed.includes('relax-limits')) return;
    const overloaded = diagnoses.some((d) => d.cause === 'overload');
    const busy = [...this.inFlight.values()].some((a) => a.kind === 'tighten-limits' || a.kind === 'relax-limits');
    for (const [g, t] of [...this.tightened].sort((a, b) => a[0] - b[0])) {
      t.quiet = overloaded ? 0 : t.quiet + 1;
      if (busy || t.quiet < this.cfg.clearRounds) continue;
      const limit = ctx.gateways.find((x) => x.node === g)?.limitPerSec ?? 0;
      const lift = ctx.demandRatio < DEMAND_NORMAL_RATIO;
      if (!lift && (limit === 0 || limit >= t.sustainable)) continue;
      if (this.held('relax-limits', -1, ctx) !== null) continue;
      const arg = lift ? 0 : t.sustainable;
      if (lift) this.tightened.delete(g);
      else t.quiet = 0;
      const rec: ActionRecord = { id: this.idNext++, kind: 'relax-limits', target: -1, cause: 'overload', spare: -1, decidedUs: ctx.nowUs, doneUs: null, outcome: null, detail: '' };
      this.inFlight.set(rec.id, rec);
      decisions.push({ kind: 'relax-limits', target: -1, cause: 'overload', spare: -1, arg, episodeKey: `relax:${g}` });
      return;
    }
  }

  /** The record of the action a decision started (for Execute to fill in). */
  recordOf(d: Decision): ActionRecord {
    const ep = this.episodes.get(d.episodeKey);
    if (ep?.current !== null && ep?.current !== undefined && ep.current.kind === d.kind) return ep.current;
    const recs = [...this.inFlight.values()].filter((a) => a.kind === d.kind && a.target === d.target);
    return recs[recs.length - 1];
  }

  /** Execute reports an action's end; its verify window starts now. */
  done(rec: ActionRecord, ok: boolean, detail: string, nowUs: Micros): void {
    rec.doneUs = nowUs;
    rec.detail = detail;
    if (!ok) rec.outcome = 'failed';
    this.inFlight.delete(rec.id);
    this.lastEndUs.set(rec.target, nowUs);
    if (!ok && rec.kind === 'replace' && rec.spare >= 0 && detail.startsWith('rolled back')) this.sparesUsed.delete(rec.spare);
    for (const ep of this.episodes.values()) if (ep.current === rec) ep.verifyUntilUs = nowUs + this.cfg.verifyUs[rec.kind];
  }
}
