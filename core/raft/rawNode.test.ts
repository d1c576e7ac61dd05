// Goal: the Ready/advance contract of RawNode and the RaftLog primitives under it: entries
// are handed out once and re-handed if not advanced (a failed persist), the leader counts
// itself toward a quorum only for what it persisted, and log operations never truncate
// matching entries or committed ones.
// Method: single nodes driven by hand; RaftLog exercised directly.

import { describe, expect, it } from 'vitest';
import { RaftLog } from './raftLog.ts';
import { entriesFromTerms } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';

describe('RawNode Ready contract', () => {
  it('a Ready that is not advanced is handed out again (persist failed, nothing acknowledged)', () => {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    const first = n.ready();
    expect(first.entries).toHaveLength(1);
    expect(first.hardState).toMatchObject({ term: 1, vote: 1 });
    const retry = n.ready();
    expect(retry.entries).toEqual(first.entries);
    expect(retry.hardState).toEqual(first.hardState);
    n.advance(retry);
    const after = drain(n);
    expect(after.readies.flatMap((r) => r.entries)).toEqual([]);
    expect(n.hasReady()).toBe(false);
  });

  it('a single-node leader commits its entry only after advancing the Ready that persisted it', () => {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    const rd = n.ready();
    expect(n.status().commit).toBe(0);
    n.advance(rd);
    expect(n.status().commit).toBe(1);
    const next = n.ready();
    expect(next.committedEntries.map((e) => e.index)).toEqual([1]);
    expect(next.mustSync).toBe(false);
    n.advance(next);
    expect(n.status().applied).toBe(1);
  });

  it('propose() is refused on a follower', () => {
    const n = newNode(2);
    expect(n.propose('x')).toBe(false);
  });

  it('ignores messages addressed to another node', () => {
    const n = newNode(2);
    n.step({ type: 'MsgVote', from: 1, to: 3, term: 9, index: 0, logTerm: 0 });
    expect(n.status().term).toBe(0);
  });

  it('rejects an invalid configuration with a clear message', () => {
    expect(() => newNode(1, { electionTicks: 2, heartbeatTicks: 2 })).toThrow(/heartbeatTicks must be below electionTicks/);
    expect(() => newNode(1, { maxInflight: 0 })).toThrow(/maxInflight must be a positive integer/);
  });
});

describe('RaftLog', () => {
  it('maybeAppend keeps matching entries and truncates only from a real conflict', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1, 2, 2]), 0, 0);
    expect(log.maybeAppend(1, 1, entriesFromTerms([1, 1]).slice(1))).toBe(2);
    expect(log.lastIndex()).toBe(4);
    expect(log.maybeAppend(2, 1, [{ term: 3, index: 3, type: 'normal', data: 'n' }])).toBe(3);
    expect(log.lastIndex()).toBe(3);
    expect(log.term(3)).toBe(3);
    expect(log.stabled).toBe(2);
    expect(log.maybeAppend(3, 9, [])).toBeUndefined();
  });

  it('stableTo ignores a write whose entries a newer leader replaced while it was in flight', () => {
    // Entries 3-4 of term 2 were handed to the disk; then a leader of term 3 replaced them
    // with 3-5 of its own. The old write's completion says nothing of the new entries.
    const log = new RaftLog(undefined, entriesFromTerms([1, 1]), 0, 0);
    log.append([{ term: 2, index: 3, type: 'normal', data: 'a' }, { term: 2, index: 4, type: 'normal', data: 'b' }]);
    log.append([3, 4, 5].map((index) => ({ term: 3, index, type: 'normal' as const, data: 'c' })));
    expect(log.stabled).toBe(2);
    expect(log.stableTo(4, 2)).toBe(false);
    expect(log.stabled).toBe(2);
    expect(log.unstableEntries().map((e) => [e.index, e.term])).toEqual([[3, 3], [4, 3], [5, 3]]);
    // The bug flag stableWithoutTermCheck checks the index only: the new 3 and 4 are lost.
    expect(log.stableTo(4, 2, false)).toBe(true);
    expect(log.unstableEntries().map((e) => e.index)).toEqual([5]);
    // The new write's own completion does count.
    expect(log.stableTo(5, 3)).toBe(true);
    expect(log.stabled).toBe(5);
  });

  it('refuses to overwrite a committed entry', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1]), 2, 0);
    expect(() => log.append([{ term: 2, index: 2, type: 'normal', data: '' }])).toThrow(/committed/);
  });

  it('findConflictByTerm skips a whole term of mismatching entries', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1, 1, 4, 4, 5, 5, 6, 6, 6]), 0, 0);
    expect(log.findConflictByTerm(10, 3)).toEqual({ index: 3, term: 1 });
    expect(log.findConflictByTerm(10, 6)).toEqual({ index: 10, term: 6 });
    expect(log.findConflictByTerm(7, 4)).toEqual({ index: 5, term: 4 });
  });

  it('compaction keeps term lookups at the boundary and slices after it', () => {
    const log = new RaftLog(undefined, entriesFromTerms([1, 1, 2, 2, 2]), 5, 5);
    log.compact({ meta: { index: 3, term: 2, conf: { voters: [1], learners: [] } }, data: '' });
    expect(log.firstIndex()).toBe(4);
    expect(log.term(3)).toBe(2);
    expect(log.term(2)).toBeUndefined();
    expect(log.slice(4, 6).map((e) => e.index)).toEqual([4, 5]);
    expect(() => log.slice(3, 4)).toThrow(/out of range/);
  });

  it('appending many entries one by one stays linear', () => {
    const log = new RaftLog(undefined, [], 0, 0);
    const count = 200_000;
    for (let i = 1; i <= count; i++) log.append([{ term: 1, index: i, type: 'normal', data: '' }]);
    expect(log.lastIndex()).toBe(count);
    expect(log.slice(count - 1, count + 1)).toHaveLength(2);
  });
});
