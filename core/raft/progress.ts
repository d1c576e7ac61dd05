// What a leader knows about one follower's log, and how it paces replication to it.
//
// Contract (after etcd-io/raft's tracker): 'probe' sends one MsgApp per heartbeat until the
// follower's match is found; 'replicate' streams up to `maxInflight` MsgApp optimistically;
// 'snapshot' sends nothing until the follower reports the snapshot applied (or the leader
// gives up after an election timeout and probes again).

import { Inflights } from './inflights.ts';
import type { LogIndex } from './types.ts';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  /** Invariant: match < next. */
  match: LogIndex = 0;
  next: LogIndex;
  state: ProgressState = 'probe';
  /** In 'probe', a MsgApp is outstanding; wait for a response or a heartbeat response. */
  probeSent = false;
  /** In 'snapshot', the index of the snapshot sent. */
  pendingSnapshot: LogIndex = 0;
  /** Ticks spent in 'snapshot' since the snapshot was sent. */
  snapshotWaitTicks = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  readonly inflights: Inflights;

  constructor(next: LogIndex, maxInflight: number) {
    this.next = next;
    this.inflights = new Inflights(maxInflight);
  }

  reset(next: LogIndex, match: LogIndex): void {
    this.match = match;
    this.next = Math.max(next, match + 1);
    this.state = 'probe';
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.snapshotWaitTicks = 0;
    this.inflights.reset();
  }

  becomeProbe(): void {
    const floor = this.state === 'snapshot' ? Math.max(this.match, this.pendingSnapshot) : this.match;
    this.state = 'probe';
    this.next = floor + 1;
    this.probeSent = false;
    this.pendingSnapshot = 0;
    this.inflights.reset();
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.next = this.match + 1;
    this.probeSent = false;
    this.inflights.reset();
  }

  becomeSnapshot(snapshotIndex: LogIndex): void {
    this.state = 'snapshot';
    this.pendingSnapshot = snapshotIndex;
    this.snapshotWaitTicks = 0;
    this.probeSent = false;
    this.inflights.reset();
  }

  /** An acknowledgement up to `n`; returns true if it moved `match`. */
  maybeUpdate(n: LogIndex): boolean {
    const updated = this.match < n;
    if (updated) {
      this.match = n;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, n + 1);
    return updated;
  }

  /**
   * A rejection of the MsgApp whose previous index was `rejected`. Returns false when the
   * rejection is stale (it answers a message older than the current probe).
   */
  maybeDecrTo(rejected: LogIndex, matchHint: LogIndex): boolean {
    if (this.state === 'replicate') {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** Records that a MsgApp carrying entries up to `lastIndex` was sent. */
  sentEntries(entryCount: number, lastIndex: LogIndex): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex);
      }
    } else if (this.state === 'probe') {
      this.probeSent = true;
    }
  }

  isPaused(): boolean {
    if (this.state === 'probe') return this.probeSent;
    if (this.state === 'replicate') return this.inflights.full();
    return true;
  }
}
