// The replication-progress check: a leader brings every member it can reach up to its commit
// index (§5.3: "the leader retries AppendEntries indefinitely until all followers eventually
// store all log entries"), so a follower that lags the leader's commit while both are up,
// free of faults and linked both ways never waits long for its match to move. The flow
// control that paces replication (probe and replicate states, the in-flight window, the
// snapshot state; etcd-io/raft's tracker) must recover on its own from what the faults did:
// a window full of appends a partition swallowed, a snapshot lost on the way, a probe whose
// answer never came. A bug there leaves a follower behind for good, which no safety check
// sees and the liveness checks miss while a quorum still commits without it.
//
// Contract: from each leader's 'raft.leader' (its term), its 'raft.conf' (the members it
// replicates to), its 'raft.hardstate' (its commit index) and its 'raft.match' (its match
// index for each member, reported when it moves), the check follows, for every member F of
// every term's leader L, the stretches in which F's match stays below L's commit index and
// does not move. Such a stretch ends when the match moves, L stops leading (role change, a
// crash, a pause, a restart), F leaves L's configuration, or the run ends. At the end of the
// run each stretch longer than the bound is judged on its calm part: the instants at which
// L and F are both up, unpaused and touched by no fault, linked both ways by links no cut or
// link fault touches (faultTimeline.ts), and neither is stuck unable to read its disk
// ('raft.recover_failed' until 'raft.recovered'). A calm run of the stretch longer than the
// bound fails; what a fault did before it is the flow control's to undo within the bound.
// The bound is two longest election timeouts (a lost snapshot is retried after one) plus
// eight of the link's worst one-way latency and eight of the disk's longest fsync (a probe
// walks back over a divergent tail a term per round trip, then a snapshot or the entries
// are written on the follower). Not applicable when the base link loses, corrupts or caps
// messages, or its latency can reach the election timeout (any bounded stall may then be
// chance), or when no member ever lagged a leader. Memory: the stretches longer than the
// bound, at most STALLS_KEPT (beyond that the check is inconclusive unless it failed), and
// one record per member of each current leader.
import type { Micros, NodeId } from '../../core/env.ts';
import { formatCount, formatMicros } from '../kernel/time.ts';
import type { World } from '../world/world.ts';
import { FaultTimeline } from './faultTimeline.ts';
import type { ChurnSettings } from './leaderChurn.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';
import { notApplicable } from './verdict.ts';

/** Stretches longer than the bound that are remembered for judging; later ones make the check inconclusive. */
export const STALLS_KEPT = 100_000;

export interface ProgressSettings extends ChurnSettings {
  /** The longest fsync of the servers' disks (0 without disk time). */
  fsyncMaxUs: Micros;
  /** Nodes whose status is followed: the servers, spares included. */
  servers: number;
}

interface Member {
  match: number;
  /** Since when the match has lagged the commit without moving (Infinity: it does not lag). */
  stallFromUs: Micros;
}

interface Leading {
  term: number;
  commit: number;
  members: Map<NodeId, Member>;
}

/** A stretch in which `follower`'s match stayed below leader's commit without moving. */
interface Stall {
  leader: NodeId;
  term: number;
  follower: NodeId;
  fromUs: Micros;
  toUs: Micros;
  match: number;
  commit: number;
}

export class ReplicationProgressCheck {
  private readonly timeline: FaultTimeline;
  /** Each node's configuration as it last reported it (voters and learners). */
  private readonly confs = new Map<NodeId, NodeId[]>();
  private readonly leading = new Map<NodeId, Leading>();
  private readonly stalls: Stall[] = [];
  /** Per node, the stretches in which it could not read its disk: [from, to). */
  private readonly unrecovered = new Map<NodeId, [Micros, Micros][]>();
  private stallsUnkept = 0;
  /** Lag stretches that ended, and the longest of them. */
  stretches = 0;
  longestUs = 0;
  state = 'not run';

  constructor(private readonly world: World, private readonly settings: ProgressSettings) {
    this.timeline = new FaultTimeline(world, settings.servers);
    world.onTelemetry((t, node, name, f) => {
      switch (name) {
        case 'raft.conf': return this.onConf(t, node, String(f.voters), String(f.learners));
        case 'raft.leader': return this.onLeader(t, node, f.term as number);
        case 'raft.role': return f.role === 'leader' ? undefined : this.end(t, node);
        case 'raft.hardstate': return this.onCommit(t, node, f.term as number, f.commit as number);
        case 'raft.match': return this.onMatch(t, node, f.term as number, f.to as number, f.match as number);
        case 'raft.recovered':
          this.end(t, node);
          return this.closeUnrecovered(t, node);
        case 'raft.recover_failed': return this.openUnrecovered(t, node);
        default: return;
      }
    });
    world.onStatusChange((node, status) => {
      if (status !== 'up') this.end(world.nowUs, node);
    });
    world.onConclude(() => this.conclude());
  }

  /** The bound a calm follower's match may stand still below the leader's commit. */
  boundUs(): Micros {
    const s = this.settings;
    return 2 * s.electionTimeoutMaxUs + 8 * (s.latencyMaxUs ?? 0) + 8 * s.fsyncMaxUs;
  }

  private onConf(t: Micros, node: NodeId, voters: string, learners: string): void {
    const ids = `${voters},${learners}`.split(',').filter((x) => x !== '').map(Number);
    this.confs.set(node, ids);
    const l = this.leading.get(node);
    if (l !== undefined) this.setMembers(t, node, l, ids);
  }

  private onLeader(t: Micros, node: NodeId, term: number): void {
    this.end(t, node);
    const l: Leading = { term, commit: 0, members: new Map() };
    this.leading.set(node, l);
    this.setMembers(t, node, l, this.confs.get(node) ?? []);
  }

  /** The leader's members become `ids`: a member that left ends its stretch, a new one starts with match 0. */
  private setMembers(t: Micros, leader: NodeId, l: Leading, ids: readonly NodeId[]): void {
    for (const [id, m] of l.members) {
      if (ids.includes(id)) continue;
      this.close(t, leader, l, id, m);
      l.members.delete(id);
    }
    for (const id of ids) {
      if (id === leader || l.members.has(id)) continue;
      l.members.set(id, { match: 0, stallFromUs: l.commit > 0 ? t : Infinity });
    }
  }

  private onCommit(t: Micros, node: NodeId, term: number, commit: number): void {
    const l = this.leading.get(node);
    if (l === undefined || l.term !== term || commit <= l.commit) return;
    l.commit = commit;
    for (const m of l.members.values()) if (m.match < commit && m.stallFromUs === Infinity) m.stallFromUs = t;
  }

  private onMatch(t: Micros, node: NodeId, term: number, to: NodeId, match: number): void {
    const l = this.leading.get(node);
    const m = l?.members.get(to);
    if (l === undefined || m === undefined || l.term !== term || match === m.match) return;
    this.close(t, node, l, to, m);
    m.match = match;
    m.stallFromUs = match < l.commit ? t : Infinity;
  }

  /** Ends `node`'s leadership, if it leads: every open stretch closes at `t`. */
  private end(t: Micros, node: NodeId): void {
    const l = this.leading.get(node);
    if (l === undefined) return;
    this.leading.delete(node);
    for (const [id, m] of l.members) this.close(t, node, l, id, m);
  }

  /** Closes member `id`'s open stretch at `t`, keeping it for judging when it is longer than the bound. */
  private close(t: Micros, leader: NodeId, l: Leading, id: NodeId, m: Member): void {
    if (m.stallFromUs === Infinity) return;
    const lengthUs = t - m.stallFromUs;
    this.stretches++;
    this.longestUs = Math.max(this.longestUs, lengthUs);
    if (lengthUs > this.boundUs()) {
      if (this.stalls.length < STALLS_KEPT) this.stalls.push({ leader, term: l.term, follower: id, fromUs: m.stallFromUs, toUs: t, match: m.match, commit: l.commit });
      else this.stallsUnkept++;
    }
    m.stallFromUs = Infinity;
  }

  private openUnrecovered(t: Micros, node: NodeId): void {
    const ws = this.unrecovered.get(node) ?? [];
    const last = ws.at(-1);
    if (last === undefined || last[1] !== Infinity) ws.push([t, Infinity]);
    this.unrecovered.set(node, ws);
  }

  private closeUnrecovered(t: Micros, node: NodeId): void {
    const last = this.unrecovered.get(node)?.at(-1);
    if (last !== undefined && last[1] === Infinity) last[1] = t;
  }

  private readable(node: NodeId, t: Micros): boolean {
    return !(this.unrecovered.get(node) ?? []).some(([from, to]) => from <= t && t < to);
  }

  /** The longest run of [from, to] in which the leader and the follower were calm and linked, as [start, end]. */
  private calmRun(s: Stall): [Micros, Micros] {
    const cuts = new Set<number>([s.fromUs]);
    for (const p of this.timeline.points(s.toUs)) if (p > s.fromUs) cuts.add(p);
    for (const n of [s.leader, s.follower]) {
      for (const [a, b] of this.unrecovered.get(n) ?? []) {
        if (a > s.fromUs && a < s.toUs) cuts.add(a);
        if (b > s.fromUs && b < s.toUs) cuts.add(b);
      }
    }
    const times = [...cuts].sort((a, b) => a - b);
    let best: [Micros, Micros] = [s.fromUs, s.fromUs];
    let runFrom = -1;
    for (let i = 0; i < times.length; i++) {
      const t = times[i];
      const f = this.timeline.at(t);
      const calm = f.healthy(s.leader) && f.healthy(s.follower) && f.clean(s.leader, s.follower) && this.readable(s.leader, t) && this.readable(s.follower, t);
      if (calm && runFrom < 0) runFrom = t;
      if (!calm && runFrom >= 0) {
        if (t - runFrom > best[1] - best[0]) best = [runFrom, t];
        runFrom = -1;
      }
    }
    if (runFrom >= 0 && s.toUs - runFrom > best[1] - best[0]) best = [runFrom, s.toUs];
    return best;
  }

  /** Decides the check (once; the run's conclusion calls it too). */
  conclude(): void {
    if (this.state !== 'not run') return;
    const s = this.settings;
    const endUs = Math.min(s.durationUs, this.world.nowUs);
    for (const node of [...this.leading.keys()].sort((a, b) => a - b)) this.end(endUs, node);
    if (s.latencyMaxUs === undefined || 4 * s.latencyMaxUs > s.electionTimeoutMaxUs / 2) {
      this.state = notApplicable('the link itself loses, corrupts or caps messages, or its latency can reach the election timeout, so a follower may rightly stay behind for a while');
      return;
    }
    if (this.stretches === 0) {
      this.state = notApplicable('no member ever lagged a leader\'s commit index');
      return;
    }
    const boundUs = this.boundUs();
    let failed = 0;
    let calmLongestUs = 0;
    for (const x of this.stalls) {
      const [from, to] = this.calmRun(x);
      calmLongestUs = Math.max(calmLongestUs, to - from);
      if (to - from <= boundUs) continue;
      if (failed++ >= VIOLATIONS_PER_CHECK_MAX) continue;
      this.world.violate('replication-progress', x.leader, `node ${x.leader}, leader of term ${x.term}, held node ${x.follower} at match ${x.match} below its commit index ${x.commit} from ${formatMicros(x.fromUs)} to ${formatMicros(x.toUs)}, and for ${formatMicros(to - from)} of that (from ${formatMicros(from)}) both were up, free of faults and linked both ways, longer than the bound of ${formatMicros(boundUs)}: a leader keeps sending a member it can reach what it lacks (§5.3), so the flow control (probe, in-flight window, snapshot) must recover from what the faults did`);
    }
    const longer = this.stalls.length + this.stallsUnkept;
    if (failed > 0) {
      this.state = `fail (${failed} of ${formatCount(longer)} stalls longer than ${formatMicros(boundUs)} were calm that long)`;
      return;
    }
    if (this.stallsUnkept > 0) {
      this.state = 'inconclusive';
      this.world.cannotDecide('replication-progress', `${formatCount(this.stallsUnkept)} followers' stalls longer than the bound came after the ${formatCount(STALLS_KEPT)} the check remembers, and were not judged`);
      return;
    }
    this.state = `pass (${formatCount(this.stretches)} stretches of a member behind its leader's commit, the longest ${formatMicros(this.longestUs)}; ${formatCount(longer)} longer than ${formatMicros(boundUs)}, none calm that long, the longest calm ${formatMicros(calmLongestUs)})`;
  }
}
