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
// (committed or not) live in raftLogChecks.ts, the membership check in membership.ts and
// the read-basis check in readBasis.ts, the state-agreement check in stateAgreement.ts and
// the vote-due check in voteDue.ts, all installed with these.
// Memory is bounded and independent of run length: the last COMMITTED_REMEMBERED_MAX
// committed indexes are remembered, each as its term, the node that applied it first and a
// 64-bit hash of its command (about 20 bytes, in typed arrays that grow to the window and no
// further); the commands themselves only for the last COMMANDS_KEPT indexes, for messages.
// An apply, or a new leader's log, reaching below that window cannot be compared; such
// comparisons are counted and, if there were any, the run's state machine safety or
// leader completeness is reported inconclusive rather than passed. Elections and applied
// writes are counted, not listed; the elections list keeps the first ELECTIONS_KEPT.
import type { Micros, NodeId } from '../../core/env.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { FNV_OFFSET, fnv1a32, hex32 } from '../../core/hash/index.ts';
import { MembershipCheck } from './membership.ts';
import { RaftLogChecks } from './raftLogChecks.ts';
import { ReadBasisCheck } from './readBasis.ts';
import { StateAgreementCheck } from './stateAgreement.ts';
import { VoteDueCheck } from './voteDue.ts';
import { formatCount } from '../kernel/time.ts';

/** Distinct committed entries remembered, at most (older ones are forgotten, oldest first). */
export const COMMITTED_REMEMBERED_MAX = 1_000_000;
/** Violations reported per property; later ones are counted in `suppressed`. */
export const VIOLATIONS_PER_CHECK_MAX = 3;
/** Commands of the newest committed indexes kept for violation messages. */
const COMMANDS_KEPT = 1024;
/** Elections listed with their time (later ones are only counted). */
export const ELECTIONS_KEPT = 10_000;
/** A second FNV basis: two 32-bit hashes make the 64-bit hash of a command. */
const FNV_BASIS_2 = FNV_OFFSET ^ 0x5bd1e995;

/**
 * The committed entries of indexes [low, low + max): term, first node and a 64-bit command
 * hash per index, in typed arrays addressed by index modulo their length, which doubles as
 * the highest index grows until it reaches `max`.
 */
class CommittedWindow {
  low = 1;
  private cap = 1024;
  private present = new Uint8Array(this.cap);
  private terms = new Int32Array(this.cap);
  private nodes = new Int32Array(this.cap);
  private h1 = new Uint32Array(this.cap);
  private h2 = new Uint32Array(this.cap);
  private readonly commands: string[] = new Array<string>(COMMANDS_KEPT).fill('');
  private readonly commandIndex = new Float64Array(COMMANDS_KEPT);
  /** Highest index ever stored. */
  high = 0;

  constructor(private readonly max: number) {
    if (this.cap > max) this.resize(Math.max(1, max));
  }

  has(i: number): boolean {
    return i >= this.low && i <= this.high && this.present[i % this.cap] === 1;
  }

  termAt(i: number): number {
    return this.terms[i % this.cap];
  }

  nodeAt(i: number): NodeId {
    return this.nodes[i % this.cap];
  }

  /** The command at `i` if it is among the newest kept, else a description by its hash. */
  commandAt(i: number): string {
    const k = i % COMMANDS_KEPT;
    if (this.commandIndex[k] === i) return short(this.commands[k]);
    const s = i % this.cap;
    return `(command hash ${hex32(this.h1[s])}${hex32(this.h2[s])})`;
  }

  same(i: number, term: number, data: string): boolean {
    const s = i % this.cap;
    if (this.terms[s] !== term) return false;
    // Most applies are of recent indexes, whose command is still kept: compare it directly.
    const k = i % COMMANDS_KEPT;
    if (this.commandIndex[k] === i) return this.commands[k] === data;
    return this.h1[s] === fnv1a32(data) && this.h2[s] === fnv1a32(data, FNV_BASIS_2);
  }

  /** Stores index `i` (at or above `low`, not present), moving the window up if it must. */
  add(i: number, term: number, data: string, node: NodeId): void {
    if (i >= this.low + this.cap) {
      if (this.cap < this.max) this.resize(Math.min(this.max, Math.max(this.cap * 2, i - this.low + 1)));
      for (let j = this.low; j < i - this.cap + 1 && j <= this.high; j++) this.present[j % this.cap] = 0;
      if (i - this.cap + 1 > this.low) this.low = i - this.cap + 1;
    }
    const s = i % this.cap;
    this.present[s] = 1;
    this.terms[s] = term;
    this.nodes[s] = node;
    this.h1[s] = fnv1a32(data);
    this.h2[s] = fnv1a32(data, FNV_BASIS_2);
    const k = i % COMMANDS_KEPT;
    this.commands[k] = data;
    this.commandIndex[k] = i;
    if (i > this.high) this.high = i;
  }

  private resize(cap: number): void {
    const old = { cap: this.cap, present: this.present, terms: this.terms, nodes: this.nodes, h1: this.h1, h2: this.h2 };
    this.cap = cap;
    this.present = new Uint8Array(cap);
    this.terms = new Int32Array(cap);
    this.nodes = new Int32Array(cap);
    this.h1 = new Uint32Array(cap);
    this.h2 = new Uint32Array(cap);
    for (let j = Math.max(this.low, this.high - cap + 1); j <= this.high; j++) {
      const o = j % old.cap;
      if (old.present[o] !== 1) continue;
      const s = j % cap;
      this.present[s] = 1;
      this.terms[s] = old.terms[o];
      this.nodes[s] = old.nodes[o];
      this.h1[s] = old.h1[o];
      this.h2[s] = old.h2[o];
    }
  }
}

export class RaftInvariants {
  private readonly leaders = new Map<number, NodeId>();
  private readonly committed: CommittedWindow;
  private readonly reportedByCheck = new Map<string, number>();
  /** Applies at indexes older than the remembered window: not compared. */
  uncheckedApplies = 0;
  /** New leaders whose logs reached below the remembered window: checked only within it. */
  partialLeaderChecks = 0;
  /** Times a leader was elected, by term: for failover measurement. */
  readonly elections: { t: Micros; node: NodeId; term: number }[] = [];
  /** Times a leader was elected (all of them; `elections` lists the first ELECTIONS_KEPT). */
  electionCount = 0;
  /** Distinct non-empty commands applied (each index counted once). */
  writesApplied = 0;
  /** The log, commit, match, vote and durability invariants on every node (raftLogChecks.ts). */
  readonly logChecks: RaftLogChecks;
  /** Every node's configuration against its committed conf entries (membership.ts). */
  readonly membership: MembershipCheck;
  /** Every read a leader serves against a quorum round after it or a lease (readBasis.ts). */
  readonly readBasis: ReadBasisCheck;
  /** Every replica's state after each index against the first one reported (stateAgreement.ts). */
  readonly stateAgreement: StateAgreementCheck;
  /** Every refused election vote against the voter's duty to grant it (voteDue.ts). */
  readonly voteDue: VoteDueCheck;

  /**
   * `faults`: the run's concrete faults (the log checks exempt writes to a lying disk);
   * `leaseClocksBroken`: why lease reads may be stale in this run, or null (RaftLogChecks).
   */
  constructor(private readonly world: World, private readonly rememberedMax = COMMITTED_REMEMBERED_MAX, faults: readonly FaultSpec[] = [], leaseClocksBroken: string | null = null) {
    this.committed = new CommittedWindow(rememberedMax);
    this.logChecks = new RaftLogChecks(world, faults, leaseClocksBroken);
    this.membership = new MembershipCheck(world);
    this.readBasis = new ReadBasisCheck(world);
    this.stateAgreement = new StateAgreementCheck(world, rememberedMax);
    this.voteDue = new VoteDueCheck(world);
    world.onTelemetry((t, node, name, f) => {
      if (name === 'raft.role' && f.role === 'leader') this.onLeader(t, node, f.term as number);
      else if (name === 'raft.leader') this.onLeaderLog(node, f.term as number, f.lastIndex as number, f.logTerms as string);
      else if (name === 'raft.apply') this.onApply(node, f.index as number, f.term as number, f.data as string);
    });
    world.onConclude(() => this.conclude());
  }

  private conclude(): void {
    const window = `the checker remembers the last ${formatCount(this.rememberedMax)} committed entries`;
    if (this.uncheckedApplies > 0) {
      this.world.cannotDecide('state-machine-safety', `${formatCount(this.uncheckedApplies)} applies at indexes older than the remembered window were not compared (${window})`);
    }
    if (this.partialLeaderChecks > 0) {
      this.world.cannotDecide('leader-completeness', `${formatCount(this.partialLeaderChecks)} new leaders' logs were checked only within the remembered window (${window})`);
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
    this.electionCount++;
    if (this.elections.length < ELECTIONS_KEPT) this.elections.push({ t, node, term });
  }

  private onApply(node: NodeId, index: number, term: number, data: string): void {
    const c = this.committed;
    if (!c.has(index)) {
      if (index < c.low) {
        this.uncheckedApplies++;
        return;
      }
      c.add(index, term, data, node);
      if (data !== '') this.writesApplied++;
      return;
    }
    if (!c.same(index, term, data)) {
      this.violate('state-machine-safety', node, `node ${node} applied index ${index} as term ${term} ${short(data)}, but node ${c.nodeAt(index)} applied term ${c.termAt(index)} ${c.commandAt(index)}`);
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
    const c = this.committed;
    if (snapshotIndex + 1 < c.low) this.partialLeaderChecks++;
    for (let i = Math.max(snapshotIndex + 1, c.low); i <= c.high; i++) {
      if (!c.has(i)) continue;
      const cTerm = c.termAt(i);
      // Leader completeness (§5.4.3) binds entries committed in earlier terms only; with
      // votes delayed in the network a node may win a term already overtaken elsewhere.
      // Without the log checks' record (a host that does not report its log), an entry of a
      // later term is the one case known to be exempt.
      const committedIn = this.logChecks.commitTermOf(i);
      if (committedIn !== undefined ? committedIn >= term : cTerm > term) continue;
      if (i > lastIndex || termAt(i) !== cTerm) {
        this.violate('leader-completeness', node, `node ${node} became leader of term ${term} without committed entry ${i} (term ${cTerm}); its log ends at ${lastIndex}`);
        return;
      }
    }
  }
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s === '' ? '(no-op)' : s;
}
