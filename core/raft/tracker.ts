// The configuration a node currently uses, the leader's per-member progress, and the
// quorum arithmetic over voters (learners never count).
//
// Contract: ids() iterates members in ascending id order so every broadcast is
// deterministic. Quorum is a strict majority of voters. `conf` changes only through
// setConf (its arrays are never edited in place: applyConfChange builds new ones), so
// the voter set kept beside it cannot go stale.

import { Progress } from './progress.ts';
import type { ConfState, LogIndex } from './types.ts';

export type VoteResult = 'won' | 'lost' | 'pending';

const NO_IDS: readonly number[] = [];

export class ProgressTracker {
  private confNow!: ConfState;
  readonly progress = new Map<number, Progress>();
  private readonly votes = new Map<number, boolean>();
  private memberIds: number[] = [];
  /** conf.voters as a set: isVoter is asked on every tick (promotable), once per node. */
  private voterSet = new Set<number>();
  /** Bug flag (RaftBugs.learnersInQuorum): the commit quorum counts learners too. */
  learnersInQuorum = false;
  /** Bug flag (RaftBugs.electionNeedsEveryVoter): an election needs every voter's grant. */
  everyVoterToWin = false;

  constructor(conf: ConfState, nextIndex: LogIndex, private readonly maxInflight: number) {
    this.setConf(conf, nextIndex);
  }

  /** The configuration in use; replaced only by setConf. */
  get conf(): ConfState {
    return this.confNow;
  }

  /** Switches to `conf`, keeping the progress of members that stay. */
  setConf(conf: ConfState, nextIndex: LogIndex): void {
    this.confNow = conf;
    this.voterSet = new Set(conf.voters);
    this.memberIds = [...conf.voters, ...conf.learners].sort((a, b) => a - b);
    const keep = new Set(this.memberIds);
    for (const id of [...this.progress.keys()]) {
      if (!keep.has(id)) this.progress.delete(id);
    }
    for (const id of this.memberIds) {
      if (!this.progress.has(id)) this.progress.set(id, new Progress(nextIndex, this.maxInflight));
    }
  }

  ids(): readonly number[] {
    return this.memberIds;
  }

  isVoter(id: number): boolean {
    return this.voterSet.has(id);
  }

  quorum(): number {
    return Math.floor(this.conf.voters.length / 2) + 1;
  }

  /**
   * The largest index present on a quorum of voters. Called on every append response, so
   * it sorts the matches in a reused array by insertion (etcd's quorum code does the same
   * for small clusters) instead of mapping and sorting a new one.
   */
  committedIndex(): LogIndex {
    // The bug flag learnersInQuorum counts learners as if they were voters.
    const voters = this.conf.voters;
    const learners = this.learnersInQuorum ? this.conf.learners : NO_IDS;
    const n = voters.length + learners.length;
    if (n === 0) return 0;
    // Only m[0..n) is written and read; what lies beyond from a larger past configuration is never read.
    const m = this.matchScratch;
    for (let i = 0; i < n; i++) {
      const id = i < voters.length ? voters[i] : learners[i - voters.length];
      const x = this.progress.get(id)?.match ?? 0;
      // Insertion into descending order.
      let j = i;
      while (j > 0 && m[j - 1] < x) {
        m[j] = m[j - 1];
        j--;
      }
      m[j] = x;
    }
    return m[Math.floor(n / 2)];
  }

  private readonly matchScratch: number[] = [];

  /** True when the voters among `ids` form a quorum. */
  hasQuorum(ids: ReadonlySet<number>): boolean {
    let count = 0;
    for (const id of this.conf.voters) if (ids.has(id)) count++;
    return count >= this.quorum();
  }

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: number, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /** The votes recorded in the current election, by voter: granted or refused (for inspection). */
  votesByVoter(): Record<number, boolean> {
    const out: Record<number, boolean> = {};
    for (const [id, granted] of this.votes) out[id] = granted;
    return out;
  }

  tallyVotes(): VoteResult {
    let granted = 0;
    let rejected = 0;
    for (const id of this.conf.voters) {
      const v = this.votes.get(id);
      if (v === true) granted++;
      if (v === false) rejected++;
    }
    if (granted >= (this.everyVoterToWin ? this.conf.voters.length : this.quorum())) return 'won';
    if (rejected > this.conf.voters.length - this.quorum()) return 'lost';
    return 'pending';
  }

  /** CheckQuorum: have a quorum of voters (self included) been heard from this round? */
  quorumActive(selfId: number): boolean {
    const active = new Set<number>();
    for (const id of this.conf.voters) {
      if (id === selfId || this.progress.get(id)?.recentActive === true) active.add(id);
    }
    return this.hasQuorum(active);
  }
}
