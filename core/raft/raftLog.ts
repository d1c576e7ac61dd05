// The in-memory Raft log: a snapshot boundary, the entries after it, and the cursors that
// say which part is committed, applied and durable.
//
// Contract: entries are never copied wholesale per message; slice() returns a fresh array
// of shared (immutable) Entry objects. The only O(n) operations are compaction and restore.
// A suffix is truncated only on a real term conflict, and never at or below `committed`.

import type { Entry, LogIndex, Snapshot, Term } from './types.ts';

export interface ConflictHint {
  index: LogIndex;
  term: Term;
}

export class RaftLog {
  private snapIndex: LogIndex;
  private snapTerm: Term;
  /** Invariant: ents[i].index === snapIndex + 1 + i. */
  private ents: Entry[];
  /** Invariant: applied <= committed <= lastIndex(). */
  committed: LogIndex;
  applied: LogIndex;
  /** Entries at or below `stabled` are durable. Invariant: snapIndex <= stabled <= lastIndex(). */
  stabled: LogIndex;
  /** The newest snapshot this node holds; the leader sends it to lagging followers. */
  snapshot: Snapshot | undefined;
  /** A snapshot received from the leader that the host has not yet persisted and applied. */
  pendingSnapshot: Snapshot | undefined;
  /** A snapshot taken by compact() that the host has not yet persisted. */
  pendingCompaction: Snapshot | undefined;

  constructor(snapshot: Snapshot | undefined, entries: readonly Entry[], commit: LogIndex, applied: LogIndex) {
    this.snapIndex = snapshot?.meta.index ?? 0;
    this.snapTerm = snapshot?.meta.term ?? 0;
    this.snapshot = snapshot;
    this.pendingSnapshot = undefined;
    this.pendingCompaction = undefined;
    this.ents = [];
    for (const e of entries) {
      if (e.index <= this.snapIndex) continue;
      if (e.index !== this.lastIndex() + 1) {
        throw new Error(`raft log: restored entries are not contiguous at index ${e.index}`);
      }
      this.ents.push(e);
    }
    this.stabled = this.lastIndex();
    this.committed = Math.max(this.snapIndex, Math.min(commit, this.lastIndex()));
    this.applied = Math.max(this.snapIndex, Math.min(applied, this.committed));
  }

  firstIndex(): LogIndex {
    return this.snapIndex + 1;
  }

  lastIndex(): LogIndex {
    return this.snapIndex + this.ents.length;
  }

  lastTerm(): Term {
    return this.ents.length === 0 ? this.snapTerm : this.ents[this.ents.length - 1].term;
  }

  snapshotIndex(): LogIndex {
    return this.snapIndex;
  }

  /** The term of the entry at `i`, or undefined when it is compacted away or beyond the end. */
  term(i: LogIndex): Term | undefined {
    if (i === this.snapIndex) return this.snapTerm;
    if (i < this.snapIndex || i > this.lastIndex()) return undefined;
    return this.ents[i - this.snapIndex - 1].term;
  }

  matchTerm(i: LogIndex, t: Term): boolean {
    return this.term(i) === t;
  }

  /**
   * §5.4.1: is a log ending at (lastIdx, lastTrm) at least as up to date as ours?
   * `needsBoth` is the bug flag upToDateNeedsBoth: both its last term and index must be at least ours.
   */
  isUpToDate(lastIdx: LogIndex, lastTrm: Term, needsBoth = false): boolean {
    const myTerm = this.lastTerm();
    if (needsBoth) return lastTrm >= myTerm && lastIdx >= this.lastIndex();
    return lastTrm > myTerm || (lastTrm === myTerm && lastIdx >= this.lastIndex());
  }

  /** The index of the first entry of `ents` that is missing or has another term here, or 0. */
  findConflict(ents: readonly Entry[]): LogIndex {
    for (const e of ents) {
      if (!this.matchTerm(e.index, e.term)) return e.index;
    }
    return 0;
  }

  /**
   * The largest index <= `index` whose term is <= `term`, with that term. Both sides of a
   * rejected MsgApp use it to skip a whole term of mismatching entries per round trip.
   */
  findConflictByTerm(index: LogIndex, term: Term): ConflictHint {
    let i = Math.min(index, this.lastIndex());
    for (;;) {
      const t = this.term(i);
      if (t === undefined) return { index: i, term: 0 };
      if (t <= term) return { index: i, term: t };
      i--;
    }
  }

  /**
   * Appends `ents` after (index, logTerm) if that entry matches, truncating only from the
   * first real conflict. Returns the index of the last entry the message vouches for, or
   * undefined when the previous entry does not match. Does not move `committed`.
   */
  maybeAppend(index: LogIndex, logTerm: Term, ents: readonly Entry[]): LogIndex | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNew = index + ents.length;
    const conflict = this.findConflict(ents);
    if (conflict !== 0) {
      this.append(ents.slice(conflict - index - 1));
    }
    return lastNew;
  }

  /** Appends contiguous entries, replacing any suffix from ents[0].index on. */
  append(ents: readonly Entry[]): void {
    if (ents.length === 0) return;
    const from = ents[0].index;
    if (from <= this.committed) {
      throw new Error(`raft log: refusing to overwrite committed index ${from} (committed ${this.committed})`);
    }
    if (from > this.lastIndex() + 1) {
      throw new Error(`raft log: gap appending index ${from} after ${this.lastIndex()}`);
    }
    this.ents.length = from - this.snapIndex - 1;
    for (const e of ents) this.ents.push(e);
    this.stabled = Math.min(this.stabled, from - 1);
  }

  /** Entries in [lo, hi), both within [firstIndex, lastIndex + 1]. */
  slice(lo: LogIndex, hi: LogIndex): Entry[] {
    if (lo < this.firstIndex() || hi > this.lastIndex() + 1 || lo > hi) {
      throw new Error(`raft log: slice [${lo}, ${hi}) out of range [${this.firstIndex()}, ${this.lastIndex() + 1})`);
    }
    return this.ents.slice(lo - this.snapIndex - 1, hi - this.snapIndex - 1);
  }

  unstableEntries(): Entry[] {
    return this.slice(this.stabled + 1, this.lastIndex() + 1);
  }

  /** Committed entries not yet applied, at most `countMax` of them. */
  nextCommitted(countMax: number): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    const hi = Math.min(this.committed, lo + countMax - 1);
    return hi < lo ? [] : this.slice(lo, hi + 1);
  }

  hasNextCommitted(): boolean {
    return this.committed >= Math.max(this.applied + 1, this.firstIndex());
  }

  commitTo(i: LogIndex): boolean {
    if (i <= this.committed) return false;
    if (i > this.lastIndex()) {
      throw new Error(`raft log: commit ${i} beyond last index ${this.lastIndex()}`);
    }
    this.committed = i;
    return true;
  }

  appliedTo(i: LogIndex): void {
    if (i > this.committed) {
      throw new Error(`raft log: applied ${i} beyond committed ${this.committed}`);
    }
    this.applied = Math.max(this.applied, i);
  }

  /**
   * Marks entries up to (i, t) durable, unless they were replaced since they were handed out.
   * `checkTerm` false is the bug flag stableWithoutTermCheck (only the index is checked).
   */
  stableTo(i: LogIndex, t: Term, checkTerm = true): boolean {
    if (i <= this.stabled || (checkTerm ? !this.matchTerm(i, t) : i > this.lastIndex())) return false;
    this.stabled = i;
    return true;
  }

  stableSnapshotTo(i: LogIndex): void {
    if (this.pendingSnapshot?.meta.index === i) this.pendingSnapshot = undefined;
  }

  stableCompactionTo(i: LogIndex): void {
    if (this.pendingCompaction?.meta.index === i) this.pendingCompaction = undefined;
  }

  /** Replaces the whole log with a snapshot from the leader. */
  restore(s: Snapshot): void {
    this.snapIndex = s.meta.index;
    this.snapTerm = s.meta.term;
    this.ents = [];
    this.committed = s.meta.index;
    this.stabled = s.meta.index;
    this.applied = Math.min(this.applied, this.committed);
    this.snapshot = s;
    this.pendingSnapshot = s;
    this.pendingCompaction = undefined;
  }

  /** Drops entries up to `s.meta.index`, which the application has applied and imaged in `s`. */
  compact(s: Snapshot): void {
    const index = s.meta.index;
    if (index <= this.snapIndex || index > this.applied) {
      throw new Error(`raft log: cannot compact to ${index} (snapshot ${this.snapIndex}, applied ${this.applied})`);
    }
    this.ents = this.ents.slice(index - this.snapIndex);
    this.snapIndex = index;
    this.snapTerm = s.meta.term;
    this.stabled = Math.max(this.stabled, index);
    this.snapshot = s;
    this.pendingCompaction = s;
  }
}
