// Goal: §8 client interaction, read-only queries: ReadIndex needs a commit in the leader's
// term and a heartbeat quorum round; followers forward reads; lease reads skip the round.
// Method: TestNetwork scenarios observing the ReadStates each node's Ready hands out.

import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';

function elected(config = {}): TestNetwork {
  const net = new TestNetwork({ voters: [1, 2, 3], config });
  net.elect(1);
  net.run(2);
  return net;
}

describe('§8 read-only queries', () => {
  it('§8 ReadIndex is released only after a quorum answers a heartbeat', () => {
    const net = elected();
    net.propose(1, 'w');
    net.deliverAll();
    net.isolate(1);
    net.raw(1).readIndex('r1');
    net.processReady(1);
    net.deliverAll();
    expect(net.node(1).readStates).toEqual([]);
    net.heal();
    net.run(1);
    expect(net.node(1).readStates).toEqual([{ index: net.raw(1).status().commit, requestCtx: 'r1' }]);
  });

  it('§8 one follower answering is enough in a three-node cluster', () => {
    const net = elected();
    net.cutLink(1, 3);
    net.raw(1).readIndex('r1');
    net.processReady(1);
    net.deliverAll();
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['r1']);
  });

  it('§8 a new leader answers reads only after committing an entry of its term', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.campaign(1);
    // Deliver the vote requests and responses but hold back everything else.
    for (let i = 0; i < 10 && net.raw(1).status().role !== 'leader'; i++) net.deliver(net.queue.shift() as never);
    expect(net.raw(1).status().role).toBe('leader');
    expect(net.raw(1).status().commit).toBe(0);
    net.raw(1).readIndex('early');
    net.processReady(1);
    expect(net.node(1).readStates).toEqual([]);
    net.deliverAll();
    net.run(1);
    expect(net.node(1).readStates).toEqual([{ index: 1, requestCtx: 'early' }]);
  });

  it('§8 a follower forwards the read and gets the leader commit index', () => {
    const net = elected();
    net.propose(1, 'w');
    net.run(1);
    net.raw(2).readIndex('f1');
    net.processReady(2);
    net.run(1);
    expect(net.node(2).readStates).toEqual([{ index: net.raw(1).status().commit, requestCtx: 'f1' }]);
  });

  it('§8 lease reads are served without a heartbeat round while the lease holds', () => {
    const net = elected({ readOnly: 'lease', checkQuorum: true });
    net.isolate(1);
    net.raw(1).readIndex('lease1');
    net.processReady(1);
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['lease1']);
    // Once CheckQuorum notices the partition the leader steps down and stops serving.
    for (let i = 0; i < 20; i++) net.tick(1);
    net.raw(1).readIndex('lease2');
    net.processReady(1);
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['lease1']);
  });

  it("§8 'lease' without checkQuorum is rejected at construction", () => {
    expect(() => new TestNetwork({ voters: [1], config: { readOnly: 'lease', checkQuorum: false } })).toThrow(/requires checkQuorum/);
  });
});
