// Goal: the Ready/advance contract of RawNode and the RaftLog primitives under it: entries
// are handed out once and re-handed if not advanced (a failed persist), the leader counts
// itself toward a quorum only for what it persisted, and log operations never truncate
// matching entries or committed ones.
// Method: single nodes driven by hand; RaftLog exercised directly.

import { describe, expect, it } from 'vitest';
import { RaftLog } from './raftLog.ts';
import type { RawNode } from './rawNode.ts';
import { entriesFromTerms } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode, ticksUntilCampaign } from '../../test/support/raft/testUtil.ts';

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

describe('RawNode status', () => {
  // Goal: status() reports what the CLI and the UI show (the election timeout that will
  // fire, a leader's view of each member, a candidate's votes), and nothing a role does not have.
  // Method: single nodes driven by hand into each role; whole statuses compared.
  function leaderOfThree(): RawNode {
    const n = newNode(1, { seed: 3 });
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 });
    drain(n);
    return n;
  }

  it('a follower reports the randomized timeout at which it campaigns, and no progress or votes', () => {
    const n = newNode(2, { term: 2, seed: 1 });
    const s = n.status();
    expect(s).toEqual({
      id: 2, term: 2, vote: -1, commit: 0, applied: 0, lead: -1, role: 'follower', lastIndex: 0, firstIndex: 1, snapshotIndex: 0,
      conf: { voters: [1, 2, 3], learners: [] }, droppedMessageCount: 0, electionElapsed: 0, electionTimeout: s.electionTimeout,
    });
    expect('progress' in s).toBe(false);
    expect('votes' in s).toBe(false);
    // Randomized in [electionTicks, 2 * electionTicks); this seed draws above the minimum.
    expect(s.electionTimeout).toBeGreaterThan(10);
    expect(s.electionTimeout).toBeLessThan(20);
    for (let i = 0; i < 3; i++) n.tick();
    expect(n.status().electionElapsed).toBe(3);
    expect(ticksUntilCampaign(n, 40)).toBe(s.electionTimeout - 3);
  });

  it('a candidate reports the votes it has, granted and refused, and no progress', () => {
    const n = newNode(1);
    n.campaign();
    expect(n.status()).toMatchObject({ role: 'candidate', term: 1, vote: 1, votes: { 1: true } });
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: true });
    const s = n.status();
    expect(s.votes).toEqual({ 1: true, 2: false });
    expect('progress' in s).toBe(false);
  });

  it('a pre-candidate reports its pre-votes', () => {
    const n = newNode(1, { preVote: true });
    n.campaign();
    expect(n.status()).toMatchObject({ role: 'precandidate', term: 0, votes: { 1: true } });
    n.step({ type: 'MsgPreVoteResp', from: 3, to: 1, term: 0, reject: true });
    expect(n.status().votes).toEqual({ 1: true, 3: false });
  });

  it('a leader reports electionTicks as its timeout and each member\'s progress, and no votes', () => {
    const n = leaderOfThree();
    const s = n.status();
    expect(s).toMatchObject({ role: 'leader', lead: 1, term: 1, lastIndex: 1, electionTimeout: 10 });
    expect('votes' in s).toBe(false);
    // Its own entry is persisted; 2 and 3 were sent it and have not answered (probing).
    const probing = { match: 0, next: 1, state: 'probe', paused: true, recentActive: false, inflightCount: 0 };
    expect(s.progress).toEqual({
      1: { match: 1, next: 2, state: 'replicate', paused: false, recentActive: true, inflightCount: 0 },
      2: probing,
      3: probing,
    });
    n.step({ type: 'MsgAppResp', from: 2, to: 1, term: 1, index: 1 });
    expect(n.status().progress?.[2]).toEqual({ match: 1, next: 2, state: 'replicate', paused: false, recentActive: true, inflightCount: 0 });
  });

  it('status copies the configuration instead of sharing it', () => {
    const n = newNode(2);
    n.status().conf.voters.push(9);
    expect(n.status().conf.voters).toEqual([1, 2, 3]);
    expect(n.voterIds()).toEqual([1, 2, 3]);
  });

  it('matchOf answers on a leader, for members only', () => {
    const n = leaderOfThree();
    expect(n.matchOf(1)).toBe(1);
    expect(n.matchOf(2)).toBe(0);
    n.step({ type: 'MsgAppResp', from: 2, to: 1, term: 1, index: 1 });
    expect(n.matchOf(2)).toBe(1);
    expect(n.matchOf(4)).toBeUndefined();
    expect(newNode(2, { term: 1 }).matchOf(2)).toBeUndefined();
  });
});

describe('RawNode Ready bookkeeping', () => {
  // Goal: a Ready exists exactly when there is something to do, carries the hard and soft
  // state only when they changed, and asks for an fsync exactly when durable state changed.
  // Method: single nodes brought into a state where one thing changes at a time.

  /** A single-node leader with its first entry persisted, committed and applied. */
  function loneLeader(): RawNode {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    drain(n);
    expect(n.status()).toMatchObject({ role: 'leader', commit: 1, applied: 1 });
    return n;
  }

  it('no Ready without new input: after advance, after ticks below the timeout, after a leader\'s idle ticks', () => {
    const f = newNode(2, { term: 2, seed: 1 });
    expect(f.hasReady()).toBe(false);
    for (let i = 0; i < 5; i++) f.tick();
    expect(f.hasReady()).toBe(false);
    const l = loneLeader();
    expect(l.hasReady()).toBe(false);
    for (let i = 0; i < 30; i++) l.tick();
    expect(l.hasReady()).toBe(false);
  });

  it('a proposal on a lone leader: a Ready of its entry alone, to sync, without the unchanged states', () => {
    const n = loneLeader();
    expect(n.propose('x')).toBe(true);
    expect(n.hasReady()).toBe(true);
    const rd = n.ready();
    expect(rd).toStrictEqual({ entries: [{ term: 1, index: 2, type: 'normal', data: 'x' }], committedEntries: [], messages: [], readStates: [], mustSync: true });
    n.advance(rd);
    // Persisting it commits it: now the hard state changed (commit alone), no sync needed.
    const next = n.ready();
    expect(next).toMatchObject({ hardState: { term: 1, vote: 1, commit: 2 }, mustSync: false, entries: [] });
    expect(next.committedEntries.map((e) => e.index)).toEqual([2]);
    expect(next.softState).toBeUndefined();
    n.advance(next);
    expect(n.hasReady()).toBe(false);
  });

  it('a read on a lone leader: a Ready of the read state alone', () => {
    const n = loneLeader();
    n.readIndex('r');
    expect(n.hasReady()).toBe(true);
    expect(n.ready()).toStrictEqual({ entries: [], committedEntries: [], messages: [], readStates: [{ index: 1, requestCtx: 'r' }], mustSync: false });
  });

  it('a compaction: a Ready of the compaction alone, to sync', () => {
    const n = loneLeader();
    expect(n.compact(1, 'image')).toBe(true);
    expect(n.hasReady()).toBe(true);
    const rd = n.ready();
    expect(rd).toStrictEqual({
      entries: [], committedEntries: [], messages: [], readStates: [], mustSync: true,
      compaction: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [] } }, data: 'image' },
    });
    n.advance(rd);
    expect(n.hasReady()).toBe(false);
  });

  it('committed entries not yet applied at restart: a Ready of those alone', () => {
    const n = newNode(2, { term: 1, entries: entriesFromTerms([1, 1, 1]), commit: 3 });
    expect(n.hasReady()).toBe(true);
    const rd = n.ready();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(rd).toMatchObject({ entries: [], messages: [], readStates: [], mustSync: false });
    expect(rd.hardState).toBeUndefined();
    n.advance(rd);
    expect(n.hasReady()).toBe(false);
  });

  it('a message alone: a second heartbeat from a known leader', () => {
    const n = newNode(2, { term: 2 });
    n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 2, commit: 0 });
    const first = drain(n).readies;
    expect(first[0].softState).toEqual({ leader: 1, role: 'follower' });
    n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 2, commit: 0 });
    expect(n.hasReady()).toBe(true);
    expect(n.ready()).toStrictEqual({ entries: [], committedEntries: [], messages: [{ type: 'MsgHeartbeatResp', from: 2, to: 1, term: 2 }], readStates: [], mustSync: false });
  });

  it('a leader stepping down for lack of a quorum: a Ready of the soft state alone', () => {
    const n = newNode(1, { checkQuorum: true, seed: 3 });
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 });
    drain(n);
    const readies = [];
    for (let i = 0; i < 10; i++) {
      n.tick();
      readies.push(...drain(n).readies);
    }
    expect(n.status().role).toBe('follower');
    const last = readies[readies.length - 1];
    expect(last).toStrictEqual({ entries: [], committedEntries: [], messages: [], readStates: [], mustSync: false, softState: { leader: -1, role: 'follower' } });
    expect(readies.slice(0, -1).every((rd) => rd.softState === undefined && rd.hardState === undefined)).toBe(true);
  });

  it('a candidate that lost: a Ready of the role change alone (no leader either before or after)', () => {
    const n = newNode(1);
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: true });
    n.step({ type: 'MsgVoteResp', from: 3, to: 1, term: 1, reject: true });
    expect(n.status()).toMatchObject({ role: 'follower', term: 1, vote: 1, lead: -1 });
    expect(n.hasReady()).toBe(true);
    expect(n.ready()).toStrictEqual({ entries: [], committedEntries: [], messages: [], readStates: [], mustSync: false, softState: { leader: -1, role: 'follower' } });
  });

  it('a vote alone changes the hard state and must be synced', () => {
    const n = newNode(2, { term: 2 });
    n.step({ type: 'MsgVote', from: 3, to: 2, term: 2, index: 0, logTerm: 0 });
    const rd = n.ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 3, commit: 0 });
    expect(rd.softState).toBeUndefined();
    expect(rd.entries).toEqual([]);
    expect(rd.mustSync).toBe(true);
    n.advance(rd);
    expect(n.hasReady()).toBe(false);
  });

  it('a new term alone changes the hard state and must be synced', () => {
    // A vote request of a later term from a candidate whose log is behind: refused, but the term is adopted.
    const n = newNode(2, { term: 2, entries: entriesFromTerms([2]) });
    n.step({ type: 'MsgVote', from: 3, to: 2, term: 3, index: 0, logTerm: 0 });
    const rd = n.ready();
    expect(rd.hardState).toEqual({ term: 3, vote: -1, commit: 0 });
    expect(rd.softState).toBeUndefined();
    expect(rd.entries).toEqual([]);
    expect(rd.messages).toEqual([{ type: 'MsgVoteResp', from: 2, to: 3, term: 3, reject: true }]);
    expect(rd.mustSync).toBe(true);
  });

  it('a commit alone changes the hard state without a sync', () => {
    const n = newNode(2, { term: 2, vote: 1 });
    n.step({ type: 'MsgApp', from: 1, to: 2, term: 2, index: 0, logTerm: 0, commit: 0, entries: entriesFromTerms([2, 2]) });
    drain(n);
    n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 2, commit: 2 });
    expect(n.hasReady()).toBe(true);
    const rd = n.ready();
    expect(rd.hardState).toEqual({ term: 2, vote: 1, commit: 2 });
    expect(rd.softState).toBeUndefined();
    expect(rd.mustSync).toBe(false);
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1, 2]);
  });
});

describe('RawNode host reports and guards', () => {
  // Goal: what the host tells the node about delivery (unreachable, snapshot status) moves
  // only the progress it names, and the calls that would be redundant send nothing.
  // Method: a leader of three driven by hand until member 3 needs a snapshot.

  /** A leader of {1, 2, 3} that compacted through 4 and has just sent member 3 a snapshot. */
  function snapshotting(): RawNode {
    const n = newNode(1, { seed: 3 });
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 });
    drain(n);
    for (const data of ['a', 'b', 'c']) n.propose(data);
    drain(n);
    n.step({ type: 'MsgAppResp', from: 2, to: 1, term: 1, index: 4 });
    drain(n);
    expect(n.logLength()).toBe(4);
    expect(n.compact(4, 'image')).toBe(true);
    expect(n.logLength()).toBe(0);
    drain(n);
    // 3 answers a heartbeat: the leader probes it, from an index it compacted away.
    n.step({ type: 'MsgHeartbeatResp', from: 3, to: 1, term: 1 });
    expect(drain(n).messages.map((m) => [m.type, m.to])).toEqual([['MsgSnap', 3]]);
    expect(n.status().progress?.[3]).toMatchObject({ state: 'snapshot', paused: true });
    return n;
  }

  it('a delivered snapshot: probe from after it, once the next heartbeat answer comes', () => {
    const n = snapshotting();
    n.reportSnapshot(3, true);
    expect(n.status().progress?.[3]).toMatchObject({ state: 'probe', match: 0, next: 5, paused: true });
  });

  it('a lost snapshot: probe from after match again', () => {
    const n = snapshotting();
    n.reportSnapshot(3, false);
    expect(n.status().progress?.[3]).toMatchObject({ state: 'probe', match: 0, next: 1, paused: true });
  });

  it('a snapshot report about a member not in snapshot state, or to a follower, changes nothing', () => {
    const n = snapshotting();
    const before = n.status().progress;
    n.reportSnapshot(2, false);
    n.reportSnapshot(4, false);
    expect(n.status().progress).toEqual(before);
    const f = newNode(2, { term: 1 });
    f.reportSnapshot(1, false);
    f.reportUnreachable(1);
    expect(f.hasReady()).toBe(false);
  });

  it('an unreachable member in replicate falls back to probing; one in snapshot state stays', () => {
    const n = snapshotting();
    expect(n.status().progress?.[2].state).toBe('replicate');
    n.reportUnreachable(2);
    expect(n.status().progress?.[2]).toMatchObject({ state: 'probe', match: 4, next: 5, paused: false });
    n.reportUnreachable(3);
    expect(n.status().progress?.[3].state).toBe('snapshot');
  });

  it('campaign() on a leader does nothing', () => {
    const n = snapshotting();
    n.campaign();
    expect(n.status()).toMatchObject({ role: 'leader', term: 1 });
    expect(n.hasReady()).toBe(false);
  });

  it('a follower forwards a transfer to its leader, unless the leader is the transferee or unknown', () => {
    const n = newNode(2, { term: 1 });
    n.transferLeadership(3);
    expect(n.hasReady()).toBe(false);
    n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 0 });
    drain(n);
    n.transferLeadership(1);
    expect(n.hasReady()).toBe(false);
    n.transferLeadership(3);
    expect(drain(n).messages).toEqual([{ type: 'MsgTransferLeader', from: 2, to: 1, term: 0, transferee: 3 }]);
  });
});

describe('RawNode accessors', () => {
  // Goal: the cheap accessors the KV server reads instead of a full status agree with status().
  // Method: a leader and a follower of the same cluster, each accessor against its status field.
  it('answer as status() does, on a leader and on a follower', () => {
    const l = newNode(1, { learners: [4] });
    l.campaign();
    drain(l);
    l.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 });
    drain(l);
    const f = newNode(2, { term: 1, vote: 1, learners: [4] });
    f.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 0 });
    drain(f);
    for (const n of [l, f]) {
      const s = n.status();
      expect([n.currentTerm(), n.votedFor(), n.commitIndex(), n.lastIndex(), n.leader()]).toEqual([s.term, s.vote, s.commit, s.lastIndex, s.lead]);
      expect(n.isLeader()).toBe(s.role === 'leader');
      expect(n.confState()).toEqual(s.conf);
      expect(n.voterIds()).toEqual([1, 2, 3]);
      expect(n.memberIds()).toEqual([1, 2, 3, 4]);
      expect([1, 2, 3, 4, 5].map((id) => n.isVoter(id))).toEqual([true, true, true, false, false]);
    }
    expect([l.isLeader(), l.votedFor(), l.lastIndex(), f.isLeader(), f.leader()]).toEqual([true, 1, 1, false, 1]);
  });
});
