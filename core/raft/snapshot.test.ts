// Goal: §7 log compaction: compact() drops the log prefix, a follower that needs compacted
// entries receives the snapshot, a follower's Ready carries it for the application, and
// both survive restarts through the persistence codec.
// Method: TestNetwork scenarios whose toy state machine is a running checksum; a snapshot
// carries (index, checksum), so equal checksums mean equal applied histories.

import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { drain, newNode } from '../../test/support/raft/testUtil.ts';
import type { RaftBugs } from './config.ts';

function compactAll(net: TestNetwork, id: number): number {
  const n = net.node(id);
  expect(n.raw.compact(n.appliedIndex, n.snapshotData())).toBe(true);
  net.processReady(id);
  return n.appliedIndex;
}

describe('§7 log compaction and snapshots', () => {
  it('§7 compact() drops the prefix and the next Ready asks the host to persist it', () => {
    const net = new TestNetwork({ voters: [1] });
    net.elect(1);
    for (let i = 0; i < 5; i++) net.propose(1, `w${i}`);
    const rn = net.raw(1);
    expect(rn.compact(4, net.node(1).snapshotData())).toBe(true);
    expect(rn.hasReady()).toBe(true);
    const rd = rn.ready();
    expect(rd.compaction?.meta).toMatchObject({ index: 4, term: 1, conf: { voters: [1], learners: [] } });
    expect(rd.snapshot).toBeUndefined();
    rn.advance(rd);
    expect(rn.status()).toMatchObject({ firstIndex: 5, snapshotIndex: 4, lastIndex: 6 });
    expect(rn.compact(3, 'older')).toBe(false);
    expect(() => rn.compact(9, 'future')).toThrow(/beyond applied/);
  });

  it('§7 a snapshot names its last entry\'s term, not the node\'s; the bug flag snapshotTermFromNode names the node\'s', () => {
    const snapTerm = (bugs: RaftBugs): number | undefined => {
      const net = new TestNetwork({ voters: [1, 2, 3], config: { bugs } });
      net.elect(1);
      for (let i = 0; i < 3; i++) net.propose(1, `w${i}`);
      net.run(2);
      net.elect(2);
      net.run(2);
      const rn = net.raw(2);
      expect(rn.status().term).toBeGreaterThan(rn.term(3) ?? 0);
      expect(rn.compact(3, net.node(2).snapshotData())).toBe(true);
      return rn.ready().compaction?.meta.term;
    };
    expect(snapTerm({})).toBe(1);
    expect(snapTerm({ snapshotTermFromNode: true })).toBeGreaterThan(1);
  });

  it('§7 a lagging follower whose next entry was compacted receives MsgSnap and catches up', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.crash(3);
    for (let i = 0; i < 20; i++) net.propose(1, `w${i}`);
    net.run(2);
    const snapIndex = compactAll(net, 1);
    net.restart(3);
    net.run(5);
    expect(net.snapshotsDelivered).toBeGreaterThanOrEqual(1);
    expect(net.raw(3).status().snapshotIndex).toBe(snapIndex);
    expect(net.node(3).appliedIndex).toBe(net.node(1).appliedIndex);
    expect(net.node(3).digest).toBe(net.node(1).digest);
    expect(net.raw(1).status().progress?.[3].state).toBe('replicate');
    // The follower's own disk now holds the snapshot: a restart recovers from it.
    net.crash(3);
    net.restart(3);
    expect(net.raw(3).status().snapshotIndex).toBe(snapIndex);
    net.run(3);
    expect(net.node(3).digest).toBe(net.node(1).digest);
    expect(net.violations).toEqual([]);
  });

  it('§7 a follower Ready carries the snapshot to persist and apply, then entries after it', () => {
    const n = newNode(2, { term: 2 });
    const snapshot = { meta: { index: 10, term: 2, conf: { voters: [1, 2, 3], learners: [] } }, data: 'image' };
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot });
    const { readies, messages } = drain(n);
    expect(readies[0].snapshot).toEqual(snapshot);
    expect(readies[0].mustSync).toBe(true);
    expect(messages).toEqual([{ type: 'MsgAppResp', from: 2, to: 1, term: 2, index: 10 }]);
    expect(n.status()).toMatchObject({ commit: 10, applied: 10, firstIndex: 11, snapshotIndex: 10 });
    const next = [{ term: 2, index: 11, type: 'normal' as const, data: 'a' }];
    n.step({ type: 'MsgApp', from: 1, to: 2, term: 2, index: 10, logTerm: 2, entries: next, commit: 11 });
    const after = drain(n);
    expect(after.readies[0].committedEntries).toEqual(next);
  });

  it('§7 a snapshot older than the commit index is ignored', () => {
    const n = newNode(2, { term: 2 });
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: { meta: { index: 10, term: 2, conf: { voters: [1, 2, 3], learners: [] } }, data: 'a' } });
    drain(n);
    n.step({ type: 'MsgSnap', from: 1, to: 2, term: 2, snapshot: { meta: { index: 5, term: 2, conf: { voters: [1, 2, 3], learners: [] } }, data: 'b' } });
    const { readies, messages } = drain(n);
    expect(readies.some((r) => r.snapshot !== undefined)).toBe(false);
    expect(messages[0]).toMatchObject({ type: 'MsgAppResp', index: 10 });
  });

  it('§7 a lost MsgSnap is retried after an election timeout', () => {
    const net = new TestNetwork({ voters: [1, 2, 3] });
    net.elect(1);
    net.run(2);
    net.crash(3);
    for (let i = 0; i < 5; i++) net.propose(1, `w${i}`);
    net.run(2);
    compactAll(net, 1);
    let lost = 0;
    net.dropWhere = (m) => m.type === 'MsgSnap' && ++lost > 0;
    net.restart(3);
    net.run(3);
    expect(lost).toBe(1);
    expect(net.raw(1).status().progress?.[3].state).toBe('snapshot');
    net.dropWhere = undefined;
    net.run(15);
    expect(net.snapshotsDelivered).toBe(1);
    expect(net.node(3).digest).toBe(net.node(1).digest);
  });
});
