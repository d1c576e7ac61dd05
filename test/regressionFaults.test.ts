// Goal: every fault kind added for swarm testing does what the README says, and heals:
// slowStart makes one boot slow, the disk faults flip their disk setting for the window
// only, cpuSpike and drift change the host and put it back, byzantine corrupt sets the
// node's outgoing corruption, and forge/replay/flood/malformed inject roughly `rate`
// messages per second into the target. The swarm sampler is a pure function of the seed,
// draws only valid faults of the enabled kinds, and keeps them inside the window.
// Method: build worlds with buildRun, stop them mid-fault and after the heal to inspect
// host, disk and link state, count delivered messages in retained traces, and validate
// sampled schedules against the schema over many seeds.
import { describe, expect, it } from 'vitest';
import { healUs } from '../sim/faults/schedule.ts';
import { materialize, sampleSwarm } from '../sim/faults/swarm.ts';
import { buildRun, runScenario } from '../sim/run/runScenario.ts';
import { validateScenario } from '../sim/scenario/parse.ts';
import { faultSchema, SWARM_KINDS, type Scenario, type ScenarioInput } from '../sim/scenario/schema.ts';

function scenario(faults: ScenarioInput['faults'], extra: Partial<ScenarioInput> = {}): Scenario {
  const r = validateScenario({ name: 'kinds', description: 'x', workload: 'heartbeat', topology: { nodes: 3 }, duration: '6s', faults, liveness: { within: '1s' }, ...extra });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

/** Runs to `midUs`, samples state, runs to `afterUs`, samples again. */
function during<T>(s: Scenario, midUs: number, afterUs: number, probe: (w: ReturnType<typeof buildRun>['world']) => T): [T, T] {
  const { world } = buildRun(s, 1, false);
  world.run({ timeUs: midUs, eventsMax: 10_000_000 });
  const a = probe(world);
  world.run({ timeUs: afterUs, eventsMax: 10_000_000 });
  return [a, probe(world)];
}

function deliveriesTo(s: Scenario, node: number): number {
  const { world } = runScenario(s, 1, { retainTrace: true });
  return world.trace.events().filter((e) => e.kind === 'msg' && e.node === node).length;
}

describe('fault kinds', () => {
  it('disk faults flip their setting for the window only', () => {
    const s = scenario([
      { at: '1s', kind: 'fsyncLoss', node: 0, duration: '1s' },
      { at: '1s', kind: 'tornWrites', node: 1, prob: 0.9, duration: '1s' },
      { at: '1s', kind: 'readErrors', node: 2, prob: 0.25, duration: '1s' },
    ]);
    const [mid, after] = during(s, 1_500_000, 2_500_000, (w) => [w.hosts[0].disk.faults.fsyncLies, w.hosts[1].disk.faults.tornWriteProb, w.hosts[2].disk.faults.readErrorProb]);
    expect(mid).toEqual([true, 0.9, 0.25]);
    expect(after).toEqual([false, 0.5, 0]);
  });

  it('cpuSpike, drift and byzantine corrupt change the host or links and put them back', () => {
    const s = scenario([
      { at: '1s', kind: 'cpuSpike', node: 0, factor: 80, duration: '300ms' },
      { at: '1s', kind: 'drift', node: 1, ppm: 20000, duration: '1s' },
      { at: '1s', kind: 'byzantine', mode: 'corrupt', node: 2, fraction: 0.7, duration: '1s' },
    ]);
    const [mid, after] = during(s, 1_200_000, 2_500_000, (w) => [w.hosts[0].cpu.throttle, w.hosts[1].clock.driftPpm, w.net.profile(2, 0).corrupt, w.net.profile(2, 1).corrupt, w.net.profile(0, 2).corrupt]);
    expect(mid).toEqual([80, 20000, 0.7, 0.7, 0]);
    expect(after).toEqual([1, 0, 0, 0, 0]);
  });

  it('slowStart crashes the node and charges startDelay of CPU to its next boot', () => {
    const base = scenario([{ at: '1s', kind: 'crash', node: 1, duration: '500ms' }]);
    const slow = scenario([{ at: '1s', kind: 'slowStart', node: 1, duration: '500ms', startDelay: '800ms' }]);
    expect(healUs(slow.faults[0])).toBe(2_300_000);
    const busy = (s: Scenario): number => runScenario(s, 1).world.hosts[1].cpu.busyTotalUs;
    const extra = busy(slow) - busy(base);
    expect(extra).toBeGreaterThanOrEqual(790_000);
    expect(extra).toBeLessThan(810_000);
    expect(runScenario(slow, 1).world.hosts[1].crashes).toBe(1);
  });

  it.each(['forge', 'replay', 'flood', 'malformed'] as const)('byzantine %s injects about rate x duration messages into its target', (mode) => {
    const base = deliveriesTo(scenario([]), 1);
    const attacked = deliveriesTo(scenario([{ at: '1s', kind: 'byzantine', mode, node: 1, rate: 200, duration: '1s' }]), 1);
    // The first tick comes one period after the window opens, so one injection may fall outside.
    expect(attacked - base).toBeGreaterThanOrEqual(190);
    expect(attacked - base).toBeLessThanOrEqual(200);
  });
});

describe('swarm sampling', () => {
  // raft-kv: the aimed kinds (leader-crash, figure8, ...) need a workload with a leader.
  const swarmScenario = scenario([], { workload: 'raft-kv', topology: { nodes: 5 }, duration: '12s', swarm: { kinds: [...SWARM_KINDS], count: '3..8', window: ['1s', '8s'], duration: '200ms..2s' } });

  it('is a pure function of the seed and differs across seeds', () => {
    expect(sampleSwarm(swarmScenario, 9)).toEqual(sampleSwarm(swarmScenario, 9));
    expect(sampleSwarm(swarmScenario, 9)).not.toEqual(sampleSwarm(swarmScenario, 10));
    const m = materialize(swarmScenario, 9);
    expect(m.swarm).toBeUndefined();
    expect(materialize(m, 9)).toBe(m);
  });

  it('draws valid faults of enabled kinds, in time order, healing inside window + longest duration', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 300; seed++) {
      const faults = sampleSwarm(swarmScenario, seed);
      expect(faults.length).toBeGreaterThanOrEqual(3);
      expect(faults.length).toBeLessThanOrEqual(8);
      for (let i = 0; i < faults.length; i++) {
        const f = faults[i];
        expect(faultSchema.safeParse(f).success).toBe(true);
        expect(f.at).toBeGreaterThanOrEqual(1_000_000);
        expect(healUs(f)).toBeLessThanOrEqual(10_000_000);
        if (i > 0) expect(f.at).toBeGreaterThanOrEqual(faults[i - 1].at);
        seen.add(f.kind === 'byzantine' ? `byzantine-${f.mode}` : f.kind);
      }
    }
    for (const k of ['crash', 'partition', 'slowStart', 'fsyncLoss', 'byzantine-forge', 'byzantine-malformed', 'link', 'drift']) expect(seen).toContain(k);
    const pausesOnly = scenario([], { swarm: { kinds: ['pause'], count: 2, window: ['1s', '2s'], duration: '100ms' } });
    expect(sampleSwarm(pausesOnly, 4).map((f) => f.kind)).toEqual(['pause', 'pause']);
  });
});
