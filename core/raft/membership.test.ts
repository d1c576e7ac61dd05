// Goal: §6 cluster membership changes, one server at a time (thesis §4.1): adding a voter
// while a node is down, learners, removing the leader, and the one-pending-change rule.
// Method: TestNetwork scenarios. A conf entry takes effect on a node when it learns the
// entry is committed; the assertions check configurations, quorums and commit indices.

import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';

function elected(voters: number[], learners: number[] = []): TestNetwork {
  const net = new TestNetwork({ voters, learners });
  net.elect(1);
  net.run(2);
  return net;
}

describe('§6 membership changes', () => {
  it('§6 adds a voter while another node is down; the new quorum then includes it', () => {
    const net = elected([1, 2, 3]);
    net.crash(3);
    net.addEmptyNode(4, { voters: [1, 2, 3], learners: [] });
    expect(net.raw(1).proposeConfChange({ type: 'addVoter', node: 4 })).toBe(true);
    net.processReady(1);
    net.run(5);
    for (const id of [1, 2, 4]) expect(net.raw(id).status().conf.voters).toEqual([1, 2, 3, 4]);
    // With 3 down, {1, 2, 4} is exactly a quorum of four: a write commits only through node 4.
    net.isolate(4);
    net.propose(1, 'needs-4');
    net.run(3);
    const before = net.raw(1).status().commit;
    expect(before).toBeLessThan(net.raw(1).status().lastIndex);
    net.heal();
    net.run(3);
    expect(net.raw(1).status().commit).toBe(net.raw(1).status().lastIndex);
    net.restart(3);
    net.run(5);
    expect(net.node(3).appliedIndex).toBe(net.node(1).appliedIndex);
    expect(net.violations).toEqual([]);
  });

  it('§6 learners receive the log but neither vote nor count toward the quorum', () => {
    const net = elected([1, 2, 3], [4]);
    net.crash(2);
    net.crash(3);
    net.propose(1, 'x');
    net.run(3);
    expect(net.raw(4).status().lastIndex).toBe(net.raw(1).status().lastIndex);
    expect(net.raw(1).status().commit).toBeLessThan(net.raw(1).status().lastIndex);
    for (let i = 0; i < 100; i++) net.tick(4);
    expect(net.raw(4).status().role).toBe('follower');
  });

  it('§6 a learner promoted to voter then counts toward the quorum', () => {
    const net = elected([1, 2, 3], [4]);
    expect(net.raw(1).proposeConfChange({ type: 'addVoter', node: 4 })).toBe(true);
    net.processReady(1);
    net.run(3);
    expect(net.raw(4).status().conf).toEqual({ voters: [1, 2, 3, 4], learners: [] });
    net.crash(2);
    net.propose(1, 'x');
    net.run(3);
    expect(net.raw(1).status().commit).toBe(net.raw(1).status().lastIndex);
  });

  it('§6 a removed leader steps down and the rest elect a new leader', () => {
    const net = elected([1, 2, 3]);
    expect(net.raw(1).proposeConfChange({ type: 'removeNode', node: 1 })).toBe(true);
    net.processReady(1);
    net.deliverAll();
    expect(net.raw(1).status().role).toBe('follower');
    net.run(60);
    const leader = net.leader();
    expect([2, 3]).toContain(leader);
    expect(net.raw(leader as number).status().conf.voters).toEqual([2, 3]);
    expect(net.propose(leader as number, 'after-removal')).toBe(true);
    net.run(2);
    expect(net.raw(leader as number).status().commit).toBe(net.raw(leader as number).status().lastIndex);
    expect(net.violations).toEqual([]);
  });

  it('§6 only one conf change may be pending, and a new leader waits for its first commit', () => {
    const net = elected([1, 2, 3]);
    net.isolate(1);
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', node: 4 })).toBe(true);
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', node: 5 })).toBe(false);
    net.heal();
    net.processReady(1);
    net.run(3);
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', node: 5 })).toBe(true);
    // A fresh leader cannot propose before its own empty entry commits.
    const n = newNode(1, { voters: [1, 2, 3] });
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false });
    drain(n);
    expect(n.status().role).toBe('leader');
    expect(n.proposeConfChange({ type: 'addLearner', node: 4 })).toBe(false);
    n.step({ type: 'MsgAppResp', from: 2, to: 1, term: 1, index: 1 });
    drain(n);
    expect(n.status().commit).toBe(1);
    expect(n.proposeConfChange({ type: 'addLearner', node: 4 })).toBe(true);
  });

  it('§6 invalid changes are refused: duplicate voter, demotion, removing the last voter', () => {
    const net = elected([1, 2, 3]);
    expect(net.raw(1).proposeConfChange({ type: 'addVoter', node: 2 })).toBe(false);
    expect(net.raw(1).proposeConfChange({ type: 'addLearner', node: 2 })).toBe(false);
    expect(net.raw(1).proposeConfChange({ type: 'removeNode', node: 9 })).toBe(false);
    const single = elected([1]);
    expect(single.raw(1).proposeConfChange({ type: 'removeNode', node: 1 })).toBe(false);
  });
});
