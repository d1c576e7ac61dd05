// Goal: RaftLog's cursors and refusals at their edges: what a restore keeps, which indexes
// have a term, where a slice, an append, a commit, an apply or a stable mark is refused, and
// what a snapshot restore or a compaction leaves behind. Input a correct leader never sends
// (a gap, a slice past the end, a commit beyond the log) is refused loudly or ignored, as
// the contract says, rather than corrupting the invariants.
// Method: logs built by hand, each call tried at the edge and one past it.

import { describe, expect, it } from 'vitest';
import { entriesFromTerms } from '../../test/support/raft/testNetwork.ts';
import { RaftLog } from './raftLog.ts';
import type { Entry, Snapshot } from './types.ts';

function snapshotAt(index: number, term: number): Snapshot {
  return { meta: { index, term, conf: { voters: [1], learners: [] } }, data: `image@${index}` };
}

function entry(index: number, term: number): Entry {
  return { term, index, type: 'normal', data: `e${index}` };
}

/** Entries 6..10 after a snapshot at 5 (term 2), terms 2, 2, 3, 3, 3; nothing committed past 5. */
function afterSnapshot(): RaftLog {
  const ents = [entry(6, 2), entry(7, 2), entry(8, 3), entry(9, 3), entry(10, 3)];
  return new RaftLog(snapshotAt(5, 2), ents, 0, 0);
}

describe('RaftLog restore (constructor)', () => {
  it('skips entries the snapshot covers and clamps commit and applied into [snapshot, last]', () => {
    const log = new RaftLog(snapshotAt(2, 1), entriesFromTerms([1, 1, 1, 2]), 9, 9);
    expect([log.firstIndex(), log.lastIndex(), log.snapshotIndex()]).toEqual([3, 4, 2]);
    expect([log.committed, log.applied, log.stabled]).toEqual([4, 4, 4]);
    const low = new RaftLog(snapshotAt(2, 1), entriesFromTerms([1, 1, 1, 2]), 1, 0);
    expect([low.committed, low.applied]).toEqual([2, 2]);
    const mid = new RaftLog(undefined, entriesFromTerms([1, 1, 1]), 2, 3);
    expect([mid.committed, mid.applied]).toEqual([2, 2]);
  });

  it('refuses entries that leave a gap', () => {
    expect(() => new RaftLog(undefined, [entry(1, 1), entry(3, 1)], 0, 0)).toThrow(/not contiguous at index 3/);
    expect(() => new RaftLog(snapshotAt(2, 1), [entry(4, 1)], 0, 0)).toThrow(/not contiguous at index 4/);
  });
});

describe('RaftLog terms', () => {
  it('knows the term from the snapshot index to the last index, and nothing outside', () => {
    const log = afterSnapshot();
    expect([4, 5, 6, 8, 10, 11].map((i) => log.term(i))).toEqual([undefined, 2, 2, 3, 3, undefined]);
    expect(log.lastTerm()).toBe(3);
    expect(new RaftLog(snapshotAt(5, 2), [], 0, 0).lastTerm()).toBe(2);
    expect(new RaftLog(undefined, [], 0, 0).lastTerm()).toBe(0);
  });

  it('§5.4.1 isUpToDate: a later last term wins, an equal one needs an index at least as high', () => {
    const log = afterSnapshot();
    expect(log.isUpToDate(1, 4)).toBe(true);
    expect(log.isUpToDate(10, 3)).toBe(true);
    expect(log.isUpToDate(11, 3)).toBe(true);
    expect(log.isUpToDate(9, 3)).toBe(false);
    expect(log.isUpToDate(99, 2)).toBe(false);
  });

  it('findConflict names the first entry missing or of another term, else 0', () => {
    const log = afterSnapshot();
    expect(log.findConflict([entry(7, 2), entry(8, 3)])).toBe(0);
    expect(log.findConflict([entry(7, 2), entry(8, 4)])).toBe(8);
    expect(log.findConflict([entry(10, 3), entry(11, 3)])).toBe(11);
    expect(log.findConflict([])).toBe(0);
  });

  it('findConflictByTerm starts from the last index at most and stops at the snapshot', () => {
    const log = afterSnapshot();
    expect(log.findConflictByTerm(99, 3)).toEqual({ index: 10, term: 3 });
    expect(log.findConflictByTerm(9, 2)).toEqual({ index: 7, term: 2 });
    // Every known term is above 1: the walk ends below the snapshot with no term.
    expect(log.findConflictByTerm(10, 1)).toEqual({ index: 4, term: 0 });
  });
});

describe('RaftLog appends', () => {
  it('maybeAppend refuses a previous entry it does not hold, and vouches for index + entries', () => {
    const log = afterSnapshot();
    expect(log.maybeAppend(10, 2, [entry(11, 3)])).toBeUndefined();
    expect(log.maybeAppend(11, 3, [])).toBeUndefined();
    expect(log.lastIndex()).toBe(10);
    // All already held: nothing changes, and the answer still covers them.
    expect(log.maybeAppend(6, 2, [entry(7, 2), entry(8, 3)])).toBe(8);
    expect(log.lastIndex()).toBe(10);
    expect(log.stabled).toBe(10);
    // A conflict at 9: from there on the log is the message's.
    expect(log.maybeAppend(7, 2, [entry(8, 3), entry(9, 4)])).toBe(9);
    expect([log.lastIndex(), log.term(9), log.stabled]).toEqual([9, 4, 8]);
  });

  it('append refuses a gap and a committed index, accepts the next index, and ignores nothing to append', () => {
    const log = afterSnapshot();
    log.commitTo(7);
    expect(() => log.append([entry(12, 3)])).toThrow(/gap appending index 12 after 10/);
    expect(() => log.append([entry(7, 3)])).toThrow(/overwrite committed index 7/);
    log.append([]);
    expect([log.lastIndex(), log.stabled]).toEqual([10, 10]);
    log.append([entry(11, 3)]);
    expect([log.lastIndex(), log.stabled, log.term(11)]).toEqual([11, 10, 3]);
    log.append([entry(8, 4)]);
    expect([log.lastIndex(), log.stabled, log.term(8)]).toEqual([8, 7, 4]);
  });
});

describe('RaftLog slices', () => {
  it('slices within [firstIndex, lastIndex + 1] and refuses anything outside or reversed', () => {
    const log = afterSnapshot();
    expect(log.slice(6, 11).map((e) => e.index)).toEqual([6, 7, 8, 9, 10]);
    expect(log.slice(11, 11)).toEqual([]);
    expect(log.slice(6, 6)).toEqual([]);
    expect(() => log.slice(5, 7)).toThrow(/slice \[5, 7\) out of range \[6, 11\)/);
    expect(() => log.slice(6, 12)).toThrow(/out of range/);
    expect(() => log.slice(8, 7)).toThrow(/out of range/);
  });

  it('hands out committed entries after applied, from the snapshot on, at most countMax', () => {
    const log = afterSnapshot();
    expect(log.hasNextCommitted()).toBe(false);
    expect(log.nextCommitted(10)).toEqual([]);
    log.commitTo(9);
    expect(log.hasNextCommitted()).toBe(true);
    expect(log.nextCommitted(2).map((e) => e.index)).toEqual([6, 7]);
    expect(log.nextCommitted(10).map((e) => e.index)).toEqual([6, 7, 8, 9]);
    log.appliedTo(8);
    expect(log.hasNextCommitted()).toBe(true);
    expect(log.nextCommitted(10).map((e) => e.index)).toEqual([9]);
    log.appliedTo(9);
    expect(log.hasNextCommitted()).toBe(false);
    expect(log.nextCommitted(10)).toEqual([]);
  });
});

describe('RaftLog cursors', () => {
  it('commitTo moves only forward and never past the last index', () => {
    const log = afterSnapshot();
    expect(log.commitTo(5)).toBe(false);
    expect(log.commitTo(10)).toBe(true);
    expect(log.commitTo(10)).toBe(false);
    expect(log.committed).toBe(10);
    log.append([entry(11, 3)]);
    expect(() => log.commitTo(12)).toThrow(/commit 12 beyond last index 11/);
  });

  it('appliedTo never passes the commit and never moves back', () => {
    const log = afterSnapshot();
    log.commitTo(8);
    expect(() => log.appliedTo(9)).toThrow(/applied 9 beyond committed 8/);
    log.appliedTo(8);
    log.appliedTo(6);
    expect(log.applied).toBe(8);
  });

  it('stableTo marks only entries it still holds with that term, and only forward', () => {
    const log = new RaftLog(undefined, [], 0, 0);
    log.append([entry(1, 1), entry(2, 1), entry(3, 2)]);
    expect(log.stabled).toBe(0);
    expect(log.stableTo(4, 2)).toBe(false);
    expect(log.stableTo(4, 2, false)).toBe(false);
    expect(log.stableTo(2, 2)).toBe(false);
    expect(log.stableTo(2, 1)).toBe(true);
    expect(log.stabled).toBe(2);
    expect(log.stableTo(2, 1)).toBe(false);
    expect(log.stableTo(1, 1)).toBe(false);
    expect(log.stabled).toBe(2);
    expect(log.stableTo(3, 2)).toBe(true);
    expect(log.unstableEntries()).toEqual([]);
  });

  it('stableTo without the term check (bug flag stableWithoutTermCheck) still stops at the last index', () => {
    const log = new RaftLog(undefined, [], 0, 0);
    log.append([entry(1, 1), entry(2, 1), entry(3, 2)]);
    expect(log.stableTo(4, 2, false)).toBe(false);
    expect(log.stableTo(3, 9, false)).toBe(true);
    expect(log.stabled).toBe(3);
  });

  it('a persisted snapshot or compaction is cleared only by its own index', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1, 1]), 3, 3);
    // Nothing pending (a Ready advanced twice): nothing to clear, nothing thrown.
    log.stableCompactionTo(2);
    log.stableSnapshotTo(2);
    expect([log.pendingCompaction, log.pendingSnapshot]).toEqual([undefined, undefined]);
    log.compact(snapshotAt(2, 1));
    log.stableCompactionTo(1);
    expect(log.pendingCompaction?.meta.index).toBe(2);
    log.stableCompactionTo(2);
    expect(log.pendingCompaction).toBeUndefined();
    log.restore(snapshotAt(9, 4));
    log.stableSnapshotTo(2);
    expect(log.pendingSnapshot?.meta.index).toBe(9);
    log.stableSnapshotTo(9);
    expect(log.pendingSnapshot).toBeUndefined();
  });
});

describe('RaftLog snapshots', () => {
  it('restore replaces the log: every cursor at the snapshot, applied kept if lower, a compaction dropped', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1, 1, 1]), 4, 3);
    log.compact(snapshotAt(2, 1));
    const s = snapshotAt(9, 4);
    log.restore(s);
    expect([log.firstIndex(), log.lastIndex(), log.lastTerm(), log.committed, log.stabled, log.applied]).toEqual([10, 9, 4, 9, 9, 3]);
    expect(log.term(9)).toBe(4);
    expect(log.term(4)).toBeUndefined();
    expect(log.snapshot).toBe(s);
    expect(log.pendingSnapshot).toBe(s);
    expect(log.pendingCompaction).toBeUndefined();
    // The application's state is the snapshot's now: nothing committed to hand out.
    expect(log.hasNextCommitted()).toBe(false);
  });

  it('compact refuses an index already compacted or not yet applied, and keeps the entries after it', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1, 2, 2]), 4, 3);
    expect(() => log.compact(snapshotAt(4, 2))).toThrow(/cannot compact to 4 \(snapshot 0, applied 3\)/);
    log.compact(snapshotAt(3, 2));
    expect(() => log.compact(snapshotAt(3, 2))).toThrow(/cannot compact to 3 \(snapshot 3, applied 3\)/);
    expect([log.firstIndex(), log.lastIndex(), log.term(3), log.term(4)]).toEqual([4, 4, 2, 2]);
    expect(log.snapshot?.meta.index).toBe(3);
    expect(log.pendingCompaction?.meta.index).toBe(3);
  });

  it('compaction counts what it drops as durable', () => {
    const log = new RaftLog(undefined, [], 0, 0);
    log.append(entriesFromTerms([1, 1, 1]));
    log.commitTo(2);
    log.appliedTo(2);
    expect(log.stabled).toBe(0);
    log.compact(snapshotAt(2, 1));
    expect(log.stabled).toBe(2);
    expect(log.unstableEntries().map((e) => e.index)).toEqual([3]);
  });
});
