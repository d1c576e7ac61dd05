// Goal: clock steps move a node's wall clock only. Raft's ticks (and every other timeout)
// run on the monotonic clock, so a +10 s step does not fire ten seconds of ticks at once
// (a leader that burns through its election timeout in one burst deposes itself under
// CheckQuorum) and a -10 s step does not freeze them (a leader that stops ticking stops
// heartbeating, and the others elect a new one). The wall clock still shows each step.
// Method: find who leads a quiet raft-kv cluster at 2.9 s, then run the same seed with
// clock steps of +10 s and -20 s on that leader and +10 s on a follower, and watch the
// terms the servers report, the leader, and each host's wall-clock offset.
import { describe, expect, it } from 'vitest';
import { buildRun } from '../sim/run/runScenario.ts';
import { validateScenario } from '../sim/scenario/parse.ts';
import type { Scenario, ScenarioInput } from '../sim/scenario/schema.ts';

function scenario(faults: ScenarioInput['faults']): Scenario {
  const r = validateScenario({
    name: 'clock-steps', description: 'x', workload: 'raft-kv', topology: { nodes: 3 }, duration: '12s', faults,
    clients: { count: 1, interval: '50ms', timeout: '300ms', keys: 2 }, liveness: { within: '2s' },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

describe('monotonic clock', () => {
  it('a ±10 s wall-clock step neither bursts nor freezes Raft ticks', () => {
    const quiet = buildRun(scenario([]), 1, false);
    quiet.world.run({ timeUs: 2_900_000 });
    const leader = quiet.leaders?.current() ?? -1;
    expect(leader).toBeGreaterThanOrEqual(0);
    const follower = (leader + 1) % 3;

    const stepped = buildRun(scenario([
      { at: '3s', kind: 'clock', node: leader, step: 10_000_000 },
      { at: '4s', kind: 'clock', node: follower, step: 10_000_000 },
      { at: '5s', kind: 'clock', node: leader, step: -20_000_000 },
    ]), 1, false);
    const { world } = stepped;
    const termOf: number[] = [0, 0, 0];
    const later: number[] = [];
    world.onTelemetry((t, node, name, f) => {
      if (name !== 'raft.role') return;
      termOf[node] = f.term as number;
      if (t >= 2_900_000) later.push(f.term as number);
    });
    world.run({ timeUs: 2_900_000 });
    expect(stepped.leaders?.current()).toBe(leader);
    const termBefore = termOf[leader];
    world.run({ timeUs: 3_500_000 });
    expect(world.hosts[leader].clock.skewAt(world.nowUs)).toBe(10_000_000);
    world.run({ timeUs: 12_000_000 });
    expect(world.hosts[leader].clock.skewAt(world.nowUs)).toBe(-10_000_000);
    expect(world.hosts[follower].clock.skewAt(world.nowUs)).toBe(10_000_000);
    // Nobody campaigned: the leader kept its term and its office to the end.
    expect(stepped.leaders?.current()).toBe(leader);
    expect(termOf).toEqual([termBefore, termBefore, termBefore]);
    expect(later.filter((t) => t !== termBefore)).toEqual([]);
  });
});
