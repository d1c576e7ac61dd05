// The transfer-completes check: a leadership transfer that nothing stands in the way of
// hands leadership to its target (thesis §3.10: the leader brings the target up to date and
// tells it to time out now; its forced election overrides the followers' CheckQuorum
// protection, so it wins at once unless a fault intervenes).
//
// Contract: judged at the end of the run from the leader's 'raft.transfer' (an operator's
// transfer it accepted, with the target's progress) and every 'raft.role' leader event. A
// transfer accepted at t by the leader of term T is judged only when
//   - the target was caught up in the leader's view: its progress replicating, with a match
//     at least the leader's commit index (a target that needs a snapshot may rightly miss
//     the leader's deadline);
//   - [t, t + bound] lies in a quiet window of the run (leaderChurn.ts's quietWindows): no
//     fault of any kind acts anywhere from two longest election timeouts (plus the longest
//     latency a link fault set) after the previous fault healed, nor an operator's
//     membership change, until the bound;
//   - no other transfer was accepted between t and the judgement (it overrides this one),
//     nor was an earlier one still undecided at t (its target may be campaigning already);
//   - the bound falls before the run's end.
// A judged transfer must complete: the first leader of a term above T is the target, elected
// by t + bound, where bound is the longest election timeout (2 * electionTicks ticks, twice
// the leader's own deadline for the transfer) plus four of the link's worst one-way latency
// (the target's catch-up, MsgTimeoutNow, the votes and their answers). Any other transfer
// is skipped and counted by why; not one judged says so in the stats ("not applicable",
// never a pass), as does a base link that loses, corrupts or caps messages (a lost
// MsgTimeoutNow rightly abandons a transfer) or whose latency can reach the election
// timeout. What it catches: a target that campaigns without the transfer's context (the
// followers, who still hear the leader, ignore it), a leader that never sends MsgTimeoutNow,
// a transfer dropped or stalled by a wrong rule. Memory: the accepted transfers and the
// first leader of each term, both bounded by TRANSFERS_KEPT.
import type { Micros, NodeId } from '../../core/env.ts';
import { formatMicros } from '../kernel/time.ts';
import type { World } from '../world/world.ts';
import { quietWindows, type ChurnSettings } from './leaderChurn.ts';
import { VIOLATIONS_PER_CHECK_MAX } from './raftInvariants.ts';
import { notApplicable } from './verdict.ts';

/** Transfers (and leaders) remembered; later ones are not judged (counted as 'unkept'). */
export const TRANSFERS_KEPT = 10_000;

/** Accepted admin operations that change the membership: a transfer near one is not judged. */
const MEMBERSHIP_OPS = new Set(['addLearner', 'addVoter', 'promote', 'remove']);

interface Transfer {
  t: Micros;
  leader: NodeId;
  to: NodeId;
  term: number;
  caughtUp: boolean;
}

export class TransferCompletesCheck {
  private readonly transfers: Transfer[] = [];
  /** The first leader of each term, in the order they were elected. */
  private readonly leaders: { t: Micros; node: NodeId; term: number }[] = [];
  private readonly termsLed = new Set<number>();
  private readonly membershipUs: Micros[] = [];
  private unkept = 0;
  /** Transfers judged and completed; skipped ones by why. */
  completed = 0;
  readonly skipped: Record<string, number> = {};
  state = 'not run';

  constructor(private readonly world: World, private readonly settings: ChurnSettings) {
    world.onTelemetry((t, node, name, f) => {
      if (name === 'raft.role' && f.role === 'leader') this.onLeader(t, node, f.term as number);
      else if (name === 'raft.transfer') this.onTransfer(t, node, f);
      else if (name === 'kv.admin' && f.ok === true && MEMBERSHIP_OPS.has(f.op as string)) this.membershipUs.push(t);
    });
    world.onConclude(() => this.conclude());
  }

  private onLeader(t: Micros, node: NodeId, term: number): void {
    if (this.termsLed.has(term)) return;
    this.termsLed.add(term);
    if (this.leaders.length < TRANSFERS_KEPT) this.leaders.push({ t, node, term });
  }

  private onTransfer(t: Micros, leader: NodeId, f: Readonly<Record<string, unknown>>): void {
    if (this.transfers.length >= TRANSFERS_KEPT) {
      this.unkept++;
      return;
    }
    const match = f.match as number;
    this.transfers.push({ t, leader, to: f.to as number, term: f.term as number, caughtUp: f.state === 'replicate' && match >= (f.commit as number) });
  }

  /**
   * Whether another transfer stands in the way of transfer i, decided at `decidedUs`: a later
   * one accepted before then overrides it, and an earlier one still undecided when it was
   * accepted may already have sent its MsgTimeoutNow, whose target then campaigns too.
   */
  private overlaps(i: number, decidedUs: Micros, boundUs: Micros): boolean {
    const x = this.transfers[i];
    if (i + 1 < this.transfers.length && this.transfers[i + 1].t <= decidedUs) return true;
    for (let j = i - 1; j >= 0 && this.transfers[j].t + boundUs > x.t; j--) {
      const y = this.transfers[j];
      const next = this.leaders.find((l) => l.term > y.term && l.t >= y.t);
      if (next === undefined || next.t > x.t) return true;
    }
    return false;
  }

  /** The bound a judged transfer must complete within. */
  boundUs(): Micros {
    return this.settings.electionTimeoutMaxUs + 4 * (this.settings.latencyMaxUs ?? 0);
  }

  /** Decides the check (once; the run's conclusion calls it too). */
  conclude(): void {
    if (this.state !== 'not run') return;
    const s = this.settings;
    if (s.latencyMaxUs === undefined || 4 * s.latencyMaxUs > s.electionTimeoutMaxUs / 2) {
      this.state = notApplicable('the link itself loses, corrupts or caps messages, or its latency can reach the election timeout, so a fault-free transfer may rightly be abandoned');
      return;
    }
    if (this.transfers.length === 0) {
      this.state = notApplicable('no leadership transfer was accepted');
      return;
    }
    const endUs = Math.min(s.durationUs, this.world.nowUs);
    const boundUs = this.boundUs();
    const settleUs = 2 * s.electionTimeoutMaxUs;
    const windows = quietWindows(s.faults, endUs, settleUs, this.membershipUs);
    if (this.unkept > 0) this.skipped.unkept = this.unkept;
    let judged = 0;
    let failed = 0;
    for (let i = 0; i < this.transfers.length; i++) {
      const x = this.transfers[i];
      const next = this.leaders.find((l) => l.term > x.term && l.t >= x.t);
      const decidedUs = Math.min(next?.t ?? Infinity, x.t + boundUs);
      const why = !x.caughtUp ? 'behind'
        : x.t + boundUs > endUs ? 'late'
          : !windows.some((w) => w.fromUs <= x.t && x.t + boundUs <= w.toUs) ? 'fault'
            : this.overlaps(i, decidedUs, boundUs) ? 'overlap' : null;
      if (why !== null) {
        this.skipped[why] = (this.skipped[why] ?? 0) + 1;
        continue;
      }
      judged++;
      if (next !== undefined && next.node === x.to && next.t <= x.t + boundUs) {
        this.completed++;
        continue;
      }
      if (failed++ >= VIOLATIONS_PER_CHECK_MAX) continue;
      const what = next === undefined || next.t > x.t + boundUs ? `no new leader was elected within ${formatMicros(boundUs)}`
        : `node ${next.node}, not the target, became leader of term ${next.term} at ${formatMicros(next.t)}`;
      this.world.violate('transfer-completes', x.leader, `node ${x.leader}, leader of term ${x.term}, accepted a transfer to node ${x.to} at ${formatMicros(x.t)} with the target caught up and no fault or membership change anywhere from well before it to ${formatMicros(x.t + boundUs)}, yet ${what}: a transfer nothing stands in the way of completes within an election timeout (thesis §3.10)`);
    }
    const skips = Object.entries(this.skipped).map(([k, c]) => `${k} ${c}`).join(', ');
    if (failed > 0) this.state = `fail (${failed} of ${judged} judged transfers did not complete)`;
    else if (judged === 0) this.state = notApplicable(`none of the ${this.transfers.length} accepted transfers could be judged (${skips}): nothing to decide`);
    else this.state = `pass (${judged} of ${this.transfers.length} accepted transfers judged, each completed within ${formatMicros(boundUs)}${skips === '' ? '' : `; skipped: ${skips}`})`;
  }
}
