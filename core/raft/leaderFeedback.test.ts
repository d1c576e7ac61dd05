// Goal: three things a node reports that `npm run mutation -- core/raft/raft.ts` still found
// unpinned after raftRules.test.ts: a leader whose own persistence completes a quorum tells
// the followers the new commit index at once (etcd: the leader's self-ack steps through
// maybeCommit and bcastAppend); a conf change past the uncommitted-entries bound is refused
// like any proposal, leaving no pending change behind; a refused vote is not counted as a
// refused append.
// Method: single RawNodes driven with hand-made messages; assertions read the drained
// Ready's messages, the log and the counters.
import { describe, expect, it } from 'vitest';
import { drain, electedLeader, newNode } from '../../test/support/raft/testUtil.ts';
import { LIMITS } from './config.ts';

describe('a leader\'s feedback after its own persistence and at its bounds', () => {
  it('when persisting its own entry completes a quorum, the leader sends the new commit index to the followers at once', () => {
    const n = electedLeader([], { term: 1 });
    const t = n.currentTerm();
    n.step({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 1 });
    drain(n);
    expect(n.propose('x')).toBe(true);
    const rd = n.ready();
    n.step({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 });
    expect(n.commitIndex()).toBe(1);
    n.advance(rd);
    expect(n.commitIndex()).toBe(2);
    const apps = drain(n).messages.filter((m) => m.type === 'MsgApp');
    expect(apps.map((m) => [m.to, m.commit])).toContainEqual([2, 2]);
  });

  it('a conf change that would pass the uncommitted bound is refused and appends nothing', () => {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    drain(n);
    for (let i = 0; i < LIMITS.uncommittedEntriesMax; i++) {
      if (!n.propose(`p${i}`)) throw new Error(`refused proposal ${i}`);
    }
    const last = n.lastIndex();
    expect(n.proposeConfChange({ type: 'addLearner', node: 2 })).toBe(false);
    expect(n.lastIndex()).toBe(last);
    // Once all is committed, the same change is accepted: nothing was left pending.
    drain(n);
    expect(n.proposeConfChange({ type: 'addLearner', node: 2 })).toBe(true);
  });

  it('refusing a vote or a pre-vote is not counted as refusing an append', () => {
    const n = newNode(1, { term: 5, vote: 3, preVote: true });
    n.step({ type: 'MsgVote', from: 2, to: 1, term: 5, index: 0, logTerm: 0 });
    n.step({ type: 'MsgPreVote', from: 2, to: 1, term: 4, index: 0, logTerm: 0 });
    expect(drain(n).messages.map((m) => [m.type, m.reject])).toEqual([['MsgVoteResp', true], ['MsgPreVoteResp', true]]);
    expect(n.counters.appendsRejected).toBe(0);
  });
});
