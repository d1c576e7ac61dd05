// Goal: protocol scenarios beyond the basic algorithm: a stale leader, PreVote and
// CheckQuorum (thesis §9.6, §6.2), leadership transfer (thesis §3.10) and follower flow
// control (probe/replicate/inflight limits, after etcd-io/raft).
// Method: each scenario scripts partitions, ticks and deliveries on the deterministic
// TestNetwork and asserts who leads, terms, commit indices and safety violations.

import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';

describe('§5 / §6.2 stale leader', () => {
  it('§5.3 a partitioned old leader cannot commit, and steps down when it hears the higher term', () => {
    const net = new TestNetwork({ voters: [1, 2, 3, 4, 5] });
    net.elect(1);
    net.run(2);
    for (const a of [1, 2]) for (const b of [3, 4, 5]) net.cutLink(a, b);
    net.propose(1, 'lost-write');
    net.run(40);
    const s1 = net.raw(1).status();
    expect(s1.role).toBe('leader');
    expect(s1.commit).toBe(1);
    const newLeader = net.leader();
    expect([3, 4, 5]).toContain(newLeader);
    net.propose(newLeader as number, 'kept-write');
    net.run(2);
    net.heal();
    net.run(5);
    expect(net.raw(1).status()).toMatchObject({ role: 'follower', lead: newLeader });
    const committed = net.raw(1).entries(1, net.raw(1).status().commit + 1).map((e) => e.data);
    expect(committed).toContain('kept-write');
    expect(committed).not.toContain('lost-write');
    expect(net.violations).toEqual([]);
  });
});

describe('§9.6 PreVote and §6.2 CheckQuorum', () => {
  it('PreVote: a node cut off from the leader only does not raise its term nor depose the leader', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { preVote: true, checkQuorum: true } });
    net.elect(1);
    net.run(2);
    const term = net.raw(1).status().term;
    net.cutLink(1, 3);
    net.run(100);
    expect(net.raw(3).status().term).toBe(term);
    net.heal();
    net.run(10);
    expect(net.leader()).toBe(1);
    expect(net.raw(1).status().term).toBe(term);
  });

  it('PreVote: a node rejoining after a full partition does not disrupt the healthy leader', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { preVote: true } });
    net.elect(1);
    net.run(2);
    const term = net.raw(1).status().term;
    net.isolate(3);
    net.run(100);
    expect(net.raw(3).status().term).toBe(term);
    net.heal();
    net.run(10);
    expect(net.leader()).toBe(1);
    expect(net.raw(1).status().term).toBe(term);
  });

  it('without PreVote the same rejoining node forces an election with a higher term (contrast)', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    const term = net.raw(1).status().term;
    net.isolate(3);
    net.run(100);
    expect(net.raw(3).status().term).toBeGreaterThan(term + 1);
    net.heal();
    net.run(30);
    expect(net.raw(net.leader() as number).status().term).toBeGreaterThan(term + 1);
    expect(net.violations).toEqual([]);
  });

  it('CheckQuorum: an isolated leader steps down within an election timeout', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { checkQuorum: true } });
    net.elect(1);
    net.run(2);
    net.isolate(1);
    for (let i = 0; i < 2 * 10; i++) net.tick(1);
    expect(net.raw(1).status()).toMatchObject({ role: 'follower', lead: -1 });
  });

  it('without CheckQuorum an isolated leader keeps believing it leads (contrast)', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.isolate(1);
    for (let i = 0; i < 2 * 10; i++) net.tick(1);
    expect(net.raw(1).status().role).toBe('leader');
  });

  it('CheckQuorum: followers that hear from a leader ignore a disruptive vote request', () => {
    const n = newNode(2, { checkQuorum: true });
    n.step({ type: 'MsgHeartbeat', from: 1, to: 2, term: 1, commit: 0 });
    drain(n);
    n.step({ type: 'MsgVote', from: 3, to: 2, term: 5, index: 10, logTerm: 4 });
    expect(drain(n).messages).toEqual([]);
    expect(n.status()).toMatchObject({ term: 1, lead: 1 });
  });
});

describe('thesis §3.10 leadership transfer', () => {
  it('transfers to an up-to-date follower through MsgTimeoutNow', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { preVote: true, checkQuorum: true } });
    net.elect(1);
    net.run(2);
    const term = net.raw(1).status().term;
    net.raw(1).transferLeadership(2);
    net.processReady(1);
    net.deliverAll();
    expect(net.leader()).toBe(2);
    expect(net.raw(2).status().term).toBe(term + 1);
    expect(net.raw(1).status()).toMatchObject({ role: 'follower', lead: 2 });
  });

  it('catches a lagging target up first, and refuses proposals while transferring', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.isolate(3);
    for (let i = 0; i < 5; i++) net.propose(1, `w${i}`);
    net.run(2);
    net.heal();
    net.raw(1).transferLeadership(3);
    expect(net.raw(1).propose('during-transfer')).toBe(false);
    net.processReady(1);
    net.deliverAll();
    expect(net.leader()).toBe(3);
    expect(net.raw(3).status().lastIndex).toBeGreaterThanOrEqual(7);
    expect(net.violations).toEqual([]);
  });

  it('a follower forwards a transfer request to the leader', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.raw(3).transferLeadership(3);
    net.processReady(3);
    net.deliverAll();
    expect(net.leader()).toBe(3);
  });

  it('an unfinished transfer is abandoned after an election timeout', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.isolate(3);
    net.raw(1).transferLeadership(3);
    expect(net.raw(1).propose('x')).toBe(false);
    for (let i = 0; i < 10; i++) net.tick(1);
    expect(net.raw(1).propose('x')).toBe(true);
    expect(net.leader()).toBe(1);
  });
});

describe('flow control (etcd-io/raft progress tracking)', () => {
  it('in replicate state at most maxInflight MsgApp are outstanding per follower', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { maxInflight: 2, maxEntriesPerMsg: 1 } });
    net.elect(1);
    net.run(2);
    net.cutOneWay(2, 1);
    for (let i = 0; i < 6; i++) net.raw(1).propose(`w${i}`);
    net.processReady(1);
    const toTwo = net.queue.filter((m) => m.type === 'MsgApp' && m.to === 2 && (m.entries?.length ?? 0) > 0);
    expect(toTwo).toHaveLength(2);
    expect(net.raw(1).status().progress?.[2]).toMatchObject({ state: 'replicate', paused: true, inflightCount: 2 });
    net.heal();
    net.run(10);
    expect(net.raw(2).status().lastIndex).toBe(net.raw(1).status().lastIndex);
  });

  it('in probe state the leader sends one MsgApp and waits', () => {
    const n = newNode(1, { voters: [1, 2], maxEntriesPerMsg: 1 });
    n.campaign();
    drain(n);
    n.step({ type: 'MsgVoteResp', from: 2, to: 1, term: 1, reject: false });
    drain(n);
    for (let i = 0; i < 3; i++) n.propose(`w${i}`);
    const apps = drain(n).messages.filter((m) => m.type === 'MsgApp');
    expect(apps).toHaveLength(0);
    expect(n.status().progress?.[2]).toMatchObject({ state: 'probe', paused: true });
  });

  it('a lost append in replicate state is recovered after a heartbeat response', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { maxInflight: 1 } });
    net.elect(1);
    net.run(2);
    net.propose(1, 'lost');
    net.queue = net.queue.filter((m) => !(m.type === 'MsgApp' && m.to === 2));
    net.run(3);
    expect(net.raw(2).status().lastIndex).toBe(net.raw(1).status().lastIndex);
  });
});
