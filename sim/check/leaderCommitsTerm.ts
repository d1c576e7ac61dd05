// The leader-commits-term check: a newly elected leader that nothing stands in the way of
// commits an entry of its own term within a bound (§5.4.2 and §8: a leader learns what is
// committed only through an entry of its term, so it appends an empty one at once; etcd's
// becomeLeader does the same). Without it a leader whose clients are quiet commits nothing:
// ReadIndex reads and conf changes, which wait for the term's first commit, wait for the
// next write, and followers never learn the commit of the previous term's tail.
//
// Contract: judged at the end of the run from each term's first 'raft.leader' (its log's
// last index and terms, its voters), the leader's 'raft.hardstate' (its commit index), its
// 'raft.role' changes and the hosts' status, and the faults' reach (faultTimeline.ts). The
// leader of term T elected at t is judged only when, throughout [t, t + bound]:
//   - it stays leader and up (one deposed, crashed or paused before it committed is skipped;
//     one that committed first is judged, and passes);
//   - a quorum of its voters, itself included, is calm: each up, unpaused and touched by no
//     fault, each linked to the leader both ways by links no cut or link fault touches (at
//     every change of status or reach in the stretch);
//   - no operator's membership change was accepted (from `settleUs` before t), since the
//     voters it counts would be in flux;
//   - the bound falls before the run's end.
// A judged leader must commit (its commit index reach) an entry of term T by t + bound,
// where bound is the longest election timeout plus four of the link's worst one-way latency
// plus four of the disk's longest fsync (a follower's conflict needs a round trip or two
// more, each append a write on both ends). Any other leader is skipped and counted by why;
// with none judged the stats say "not applicable" (never a pass), as they do when the base
// link loses, corrupts or caps messages, or its latency can reach the election timeout.
// What it catches: a leader that appends no entry of its term on election, one that
// counts its quorum wrongly so it never commits, a stalled first replication. Memory: one
// record per term led, bounded by LEADERS_KEPT.
import type { Micros, NodeId } from '../../core/env.ts';
import { formatMicros } from '../kernel/time.ts';
import type { World } from '../world/world.ts';
import { FaultTimeline } from './faultTimeline.ts';
import type { ChurnSettings } from './leaderChurn.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';
import { notApplicable } from './verdict.ts';

/** Terms led that are remembered; later ones are not judged (counted as 'unkept'). */
export const LEADERS_KEPT = 10_000;

/** Accepted admin operations that change the membership. */
const MEMBERSHIP_OPS = new Set(['addLearner', 'addVoter', 'promote', 'remove']);

export interface TermCommitSettings extends ChurnSettings {
  /** The longest fsync of the servers' disks (0 without disk time). */
  fsyncMaxUs: Micros;
  /** Nodes whose status is followed: the servers, spares included. */
  servers: number;
}

interface Led {
  t: Micros;
  node: NodeId;
  term: number;
  /** The index of the leader's last entry before its term's first one. */
  baseIndex: number;
  voters: NodeId[];
  /** When its commit first reached an entry of its term (Infinity: never). */
  committedUs: Micros;
  /** When it stopped leading, went down or was paused (Infinity: it did not). */
  endedUs: Micros;
}

/** The index before term T's first entry, from 'raft.leader': its last index, or before a trailing run of term T. */
export function baseIndexOf(lastIndex: number, logTerms: string, term: number): number {
  const parts = (logTerms.split('|')[1] ?? '').split(',').filter((p) => p !== '');
  const last = parts.at(-1);
  if (last === undefined) return lastIndex;
  const [at, of] = last.split(':').map(Number);
  return of === term ? at - 1 : lastIndex;
}

export class LeaderCommitsTermCheck {
  private readonly timeline: FaultTimeline;
  private readonly led: Led[] = [];
  /** The record of the term each node leads now. */
  private readonly leading = new Map<NodeId, Led>();
  private readonly termsLed = new Set<number>();
  private readonly membershipUs: Micros[] = [];
  private unkept = 0;
  /** Leaders judged that committed within the bound; skipped ones by why. */
  committed = 0;
  /** The longest a judged leader took to commit an entry of its term. */
  slowestUs = 0;
  readonly skipped: Record<string, number> = {};
  state = 'not run';

  constructor(private readonly world: World, private readonly settings: TermCommitSettings) {
    this.timeline = new FaultTimeline(world, settings.servers);
    world.onTelemetry((t, node, name, f) => {
      if (name === 'raft.leader') this.onLeader(t, node, f);
      else if (name === 'raft.role' && f.role !== 'leader') this.end(t, node);
      else if (name === 'raft.hardstate') this.onCommit(t, node, f.term as number, f.commit as number);
      else if (name === 'kv.admin' && f.ok === true && MEMBERSHIP_OPS.has(f.op as string)) this.membershipUs.push(t);
    });
    world.onStatusChange((node, status) => {
      if (status !== 'up') this.end(world.nowUs, node);
    });
    world.onConclude(() => this.conclude());
  }

  private onLeader(t: Micros, node: NodeId, f: Readonly<Record<string, unknown>>): void {
    const term = f.term as number;
    if (this.termsLed.has(term)) return;
    this.termsLed.add(term);
    if (this.led.length >= LEADERS_KEPT) {
      this.unkept++;
      return;
    }
    const voters = String(f.voters).split(',').filter((v) => v !== '').map(Number);
    const rec: Led = { t, node, term, baseIndex: baseIndexOf(f.lastIndex as number, String(f.logTerms), term), voters, committedUs: Infinity, endedUs: Infinity };
    this.led.push(rec);
    this.leading.set(node, rec);
  }

  private end(t: Micros, node: NodeId): void {
    const rec = this.leading.get(node);
    if (rec === undefined) return;
    this.leading.delete(node);
    if (rec.endedUs === Infinity) rec.endedUs = t;
  }

  private onCommit(t: Micros, node: NodeId, term: number, commit: number): void {
    const rec = this.leading.get(node);
    if (rec === undefined || rec.term !== term || rec.committedUs !== Infinity) return;
    if (commit > rec.baseIndex) rec.committedUs = t;
  }

  /** The bound a judged leader must commit an entry of its term within. */
  boundUs(): Micros {
    const s = this.settings;
    return s.electionTimeoutMaxUs + 4 * (s.latencyMaxUs ?? 0) + 4 * s.fsyncMaxUs;
  }

  /** Whether a quorum of the leader's voters, itself included, stays calm and linked to it over [from, to]. */
  private calm(x: Led, from: Micros, to: Micros): boolean {
    const quorum = Math.floor(x.voters.length / 2) + 1;
    if (!x.voters.includes(x.node)) return false;
    // The state at `from`, then at every change up to `to`.
    const times = [from, ...this.timeline.points(to + 1).filter((p) => p > from)];
    for (const t of times) {
      const f = this.timeline.at(t);
      if (!f.healthy(x.node)) return false;
      const linked = x.voters.filter((v) => v === x.node || (f.healthy(v) && f.clean(x.node, v)));
      if (linked.length < quorum) return false;
    }
    return true;
  }

  /** Why leader x is not judged, or null. */
  private skip(x: Led, endUs: Micros, boundUs: Micros): string | null {
    const decidedUs = Math.min(x.committedUs, x.t + boundUs);
    if (x.endedUs < decidedUs) return 'deposed';
    if (x.t + boundUs > endUs) return 'late';
    const settleUs = 2 * this.settings.electionTimeoutMaxUs;
    if (this.membershipUs.some((m) => m >= x.t - settleUs && m <= x.t + boundUs)) return 'membership';
    if (!this.calm(x, x.t, decidedUs)) return 'fault';
    return null;
  }

  /** Decides the check (once; the run's conclusion calls it too). */
  conclude(): void {
    if (this.state !== 'not run') return;
    const s = this.settings;
    if (s.latencyMaxUs === undefined || 4 * s.latencyMaxUs > s.electionTimeoutMaxUs / 2) {
      this.state = notApplicable('the link itself loses, corrupts or caps messages, or its latency can reach the election timeout, so a leader may rightly fail to commit for a while');
      return;
    }
    if (this.led.length === 0) {
      this.state = notApplicable('no leader was elected');
      return;
    }
    const endUs = Math.min(s.durationUs, this.world.nowUs);
    const boundUs = this.boundUs();
    if (this.unkept > 0) this.skipped.unkept = this.unkept;
    let judged = 0;
    let failed = 0;
    for (const x of this.led) {
      const why = this.skip(x, endUs, boundUs);
      if (why !== null) {
        this.skipped[why] = (this.skipped[why] ?? 0) + 1;
        continue;
      }
      judged++;
      if (x.committedUs <= x.t + boundUs) {
        this.committed++;
        this.slowestUs = Math.max(this.slowestUs, x.committedUs - x.t);
        continue;
      }
      if (failed++ >= VIOLATIONS_PER_CHECK_MAX) continue;
      const when = x.committedUs === Infinity ? 'never did while it led' : `did only at ${formatMicros(x.committedUs)}`;
      this.world.violate('leader-commits-term', x.node, `node ${x.node} became leader of term ${x.term} at ${formatMicros(x.t)} and stayed leader, with a quorum of its voters (${x.voters.join(', ')}) up, free of faults and linked to it, yet its commit index reached no entry of term ${x.term} (beyond index ${x.baseIndex}) within ${formatMicros(boundUs)}; it ${when}: a new leader commits an entry of its own term at once (the empty entry of §8), or it cannot learn what is committed`);
    }
    const skips = Object.entries(this.skipped).map(([k, c]) => `${k} ${c}`).join(', ');
    if (failed > 0) this.state = `fail (${failed} of ${judged} judged leaders committed no entry of their term in time)`;
    else if (judged === 0) this.state = notApplicable(`none of the ${this.led.length} leaders could be judged (${skips}): nothing to decide`);
    else this.state = `pass (${judged} of ${this.led.length} leaders judged, each committed an entry of its term within ${formatMicros(boundUs)}, the slowest in ${formatMicros(this.slowestUs)}${skips === '' ? '' : `; skipped: ${skips}`})`;
  }
}
