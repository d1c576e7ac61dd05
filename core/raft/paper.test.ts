// Goal: check each rule of the Raft paper's §5 (basic algorithm) on single nodes and on small
// clusters, the way etcd-io/raft's raft_paper_test.go maps tests to sections.
// Method: unit tests drive one RawNode with hand-made messages and inspect its Ready;
// cluster tests use the deterministic in-memory TestNetwork, which also records election
// and state machine safety violations. The two test-only bugs are each shown to be caught
// by a scenario built for them (Figure 8 for commitOldTermByCounting, a stale candidate
// for voteWithoutLogCheck), with the correct code passing the same scenario.

import { describe, expect, it } from 'vitest';
import type { RaftBugs } from './config.ts';
import { TestNetwork, entriesFromTerms } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode, ticksUntilCampaign } from '../../test/support/raft/testUtil.ts';
import type { Message } from './types.ts';

function msg(m: Partial<Message> & Pick<Message, 'type' | 'from' | 'to' | 'term'>): Message {
  return m;
}

describe('§5.2 leader election', () => {
  it('§5.2 a follower campaigns after a randomized timeout in [electionTicks, 2*electionTicks)', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 60; seed++) {
      const n = newNode(1, { seed, electionTicks: 10 });
      const t = ticksUntilCampaign(n, 100);
      expect(t).toBeGreaterThanOrEqual(10);
      expect(t).toBeLessThan(20);
      seen.add(t);
    }
    // Randomization is what breaks split votes: the draws must not all be equal.
    expect(seen.size).toBeGreaterThan(3);
  });

  it('§5.2 a candidate increments its term, votes for itself and asks every voter', () => {
    const n = newNode(1, { voters: [1, 2, 3], term: 4 });
    n.campaign();
    const { readies, messages } = drain(n);
    expect(n.status()).toMatchObject({ role: 'candidate', term: 5, vote: 1 });
    expect(readies[0].hardState).toMatchObject({ term: 5, vote: 1 });
    expect(readies[0].mustSync).toBe(true);
    expect(messages.map((m) => [m.type, m.to, m.term])).toEqual([
      ['MsgVote', 2, 5],
      ['MsgVote', 3, 5],
    ]);
  });

  it('§5.2 a candidate with votes from a majority becomes leader and appends an empty entry', () => {
    const n = newNode(1, { voters: [1, 2, 3, 4, 5] });
    n.campaign();
    drain(n);
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false }));
    expect(n.status().role).toBe('candidate');
    n.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 1, reject: false }));
    expect(n.status().role).toBe('leader');
    const { readies, messages } = drain(n);
    expect(readies[0].entries).toEqual([{ term: 1, index: 1, type: 'normal', data: '' }]);
    expect(messages.filter((m) => m.type === 'MsgApp').map((m) => m.to)).toEqual([2, 3, 4, 5]);
  });

  it('§5.2 a candidate rejected by a majority returns to follower', () => {
    const n = newNode(1, { voters: [1, 2, 3] });
    n.campaign();
    drain(n);
    n.step(msg({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: true }));
    n.step(msg({ type: 'MsgVoteResp', from: 3, to: 1, term: 1, reject: true }));
    expect(n.status()).toMatchObject({ role: 'follower', term: 1 });
  });

  it('§5.2 each server votes for at most one candidate per term, first come first served', () => {
    const n = newNode(1, { voters: [1, 2, 3] });
    n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: 1, index: 0, logTerm: 0 }));
    n.step(msg({ type: 'MsgVote', from: 3, to: 1, term: 1, index: 0, logTerm: 0 }));
    n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: 1, index: 0, logTerm: 0 }));
    const votes = drain(n).messages.map((m) => [m.to, m.reject]);
    expect(votes).toEqual([
      [2, false],
      [3, true],
      [2, false],
    ]);
    expect(n.status().vote).toBe(2);
  });

  it('§5.2 a candidate that hears from a leader of its term steps down and follows it', () => {
    const n = newNode(1, { voters: [1, 2, 3] });
    n.campaign();
    drain(n);
    n.step(msg({ type: 'MsgHeartbeat', from: 2, to: 1, term: 1, commit: 0 }));
    expect(n.status()).toMatchObject({ role: 'follower', lead: 2, term: 1 });
  });

  it('§5.2 a split vote elects nobody; a later election in a higher term does', () => {
    const net = new TestNetwork({ voters: [1, 2, 3, 4] });
    net.cutLink(1, 4);
    net.cutLink(2, 3);
    net.campaign(1);
    net.campaign(2);
    net.deliverAll();
    expect(net.leader()).toBeUndefined();
    net.heal();
    net.run(60);
    const leader = net.leader();
    expect(leader).toBeDefined();
    expect(net.raw(leader as number).status().term).toBeGreaterThan(1);
    expect(net.violations).toEqual([]);
  });
});

describe('§5.3 log replication', () => {
  it('§5.3 the leader commits an entry once a majority stores it, and followers apply it', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.cutLink(1, 3);
    expect(net.propose(1, 'x')).toBe(true);
    net.deliverAll();
    const s1 = net.raw(1).status();
    expect(s1.commit).toBe(2);
    expect(net.node(1).appliedIndex).toBe(2);
    net.run(1);
    expect(net.node(2).appliedIndex).toBe(2);
    expect(net.node(2).digest).toBe(net.node(1).digest);
    expect(net.node(3).appliedIndex).toBe(1);
  });

  it('§5.3 an entry stored only on a minority is not committed', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.isolate(1);
    net.propose(1, 'x');
    net.deliverAll();
    expect(net.raw(1).status()).toMatchObject({ lastIndex: 2, commit: 1 });
  });

  it('§5.3 a follower rejects MsgApp whose previous entry does not match, with a hint', () => {
    const n = newNode(2, { entries: entriesFromTerms([1, 1, 2]), term: 3 });
    n.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 3, index: 3, logTerm: 3, entries: [], commit: 0 }));
    const [resp] = drain(n).messages;
    expect(resp).toMatchObject({ type: 'MsgAppResp', reject: true, index: 3, rejectHint: 3, logTerm: 2 });
    expect(n.status().lastIndex).toBe(3);
  });

  it('§5.3 a stale or duplicate MsgApp never truncates matching entries', () => {
    const n = newNode(2, { entries: entriesFromTerms([1, 1, 1]), term: 1 });
    const first = entriesFromTerms([1]);
    n.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 1, index: 0, logTerm: 0, entries: first, commit: 0 }));
    const [resp] = drain(n).messages;
    expect(n.status().lastIndex).toBe(3);
    expect(resp).toMatchObject({ type: 'MsgAppResp', index: 1 });
    expect(resp.reject).toBeUndefined();
  });

  it('§5.3 a real conflict truncates the follower from the first conflicting entry', () => {
    const n = newNode(2, { entries: entriesFromTerms([1, 1, 2, 2]), term: 3 });
    const incoming = [{ term: 3, index: 3, type: 'normal' as const, data: 'new' }];
    n.step(msg({ type: 'MsgApp', from: 1, to: 2, term: 3, index: 2, logTerm: 1, entries: incoming, commit: 0 }));
    const { readies } = drain(n);
    expect(readies[0].entries).toEqual(incoming);
    expect(n.status().lastIndex).toBe(3);
    expect(n.term(3)).toBe(3);
  });

  // Figure 7: the leader of term 8 and six possible follower logs (a)-(f).
  const leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
  const figure7: Record<string, number[]> = {
    a: [1, 1, 1, 4, 4, 5, 5, 6, 6],
    b: [1, 1, 1, 4],
    c: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6],
    d: [1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7],
    e: [1, 1, 1, 4, 4, 4, 4],
    f: [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
  };
  for (const [name, followerTerms] of Object.entries(figure7)) {
    it(`§5.3 Figure 7 (${name}): the follower's log converges to the leader's`, () => {
      const hs = { term: 7, vote: -1, commit: 0 };
      const net = new TestNetwork({
        voters: [1, 2, 3],
        config: { maxEntriesPerMsg: 2 },
        restores: {
          1: { entries: entriesFromTerms(leaderTerms), hardState: hs },
          2: { entries: entriesFromTerms(followerTerms), hardState: hs },
          3: { entries: entriesFromTerms(leaderTerms), hardState: hs },
        },
      });
      net.elect(1);
      expect(net.leader()).toBe(1);
      net.run(5);
      expect(net.raw(1).status().term).toBe(8);
      expect(net.logTerms(1)).toEqual([...leaderTerms, 8]);
      expect(net.logTerms(2)).toEqual(net.logTerms(1));
      expect(net.raw(2).status().commit).toBe(11);
      expect(net.violations).toEqual([]);
    });
  }
});

describe('§5.4.1 election restriction', () => {
  const cases: [string, number, number, boolean][] = [
    // [description, candidate lastTerm, candidate lastIndex, granted?] against a voter log [1,1,2].
    ['higher last term, shorter log', 3, 1, true],
    ['same last term, longer log', 2, 4, true],
    ['same last term, same length', 2, 3, true],
    ['same last term, shorter log', 2, 2, false],
    ['lower last term, longer log', 1, 10, false],
  ];
  for (const [desc, logTerm, index, granted] of cases) {
    it(`§5.4.1 vote for a candidate with ${desc}: ${granted ? 'granted' : 'rejected'}`, () => {
      const n = newNode(1, { entries: entriesFromTerms([1, 1, 2]), term: 2 });
      n.step(msg({ type: 'MsgVote', from: 2, to: 1, term: 3, index, logTerm }));
      const [resp] = drain(n).messages;
      expect(resp.type).toBe('MsgVoteResp');
      expect(resp.reject).toBe(!granted);
    });
  }

  /**
   * Node 3 misses a committed entry, node 1 (the leader) crashes, node 3 campaigns. Only a
   * voter that skips the log check lets it win and overwrite the committed entry.
   */
  function staleCandidateScenario(bugs: RaftBugs): TestNetwork {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { bugs } });
    net.elect(1);
    net.run(2);
    net.isolate(3);
    net.propose(1, 'committed-x');
    net.run(2);
    expect(net.node(2).appliedIndex).toBe(2);
    net.crash(1);
    net.heal();
    net.dropAll();
    for (let i = 0; i < 3 && net.leader() === undefined; i++) net.elect(3);
    net.run(3);
    return net;
  }

  it('§5.4.1 without the log check a stale candidate wins and a committed entry is lost (bug detected)', () => {
    const net = staleCandidateScenario({ voteWithoutLogCheck: true });
    expect(net.leader()).toBe(3);
    expect(net.violations.some((v) => v.startsWith('state machine safety'))).toBe(true);
  });

  it('§5.4.1 with the log check the stale candidate cannot win and the entry survives', () => {
    const net = staleCandidateScenario({});
    expect(net.leader()).toBeUndefined();
    net.restart(1);
    net.run(60);
    expect(net.leader()).toBeDefined();
    expect(net.node(3).appliedIndex).toBeGreaterThanOrEqual(2);
    expect(net.violations).toEqual([]);
  });
});

describe('§5.4.2 committing entries from previous terms (Figure 8)', () => {
  /**
   * Figure 8: S1 leads term 4 with an entry of term 2 at index 2; S5 holds a term-3 entry at
   * index 2. S1 replicates index 2 to S2 and S3 (a majority) and crashes before its own
   * term-4 entry spreads. S5 then wins term 5 and overwrites index 2.
   */
  function figure8(bugs: RaftBugs): { net: TestNetwork; s1CommitBeforeCrash: number } {
    const hs = { term: 3, vote: -1, commit: 1 };
    const net = new TestNetwork({
      voters: [1, 2, 3, 4, 5],
      config: { maxEntriesPerMsg: 1, bugs },
      restores: {
        1: { entries: entriesFromTerms([1, 2]), hardState: hs },
        2: { entries: entriesFromTerms([1]), hardState: hs },
        3: { entries: entriesFromTerms([1]), hardState: hs },
        4: { entries: entriesFromTerms([1]), hardState: hs },
        5: { entries: entriesFromTerms([1, 3]), hardState: { term: 3, vote: 5, commit: 1 } },
      },
    });
    net.isolate(4);
    net.isolate(5);
    net.campaign(1);
    const replicated = (): boolean => {
      const p = net.raw(1).status().progress;
      return p !== undefined && p[2].match >= 2 && p[3].match >= 2;
    };
    for (let i = 0; i < 100 && !replicated() && net.queue.length > 0; i++) net.deliver(net.queue.shift() as Message);
    expect(replicated()).toBe(true);
    expect(net.raw(1).status().term).toBe(4);
    const s1CommitBeforeCrash = net.raw(1).status().commit;
    net.crash(1);
    net.dropAll();
    net.heal();
    for (let i = 0; i < 4 && net.leader() !== 5; i++) net.elect(5);
    net.run(5);
    return { net, s1CommitBeforeCrash };
  }

  it('§5.4.2 Figure 8: counting replicas of an old-term entry commits it, then it is overwritten (bug detected)', () => {
    const { net, s1CommitBeforeCrash } = figure8({ commitOldTermByCounting: true });
    expect(s1CommitBeforeCrash).toBe(2);
    expect(net.leader()).toBe(5);
    expect(net.raw(2).term(2)).toBe(3);
    expect(net.violations.some((v) => v.startsWith('state machine safety') && v.includes(' 2@'))).toBe(true);
  });

  it('§5.4.2 Figure 8: the leader does not commit an old-term entry by counting, so nothing committed is lost', () => {
    const { net, s1CommitBeforeCrash } = figure8({});
    expect(s1CommitBeforeCrash).toBe(1);
    expect(net.leader()).toBe(5);
    expect(net.raw(2).term(2)).toBe(3);
    expect(net.violations).toEqual([]);
  });

  it('§5.4.2 an old-term entry is committed indirectly once a current-term entry above it is', () => {
    const hs = { term: 3, vote: -1, commit: 1 };
    const net = new TestNetwork({
      voters: [1, 2, 3],
      restores: {
        1: { entries: entriesFromTerms([1, 2]), hardState: hs },
        2: { entries: entriesFromTerms([1]), hardState: hs },
        3: { entries: entriesFromTerms([1]), hardState: hs },
      },
    });
    net.elect(1);
    net.run(2);
    expect(net.raw(1).status().commit).toBe(3);
    expect(net.node(2).appliedIndex).toBe(3);
    expect(net.violations).toEqual([]);
  });
});
