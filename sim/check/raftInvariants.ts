// Raft's safety properties, checked as the run goes from the servers' telemetry.
//
// Contract: the checker sees every leadership change ('raft.role', 'raft.leader') and every
// applied entry ('raft.apply') in canonical order, and reports a violation the moment a
// property breaks:
// - election safety (§5.2): at most one leader per term;
// - state machine safety (§5.4.3), which implies log matching for committed entries: every
//   node applies the same entry at a given index;
// - leader completeness (§5.4): a new leader's log holds every entry applied anywhere.
// "No acknowledged write lost" is checked at the end by linearizability of the history.
// The invariants on every node's log, commit index, match indexes, votes and durable state
// (committed or not) live in raftLogChecks.ts, installed with these.
// Memory is bounded: the last COMMITTED_REMEMBERED_MAX committed entries are remembered. An
// apply, or a new leader's log, reaching below that window cannot be compared; such
// comparisons are counted and, if there were any, the run's state machine safety or
// leader completeness is reported inconclusive rather than passed.
import type { Micros, NodeId } from '../../core/env.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { RaftLogChecks } from './raftLogChecks.ts';

interface Applied {
  term: number;
  data: string;
  node: NodeId;
}

/** Distinct committed entries remembered, at most (older ones are forgotten, oldest first). */
export const COMMITTED_REMEMBERED_MAX = 1_000_000;
/** Violations reported per property; later ones are counted in `suppressed`. */
export const VIOLATIONS_PER_CHECK_MAX = 3;

export class RaftInvariants {
  private readonly leaders = new Map<number, NodeId>();
  private readonly committed = new Map<number, Applied>();
  private committedLow = 1;
  private maxCommitted = 0;
  private readonly reportedByCheck = new Map<string, number>();
  /** Applies at indexes older than the remembered window: not compared. */
  uncheckedApplies = 0;
  /** New leaders whose logs reached below the remembered window: checked only within it. */
  partialLeaderChecks = 0;
  /** Times a leader was elected, by term: for failover measurement. */
  readonly elections: { t: Micros; node: NodeId; term: number }[] = [];
  readonly writesApplied: { t: Micros; term: number }[] = [];
  /** The log, commit, match, vote and durability invariants on every node (raftLogChecks.ts). */
  readonly logChecks: RaftLogChecks;

  /** `faults`: the run's concrete faults (the log checks exempt writes to a lying disk). */
  constructor(private readonly world: World, private readonly rememberedMax = COMMITTED_REMEMBERED_MAX, faults: readonly FaultSpec[] = []) {
    this.logChecks = new RaftLogChecks(world, faults);
    world.onTelemetry((t, node, name, f) => {
      if (name === 'raft.role' && f.role === 'leader') this.onLeader(t, node, f.term as number);
      else if (name === 'raft.leader') this.onLeaderLog(node, f.term as number, f.lastIndex as number, f.logTerms as string);
      else if (name === 'raft.apply') this.onApply(t, node, f.index as number, f.term as number, f.data as string);
    });
    world.onConclude(() => this.conclude());
  }

  private conclude(): void {
    const window = `the checker remembers the last ${this.rememberedMax.toLocaleString('en-US')} committed entries`;
    if (this.uncheckedApplies > 0) {
      this.world.cannotDecide('state-machine-safety', `${this.uncheckedApplies.toLocaleString('en-US')} applies at indexes older than the remembered window were not compared (${window})`);
    }
    if (this.partialLeaderChecks > 0) {
      this.world.cannotDecide('leader-completeness', `${this.partialLeaderChecks.toLocaleString('en-US')} new leaders' logs were checked only within the remembered window (${window})`);
    }
  }

  private violate(check: string, node: NodeId, message: string): void {
    // The first few reports per property are enough: a broken run would otherwise repeat it.
    const n = this.reportedByCheck.get(check) ?? 0;
    this.reportedByCheck.set(check, n + 1);
    if (n < VIOLATIONS_PER_CHECK_MAX) this.world.violate(check, node, message);
  }

  private onLeader(t: Micros, node: NodeId, term: number): void {
    const other = this.leaders.get(term);
    if (other !== undefined && other !== node) this.violate('election-safety', node, `two leaders in term ${term}: node ${other} and node ${node}`);
    this.leaders.set(term, node);
    this.elections.push({ t, node, term });
  }

  private onApply(t: Micros, node: NodeId, index: number, term: number, data: string): void {
    const prior = this.committed.get(index);
    if (prior === undefined) {
      if (index < this.committedLow) {
        this.uncheckedApplies++;
        return;
      }
      this.committed.set(index, { term, data, node });
      if (index > this.maxCommitted) this.maxCommitted = index;
      if (data !== '') this.writesApplied.push({ t, term });
      while (this.committed.size > this.rememberedMax) this.committed.delete(this.committedLow++);
      return;
    }
    if (prior.term !== term || prior.data !== data) {
      this.violate('state-machine-safety', node, `node ${node} applied index ${index} as term ${term} ${short(data)}, but node ${prior.node} applied term ${prior.term} ${short(prior.data)}`);
    }
  }

  private onLeaderLog(node: NodeId, term: number, lastIndex: number, logTerms: string): void {
    const [snapText, runsText] = logTerms.split('|');
    const snapshotIndex = Number(snapText);
    const runs = runsText === '' ? [] : runsText.split(',').map((p) => p.split(':').map(Number) as [number, number]);
    const termAt = (i: number): number | undefined => {
      let t: number | undefined;
      for (const [start, rt] of runs) if (start <= i) t = rt;
      return t;
    };
    if (snapshotIndex + 1 < this.committedLow) this.partialLeaderChecks++;
    for (let i = Math.max(snapshotIndex + 1, this.committedLow); i <= this.maxCommitted; i++) {
      const c = this.committed.get(i);
      if (c === undefined) continue;
      // Leader completeness (§5.4.3) binds entries committed in earlier terms only; with
      // votes delayed in the network a node may win a term already overtaken elsewhere.
      // Without the log checks' record (a host that does not report its log), an entry of a
      // later term is the one case known to be exempt.
      const committedIn = this.logChecks.commitTermOf(i);
      if (committedIn !== undefined ? committedIn >= term : c.term > term) continue;
      if (i > lastIndex || termAt(i) !== c.term) {
        this.violate('leader-completeness', node, `node ${node} became leader of term ${term} without committed entry ${i} (term ${c.term}); its log ends at ${lastIndex}`);
        return;
      }
    }
  }
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s === '' ? '(no-op)' : s;
}
