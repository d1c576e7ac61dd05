// Goal: the vote-due check has teeth: a voter that took the election's term, voted for nobody
// else in it, heard no leader of it and is a voter must grant a candidate whose log is at
// least as up-to-date (§5.4.1), and every legitimate refusal (an older or ignored term, a
// vote already given, a known leader, a learner, a log behind the voter's) passes. Then the
// bug it was built for: an up-to-date test that needs both the last term and the last index.
// Method: a one-process world; the test emits 'raft.refused' and 'raft.granted' as KvServer
// does (from a real Raft's refusal in the last case), then reads the violations and stats.
import { describe, expect, it } from 'vitest';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';
import { World } from '../world/world.ts';
import { refusalExcuse, VoteDueCheck, type Refusal } from './voteDue.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };

function world(): World {
  return new World({ seed: 'vote-due', nodes: [0, 1, 2].map(() => ({ role: 'server', factory: () => idle })) });
}

/** A due refusal: term 3 taken, no vote, no leader, a voter, the candidate's log newer. */
const due: Refusal = { candidate: 2, term: 3, index: 2, logTerm: 2, ownIndex: 3, ownTerm: 1, after: 3, voted: -1, led: false, voter: true, sticky: false, pre: false, heardTicks: -1, electionTicks: 10 };

function refuse(w: World, node: number, r: Refusal): void {
  w.telemetry(0, node, 'raft.refused', { to: r.candidate, term: r.term, index: r.index, logTerm: r.logTerm, ownIndex: r.ownIndex, ownTerm: r.ownTerm, after: r.after, voted: r.voted, led: r.led, sticky: r.sticky, voter: r.voter, pre: r.pre, heardTicks: r.heardTicks, electionTicks: r.electionTicks });
}

describe('vote-due: a free voter grants an up-to-date candidate (§5.4.1, the liveness half)', () => {
  it('a due refusal fails, naming the voter, the candidate and both logs', () => {
    const w = world();
    const check = new VoteDueCheck(w);
    refuse(w, 0, due);
    expect(w.violations.map((v) => v.check)).toEqual(['vote-due']);
    expect(w.violations[0].message).toContain('node 0 refused its vote in term 3 to node 2, whose log ends at index 2 of term 2, while its own ends at index 3 of term 1');
    expect(check.state()).toBe('fail (1 votes refused though due)');
  });

  it('each legitimate reason to refuse passes, and is counted by its name', () => {
    const cases: [Partial<Refusal>, string][] = [
      [{ after: 4 }, 'stale'],
      [{ after: 2 }, 'ignored'],
      [{ sticky: true }, 'sticky'],
      [{ pre: true, after: 2, heardTicks: 19 }, 'heard-leader'],
      [{ voted: 1 }, 'voted'],
      [{ led: true }, 'led'],
      [{ voter: false }, 'not-voter'],
      [{ logTerm: 1, index: 2 }, 'log'],
      [{ logTerm: 0, index: 9 }, 'log'],
    ];
    const w = world();
    const check = new VoteDueCheck(w);
    for (const [change, excuse] of cases) {
      expect(refusalExcuse({ ...due, ...change })).toBe(excuse);
      refuse(w, 1, { ...due, ...change });
    }
    w.telemetry(0, 0, 'raft.granted', { to: 2, term: 3, index: 2, logTerm: 2, ownIndex: 1, ownTerm: 1 });
    expect(w.violations).toEqual([]);
    expect(check.state()).toBe('pass (1 votes granted, 9 refused with a reason: heard-leader 1, ignored 1, led 1, log 2, not-voter 1, stale 1, sticky 1, voted 1)');
    // Same last term and as long a log is as up-to-date; a vote already given to this candidate is no excuse.
    expect(refusalExcuse({ ...due, logTerm: 1, index: 3 })).toBeNull();
    expect(refusalExcuse({ ...due, voted: 2 })).toBeNull();
    // A pre-vote is about a term the node has not reached; it must be granted once no leader was heard for two timeouts.
    expect(refusalExcuse({ ...due, pre: true, after: 2, heardTicks: 20 })).toBeNull();
    expect(refusalExcuse({ ...due, pre: true, after: 2, heardTicks: -1 })).toBeNull();
  });

  it('with no election at all there is nothing to decide, and the stats say so', () => {
    expect(new VoteDueCheck(world()).state()).toMatch(/^not applicable: /);
  });
});

describe('what the check is for: an up-to-date test that needs both the last term and the last index', () => {
  /** Node 1 with three entries of term 1 gets a vote request of term 3 from a candidate whose log ends at index 2 of term 2. */
  function refusalOf(bugs: { upToDateNeedsBoth?: boolean }): Refusal | null {
    const n = newNode(1, { term: 1, bugs });
    n.step({ type: 'MsgApp', from: 2, to: 1, term: 1, index: 0, logTerm: 0, commit: 0, entries: [1, 2, 3].map((index) => ({ term: 1, index, type: 'normal' as const, data: '' })) });
    drain(n);
    const ownIndex = n.lastIndex();
    const ownTerm = n.term(ownIndex) ?? 0;
    n.step({ type: 'MsgVote', from: 3, to: 1, term: 3, index: 2, logTerm: 2 });
    if (n.votedFor() === 3) return null;
    return { candidate: 3, term: 3, index: 2, logTerm: 2, ownIndex, ownTerm, after: n.currentTerm(), voted: -1, led: false, voter: n.isVoter(1), sticky: false, pre: false, heardTicks: -1, electionTicks: 10 };
  }

  it('the correct Raft grants the vote; the bug refuses it, and the check reports the refusal', () => {
    expect(refusalOf({})).toBeNull();
    const r = refusalOf({ upToDateNeedsBoth: true });
    expect(r).not.toBeNull();
    const w = world();
    new VoteDueCheck(w);
    refuse(w, 1, r as Refusal);
    expect(w.violations.map((v) => v.check)).toEqual(['vote-due']);
  });
});
