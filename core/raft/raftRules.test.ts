// Goal: the rules of core/raft/raft.ts that decide roles, terms and commits, each pinned
// by an outcome as etcd-io/raft defines it (raft.go Step, tickHeartbeat, maybeCommit,
// the CheckQuorum lease on votes, PreVote's term rules, the leader counting itself only
// for what it persisted, committing after a removal, a transfer to a removed node), and
// its bookkeeping around them: what a role change resets, the restart guard of lease
// reads, the log and queue bounds, stable marks and the applied index across Ready and
// advance, snapshot answers, the configuration a compaction records, and the RaftBugs
// flags it reads. `npm run mutation -- core/raft/raft.ts` showed these unguarded
// (docs/mutation.md).
// Method: single RawNodes driven with hand-made messages and ticks; assertions read
// status(), the commit index and the messages of the drained Ready.
import { describe, expect, it } from 'vitest';
import { drain, electedLeader, newNode, ticksUntilCampaign, type UnitNodeOptions } from '../../test/support/raft/testUtil.ts';
import { LIMITS } from './config.ts';
import { encodeConfChange } from './confChange.ts';
import type { RawNode } from './rawNode.ts';
import { NONE, type Message } from './types.ts';

function msg(m: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return m;
}

/** The messages `n` sends next as [type, to, term, reject] (drains `n`). */
function sent(n: RawNode): [string, number, number, boolean | undefined][] {
  return drain(n).messages.map((m) => [m.type, m.to, m.term, m.reject]);
}

/** Node 1 of `opts.voters` (default [1, 2, 3]) in the given role, term 2 or 3, drained. */
function inRole(role: 'follower' | 'precandidate' | 'candidate' | 'leader', opts: UnitNodeOptions = {}): RawNode {
  const n = newNode(1, { term: 2, ...opts, preVote: role === 'precandidate' });
  if (role !== 'follower') n.campaign();
  drain(n);
  if (role === 'leader') {
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: n.currentTerm() }));
    drain(n);
  }
  expect(n.status().role).toBe(role);
  return n;
}

/** A seed whose first randomized election timeout is above electionTicks (10). */
function lateSeed(): number {
  for (let seed = 1; seed < 100; seed++) {
    if (newNode(1, { seed }).status().electionTimeout > 11) return seed;
  }
  throw new Error('no seed');
}

describe('terms: a higher term makes every role a follower of it (etcd TestAllServerStepdown)', () => {
  for (const role of ['follower', 'precandidate', 'candidate', 'leader'] as const) {
    it(`a ${role} that gets an append or heartbeat of a higher term follows its sender in that term, with no vote`, () => {
      for (const type of ['MsgApp', 'MsgHeartbeat'] as const) {
        const n = inRole(role);
        const t = n.currentTerm() + 2;
        n.step(msg({ type, from: 2, to: 1, term: t, index: 0, logTerm: 0, entries: [], commit: 0 }));
        expect(n.status(), `${role} ${type}`).toMatchObject({ role: 'follower', term: t, lead: 2, vote: NONE });
      }
    });

    it(`a ${role} that gets a vote request of a higher term moves to it with no leader, and grants it on an up-to-date log`, () => {
      const n = inRole(role);
      const t = n.currentTerm() + 3;
      n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: t, index: 9, logTerm: t - 1 }));
      expect(n.status()).toMatchObject({ role: 'follower', term: t, lead: NONE, vote: 3 });
      expect(sent(n).filter((m) => m[0] === 'MsgVoteResp')).toEqual([['MsgVoteResp', 3, t, false]]);
      // Another candidate of that term is refused: one vote per term.
      n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: t, index: 9, logTerm: t - 1 }));
      expect(sent(n)).toEqual([['MsgVoteResp', 2, t, true]]);
    });
  }

  it('a vote request of a higher term with a stale log moves the term but is refused (§5.4.1)', () => {
    const n = newNode(1, { entries: [{ term: 3, index: 1, type: 'normal', data: '' }], term: 3 });
    n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: 5, index: 1, logTerm: 2 }));
    expect(n.status()).toMatchObject({ role: 'follower', term: 5, vote: NONE });
    expect(sent(n)).toEqual([['MsgVoteResp', 2, 5, true]]);
  });

  it('a message addressed to another node, or claiming to come from this one, changes nothing', () => {
    const n = newNode(1, { term: 2 });
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 3, term: 7, commit: 0 }));
    n.step(msg({ type: 'MsgVote', from: 1, to: 1, term: 7, index: 5, logTerm: 5 }));
    expect(n.status()).toMatchObject({ term: 2, lead: NONE, vote: NONE, role: 'follower' });
    expect(sent(n)).toEqual([]);
  });

  it('a candidate that gets a heartbeat of its own term follows the sender (someone won this term)', () => {
    const n = inRole('candidate');
    const t = n.currentTerm();
    n.step(msg({ type: 'MsgHeartbeat', from: 3, to: 1, term: t, commit: 0 }));
    expect(n.status()).toMatchObject({ role: 'follower', term: t, lead: 3, vote: 1 });
  });
});

describe('PreVote term rules (thesis §9.6; etcd raft.go Step)', () => {
  it('a pre-vote request of a later term changes neither our term nor our vote, whatever the answer', () => {
    const n = newNode(1, { term: 4, vote: 2, preVote: true });
    n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 5, index: 0, logTerm: 0 }));
    expect(n.status()).toMatchObject({ term: 4, vote: 2 });
    expect(sent(n)).toEqual([['MsgPreVoteResp', 3, 5, false]]);
  });

  it('a granted pre-vote answer of a later term moves no term: the pre-candidate counts it and stays pending short of a quorum', () => {
    const n = inRole('precandidate', { voters: [1, 2, 3, 4, 5] });
    expect(n.currentTerm()).toBe(2);
    n.step(msg({ type: 'MsgPreVoteResp', from: 2, to: 1, term: 3, reject: false }));
    expect(n.status()).toMatchObject({ role: 'precandidate', term: 2, votes: { 1: true, 2: true } });
    n.step(msg({ type: 'MsgPreVoteResp', from: 3, to: 1, term: 3, reject: false }));
    expect(n.status()).toMatchObject({ role: 'candidate', term: 3, vote: 1 });
  });

  it('a refused pre-vote answer of a later term makes the pre-candidate a follower of that term', () => {
    const n = inRole('precandidate');
    n.step(msg({ type: 'MsgPreVoteResp', from: 2, to: 1, term: 6, reject: true }));
    expect(n.status()).toMatchObject({ role: 'follower', term: 6, lead: NONE, vote: NONE });
  });

  it('a pre-candidate keeps its term and vote, forgets the leader, and becomes a candidate of the next term on a quorum', () => {
    const n = newNode(1, { term: 2, vote: 3, preVote: true });
    n.step(msg({ type: 'MsgHeartbeat', from: 3, to: 1, term: 2, commit: 0 }));
    drain(n);
    expect(n.status().lead).toBe(3);
    n.campaign();
    expect(n.status()).toMatchObject({ role: 'precandidate', term: 2, vote: 3, lead: NONE });
    expect(sent(n)).toEqual([['MsgPreVote', 2, 3, undefined], ['MsgPreVote', 3, 3, undefined]]);
    n.step(msg({ type: 'MsgPreVoteResp', from: 2, to: 1, term: 3, reject: false }));
    expect(n.status()).toMatchObject({ role: 'candidate', term: 3, vote: 1 });
    expect(sent(n)).toEqual([['MsgVote', 2, 3, undefined], ['MsgVote', 3, 3, undefined]]);
  });
});

describe('CheckQuorum: a follower that hears from a leader ignores vote requests (etcd inLease)', () => {
  function ledFollower(opts: UnitNodeOptions = {}): RawNode {
    const n = newNode(1, { term: 1, checkQuorum: true, seed: lateSeed(), ...opts });
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 1, commit: 0 }));
    drain(n);
    expect(n.status()).toMatchObject({ lead: 2, electionElapsed: 0 });
    return n;
  }

  it('for an election timeout after the leader was last heard: the request is dropped unanswered, then considered', () => {
    for (const type of ['MsgVote', 'MsgPreVote'] as const) {
      const n = ledFollower();
      for (let i = 0; i < 9; i++) n.tick();
      n.step(msg({ type, from: 3, to: 1, term: 2, index: 0, logTerm: 0 }));
      expect(n.status(), type).toMatchObject({ term: 1, lead: 2, vote: NONE, role: 'follower' });
      expect(sent(n)).toEqual([]);
      n.tick();
      expect(n.status()).toMatchObject({ electionElapsed: 10, role: 'follower' });
      n.step(msg({ type, from: 3, to: 1, term: 2, index: 0, logTerm: 0 }));
      expect(sent(n), type).toEqual([[`${type}Resp`, 3, 2, false]]);
      expect(n.status().term).toBe(type === 'MsgVote' ? 2 : 1);
    }
  });

  it('a transfer campaign (context "transfer") is not ignored', () => {
    const n = ledFollower();
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 2, index: 0, logTerm: 0, context: 'transfer' }));
    expect(n.status()).toMatchObject({ term: 2, vote: 3 });
    expect(sent(n)).toEqual([['MsgVoteResp', 3, 2, false]]);
  });

  it('without CheckQuorum the same request is answered at once', () => {
    const n = ledFollower({ checkQuorum: false });
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 2, index: 0, logTerm: 0 }));
    expect(n.status()).toMatchObject({ term: 2, vote: 3, lead: NONE });
  });
});

describe('Figure 2: a vote granted restarts the election timer, a vote refused does not', () => {
  const afterRefusal = (bugs: UnitNodeOptions['bugs']): number => {
    const n = newNode(1, { term: 2, bugs });
    n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: 3, index: 0, logTerm: 0 }));
    drain(n);
    expect(n.status()).toMatchObject({ term: 3, vote: 2, electionElapsed: 0 });
    for (let i = 0; i < 3; i++) n.tick();
    // Node 3 asks in the same term: refused, node 1 voted already.
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 3, index: 0, logTerm: 0 }));
    expect(sent(n)).toEqual([['MsgVoteResp', 3, 3, true]]);
    return n.status().electionElapsed;
  };

  it('the refusal leaves the timer running; refusalResetsTimer restarts it', () => {
    expect(afterRefusal({})).toBe(3);
    expect(afterRefusal({ refusalResetsTimer: true })).toBe(0);
  });
});

describe('CheckQuorum on the leader (etcd TestLeaderStepdownWhenQuorumLost/Active)', () => {
  it('a leader that hears from nobody steps down exactly at its election timeout, keeping its term', () => {
    const n = inRole('leader', { checkQuorum: true });
    const t = n.currentTerm();
    for (let i = 1; i < 10; i++) {
      n.tick();
      drain(n);
      expect(n.isLeader(), `tick ${i}`).toBe(true);
    }
    n.tick();
    expect(n.status()).toMatchObject({ role: 'follower', term: t, lead: NONE });
  });

  it('stepDownNamesSelf: the leader that steps down keeps itself as the leader it knows', () => {
    const n = inRole('leader', { checkQuorum: true, bugs: { stepDownNamesSelf: true } });
    for (let i = 1; i <= 10; i++) n.tick();
    expect(n.status()).toMatchObject({ role: 'follower', lead: 1 });
  });

  it('transferNeverAbandoned: a transfer to a silent target keeps proposals refused past the election timeout', () => {
    const proposes = (bugs: UnitNodeOptions['bugs']) => {
      const n = inRole('leader', { bugs });
      n.transferLeadership(2);
      for (let i = 0; i < 20; i++) n.tick();
      drain(n);
      return n.propose('x');
    };
    expect(proposes({})).toBe(true);
    expect(proposes({ transferNeverAbandoned: true })).toBe(false);
  });

  it('activity counts per round: a follower heard in one round only keeps the leader for that round', () => {
    const n = inRole('leader', { checkQuorum: true });
    for (let i = 1; i <= 10; i++) {
      if (i === 3) n.step(msg({ type: 'MsgHeartbeatResp', from: 3, to: 1, term: n.currentTerm() }));
      n.tick();
      drain(n);
    }
    expect(n.isLeader()).toBe(true);
    expect(n.status().progress?.[3].recentActive).toBe(false);
    // The leader itself is always active (etcd marks its own progress so in each round).
    expect(n.status().progress?.[1].recentActive).toBe(true);
    for (let i = 1; i < 10; i++) n.tick();
    expect(n.isLeader()).toBe(true);
    n.tick();
    expect(n.isLeader()).toBe(false);
  });

  it('a single-voter leader never steps down', () => {
    const n = newNode(1, { voters: [1], checkQuorum: true });
    n.campaign();
    for (let i = 0; i < 50; i++) {
      n.tick();
      drain(n);
    }
    expect(n.isLeader()).toBe(true);
  });

  it('without CheckQuorum a leader hearing from nobody stays', () => {
    const n = inRole('leader');
    for (let i = 0; i < 50; i++) n.tick();
    expect(n.isLeader()).toBe(true);
  });

  it('a leader sends heartbeats every heartbeatTicks ticks, to every other member', () => {
    const n = inRole('leader', { heartbeatTicks: 3, learners: [4] });
    const beats: number[] = [];
    for (let i = 1; i <= 9; i++) {
      n.tick();
      const hb = drain(n).messages.filter((m) => m.type === 'MsgHeartbeat');
      if (hb.length > 0) {
        expect(hb.map((m) => m.to)).toEqual([2, 3, 4]);
        beats.push(i);
      }
    }
    expect(beats).toEqual([3, 6, 9]);
  });
});

describe('the leader counts itself toward a quorum only for what it persisted (etcd: the leader\'s own MsgAppResp after storage)', () => {
  it('a single-voter leader commits its entries once they are persisted, not before', () => {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    expect(n.isLeader()).toBe(true);
    expect(n.commitIndex()).toBe(0);
    drain(n);
    expect(n.commitIndex()).toBe(1);
    expect(n.propose('a')).toBe(true);
    expect(n.commitIndex()).toBe(1);
    drain(n);
    expect(n.commitIndex()).toBe(2);
  });

  it('in three voters, one follower with an unpersisted leader is no quorum; two followers are', () => {
    const n = electedLeader([], { term: 1 });
    const last = n.lastIndex();
    expect(n.propose('x')).toBe(true);
    // Not drained: the leader has not persisted `x`.
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: n.currentTerm(), index: last + 1 }));
    expect(n.commitIndex()).toBe(last);
    n.step(msg({ type: 'MsgAppResp', from: 3, to: 1, term: n.currentTerm(), index: last + 1 }));
    expect(n.commitIndex()).toBe(last + 1);
  });
});

describe('membership and the commit rule', () => {
  it('after its removal commits, a two-voter leader commits what waited for the removed voter (etcd TestCommitAfterRemoveNode)', () => {
    const n = electedLeader([], { voters: [1, 2] });
    const t = n.currentTerm();
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 1 }));
    drain(n);
    expect(n.commitIndex()).toBe(1);
    expect(n.proposeConfChange({ type: 'removeNode', node: 2 })).toBe(true);
    expect(n.propose('x')).toBe(true);
    drain(n);
    expect(n.commitIndex()).toBe(1);
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 }));
    expect(n.status().conf.voters).toEqual([1]);
    expect(n.commitIndex()).toBe(3);
  });

  it('a transfer to a node whose removal then commits is abandoned, so proposals flow again (etcd TestLeaderTransferRemoveNode)', () => {
    const n = electedLeader([], { term: 1 });
    const t = n.currentTerm();
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 1 }));
    drain(n);
    expect(n.proposeConfChange({ type: 'removeNode', node: 3 })).toBe(true);
    drain(n);
    n.transferLeadership(3);
    drain(n);
    expect(n.propose('during')).toBe(false);
    expect(n.proposeConfChange({ type: 'addLearner', node: 4 })).toBe(false);
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 }));
    expect(n.status().conf.voters).toEqual([1, 2]);
    expect(n.propose('after')).toBe(true);
  });

  it('a transfer to a node that stays a voter survives an unrelated conf change', () => {
    const n = electedLeader([], { term: 1, learners: [4] });
    const t = n.currentTerm();
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 1 }));
    drain(n);
    expect(n.proposeConfChange({ type: 'removeNode', node: 4 })).toBe(true);
    drain(n);
    n.transferLeadership(3);
    drain(n);
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 }));
    expect(n.status().conf.learners).toEqual([]);
    expect(n.propose('still transferring')).toBe(false);
  });

  it('a conf change is refused by a follower and while a transfer is pending', () => {
    expect(newNode(1).proposeConfChange({ type: 'addLearner', node: 4 })).toBe(false);
    const n = electedLeader([], { term: 1 });
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: n.currentTerm(), index: 1 }));
    drain(n);
    n.transferLeadership(3);
    expect(n.proposeConfChange({ type: 'addLearner', node: 4 })).toBe(false);
    expect(n.lastIndex()).toBe(1);
  });
});

describe('what every role change resets (etcd raft.go reset)', () => {
  it('a new leader probes each follower from just after its old last index, and counts itself only up to what is stable', () => {
    const entries = [1, 1, 2].map((term, i) => ({ term, index: i + 1, type: 'normal' as const, data: `e${i + 1}` }));
    const n = newNode(1, { entries, term: 2, commit: 1 });
    n.campaign();
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 3 }));
    expect(n.isLeader()).toBe(true);
    expect(n.status().progress).toMatchObject({
      1: { match: 3, state: 'replicate' },
      2: { match: 0, next: 4, state: 'probe' },
      3: { match: 0, next: 4, state: 'probe' },
    });
    drain(n);
    expect(n.matchOf(1)).toBe(4);
  });

  it('votes of an earlier campaign do not count in the next one', () => {
    const n = newNode(1, { voters: [1, 2, 3, 4, 5] });
    n.campaign();
    drain(n);
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 }));
    expect(n.status()).toMatchObject({ role: 'candidate', term: 1, votes: { 1: true, 2: true } });
    n.campaign();
    drain(n);
    expect(n.status()).toMatchObject({ role: 'candidate', term: 2, votes: { 1: true } });
    n.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 2 }));
    expect(n.status().role).toBe('candidate');
    n.step(msg({ type: 'MsgVoteResp', from: 4, to: 1, term: 2 }));
    expect(n.status().role).toBe('leader');
  });

  it('a pre-candidate forgets the pre-votes of its last attempt too', () => {
    const n = newNode(1, { voters: [1, 2, 3, 4, 5], preVote: true });
    n.campaign();
    n.step(msg({ type: 'MsgPreVoteResp', from: 2, to: 1, term: 1 }));
    n.campaign();
    expect(n.status()).toMatchObject({ role: 'precandidate', votes: { 1: true } });
    n.step(msg({ type: 'MsgPreVoteResp', from: 3, to: 1, term: 1 }));
    expect(n.status().role).toBe('precandidate');
  });

  it('a new leader sends its first heartbeat heartbeatTicks after winning, whatever it counted before', () => {
    const n = newNode(1, { heartbeatTicks: 4, electionTicks: 20 });
    n.campaign();
    drain(n);
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 }));
    drain(n);
    const firstBeat = (): number => {
      for (let i = 1; i <= 20; i++) {
        n.tick();
        if (drain(n).messages.some((m) => m.type === 'MsgHeartbeat')) return i;
      }
      return -1;
    };
    expect(firstBeat()).toBe(4);
    n.tick();
    n.tick();
    // Deposed by a higher term, then elected again: the count starts afresh.
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 2, commit: 0 }));
    n.campaign();
    n.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 3 }));
    expect(n.isLeader()).toBe(true);
    drain(n);
    expect(firstBeat()).toBe(4);
  });

  it('a node with a snapshot not yet persisted does not campaign (etcd promotable)', () => {
    const n = newNode(2, { term: 2 });
    n.step(msg({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: { meta: { index: 5, term: 2, conf: { voters: [1, 2, 3], learners: [] } }, data: 's' } }));
    for (let i = 0; i < 40; i++) n.tick();
    expect(n.status().role).toBe('follower');
    expect(n.ticksUntilAction()).toBe(10);
    drain(n);
    for (let i = 0; i < 40 && n.status().role === 'follower'; i++) n.tick();
    expect(n.status()).toMatchObject({ role: 'candidate', term: 3 });
  });

  it('a step-down drops the pending transfer: the next leadership of the node starts with none', () => {
    const n = electedLeader([], { term: 1 });
    n.transferLeadership(3);
    expect(n.propose('during')).toBe(false);
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 5, commit: 0 }));
    n.campaign();
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 6 }));
    expect(n.isLeader()).toBe(true);
    expect(n.propose('after')).toBe(true);
  });
});

/** Entries 1..n of the given terms. */
function entriesOf(terms: number[]): { term: number; index: number; type: 'normal'; data: string }[] {
  return terms.map((term, i) => ({ term, index: i + 1, type: 'normal', data: `e${i + 1}` }));
}

/** The index of every committed entry handed out by the Readies, in order (drains `n`). */
function appliedIndexes(n: RawNode): number[] {
  return drain(n).readies.flatMap((rd) => rd.committedEntries.map((e) => e.index));
}

describe('term checks on messages (etcd raft.go Step)', () => {
  it('a CheckQuorum follower that hears its leader still follows a new leader of a higher term at once', () => {
    for (const type of ['MsgHeartbeat', 'MsgApp'] as const) {
      const n = newNode(1, { term: 1, checkQuorum: true });
      n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 1, commit: 0 }));
      drain(n);
      n.step(msg({ type, from: 3, to: 1, term: 2, index: 0, logTerm: 0, entries: [], commit: 0 }));
      expect(n.status(), type).toMatchObject({ term: 2, lead: 3, role: 'follower' });
    }
  });

  it('only term 0 lets a forwarded request skip the term check: one carrying a stale term is dropped', () => {
    const n = electedLeader([], { term: 1 });
    const t = n.currentTerm();
    const last = n.lastIndex();
    n.step(msg({ type: 'MsgTransferLeader', from: 2, to: 1, term: t - 1, transferee: 2 }));
    n.step(msg({ type: 'MsgProp', from: 2, to: 1, term: t - 1, entries: [{ term: 0, index: 0, type: 'normal', data: 'stale' }] }));
    expect(n.lastIndex()).toBe(last);
    expect(n.propose('still leading, no transfer')).toBe(true);
  });

  it('with PreVote, a stale pre-vote is refused with a pre-vote answer and a stale vote request gets no answer', () => {
    const n = newNode(1, { term: 5, preVote: true });
    n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 4, index: 0, logTerm: 0 }));
    n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: 4, index: 0, logTerm: 0 }));
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 4 }));
    expect(sent(n)).toEqual([['MsgPreVoteResp', 3, 5, true]]);
    expect(n.status()).toMatchObject({ term: 5, vote: NONE });
  });

  it('counts as rejected heartbeats only stale heartbeats, and as rejected appends only refusals', () => {
    const n = newNode(1, { term: 5, preVote: true });
    n.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 4, index: 0, logTerm: 0, entries: [] }));
    expect(n.counters.heartbeatsRejected).toBe(0);
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 4, commit: 0 }));
    n.step(msg({ type: 'MsgHeartbeat', from: 3, to: 1, term: 3, commit: 0 }));
    expect(n.counters.heartbeatsRejected).toBe(2);
    // Those stale messages were answered with MsgAppResp, none a refusal.
    expect(n.counters.appendsRejected).toBe(0);
    n.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 5, index: 0, logTerm: 0, entries: entriesOf([5]), commit: 0 }));
    expect(sent(n).at(-1)).toEqual(['MsgAppResp', 2, 5, undefined]);
    expect(n.counters.appendsRejected).toBe(0);
    n.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 5, index: 7, logTerm: 5, entries: [], commit: 0 }));
    expect(sent(n).at(-1)).toEqual(['MsgAppResp', 2, 5, true]);
    expect(n.counters.appendsRejected).toBe(1);
  });
});

describe('the restart guard of lease reads (a restarted node grants no vote for its first election timeout)', () => {
  const LEASE: UnitNodeOptions = { readOnly: 'lease', checkQuorum: true, term: 3 };

  function voteAfter(ticks: number, opts: UnitNodeOptions): [string, number, number, boolean | undefined][] {
    const n = newNode(1, { seed: lateSeed(), ...opts });
    for (let i = 0; i < ticks; i++) n.tick();
    drain(n);
    expect(n.status().role).toBe('follower');
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 4, index: 0, logTerm: 0 }));
    return sent(n);
  }

  it('ignores vote requests for electionTicks ticks after the restart, then answers them', () => {
    expect(voteAfter(0, LEASE)).toEqual([]);
    expect(voteAfter(9, LEASE)).toEqual([]);
    expect(voteAfter(10, LEASE)).toEqual([['MsgVoteResp', 3, 4, false]]);
  });

  it('is as long as the election timeout whatever the heartbeat period', () => {
    expect(voteAfter(3, { ...LEASE, heartbeatTicks: 2 })).toEqual([]);
  });

  it('a brand-new node (no term on disk) and a restarted node in safe mode answer at once', () => {
    expect(voteAfter(0, { ...LEASE, term: 0 })).toEqual([['MsgVoteResp', 3, 4, false]]);
    expect(voteAfter(0, { ...LEASE, readOnly: 'safe' })).toEqual([['MsgVoteResp', 3, 4, false]]);
  });

  it('a transfer campaign overrides it', () => {
    const n = newNode(1, { seed: lateSeed(), ...LEASE });
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 4, index: 0, logTerm: 0, context: 'transfer' }));
    expect(sent(n)).toEqual([['MsgVoteResp', 3, 4, false]]);
  });
});

describe('the log bounds of a leader', () => {
  it('the uncommitted bound counts entries above the commit index only', () => {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    drain(n);
    expect(n.propose('x')).toBe(true);
    drain(n);
    expect(n.commitIndex()).toBe(2);
    for (let i = 0; i < LIMITS.uncommittedEntriesMax; i++) {
      if (!n.propose(`p${i}`)) throw new Error(`refused proposal ${i}`);
    }
    expect(n.lastIndex()).toBe(2 + LIMITS.uncommittedEntriesMax);
    expect(n.propose('one too many')).toBe(false);
  });

  it('a new leader appends its empty entry even past the uncommitted bound, so it can still commit', () => {
    const n = electedLeader(entriesOf(new Array<number>(LIMITS.uncommittedEntriesMax).fill(1)));
    expect(n.lastIndex()).toBe(LIMITS.uncommittedEntriesMax + 1);
    expect(n.term(n.lastIndex())).toBe(n.currentTerm());
  });

  it('a forwarded proposal of several entries appends them in order at consecutive indexes', () => {
    const n = electedLeader([], { term: 1 });
    const last = n.lastIndex();
    const ents = ['a', 'b', 'c'].map((data) => ({ term: 0, index: 0, type: 'normal' as const, data }));
    n.step(msg({ type: 'MsgProp', from: 2, to: 1, term: 0, entries: ents }));
    expect(n.entries(last + 1, last + 4).map((e) => [e.index, e.data])).toEqual([[last + 1, 'a'], [last + 2, 'b'], [last + 3, 'c']]);
  });

  it('a leader keeps at most LIMITS.messagesMax messages between Readies and counts the rest as dropped', () => {
    const n = newNode(1, { term: 5 });
    for (let i = 0; i <= LIMITS.messagesMax; i++) n.step(msg({ type: 'MsgPreVote', from: 2, to: 1, term: 4, index: 0, logTerm: 0 }));
    expect(n.status().droppedMessageCount).toBe(1);
    expect(n.ready().messages.length).toBe(LIMITS.messagesMax);
  });

  it('a node keeps at most LIMITS.readStatesMax read states between Readies', () => {
    const n = newNode(2, { term: 1 });
    for (let i = 0; i <= LIMITS.readStatesMax; i++) n.step(msg({ type: 'MsgReadIndexResp', from: 1, to: 2, term: 1, index: 0, context: `r${i}` }));
    expect(n.ready().readStates.length).toBe(LIMITS.readStatesMax);
  });
});

describe('ticksUntilAction on a leader', () => {
  it('is the nearer of the next heartbeat and the next CheckQuorum round', () => {
    const n = inRole('leader', { heartbeatTicks: 6, checkQuorum: true });
    expect(n.ticksUntilAction()).toBe(6);
    for (let i = 0; i < 6; i++) n.tick();
    // A heartbeat went out (its count restarts at 0); the round is 4 ticks away.
    expect(n.ticksUntilAction()).toBe(4);
  });
});

describe('persistence and application feedback', () => {
  it('entries made stable by an old Ready are not those that replaced them (etcd stableTo checks the term)', () => {
    const n = newNode(2, { term: 1 });
    n.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: entriesOf([1, 1]), commit: 0 }));
    const old = n.ready();
    expect(old.entries.map((e) => [e.index, e.term])).toEqual([[1, 1], [2, 1]]);
    // A new leader overwrites both before the host reports them persisted.
    n.step(msg({ type: 'MsgApp', from: 3, to: 2, term: 2, index: 0, logTerm: 0, entries: entriesOf([2, 2]), commit: 0 }));
    n.advance(old);
    const next = n.ready();
    expect(next.entries.map((e) => [e.index, e.term])).toEqual([[1, 2], [2, 2]]);
  });

  it('entries committed between ready() and advance() are handed out in the next Ready, none skipped', () => {
    const n = electedLeader([], { term: 1 });
    const t = n.currentTerm();
    n.propose('a');
    n.propose('b');
    drain(n);
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 }));
    const rd = n.ready();
    expect(rd.committedEntries.map((e) => e.index)).toEqual([1, 2]);
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 3 }));
    n.advance(rd);
    expect(n.status().applied).toBe(2);
    expect(appliedIndexes(n)).toEqual([3]);
  });

  it('a leader whose own persisted ack commits its removal steps down and sends heartbeats, no appends', () => {
    const n = electedLeader([], { term: 1 });
    const t = n.currentTerm();
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 1 }));
    drain(n);
    expect(n.proposeConfChange({ type: 'removeNode', node: 1 })).toBe(true);
    const rd = n.ready();
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 }));
    expect(n.commitIndex()).toBe(1);
    n.advance(rd);
    expect(n.commitIndex()).toBe(2);
    expect(n.status()).toMatchObject({ role: 'follower', lead: NONE, conf: { voters: [2, 3] } });
    const after = drain(n).messages;
    expect(after.map((m) => [m.type, m.to])).toEqual([['MsgHeartbeat', 2], ['MsgHeartbeat', 3]]);
    expect(after[0].commit).toBe(2);
  });
});

describe('membership as followers see it', () => {
  it('a follower that applies its own removal keeps following its leader and sends nothing of its own', () => {
    const n = newNode(3, { term: 1 });
    const conf = { term: 1, index: 2, type: 'conf' as const, data: encodeConfChange({ type: 'removeNode', node: 3 }) };
    n.step(msg({ type: 'MsgApp', from: 1, to: 3, term: 1, index: 0, logTerm: 0, entries: [...entriesOf([1]), conf], commit: 2 }));
    expect(n.status()).toMatchObject({ role: 'follower', lead: 1, commit: 2, conf: { voters: [1, 2] } });
    expect(sent(n)).toEqual([['MsgAppResp', 1, 1, undefined]]);
  });

  it('a normal entry whose data reads like a conf change changes no membership', () => {
    const n = electedLeader([], { term: 1 });
    const t = n.currentTerm();
    expect(n.propose(encodeConfChange({ type: 'addLearner', node: 4 }))).toBe(true);
    drain(n);
    n.step(msg({ type: 'MsgAppResp', from: 2, to: 1, term: t, index: 2 }));
    expect(n.commitIndex()).toBe(2);
    expect(n.status().conf).toEqual({ voters: [1, 2, 3], learners: [] });
  });
});

describe('snapshots a follower does not restore are answered with its commit index (etcd raft.go handleSnapshot)', () => {
  const snap = (index: number, voters: number[]) => ({ meta: { index, term: 1, conf: { voters, learners: [] } }, data: 's' });

  it('not newer than the commit index, or leaving this node out: the answer is the commit index, never the unstable tail', () => {
    for (const s of [snap(1, [1, 2, 3]), snap(9, [1, 3, 4])]) {
      const n = newNode(2, { term: 1, entries: entriesOf([1, 1, 1]), commit: 1 });
      n.step(msg({ type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: s }));
      expect(drain(n).messages.map((m) => [m.type, m.index])).toEqual([['MsgAppResp', 1]]);
      expect(n.status()).toMatchObject({ commit: 1, lastIndex: 3, snapshotIndex: 0 });
    }
  });
});

describe('compaction keeps the configuration in force (etcd: the snapshot ConfState)', () => {
  /** A single-voter leader whose conf entries commit as soon as they are persisted. */
  function soloLeader(): RawNode {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    drain(n);
    return n;
  }

  function compactAt(n: RawNode, index: number): unknown {
    expect(n.compact(index, `snap-${index}`)).toBe(true);
    const rd = n.ready();
    n.advance(rd);
    return rd.compaction?.meta.conf;
  }

  it('after a restored snapshot, a compaction carries the snapshot configuration', () => {
    const n = newNode(2, { term: 1 });
    const conf = { voters: [1, 2, 3], learners: [4] };
    n.step(msg({ type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: { meta: { index: 5, term: 1, conf }, data: 's' } }));
    drain(n);
    const more = [6, 7].map((index) => ({ term: 1, index, type: 'normal' as const, data: `e${index}` }));
    n.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 1, index: 5, logTerm: 1, entries: more, commit: 7 }));
    drain(n);
    expect(n.status().applied).toBe(7);
    expect(compactAt(n, 6)).toEqual(conf);
    expect(compactAt(n, 7)).toEqual(conf);
  });

  it('compacting before two membership changes, then between them, then twice after them gives each point its own configuration', () => {
    const n = soloLeader();
    expect(n.propose('a')).toBe(true);
    drain(n);
    expect(n.proposeConfChange({ type: 'addLearner', node: 2 })).toBe(true);
    drain(n);
    expect(n.proposeConfChange({ type: 'addLearner', node: 3 })).toBe(true);
    drain(n);
    expect(n.propose('b')).toBe(true);
    drain(n);
    expect(n.status()).toMatchObject({ commit: 5, applied: 5, conf: { voters: [1], learners: [2, 3] } });
    expect(compactAt(n, 2)).toEqual({ voters: [1], learners: [] });
    expect(compactAt(n, 3)).toEqual({ voters: [1], learners: [2] });
    expect(compactAt(n, 4)).toEqual({ voters: [1], learners: [2, 3] });
    expect(compactAt(n, 5)).toEqual({ voters: [1], learners: [2, 3] });
  });

  it('compacting an entry not yet applied is refused with the reason', () => {
    const n = soloLeader();
    expect(n.propose('a')).toBe(true);
    expect(n.lastIndex()).toBe(2);
    expect(n.status().applied).toBe(1);
    expect(() => n.compact(2, 'early')).toThrow(/beyond applied index 1/);
  });
});

// The simulator's bug catalogue (docs/bugfinding.md) relies on each RaftBugs flag breaking
// exactly the rule it names; each case here shows the flag's effect on one of the outcomes
// the tests above pin for the correct node.
describe('the bug flags read by raft.ts have teeth (config.ts RaftBugs)', () => {
  it('learnersInQuorum: a learner\'s ack completes a commit quorum', () => {
    for (const flag of [false, true]) {
      const n = electedLeader([], { voters: [1, 2], learners: [3], bugs: { learnersInQuorum: flag } });
      n.step(msg({ type: 'MsgAppResp', from: 3, to: 1, term: n.currentTerm(), index: 1 }));
      expect(n.commitIndex(), `flag ${flag}`).toBe(flag ? 1 : 0);
    }
  });

  it('electionNeedsEveryVoter: a majority of grants does not win', () => {
    const n = newNode(1, { bugs: { electionNeedsEveryVoter: true } });
    n.campaign();
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 }));
    expect(n.status().role).toBe('candidate');
    n.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 1 }));
    expect(n.status().role).toBe('leader');
  });

  it('learnersCampaign: a learner campaigns when it hears no leader', () => {
    const opts = { voters: [1, 2, 3], learners: [4] };
    expect(ticksUntilCampaign(newNode(4, opts), 40)).toBe(-1);
    expect(ticksUntilCampaign(newNode(4, { ...opts, bugs: { learnersCampaign: true } }), 40)).toBeGreaterThan(0);
  });

  it('votesKeptAcrossCampaigns: a grant of the last campaign still counts', () => {
    const n = newNode(1, { voters: [1, 2, 3, 4, 5], bugs: { votesKeptAcrossCampaigns: true } });
    n.campaign();
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1 }));
    n.campaign();
    n.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 2 }));
    expect(n.status()).toMatchObject({ role: 'leader', term: 2 });
  });

  it('electionNotRandomized: every follower campaigns after exactly electionTicks', () => {
    const seed = lateSeed();
    expect(ticksUntilCampaign(newNode(1, { seed }), 40)).toBeGreaterThan(10);
    expect(ticksUntilCampaign(newNode(1, { seed, bugs: { electionNotRandomized: true } }), 40)).toBe(10);
  });

  it('checkQuorumNeverResets: a follower heard once keeps a cut-off leader leading', () => {
    const n = inRole('leader', { checkQuorum: true, bugs: { checkQuorumNeverResets: true } });
    n.step(msg({ type: 'MsgHeartbeatResp', from: 3, to: 1, term: n.currentTerm() }));
    for (let i = 0; i < 50; i++) n.tick();
    expect(n.isLeader()).toBe(true);
  });

  it('votesWhileLed: a CheckQuorum follower that hears its leader grants a vote at once', () => {
    const n = newNode(1, { term: 1, checkQuorum: true, bugs: { votesWhileLed: true } });
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 1, commit: 0 }));
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 2, index: 0, logTerm: 0 }));
    expect(n.status()).toMatchObject({ term: 2, vote: 3 });
  });

  it('upToDateNeedsBoth: a candidate with a newer last term and a shorter log is refused (§5.4.1 grants it)', () => {
    const vote = (bugs: UnitNodeOptions['bugs']) => {
      const n = newNode(1, { term: 1 });
      n.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 0, logTerm: 0, entries: entriesOf([1, 1, 1]), commit: 0 }));
      drain(n);
      const m = newNode(1, { term: 1, bugs });
      m.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 0, logTerm: 0, entries: entriesOf([1, 1, 1]), commit: 0 }));
      drain(m);
      for (const x of [n, m]) x.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 3, index: 2, logTerm: 2 }));
      return [n.status().vote, m.status().vote];
    };
    expect(vote({ upToDateNeedsBoth: true })).toEqual([3, NONE]);
  });

  it('transferWithoutContext: MsgTimeoutNow starts a campaign without the transfer context (PreVote first)', () => {
    const asks = (bugs: UnitNodeOptions['bugs']) => {
      const n = newNode(1, { term: 2, preVote: true, checkQuorum: true, bugs });
      n.step(msg({ type: 'MsgTimeoutNow', from: 2, to: 1, term: 2 }));
      return drain(n).messages.map((m) => [m.type, m.term, m.context ?? '']);
    };
    expect(asks({})).toContainEqual(['MsgVote', 3, 'transfer']);
    expect(asks({ transferWithoutContext: true })).toContainEqual(['MsgPreVote', 3, '']);
    expect(asks({ transferWithoutContext: true }).some(([t]) => t === 'MsgVote')).toBe(false);
  });

  it('noEmptyEntryOnElection: a new leader appends no entry of its term (§8 appends an empty one)', () => {
    const last = (bugs: UnitNodeOptions['bugs']) => {
      const n = electedLeader([], { bugs });
      return [n.lastIndex(), n.term(n.lastIndex())];
    };
    expect(last({})).toEqual([1, 1]);
    expect(last({ noEmptyEntryOnElection: true })).toEqual([0, 0]);
  });

  it('preVoteWithoutLogCheck: a pre-vote is granted to a candidate whose log is behind (thesis §9.6 refuses it)', () => {
    const answer = (bugs: UnitNodeOptions['bugs']) => {
      const n = newNode(1, { term: 1, preVote: true, bugs });
      n.step(msg({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 0, logTerm: 0, entries: entriesOf([1, 1, 1]), commit: 0 }));
      drain(n);
      n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 2, index: 1, logTerm: 1 }));
      return drain(n).messages.filter((m) => m.type === 'MsgPreVoteResp').map((m) => m.reject === true);
    };
    expect(answer({})).toEqual([true]);
    expect(answer({ preVoteWithoutLogCheck: true })).toEqual([false]);
  });

  it('preVoteMovesTerm: a pre-vote request moves the term', () => {
    const n = newNode(1, { term: 4, preVote: true, bugs: { preVoteMovesTerm: true } });
    n.step(msg({ type: 'MsgPreVote', from: 3, to: 1, term: 5, index: 0, logTerm: 0 }));
    expect(n.status().term).toBe(5);
  });

  it('leaseWithoutQuorumRound and restartGuardShort: a restarted lease node answers votes early', () => {
    const vote = (bugs: UnitNodeOptions['bugs'], ticks: number) => {
      const n = newNode(1, { seed: lateSeed(), readOnly: 'lease', checkQuorum: true, term: 3, heartbeatTicks: 2, bugs });
      for (let i = 0; i < ticks; i++) n.tick();
      n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 4, index: 0, logTerm: 0 }));
      return n.status().vote;
    };
    expect(vote({ leaseWithoutQuorumRound: true }, 0)).toBe(3);
    expect(vote({ restartGuardShort: true }, 1)).toBe(NONE);
    expect(vote({ restartGuardShort: true }, 2)).toBe(3);
  });

  it('stableWithoutTermCheck: entries that replaced a write in flight are taken as written', () => {
    const n = newNode(2, { term: 1, bugs: { stableWithoutTermCheck: true } });
    n.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: entriesOf([1, 1]), commit: 0 }));
    const old = n.ready();
    n.step(msg({ type: 'MsgApp', from: 3, to: 2, term: 2, index: 0, logTerm: 0, entries: entriesOf([2, 2]), commit: 0 }));
    n.advance(old);
    expect(n.hasReady() ? n.ready().entries : []).toEqual([]);
  });

  it('confChangeWhilePending: a second conf change is accepted before the first commits', () => {
    const n = electedLeader([], { term: 1, bugs: { confChangeWhilePending: true } });
    expect(n.proposeConfChange({ type: 'addLearner', node: 4 })).toBe(true);
    expect(n.proposeConfChange({ type: 'addLearner', node: 5 })).toBe(true);
  });

  it('snapshotConfBehind: a compaction at a conf entry records the configuration before it', () => {
    const n = newNode(1, { voters: [1], bugs: { snapshotConfBehind: true } });
    n.campaign();
    drain(n);
    expect(n.proposeConfChange({ type: 'addLearner', node: 2 })).toBe(true);
    drain(n);
    expect(n.compact(2, 's')).toBe(true);
    expect(n.ready().compaction?.meta.conf).toEqual({ voters: [1], learners: [] });
  });
});
