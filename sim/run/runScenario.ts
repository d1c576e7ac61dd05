// Runs one scenario with one seed: builds the world, schedules the faults, runs the
// safety phase and the liveness phase, and produces the report.
//
// Contract: the report depends only on (scenario, seed, code version): no wall clock is
// read here (the CLI measures wall time around it). Progress is reported through a
// callback at fixed simulated-time steps, so a caller can show it without changing the run.
import type { Micros } from '../../core/env.ts';
import { lastHealUs, scheduleFault } from '../faults/schedule.ts';
import type { Scenario } from '../scenario/schema.ts';
import { toLinkProfile } from '../scenario/topology.ts';
import { DEFAULT_LINK } from '../net/link.ts';
import { heartbeatNodes, installHeartbeatCheck } from '../workloads/heartbeat.ts';
import { World, type Violation } from '../world/world.ts';

export interface RunOptions {
  retainTrace?: boolean;
  /** Called every `progressStepUs` of simulated time. */
  onProgress?: (simUs: Micros, totalUs: Micros, events: number) => void;
  progressStepUs?: Micros;
  /** Safety bound on executed events; a run that hits it reports a violation. */
  eventsMax?: number;
}

export interface RunReport {
  scenario: string;
  seed: number;
  traceHash: string;
  events: number;
  simulatedMs: number;
  violations: Violation[];
  stats: Record<string, number>;
}

export const EVENTS_MAX_DEFAULT = 200_000_000;

export function buildWorld(s: Scenario, seed: number, retainTrace: boolean): World {
  const nodes = heartbeatNodes(s);
  const world = new World({
    seed: `${s.name}/${seed}`,
    nodes,
    link: toLinkProfile(s.topology.link, DEFAULT_LINK),
    latencyFloorUs: s.topology.minLatency,
    retainTrace,
  });
  world.boot();
  for (const f of s.faults) scheduleFault(world, f);
  installHeartbeatCheck(world, Math.min(s.duration, lastHealUs(s.faults) + s.liveness.within));
  return world;
}

export function runScenario(s: Scenario, seed: number, opts: RunOptions = {}): { report: RunReport; world: World } {
  const world = buildWorld(s, seed, opts.retainTrace ?? false);
  const stepUs = opts.progressStepUs ?? Math.max(1, Math.floor(s.duration / 100));
  const eventsMax = opts.eventsMax ?? EVENTS_MAX_DEFAULT;
  for (let t = 0; t < s.duration;) {
    t = Math.min(s.duration, t + stepUs);
    const reason = world.run({ timeUs: t, eventsMax });
    if (reason === 'events') {
      world.violate('event-limit', null, `the run exceeded ${eventsMax} events; raise eventsMax or shorten the scenario`);
      break;
    }
    opts.onProgress?.(world.nowUs, s.duration, world.kernel.executed);
  }
  return { report: reportOf(s, seed, world), world };
}

function reportOf(s: Scenario, seed: number, world: World): RunReport {
  let crashes = 0;
  let oom = 0;
  for (const h of world.hosts) {
    crashes += h.crashes;
    oom += h.oomCrashes;
  }
  return {
    scenario: s.name,
    seed,
    traceHash: world.trace.digest(),
    events: world.kernel.executed,
    simulatedMs: world.nowUs / 1000,
    violations: world.violations,
    stats: { traced: world.trace.count, nodes: world.hosts.length, crashes, oomCrashes: oom },
  };
}
