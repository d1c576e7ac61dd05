// Goal: the commit index is the largest index a quorum of voters holds, whatever the
// order, duplicates and sizes of the match indexes, across configuration changes that
// shrink the cluster, and with the learnersInQuorum bug flag counting learners too; and the
// tracker's other quorum arithmetic (quorum size, vote tally, hasQuorum, CheckQuorum
// activity), member order and progress bookkeeping across setConf.
// Method: random configurations and match indexes against the definition written out
// (sort descending, take the middle), one tracker reused through several configurations;
// then hand-built trackers with the expected answers written out (etcd-io/raft's quorum
// and tracker rules).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './tracker.ts';

function reference(matches: number[]): number {
  if (matches.length === 0) return 0;
  const sorted = [...matches].sort((a, b) => b - a);
  return sorted[Math.floor(matches.length / 2)];
}

describe('ProgressTracker.committedIndex', () => {
  it('is the middle of the voters\' match indexes sorted descending (learners only under the bug flag)', () => {
    const config = fc.record({
      voters: fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 9 }),
      learners: fc.uniqueArray(fc.integer({ min: 13, max: 20 }), { maxLength: 3 }),
      matches: fc.array(fc.nat(30), { minLength: 20, maxLength: 20 }),
      flag: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(config, { minLength: 1, maxLength: 5 }), (configs) => {
      const t = new ProgressTracker({ voters: [], learners: [] }, 1, 8);
      for (const c of configs) {
        t.setConf({ voters: c.voters, learners: c.learners }, 1);
        t.learnersInQuorum = c.flag;
        const counted = c.flag ? [...c.voters, ...c.learners] : c.voters;
        for (const id of [...c.voters, ...c.learners]) (t.progress.get(id) as { match: number }).match = c.matches[id - 1];
        expect(t.committedIndex()).toBe(reference(counted.map((id) => c.matches[id - 1])));
      }
    }));
  });
});

// The rest pins the tracker's other duties one at a time, by hand: member order, progress
// kept and dropped across setConf, the quorum size, the vote tally's three outcomes (etcd's
// quorum.VoteResult), hasQuorum and the CheckQuorum activity test, all over voters only.

function tracker(voters: number[], learners: number[] = []): ProgressTracker {
  return new ProgressTracker({ voters, learners }, 1, 8);
}

function progressOf(t: ProgressTracker, id: number): NonNullable<ReturnType<ProgressTracker['progress']['get']>> {
  const pr = t.progress.get(id);
  if (pr === undefined) throw new Error(`no progress for ${id}`);
  return pr;
}

describe('ProgressTracker members', () => {
  it('ids() lists voters and learners together in ascending id order, whatever order the configuration gives', () => {
    expect(tracker([3, 1], [2]).ids()).toEqual([1, 2, 3]);
    expect(tracker([9, 4, 7, 1], [8, 2]).ids()).toEqual([1, 2, 4, 7, 8, 9]);
    expect(tracker([5, 10, 2], [30, 20]).ids()).toEqual([2, 5, 10, 20, 30]);
    const t = tracker([1]);
    t.setConf({ voters: [12, 3, 7], learners: [1] }, 1);
    expect(t.ids()).toEqual([1, 3, 7, 12]);
  });

  it('setConf keeps a staying member\'s progress, drops a removed one and starts an added one at nextIndex', () => {
    const t = tracker([1, 2, 3]);
    progressOf(t, 2).maybeUpdate(5);
    const kept = progressOf(t, 2);
    t.setConf({ voters: [1, 2, 4], learners: [5] }, 9);
    expect(t.progress.get(2)).toBe(kept);
    expect(kept.match).toBe(5);
    expect(t.progress.has(3)).toBe(false);
    expect(progressOf(t, 4)).toMatchObject({ match: 0, next: 9, state: 'probe' });
    expect(progressOf(t, 5)).toMatchObject({ match: 0, next: 9 });
    expect([...t.progress.keys()].sort((a, b) => a - b)).toEqual([1, 2, 4, 5]);
    expect(t.isVoter(4)).toBe(true);
    expect(t.isVoter(5)).toBe(false);
    expect(t.isVoter(3)).toBe(false);
  });
});

describe('ProgressTracker quorum arithmetic (voters only)', () => {
  it('the quorum is a strict majority of voters, learners not counted', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => tracker(Array.from({ length: n }, (_, i) => i + 1), [100, 101, 102]).quorum())).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });

  it('learners do not count toward the commit index unless the bug flag is set (off by default)', () => {
    const t = tracker([1, 2, 3], [4, 5]);
    expect(t.learnersInQuorum).toBe(false);
    expect(t.everyVoterToWin).toBe(false);
    progressOf(t, 1).maybeUpdate(7);
    progressOf(t, 4).maybeUpdate(7);
    progressOf(t, 5).maybeUpdate(7);
    // One voter of three holds 7: not a quorum, whatever the learners hold.
    expect(t.committedIndex()).toBe(0);
    progressOf(t, 3).maybeUpdate(6);
    expect(t.committedIndex()).toBe(6);
  });

  it('hasQuorum counts only voters among the ids', () => {
    const t = tracker([1, 2, 3, 4, 5], [6, 7, 8]);
    expect(t.hasQuorum(new Set([1, 2]))).toBe(false);
    expect(t.hasQuorum(new Set([1, 2, 6, 7, 8]))).toBe(false);
    expect(t.hasQuorum(new Set([1, 2, 3]))).toBe(true);
    expect(t.hasQuorum(new Set([2, 4, 5, 9]))).toBe(true);
    expect(tracker([1, 2]).hasQuorum(new Set([1]))).toBe(false);
  });
});

describe('ProgressTracker vote tally (etcd quorum.VoteResult)', () => {
  function tally(voters: number[], votes: [number, boolean][], learners: number[] = []): string {
    const t = tracker(voters, learners);
    for (const [id, granted] of votes) t.recordVote(id, granted);
    return t.tallyVotes();
  }

  it('three voters: two grants win, two refusals lose, otherwise pending', () => {
    expect(tally([1, 2, 3], [])).toBe('pending');
    expect(tally([1, 2, 3], [[1, true]])).toBe('pending');
    expect(tally([1, 2, 3], [[1, true], [2, false]])).toBe('pending');
    expect(tally([1, 2, 3], [[1, true], [2, true]])).toBe('won');
    expect(tally([1, 2, 3], [[1, true], [2, false], [3, false]])).toBe('lost');
  });

  it('four voters: three grants to win, two refusals already lose', () => {
    expect(tally([1, 2, 3, 4], [[1, true], [2, true]])).toBe('pending');
    expect(tally([1, 2, 3, 4], [[1, true], [2, true], [3, true]])).toBe('won');
    expect(tally([1, 2, 3, 4], [[1, true], [2, false]])).toBe('pending');
    expect(tally([1, 2, 3, 4], [[1, true], [2, false], [3, false]])).toBe('lost');
  });

  it('a single voter wins with its own vote; votes of learners and strangers do not count', () => {
    expect(tally([1], [[1, true]])).toBe('won');
    expect(tally([1, 2, 3], [[1, true], [4, true], [9, true]], [4])).toBe('pending');
    expect(tally([1, 2, 3], [[1, true], [4, false], [9, false], [2, false]], [4])).toBe('pending');
  });

  it('a voter\'s first answer counts and a later one is ignored; resetVotes starts a new election', () => {
    const t = tracker([1, 2, 3]);
    t.recordVote(1, true);
    t.recordVote(2, false);
    t.recordVote(2, true);
    expect(t.tallyVotes()).toBe('pending');
    expect(t.votesByVoter()).toEqual({ 1: true, 2: false });
    t.resetVotes();
    expect(t.votesByVoter()).toEqual({});
    t.recordVote(2, true);
    t.recordVote(3, true);
    expect(t.tallyVotes()).toBe('won');
  });

  it('the electionNeedsEveryVoter flag (everyVoterToWin) wants every voter\'s grant', () => {
    const t = tracker([1, 2, 3]);
    t.everyVoterToWin = true;
    t.recordVote(1, true);
    t.recordVote(2, true);
    expect(t.tallyVotes()).toBe('pending');
    t.recordVote(3, true);
    expect(t.tallyVotes()).toBe('won');
  });
});

describe('ProgressTracker.quorumActive (CheckQuorum)', () => {
  it('the leader itself counts; other voters count when recently active; learners never', () => {
    const t = tracker([1, 2, 3, 4, 5], [6, 7]);
    expect(t.quorumActive(1)).toBe(false);
    progressOf(t, 6).recentActive = true;
    progressOf(t, 7).recentActive = true;
    progressOf(t, 2).recentActive = true;
    expect(t.quorumActive(1)).toBe(false);
    progressOf(t, 5).recentActive = true;
    expect(t.quorumActive(1)).toBe(true);
    // The same activity seen from a node that is not itself active elsewhere: 2 and 5 plus self 3.
    expect(t.quorumActive(3)).toBe(true);
    progressOf(t, 5).recentActive = false;
    expect(t.quorumActive(3)).toBe(false);
  });

  it('a single-voter leader is always active', () => {
    expect(tracker([1], [2]).quorumActive(1)).toBe(true);
  });
});
