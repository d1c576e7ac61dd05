// Goal: behaviours measured against etcd-io/raft (raft.go, tracker/progress.go) that a
// review found missing or wanted pinned: a probing follower that is caught up returns to
// streaming; restoring a snapshot checks this node is in its configuration and leaves the
// state alone when the snapshot is not newer than the commit index (etcd's `restore`);
// a leader sends no snapshot to a follower it has not heard from recently
// (etcd's `maybeSendSnapshot`).
// Method: TestNetwork clusters and single nodes driven by hand, one test per case, each
// named for the case. Every test here except the two snapshot-age ones and the forged
// snapshot at the commit index (written for a mutant that survived, docs/mutation.md)
// failed before the matching fix.

import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';
import type { Snapshot } from './types.ts';

function snapshotAt(index: number, term: number, voters: number[]): Snapshot {
  return { meta: { index, term, conf: { voters, learners: [] } }, data: `image@${index}` };
}

describe('measured against etcd-io/raft', () => {
  it('a follower in probe state whose match catches up returns to replicate state', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.propose(1, 'a');
    net.deliverAll();
    const lead = net.raw(1);
    expect(lead.status().progress?.[2]).toMatchObject({ state: 'replicate', match: lead.status().lastIndex });
    // The host lost a message to 2 and says so: the leader falls back to probing, although
    // 2 already holds everything.
    lead.reportUnreachable(2);
    expect(lead.status().progress?.[2].state).toBe('probe');
    // A heartbeat round: the response lets the leader probe with an empty MsgApp, whose
    // answer repeats the match the leader already knew.
    net.tick(1);
    net.deliverAll();
    expect(lead.status().progress?.[2]).toMatchObject({ state: 'replicate', match: lead.status().lastIndex });
    expect(net.violations).toEqual([]);
  });

  it('restoring a snapshot whose configuration does not include this node is refused', () => {
    const n = newNode(2, { term: 2 });
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: snapshotAt(10, 2, [1, 3, 4]) });
    const { readies, messages } = drain(n);
    expect(readies.some((r) => r.snapshot !== undefined)).toBe(false);
    expect(n.status()).toMatchObject({ commit: 0, snapshotIndex: 0, conf: { voters: [1, 2, 3] } });
    // The leader hears the commit index it already knew, so it keeps probing.
    expect(messages).toEqual([{ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 0 }]);
    // A learner is in the configuration too: that snapshot is restored.
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: { meta: { index: 10, term: 2, conf: { voters: [1, 3, 4], learners: [2] } }, data: 'x' } });
    expect(drain(n).readies.some((r) => r.snapshot !== undefined)).toBe(true);
    expect(n.status()).toMatchObject({ commit: 10, snapshotIndex: 10, conf: { voters: [1, 3, 4], learners: [2] } });
  });

  it('a snapshot not newer than the commit index is not restored, and the answer carries the commit index', () => {
    const n = newNode(2, { term: 2 });
    const ents = [1, 2, 3, 4, 5, 6].map((index) => ({ term: 2, index, type: 'normal' as const, data: `e${index}` }));
    n.step({ type: 'MsgApp', from: 1, to: 2, term: 2, index: 0, logTerm: 0, entries: ents, commit: 6 });
    drain(n);
    expect(n.status().commit).toBe(6);
    for (const index of [4, 6]) {
      n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: snapshotAt(index, 2, [1, 2, 3]) });
      const { readies, messages } = drain(n);
      expect(readies.some((r) => r.snapshot !== undefined), `snapshot at ${index}`).toBe(false);
      expect(messages).toEqual([{ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 6 }]);
      expect(n.status()).toMatchObject({ commit: 6, snapshotIndex: 0, firstIndex: 1, lastIndex: 6 });
    }
  });

  it('a snapshot at the commit index is not restored even when its term disagrees with the log (a forgery)', () => {
    const n = newNode(2, { term: 2 });
    const ents = [1, 2, 3, 4, 5, 6].map((index) => ({ term: 2, index, type: 'normal' as const, data: `e${index}` }));
    n.step({ type: 'MsgApp', from: 1, to: 2, term: 2, index: 0, logTerm: 0, entries: ents, commit: 6 });
    drain(n);
    // Index 6 is committed with term 2; a leader of term 3 claims a snapshot ending there with term 3.
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 3, snapshot: snapshotAt(6, 3, [1, 2, 3]) });
    const { readies, messages } = drain(n);
    expect(readies.some((r) => r.snapshot !== undefined)).toBe(false);
    expect(messages).toEqual([{ type: 'MsgAppResp', from: 2, to: 1, term: 3, index: 6 }]);
    expect(n.status()).toMatchObject({ term: 3, commit: 6, snapshotIndex: 0, firstIndex: 1, lastIndex: 6 });
    expect(n.term(6)).toBe(2);
  });

  it('a snapshot whose last entry the log already holds fast-forwards the commit instead of restoring', () => {
    const n = newNode(2, { term: 2 });
    const ents = [1, 2, 3, 4, 5, 6].map((index) => ({ term: 2, index, type: 'normal' as const, data: `e${index}` }));
    n.step({ type: 'MsgApp', from: 1, to: 2, term: 2, index: 0, logTerm: 0, entries: ents, commit: 2 });
    drain(n);
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: snapshotAt(5, 2, [1, 2, 3]) });
    const { readies, messages } = drain(n);
    expect(readies.some((r) => r.snapshot !== undefined)).toBe(false);
    expect(readies.flatMap((r) => r.committedEntries).map((e) => e.index)).toEqual([3, 4, 5]);
    expect(messages).toEqual([{ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 5 }]);
    expect(n.status()).toMatchObject({ commit: 5, snapshotIndex: 0, lastIndex: 6 });
  });

  it('no snapshot is sent to a follower that is not recently active', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { electionTicks: 10, heartbeatTicks: 1 } });
    net.elect(1);
    net.run(2);
    net.crash(3);
    // Two CheckQuorum rounds without a word from 3: the leader no longer counts it active.
    net.run(25);
    const lead = net.node(1);
    expect(lead.raw.status().progress?.[3].recentActive).toBe(false);
    for (let i = 0; i < 5; i++) net.propose(1, `w${i}`);
    net.deliverAll();
    expect(lead.raw.compact(lead.appliedIndex, lead.snapshotData())).toBe(true);
    net.processReady(1);
    // The host could not reach 3: the leader probes it again, from an index it compacted away.
    lead.raw.reportUnreachable(3);
    let snapshotsTo3 = 0;
    for (let i = 0; i < 30; i++) {
      net.propose(1, `x${i}`);
      net.tick(1);
      // Everything the leader sent is in the queue now, before delivery.
      snapshotsTo3 += net.queue.filter((m) => m.type === 'MsgSnap' && m.to === 3).length;
      net.deliverAll();
    }
    expect(snapshotsTo3).toBe(0);
    expect(lead.raw.status().progress?.[3].state).toBe('probe');
    // Once 3 is back and answers, it is active again and gets the snapshot.
    net.restart(3);
    net.run(5);
    expect(net.snapshotsDelivered).toBe(1);
    expect(net.node(3).digest).toBe(lead.digest);
    expect(net.violations).toEqual([]);
  });
});
