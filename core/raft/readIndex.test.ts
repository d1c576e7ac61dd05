// Goal: §8 client interaction, read-only queries: ReadIndex needs a commit in the leader's
// term (not merely a commit index above 0) and a heartbeat round a quorum answers; followers
// forward reads, or drop them when they know no leader; lease reads skip the round, and
// outside the lease they share rounds; at most LIMITS.pendingReadsMax reads wait for a new
// leader's first commit, and each is answered once.
// Method: TestNetwork scenarios observing the ReadStates each node's Ready hands out and the
// heartbeats (with their read contexts) a leader sends; single RawNodes drained by hand.

import { describe, expect, it } from 'vitest';
import { TestNetwork, type NodeOptions } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';
import { LIMITS } from './config.ts';
import type { Message } from './types.ts';

function elected(config: NodeOptions = {}, voters = [1, 2, 3]): TestNetwork {
  const net = new TestNetwork({ voters, config });
  net.elect(1);
  net.run(2);
  return net;
}

/**
 * Node 2 leads term 2 of a cluster whose commit index (2) is from term 1: its own empty
 * entry (index 3) is not committed, because every append it sends is lost.
 */
function leaderWithOldCommit(config: NodeOptions = {}): TestNetwork {
  const net = elected(config);
  net.propose(1, 'w');
  net.run(1);
  expect(net.raw(2).status().commit).toBe(2);
  net.dropWhere = (m) => m.type === 'MsgApp' && m.from === 2;
  net.elect(2);
  net.run(1);
  expect(net.raw(2).status()).toMatchObject({ role: 'leader', term: 2, commit: 2, lastIndex: 3 });
  return net;
}

/** The read contexts of the heartbeats waiting in the network's queue. */
function heartbeatContexts(queue: readonly Message[]): (string | undefined)[] {
  return queue.filter((m) => m.type === 'MsgHeartbeat').map((m) => m.context);
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

  it('§8 a new leader whose commit index is from an earlier term answers a read only at its own first entry', () => {
    const net = leaderWithOldCommit();
    net.raw(2).readIndex('r');
    net.processReady(2);
    net.deliverAll();
    net.run(2);
    // Heartbeat rounds are answered all along, but index 2 may not hold every write
    // acknowledged so far: the read waits for index 3, the first entry of term 2.
    expect(net.node(2).readStates).toEqual([]);
    net.dropWhere = undefined;
    net.run(2);
    expect(net.raw(2).status().commit).toBe(3);
    expect(net.node(2).readStates).toEqual([{ index: 3, requestCtx: 'r' }]);
  });

  it('the readBeforeTermCommit bug flag: such a leader answers at the old commit index; a brand-new one (commit 0) still waits', () => {
    const net = leaderWithOldCommit({ bugs: { readBeforeTermCommit: true } });
    net.raw(2).readIndex('stale');
    net.processReady(2);
    net.deliverAll();
    expect(net.node(2).readStates).toEqual([{ index: 2, requestCtx: 'stale' }]);
    // A brand-new leader (commit 0) still waits, flag or not.
    const fresh = newNode(1, { voters: [1, 2, 3], bugs: { readBeforeTermCommit: true } });
    fresh.campaign();
    drain(fresh);
    fresh.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false });
    drain(fresh);
    expect(fresh.status().role).toBe('leader');
    fresh.readIndex('early');
    const { readies, messages } = drain(fresh);
    expect(readies.flatMap((rd) => rd.readStates)).toEqual([]);
    expect(messages.filter((m) => m.type === 'MsgHeartbeat')).toEqual([]);
  });

  it('§8 a follower that knows no leader drops the read: it sends nothing', () => {
    const n = newNode(2, { voters: [1, 2, 3] });
    n.readIndex('nowhere');
    const { readies, messages } = drain(n);
    expect(messages).toEqual([]);
    expect(readies.flatMap((rd) => rd.readStates)).toEqual([]);
  });

  it('§8 in a five-node cluster one follower answering is not a quorum', () => {
    const net = elected({}, [1, 2, 3, 4, 5]);
    for (const id of [3, 4, 5]) net.cutLink(1, id);
    net.raw(1).readIndex('r');
    net.processReady(1);
    net.deliverAll();
    expect(net.node(1).readStates).toEqual([]);
    net.heal();
    net.cutLink(1, 2);
    net.cutLink(1, 3);
    net.run(1);
    // Nodes 4 and 5 answer the next heartbeat, which carries the read: three of five.
    expect(net.node(1).readStates).toEqual([{ index: net.raw(1).status().commit, requestCtx: 'r' }]);
  });

  it("§8 'safe' mode starts a heartbeat round per read, so each is answered without waiting for a tick", () => {
    const net = elected();
    net.raw(1).readIndex('a');
    net.processReady(1);
    net.raw(1).readIndex('b');
    net.processReady(1);
    expect(heartbeatContexts(net.queue)).toEqual(['a', 'a', 'b', 'b']);
    net.deliverAll();
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['a', 'b']);
  });

  it("'lease' mode outside the lease: the first waiting read starts a round, later ones ride the next periodic heartbeat", () => {
    const net = elected({ readOnly: 'lease', checkQuorum: true, electionTicks: 10 });
    net.isolate(1);
    for (let i = 0; i < 8; i++) net.tick(1);
    net.dropAll();
    expect(net.raw(1).status().role).toBe('leader');
    net.raw(1).readIndex('a');
    net.processReady(1);
    expect(heartbeatContexts(net.queue)).toEqual(['a', 'a']);
    net.raw(1).readIndex('b');
    net.processReady(1);
    net.raw(1).readIndex('c');
    net.processReady(1);
    expect(heartbeatContexts(net.queue)).toEqual(['a', 'a']);
    net.heal();
    net.deliverAll();
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['a']);
    // The next periodic heartbeat carries the newest waiting read, releasing both.
    net.tick(1);
    expect(heartbeatContexts(net.queue)).toEqual(['c', 'c']);
    net.deliverAll();
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['a', 'b', 'c']);
  });

  it("the leaseWithoutQuorumRound bug changes nothing in 'safe' mode: an isolated leader still needs a round", () => {
    const net = elected({ checkQuorum: true, bugs: { leaseWithoutQuorumRound: true } });
    net.isolate(1);
    net.raw(1).readIndex('r');
    net.processReady(1);
    net.deliverAll();
    expect(net.node(1).readStates).toEqual([]);
  });

  it('§8 a single voter answers a read that waited for its first commit exactly once', () => {
    const n = newNode(1, { voters: [1] });
    n.campaign();
    expect(n.status().role).toBe('leader');
    // The term's empty entry is not persisted yet, so not committed: the read waits.
    n.readIndex('a');
    const first = drain(n);
    expect(first.readies.flatMap((rd) => rd.readStates)).toEqual([{ index: 1, requestCtx: 'a' }]);
    expect(n.propose('x')).toBe(true);
    const later = drain(n);
    expect(later.readies.flatMap((rd) => rd.readStates)).toEqual([]);
    expect(later.messages).toEqual([]);
    expect(n.status().commit).toBe(2);
  });

  it(`§8 at most LIMITS.pendingReadsMax (${LIMITS.pendingReadsMax}) reads wait for a new leader's first commit`, () => {
    // A single voter with a learner: the learner's forwarded reads are answered directly.
    const n = newNode(1, { voters: [1], learners: [2] });
    n.campaign();
    expect(n.status().role).toBe('leader');
    for (let i = 0; i <= LIMITS.pendingReadsMax; i++) n.step({ type: 'MsgReadIndex', from: 2, to: 1, term: 0, context: `r${i}` });
    const answered = drain(n).messages.filter((m) => m.type === 'MsgReadIndexResp');
    expect(answered.length).toBe(LIMITS.pendingReadsMax);
    expect(answered[0]).toMatchObject({ to: 2, index: 1, context: 'r0' });
    expect(answered[answered.length - 1].context).toBe(`r${LIMITS.pendingReadsMax - 1}`);
  });
});
