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

function churnRun(leaderTimesUs: number[], faults: FaultSpec[], latencyMaxUs = 5_000): World {
  const world = new World({ seed: 'churn', nodes: [{ role: 'server', factory: () => idle }] });
  new LeaderChurn(world, { faults, durationUs: 20_000_000, electionTimeoutMaxUs: 300_000, latencyMaxUs });
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

  it('does not apply when the link alone can delay a message past the election timeout', () => {
    const slow = churnRun([100_000, 2_000_000, 2_500_000, 3_000_000, 3_500_000], [], 250_000);
    expect(slow.violations).toEqual([]);
  });
});
