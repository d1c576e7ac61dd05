// Goal: lease reads are linearizable (Raft thesis §6.4.1). The lease runs from the send tick
// of the heartbeat round a quorum answered, for an election timeout less one tick, divided
// by the clock drift bound; outside it reads fall back to ReadIndex. No other leader can be
// elected while it holds: not after a partition, not with a restarted follower's help, not
// through a leadership transfer. A round gives a lease only once a quorum (not any one
// follower) has answered it; a new term forgets every round.
// Method: TestNetwork clusters driven tick by tick (every node ticks once per round, so
// clocks agree) and LeaderLease alone. Before the fix, the lease was CheckQuorum alone: the
// partition, drift, restart and transfer tests below each failed on it.

import { describe, expect, it } from 'vitest';
import { TestNetwork, type NodeOptions } from '../../test/support/raft/testNetwork.ts';
import { LEASE_ROUNDS_MAX, LeaderLease, leaseDurationTicks } from './lease.ts';

const LEASE: NodeOptions = { readOnly: 'lease', checkQuorum: true, preVote: true, electionTicks: 10, heartbeatTicks: 1 };

function leaseCluster(seed: number, config: NodeOptions = {}): TestNetwork {
  const net = new TestNetwork({ voters: [1, 2, 3], seed, config: { ...LEASE, ...config } });
  net.elect(1);
  net.propose(1, 'w');
  net.run(2);
  return net;
}

/** Asks node `id` for a read and says whether it was answered at once, from the lease. */
function leaseRead(net: TestNetwork, id: number, ctx: string): boolean {
  net.raw(id).readIndex(ctx);
  net.processReady(id);
  return net.node(id).readStates.some((r) => r.requestCtx === ctx);
}

describe('§6.4.1 lease reads', () => {
  it('the lease lasts (electionTicks - 1) / (1 + clockDriftMax) ticks, rounded down', () => {
    expect(leaseDurationTicks(10, 0.1)).toBe(8);
    expect(leaseDurationTicks(10, 0.5)).toBe(6);
    expect(leaseDurationTicks(15, 0.1)).toBe(12);
    expect(leaseDurationTicks(10, 0)).toBe(9);
    expect(leaseDurationTicks(2, 0.1)).toBe(0);
  });

  it('Reference: thesis §6.4.1. a leader cut off from its followers stops answering lease reads before another leader can be elected', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const net = leaseCluster(seed);
      net.isolate(1);
      let lastServed = -1;
      let newLeaderAt = -1;
      for (let step = 1; step <= 40 && newLeaderAt < 0; step++) {
        net.tickAll();
        net.deliverAll();
        if (net.raw(1).status().role === 'leader' && leaseRead(net, 1, `r${step}`)) lastServed = step;
        const other = [2, 3].find((id) => net.raw(id).status().role === 'leader');
        if (other !== undefined) newLeaderAt = step;
      }
      expect(newLeaderAt, `seed ${seed}: the majority elects a leader`).toBeGreaterThan(0);
      // The last round the followers answered was sent in the round before the cut.
      expect(lastServed, `seed ${seed}`).toBe(leaseDurationTicks(10, 0.1) - 1);
      expect(lastServed, `seed ${seed}`).toBeLessThan(newLeaderAt);
      expect(net.violations).toEqual([]);
    }
  });

  it('a larger clock drift bound shortens the lease', () => {
    const net = leaseCluster(1, { clockDriftMax: 0.5 });
    net.isolate(1);
    let lastServed = -1;
    for (let step = 1; step <= 9; step++) {
      net.tick(1);
      if (leaseRead(net, 1, `r${step}`)) lastServed = step;
    }
    expect(lastServed).toBe(leaseDurationTicks(10, 0.5) - 1);
  });

  it('the leaseIgnoresDrift bug flag serves for the whole undivided lease (so the flag is real)', () => {
    const net = leaseCluster(1, { clockDriftMax: 0.5, bugs: { leaseIgnoresDrift: true } });
    net.isolate(1);
    let lastServed = -1;
    for (let step = 1; step <= 12; step++) {
      net.tick(1);
      if (leaseRead(net, 1, `r${step}`)) lastServed = step;
    }
    expect(lastServed).toBe(leaseDurationTicks(10, 0) - 1);
  });

  it('outside the lease a read falls back to ReadIndex and is answered once a quorum answers a heartbeat', () => {
    const net = leaseCluster(1);
    net.isolate(1);
    const lease = leaseDurationTicks(10, 0.1);
    for (let step = 1; step <= lease; step++) net.tick(1);
    expect(net.raw(1).status().role).toBe('leader');
    expect(leaseRead(net, 1, 'late')).toBe(false);
    net.heal();
    net.run(1);
    expect(net.node(1).readStates).toEqual([{ index: net.raw(1).status().commit, requestCtx: 'late' }]);
    // The answered round renewed the lease: the next read needs no round.
    expect(leaseRead(net, 1, 'renewed')).toBe(true);
  });

  it('a restarted follower grants no vote for an election timeout, so it cannot help elect a leader behind a lease', () => {
    const net = leaseCluster(1);
    net.isolate(1);
    expect(leaseRead(net, 1, 'held')).toBe(true);
    // 2 answered the leader's last round, then crashed and came back at once, forgetting it.
    net.crash(2);
    net.restart(2);
    net.campaign(3);
    net.deliverAll();
    expect(net.raw(3).status().role).not.toBe('leader');
    expect(net.raw(2).status().vote).not.toBe(3);
    // Both the lease and the restarted node's quiet time end within an election timeout:
    // then the majority elects a leader.
    net.run(30);
    expect(net.leader()).not.toBe(1);
    expect([2, 3]).toContain(net.leader());
    expect(net.violations).toEqual([]);
  });

  it('a leader that sent MsgTimeoutNow holds no lease for the rest of its term', () => {
    const net = leaseCluster(1);
    expect(leaseRead(net, 1, 'before')).toBe(true);
    net.raw(1).transferLeadership(2);
    net.processReady(1);
    expect(net.queue.some((m) => m.type === 'MsgTimeoutNow' && m.to === 2)).toBe(true);
    net.dropAll();
    expect(leaseRead(net, 1, 'during')).toBe(false);
    // The transfer is abandoned after an election timeout, but the target may still be
    // campaigning with the lease-overriding flag: still no lease in this term.
    net.run(12);
    expect(net.raw(1).status()).toMatchObject({ role: 'leader', term: 1 });
    expect(leaseRead(net, 1, 'after')).toBe(false);
    net.run(1);
    expect(net.node(1).readStates.map((r) => r.requestCtx)).toEqual(['before', 'during', 'after']);
  });

  it('in a five-node cluster the answers of one follower do not renew the lease', () => {
    const net = new TestNetwork({ voters: [1, 2, 3, 4, 5], seed: 1, config: LEASE });
    net.elect(1);
    net.propose(1, 'w');
    net.run(2);
    for (const id of [3, 4, 5]) net.cutLink(1, id);
    let lastServed = -1;
    for (let step = 1; step <= 9; step++) {
      net.tick(1);
      net.deliverAll();
      // Node 2 answers every round; with the leader that is two of five.
      expect(net.raw(1).status().role).toBe('leader');
      if (leaseRead(net, 1, `r${step}`)) lastServed = step;
    }
    expect(lastServed).toBe(leaseDurationTicks(10, 0.1) - 1);
  });

  it('the old lease (bug leaseWithoutQuorumRound) keeps answering after the lease has run out', () => {
    const net = leaseCluster(1, { bugs: { leaseWithoutQuorumRound: true } });
    net.isolate(1);
    for (let step = 1; step <= leaseDurationTicks(10, 0.1); step++) net.tick(1);
    expect(leaseRead(net, 1, 'stale')).toBe(true);
  });
});

describe('LeaderLease', () => {
  const majorityOf3 = (acks: ReadonlySet<number>): boolean => acks.size >= 2;

  it('runs from the send tick of the newest round a quorum answered', () => {
    const lease = new LeaderLease(8);
    expect(lease.holds(0)).toBe(false);
    const r1 = lease.startRound(5, 1);
    const r2 = lease.startRound(7, 1);
    expect(lease.ack(r2, 2, majorityOf3)).toBe(true);
    expect(lease.holds(14)).toBe(true);
    expect(lease.holds(15)).toBe(false);
    // r1 was dropped with r2's quorum: a late answer to it changes nothing.
    expect(lease.ack(r1, 3, majorityOf3)).toBe(false);
    expect(lease.holds(15)).toBe(false);
    expect(lease.pendingRounds).toBe(0);
  });

  it('ignores answers to rounds it does not know, and keeps at most LEASE_ROUNDS_MAX rounds', () => {
    const lease = new LeaderLease(8);
    expect(lease.ack(99, 2, majorityOf3)).toBe(false);
    const first = lease.startRound(0, 1);
    for (let i = 1; i <= LEASE_ROUNDS_MAX + 10; i++) lease.startRound(i, 1);
    expect(lease.pendingRounds).toBe(LEASE_ROUNDS_MAX);
    expect(lease.ack(first, 2, majorityOf3)).toBe(false);
    expect(lease.holds(1)).toBe(false);
  });

  it('reset and revoke end the lease', () => {
    const lease = new LeaderLease(8);
    lease.ack(lease.startRound(0, 1), 2, majorityOf3);
    expect(lease.holds(3)).toBe(true);
    lease.revoke();
    expect(lease.holds(3)).toBe(false);
    lease.reset();
    lease.ack(lease.startRound(4, 1), 2, majorityOf3);
    expect(lease.holds(5)).toBe(true);
    lease.reset();
    expect(lease.holds(5)).toBe(false);
  });

  it('needs a quorum: answers short of one return false and give no lease', () => {
    const majorityOf5 = (acks: ReadonlySet<number>): boolean => acks.size >= 3;
    const lease = new LeaderLease(8);
    const r = lease.startRound(2, 1);
    expect(lease.ack(r, 2, majorityOf5)).toBe(false);
    expect(lease.ack(r, 2, majorityOf5)).toBe(false);
    expect(lease.holds(2)).toBe(false);
    expect(lease.pendingRounds).toBe(1);
    expect(lease.ack(r, 3, majorityOf5)).toBe(true);
    expect(lease.holds(9)).toBe(true);
    expect(lease.holds(10)).toBe(false);
    expect(lease.pendingRounds).toBe(0);
  });

  it('counts the rounds it waits for, and reset forgets them: an answer to a round of the last term gives no lease', () => {
    const lease = new LeaderLease(8);
    expect(lease.pendingRounds).toBe(0);
    const old = lease.startRound(0, 1);
    lease.startRound(1, 1);
    expect(lease.pendingRounds).toBe(2);
    lease.reset();
    expect(lease.pendingRounds).toBe(0);
    expect(lease.ack(old, 2, majorityOf3)).toBe(false);
    expect(lease.holds(1)).toBe(false);
    // Ids keep growing across the reset, so the new term's first round is not mistaken for it.
    const next = lease.startRound(3, 1);
    expect(next).toBeGreaterThan(old + 1);
    expect(lease.pendingRounds).toBe(1);
  });

  it('a lease of 0 ticks is allowed and never holds; a negative or fractional length is refused', () => {
    const lease = new LeaderLease(0);
    expect(lease.ack(lease.startRound(5, 1), 2, majorityOf3)).toBe(true);
    expect(lease.holds(5)).toBe(false);
    for (const bad of [-1, 1.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new LeaderLease(bad), String(bad)).toThrow(/durationTicks must be a non-negative integer/);
    }
  });
});
