// Goal: the leader-churn check judges only the fault-free stretches of a run, and has teeth:
// many new leaders in a quiet stretch fail it, the same number inside a fault's stretch (or
// one new leader in a quiet one) passes. Method: a world with idle nodes; the test emits
// the 'raft.role' telemetry a churning cluster would, then concludes the run.
import { describe, expect, it } from 'vitest';
import type { FaultSpec } from '../scenario/schema.ts';
import { World } from '../world/world.ts';
import { LeaderChurn, quietWindows } from './leaderChurn.ts';

const idle = { start() {}, onMessage() {}, onTimer() {} };
const crash = (at: number, duration: number): FaultSpec => ({ at, kind: 'crash', node: 0, duration });

function churnRun(leaderTimesUs: number[], faults: FaultSpec[], latencyMaxUs = 5_000, admin: { t: number; op: string; ok: boolean }[] = []): World {
  const world = new World({ seed: 'churn', nodes: [{ role: 'server', factory: () => idle }] });
  new LeaderChurn(world, { faults, durationUs: 20_000_000, electionTimeoutMaxUs: 300_000, latencyMaxUs });
  for (const a of admin) world.telemetry(a.t, 0, 'kv.admin', { op: a.op, node: 1, ok: a.ok, reason: a.ok ? '' : 'refused' });
  leaderTimesUs.forEach((t, i) => world.telemetry(t, 0, 'raft.role', { role: 'leader', term: i + 1 }));
  world.run({ timeUs: 20_000_000, eventsMax: 1000 });
  world.concludeChecks();
  return world;
}

describe('leader churn', () => {
  it('quiet windows start a settle time after boot and after each heal', () => {
    expect(quietWindows([crash(5_000_000, 1_000_000), crash(5_500_000, 2_000_000)], 20_000_000, 600_000)).toEqual([
      { fromUs: 600_000, toUs: 5_000_000 },
      { fromUs: 8_100_000, toUs: 20_000_000 },
    ]);
    // A gap shorter than two settle times is not judged.
    expect(quietWindows([crash(1_000_000, 0)], 1_500_000, 600_000)).toEqual([]);
  });

  it('many new leaders in a fault-free stretch fail; inside a fault, or one alone, pass', () => {
    const churning = churnRun([100_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000], [crash(5_000_000, 1_000_000)]);
    expect(churning.violations.map((v) => v.check)).toEqual(['leader-churn']);
    expect(churning.violations[0].message).toMatch(/^4 new leaders were elected in the fault-free stretch 600ms\.\.5s/);
    const duringFault = churnRun([100_000, 5_100_000, 5_200_000, 5_300_000, 5_400_000], [crash(5_000_000, 1_000_000)]);
    expect(duringFault.violations).toEqual([]);
    const failover = churnRun([100_000, 9_000_000], [crash(5_000_000, 1_000_000)]);
    expect(failover.violations).toEqual([]);
  });

  it('an operator\'s accepted transfer or removal elects a leader on purpose: the stretch after it settles first', () => {
    const leaders = [100_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000];
    const ops = (op: string, ok: boolean): { t: number; op: string; ok: boolean }[] => [1_990_000, 2_490_000, 2_990_000, 3_490_000].map((t) => ({ t, op, ok }));
    const faults = [crash(5_000_000, 1_000_000)];
    expect(churnRun(leaders, faults, 5_000, ops('transfer', true)).violations).toEqual([]);
    expect(churnRun(leaders, faults, 5_000, ops('remove', true)).violations).toEqual([]);
    // Refused transfers and compactions change no leader: the churn is still the cluster's.
    expect(churnRun(leaders, faults, 5_000, ops('transfer', false)).violations.map((v) => v.check)).toEqual(['leader-churn']);
    expect(churnRun(leaders, faults, 5_000, ops('compact', true)).violations.map((v) => v.check)).toEqual(['leader-churn']);
    expect(quietWindows([], 10_000_000, 600_000, [3_000_000])).toEqual([
      { fromUs: 600_000, toUs: 3_000_000 },
      { fromUs: 3_600_000, toUs: 10_000_000 },
    ]);
  });

  it('does not apply when the link alone can delay a message past the election timeout', () => {
    const slow = churnRun([100_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000], [], 250_000);
    expect(slow.violations).toEqual([]);
  });
});
