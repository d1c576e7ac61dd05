// Goal: diagnoses name the right cause for the symptoms and the evidence at hand, with
// patience where a wrong guess is costly, and never blame a node the leader still hears.
// Method: hand-built symptoms and cluster views through the pure diagnose().
import { describe, expect, it } from 'vitest';
import { emptyView } from './clusterView.ts';
import { diagnose, SLOW_FOLLOWER_PATIENCE_US, UNRESPONSIVE_PATIENCE_US } from './diagnose.ts';
import type { Symptom } from './types.ts';

const sym = (kind: Symptom['kind'], target: number, sinceUs = 0, value = 1): Symptom => ({ kind, target, sinceUs, value, detail: '' });

function view(leader = 0) {
  const v = emptyView([0, 1, 2, 3, 4]);
  v.leader = leader;
  v.healthy = new Set([0, 1, 3, 4]);
  return v;
}

describe('diagnose', () => {
  it('an unreachable node: crashed if its host is down, unresponsive (after patience) if up, nothing if the leader hears it', () => {
    const v = view();
    v.hosts.set(2, { node: 2, state: 'down', quarantined: false, decommissioned: false });
    expect(diagnose([sym('unreachable', 2)], v, 1, 0)).toMatchObject([{ cause: 'crashed', target: 2, confidence: 0.95 }]);
    v.hosts.set(2, { node: 2, state: 'up', quarantined: false, decommissioned: false });
    expect(diagnose([sym('unreachable', 2)], v, 1, 0)[0]).toMatchObject({ cause: 'unresponsive', confidence: 0.5 });
    expect(diagnose([sym('unreachable', 2)], v, 1, UNRESPONSIVE_PATIENCE_US)[0]).toMatchObject({ cause: 'unresponsive', confidence: 0.7 });
    v.healthy.add(2);
    expect(diagnose([sym('unreachable', 2)], v, 1, 5_000_000)).toEqual([]);
  });

  it('a host up that the leader has lost touch with too is isolated (after patience); a paused host or no leader to ask is not', () => {
    const v = view();
    v.hosts.set(2, { node: 2, state: 'up', quarantined: false, decommissioned: false });
    // The leader reports on n2, and n2 is not healthy: the leader has not heard from it and its log lags.
    v.progress.set(2, { match: 3, active: false });
    expect(diagnose([sym('unreachable', 2)], v, 1, 0)[0]).toMatchObject({ cause: 'unresponsive', confidence: 0.5 });
    expect(diagnose([sym('unreachable', 2)], v, 1, UNRESPONSIVE_PATIENCE_US)).toMatchObject([{ cause: 'isolated', target: 2, confidence: 0.7 }]);
    // A hung process: the control plane sees the host paused, and a restart is the cure.
    v.hosts.set(2, { node: 2, state: 'paused', quarantined: false, decommissioned: false });
    expect(diagnose([sym('unreachable', 2)], v, 1, UNRESPONSIVE_PATIENCE_US)[0]).toMatchObject({ cause: 'unresponsive', confidence: 0.85 });
    // No leader, so no second observer: only the manager's own silence, which says less.
    v.hosts.set(2, { node: 2, state: 'up', quarantined: false, decommissioned: false });
    const leaderless = view(-1);
    leaderless.hosts = v.hosts;
    expect(diagnose([sym('unreachable', 2)], leaderless, 1, UNRESPONSIVE_PATIENCE_US)[0]).toMatchObject({ cause: 'unresponsive', confidence: 0.7 });
    // The leader the manager cannot hear is not judged on its own report: no second observer.
    const silentLeader = view(0);
    silentLeader.healthy.delete(0);
    silentLeader.hosts.set(0, { node: 0, state: 'up', quarantined: false, decommissioned: false });
    expect(diagnose([sym('unreachable', 0)], silentLeader, 1, UNRESPONSIVE_PATIENCE_US)[0]).toMatchObject({ cause: 'unresponsive', confidence: 0.7 });
  });

  it('a slow leader at once, a slow follower only after patience, a slow leader under a surge as overload', () => {
    expect(diagnose([sym('slow-node', 0)], view(0), 1, 0)).toMatchObject([{ cause: 'slow-leader', target: 0 }]);
    expect(diagnose([sym('slow-node', 3)], view(0), 1, 0)).toEqual([]);
    expect(diagnose([sym('slow-node', 3)], view(0), 1, SLOW_FOLLOWER_PATIENCE_US)).toMatchObject([{ cause: 'slow-node', target: 3 }]);
    expect(diagnose([sym('slow-node', 0), sym('latency-up', -1)], view(0), 3, 0)).toMatchObject([{ cause: 'overload', target: -1 }]);
  });

  it('blames overload only for a demand surge with no node to blame', () => {
    expect(diagnose([sym('latency-up', 7)], view(), 1.1, 0)).toEqual([]);
    expect(diagnose([sym('latency-up', 7)], view(), 2, 0)).toMatchObject([{ cause: 'overload', confidence: 0.7 }]);
    expect(diagnose([sym('latency-up', 7), sym('disk-errors', 1)], view(), 2, 0).map((d) => d.cause)).toEqual(['disk-full']);
  });

  it('byzantine confidence grows with the number of accusers', () => {
    const two = diagnose([sym('rejected-peer', 4, 0, 2)], view(), 1, 0)[0].confidence;
    const four = diagnose([sym('rejected-peer', 4, 0, 4)], view(), 1, 0)[0].confidence;
    expect(two).toBeGreaterThan(0.6);
    expect(four).toBeGreaterThan(two);
  });

  it('ignores nodes outside the membership', () => {
    expect(diagnose([sym('memory-trend', 9)], view(), 1, 0)).toEqual([]);
    expect(diagnose([sym('memory-trend', 3)], view(), 1, 0)).toMatchObject([{ cause: 'memory-leak', target: 3 }]);
  });
});
