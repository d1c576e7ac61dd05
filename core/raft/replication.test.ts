// Goal: what core/raft/replication.ts puts on the wire and what a follower does with it
// (§5.3): an append carries the entries after the follower's next - 1, with that entry's
// term, at most maxEntriesPerMsg of them, and the leader's commit index; a follower whose
// next entry was compacted gets the snapshot; heartbeats carry the commit only up to what
// the follower is known to hold, and the read context and lease round; a follower commits
// only what an append vouches for, acknowledges exactly that, answers a stale append with its
// commit index, hints where to resume after a mismatch, and never lowers its commit index.
// These are the behaviours `npm run mutation` showed no test pinned down (docs/mutation.md);
// the follower cases follow etcd-io/raft's TestHandleMsgApp and TestHandleHeartbeat.
// Method: single RawNodes driven with hand-made messages; the exact messages they send and
// the state their status() reports are compared.
import { describe, expect, it } from 'vitest';
import { drain, electedLeader, newNode, type UnitNodeOptions } from '../../test/support/raft/testUtil.ts';
import type { RawNode } from './rawNode.ts';
import type { Entry, Message } from './types.ts';

function log(terms: number[], from = 1): Entry[] {
  return terms.map((term, i) => ({ term, index: from + i, type: 'normal', data: `e${from + i}` }));
}

/** Node 1, restored with a log of the given terms, elected leader (with 2's vote) in the next term. */
function leaderOf(terms: number[], opts: UnitNodeOptions = {}): RawNode {
  return electedLeader(log(terms), opts);
}

function toLeader(n: RawNode, type: Message['type'], from: number, fields: Partial<Message>): void {
  n.step({ type, from, to: 1, term: n.currentTerm(), ...fields });
}

/** Node 2, a follower in term `term` of leader 1, holding a log of the given terms. */
function followerOf(terms: number[], term: number, opts: UnitNodeOptions = {}): RawNode {
  const n = newNode(2, { entries: log(terms), term, ...opts });
  return n;
}

function fromLeader(n: RawNode, type: Message['type'], fields: Partial<Message>): Message[] {
  n.step({ type, from: 1, to: 2, term: n.currentTerm(), ...fields });
  return drain(n).messages;
}

describe('§5.3 the leader sends appends and snapshots', () => {
  it('an append carries the entries after next - 1, at most maxEntriesPerMsg, with the previous term and the commit index', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { maxEntriesPerMsg: 2 });
    // 3 holds everything: entry 6, of the leader's term, is committed.
    toLeader(n, 'MsgAppResp', 3, { index: 6 });
    drain(n);
    expect(n.commitIndex()).toBe(6);
    // 2 holds nothing: it is sent the log from the start, two entries at a time.
    toLeader(n, 'MsgAppResp', 2, { index: 5, reject: true, rejectHint: 0, logTerm: 0 });
    expect(drain(n).messages).toEqual([
      {
        type: 'MsgApp',
        from: 1,
        to: 2,
        term: 4,
        index: 0,
        logTerm: 0,
        entries: log([1, 1]),
        commit: 6,
      },
    ]);
    toLeader(n, 'MsgAppResp', 2, { index: 2 });
    expect(drain(n).messages.map((m) => [m.type, m.index, m.logTerm, m.entries?.map((e) => e.index), m.commit])).toEqual([
      ['MsgApp', 2, 1, [3, 4], 6],
      ['MsgApp', 4, 3, [5, 6], 6],
    ]);
    expect(n.status().progress?.[2]).toMatchObject({ state: 'replicate', match: 2, next: 7, inflightCount: 2 });
  });

  it('a follower whose next entry was compacted gets the snapshot, and the leader waits for it', () => {
    const n = leaderOf([]);
    for (const data of ['a', 'b', 'c']) n.propose(data);
    drain(n);
    toLeader(n, 'MsgAppResp', 2, { index: 4 });
    drain(n);
    expect(n.compact(4, 'image')).toBe(true);
    drain(n);
    toLeader(n, 'MsgHeartbeatResp', 3, {});
    const sent = drain(n).messages;
    expect(sent).toEqual([
      { type: 'MsgSnap', from: 1, to: 3, term: 1, snapshot: { meta: { index: 4, term: 1, conf: { voters: [1, 2, 3], learners: [] } }, data: 'image' } },
    ]);
    expect(n.status().progress?.[3]).toMatchObject({ state: 'snapshot', paused: true, inflightCount: 0 });
    expect(n.counters.snapshotsSent).toBe(1);
    // Nothing more goes to 3 while the snapshot is in flight.
    n.propose('d');
    expect(drain(n).messages.map((m) => m.to)).toEqual([2]);
    // The host says it was delivered: the leader resumes after the snapshot's index.
    n.reportSnapshot(3, true);
    expect(n.status().progress?.[3]).toMatchObject({ state: 'probe', next: 5 });
  });

  it('broadcasts go to every other member, learners included, never to the leader itself', () => {
    const n = leaderOf([], { voters: [1, 2, 3], learners: [4] });
    toLeader(n, 'MsgAppResp', 2, { index: 1 });
    toLeader(n, 'MsgAppResp', 3, { index: 1 });
    toLeader(n, 'MsgAppResp', 4, { index: 1 });
    drain(n);
    n.propose('x');
    expect(drain(n).messages.map((m) => [m.type, m.to])).toEqual([
      ['MsgApp', 2],
      ['MsgApp', 3],
      ['MsgApp', 4],
    ]);
  });
});

describe('heartbeats', () => {
  it('carry the commit index only up to what each follower is known to hold', () => {
    const n = leaderOf([1, 1, 3, 3, 3], { heartbeatTicks: 1 });
    toLeader(n, 'MsgAppResp', 2, { index: 6 });
    toLeader(n, 'MsgAppResp', 3, { index: 5, reject: true, rejectHint: 4, logTerm: 3 });
    toLeader(n, 'MsgAppResp', 3, { index: 4 });
    drain(n);
    expect(n.commitIndex()).toBe(6);
    n.tick();
    // Strict: without a read or a lease round, there is no context or round field at all.
    expect(drain(n).messages).toStrictEqual([
      { type: 'MsgHeartbeat', to: 2, commit: 6, from: 1, term: 4 },
      { type: 'MsgHeartbeat', to: 3, commit: 4, from: 1, term: 4 },
    ]);
  });

  it("carry a read's context, and in lease mode each broadcast's round", () => {
    const safe = leaderOf([]);
    toLeader(safe, 'MsgAppResp', 2, { index: 1 });
    drain(safe);
    safe.readIndex('r1');
    expect(drain(safe).messages.map((m) => [m.type, m.to, m.context, m.round])).toEqual([
      ['MsgHeartbeat', 2, 'r1', undefined],
      ['MsgHeartbeat', 3, 'r1', undefined],
    ]);

    const lease = leaderOf([], { readOnly: 'lease', checkQuorum: true, heartbeatTicks: 1 });
    lease.tick();
    const first = drain(lease).messages;
    lease.tick();
    const second = drain(lease).messages;
    expect(first.map((m) => [m.type, m.to, m.context])).toEqual([
      ['MsgHeartbeat', 2, undefined],
      ['MsgHeartbeat', 3, undefined],
    ]);
    const round = first[0].round;
    expect(round).toBeTypeOf('number');
    expect(first.map((m) => m.round)).toEqual([round, round]);
    expect(second.map((m) => m.round)).toEqual([(round ?? 0) + 1, (round ?? 0) + 1]);
  });
});

describe('§5.3 a follower handles appends (etcd: TestHandleMsgApp)', () => {
  it('commits only up to the last entry the append vouches for, and acknowledges exactly that', () => {
    // Entries 3 and 4 are of an old term the leader may not hold: commit 4 must not reach them.
    const n = followerOf([1, 1, 1, 1], 2);
    expect(fromLeader(n, 'MsgApp', { index: 2, logTerm: 1, entries: [], commit: 4 })).toEqual([
      { type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 2 },
    ]);
    expect(n.status()).toMatchObject({ commit: 2, lastIndex: 4 });
    expect(fromLeader(n, 'MsgApp', { index: 2, logTerm: 1, entries: log([2], 3), commit: 4 })).toEqual([
      { type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 3 },
    ]);
    expect(n.status()).toMatchObject({ commit: 3, lastIndex: 3 });
    expect(n.term(3)).toBe(2);
  });

  it('an append without a commit index commits nothing; one without entries is an empty append', () => {
    const n = followerOf([], 1);
    fromLeader(n, 'MsgApp', { index: 0, logTerm: 0, entries: log([1, 1]) });
    expect(n.status()).toMatchObject({ commit: 0, lastIndex: 2 });
    expect(fromLeader(n, 'MsgApp', { index: 2, logTerm: 1, commit: 2 })).toEqual([{ type: 'MsgAppResp', from: 2, to: 1, term: 1, index: 2 }]);
    expect(n.status()).toMatchObject({ commit: 2, lastIndex: 2 });
  });

  it('an append at the commit index is applied; one below it is answered with the commit index, the log untouched', () => {
    const n = followerOf([1, 1, 1], 2);
    fromLeader(n, 'MsgApp', { index: 2, logTerm: 1, entries: [], commit: 2 });
    expect(n.status().commit).toBe(2);
    expect(fromLeader(n, 'MsgApp', { index: 2, logTerm: 1, entries: log([2, 2], 3), commit: 2 })).toEqual([
      { type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 4 },
    ]);
    expect(n.status()).toMatchObject({ commit: 2, lastIndex: 4 });
    expect(n.term(3)).toBe(2);
    expect(fromLeader(n, 'MsgApp', { index: 1, logTerm: 1, entries: log([3], 2), commit: 2 })).toEqual([
      { type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 2 },
    ]);
    expect(n.status()).toMatchObject({ commit: 2, lastIndex: 4 });
  });

  it('a mismatch is refused with a hint: the last index at or below the probe whose term is at most the leader\'s', () => {
    const n = followerOf([1, 1, 2, 2, 2], 3);
    // The leader's entry 5 is of term 1: the follower's entries 3..5 (term 2) cannot match it.
    expect(fromLeader(n, 'MsgApp', { index: 5, logTerm: 1, entries: [], commit: 0 })).toEqual([
      { type: 'MsgAppResp', from: 2, to: 1, term: 3, index: 5, reject: true, rejectHint: 2, logTerm: 1 },
    ]);
    // A probe past the end of the log: the hint is the last entry, with its term.
    expect(fromLeader(n, 'MsgApp', { index: 9, logTerm: 3, entries: [], commit: 0 })).toEqual([
      { type: 'MsgAppResp', from: 2, to: 1, term: 3, index: 9, reject: true, rejectHint: 5, logTerm: 2 },
    ]);
    expect(n.status()).toMatchObject({ commit: 0, lastIndex: 5 });
  });
});

describe('a follower handles heartbeats and snapshots (etcd: TestHandleHeartbeat)', () => {
  it('commits what the heartbeat carries, only as far as its own log, and never backwards', () => {
    const n = followerOf([1, 1, 1], 1);
    expect(fromLeader(n, 'MsgHeartbeat', { commit: 9 })).toEqual([{ type: 'MsgHeartbeatResp', from: 2, to: 1, term: 1 }]);
    expect(n.status().commit).toBe(3);
    fromLeader(n, 'MsgHeartbeat', { commit: 1 });
    expect(n.status().commit).toBe(3);
  });

  it('echoes the read context and lease round', () => {
    const n = followerOf([], 1);
    expect(fromLeader(n, 'MsgHeartbeat', { commit: 0, context: 'r1', round: 7 })).toEqual([
      { type: 'MsgHeartbeatResp', from: 2, to: 1, term: 1, context: 'r1', round: 7 },
    ]);
  });

  it('a MsgSnap without a snapshot is dropped unanswered', () => {
    const n = followerOf([1], 1);
    expect(fromLeader(n, 'MsgSnap', {})).toEqual([]);
    expect(n.status()).toMatchObject({ commit: 0, lastIndex: 1, snapshotIndex: 0 });
  });
});

describe('test-only bug flags have teeth (config.ts RaftBugs)', () => {
  it('commitRegress: a heartbeat carrying a lower commit index lowers it (down to what is applied)', () => {
    for (const [bugs, commit] of [[{}, 3], [{ commitRegress: true }, 1]] as const) {
      const n = followerOf([1, 1, 1], 1, { bugs });
      // Not drained: nothing is applied yet.
      n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 3 });
      n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 1 });
      expect(n.status().commit, JSON.stringify(bugs)).toBe(commit);
    }
    // Never below what is applied: the application cannot take entries back.
    for (const [bugs, commit] of [[{}, 3], [{ commitRegress: true }, 2]] as const) {
      const n = followerOf([1, 1, 1], 1, { bugs });
      fromLeader(n, 'MsgHeartbeat', { commit: 2 });
      expect(n.status().applied).toBe(2);
      n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 3 });
      n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 1 });
      expect(n.status().commit, JSON.stringify(bugs)).toBe(commit);
    }
  });

  it('ackLastIndex: the follower acknowledges its whole log, not what the append proved', () => {
    for (const [bugs, index] of [[{}, 2], [{ ackLastIndex: true }, 4]] as const) {
      const n = followerOf([1, 1, 1, 1], 2, { bugs });
      const acks = fromLeader(n, 'MsgApp', { index: 2, logTerm: 1, entries: [], commit: 0 });
      expect(acks.map((m) => m.index), JSON.stringify(bugs)).toEqual([index]);
    }
  });
});
