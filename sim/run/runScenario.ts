// Runs one scenario with one seed: builds the world, schedules the faults, runs the
// safety phase and the liveness phase, and produces the report.
//
// Contract: the report depends only on (scenario, seed, code version): no wall clock is
// read here (the CLI measures wall time around it). Progress is reported through a
// callback at fixed simulated-time steps, so a caller can show it without changing the run.
import type { Micros } from '../../core/env.ts';
import { lastHealUs, scheduleFault } from '../faults/schedule.ts';
import { materialize } from '../faults/swarm.ts';
import type { Scenario } from '../scenario/schema.ts';
import { toLinkProfile } from '../scenario/topology.ts';
import { DEFAULT_LINK } from '../net/link.ts';
import { heartbeatNodes, installHeartbeatCheck } from '../workloads/heartbeat.ts';
import { installLoadKv, loadKvNodes } from '../workloads/loadKv.ts';
import { installRaftKvChecks, LeaderTracker, raftKvNodes } from '../workloads/raftKv.ts';
import { installMapek, mapekNodeCount, mapekNodeSpecs } from '../mapek/install.ts';
import { World, type NodeSpec, type Violation } from '../world/world.ts';

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
  stats: Record<string, number | string>;
}

/** A built world plus what its workload checks at the end of the run. */
export interface BuiltRun {
  world: World;
  finish: () => Record<string, number | string>;
  /** Who leads, for raft-kv runs (leader-targeted faults, measurements). */
  leaders: LeaderTracker | null;
}

export const EVENTS_MAX_DEFAULT = 200_000_000;

/** The node specs of a scenario's workload, by node id (also built inside workers). */
export function nodeSpecs(s: Scenario): NodeSpec[] {
  const base = s.workload === 'raft-kv' ? raftKvNodes(s) : s.workload === 'load-kv' ? loadKvNodes(s) : heartbeatNodes(s);
  return [...base, ...mapekNodeSpecs(s, base.length)];
}

/** The seed string every stream of a run derives from. */
export function seedText(s: Scenario, seed: number): string {
  return `${s.name}/${seed}`;
}

export function buildRun(scenario: Scenario, seed: number, retainTrace: boolean, remote = false): BuiltRun {
  // Swarm ranges become concrete faults drawn from the seed (idempotent: callers may have done it).
  const s = materialize(scenario, seed);
  const nodes = nodeSpecs(s);
  const world = new World({
    remote,
    seed: seedText(s, seed),
    nodes,
    link: toLinkProfile(s.topology.link, DEFAULT_LINK),
    latencyFloorUs: s.topology.minLatency,
    retainTrace,
  });
  world.boot();
  const healUs = lastHealUs(s.faults);
  const observed = s.workload !== 'heartbeat' && (s.manager.enabled || s.manager.observe);
  const mapek = observed ? installMapek(world, s, nodes.length - mapekNodeCount(s), new LeaderTracker(world)) : null;
  const withMapek = (finish: () => Record<string, number | string>) => (mapek === null ? finish : () => ({ ...finish(), ...mapek.finish() }));
  if (s.workload === 'load-kv') {
    const installed = installLoadKv(world, s);
    return { world, finish: withMapek(installed.finish), leaders: installed.leaders };
  }
  if (s.workload === 'raft-kv') {
    const checks = installRaftKvChecks(world, s, healUs);
    for (const f of s.faults) scheduleFault(world, f, checks.leaders);
    return { world, finish: withMapek(() => checks.finish()), leaders: checks.leaders };
  }
  for (const f of s.faults) scheduleFault(world, f);
  installHeartbeatCheck(world, Math.min(s.duration, healUs + s.liveness.within));
  return { world, finish: () => ({}), leaders: null };
}

/** The world alone, for callers that drive it themselves (the UI). */
export function buildWorld(s: Scenario, seed: number, retainTrace: boolean): World {
  return buildRun(s, seed, retainTrace).world;
}

export function runScenario(s: Scenario, seed: number, opts: RunOptions = {}): { report: RunReport; world: World } {
  const { world, finish } = buildRun(s, seed, opts.retainTrace ?? false);
  const stepUs = opts.progressStepUs ?? Math.max(1, Math.floor(s.duration / 100));
  const eventsMax = opts.eventsMax ?? EVENTS_MAX_DEFAULT;
  for (let t = 0; t < s.duration;) {
    t = Math.min(s.duration, t + stepUs);
    const reason = world.run({ timeUs: t, eventsMax });
    if (reason === 'events') {
      world.violate('event-limit', null, `the run exceeded ${eventsMax} events; raise eventsMax or shorten the scenario`);
      break;
    }
    opts.onProgress?.(world.nowUs, s.duration, world.executed);
  }
  const extra = finish();
  return { report: reportOf(s, seed, world, extra), world };
}

export function reportOf(s: Scenario, seed: number, world: World, extra: Record<string, number | string>): RunReport {
  return {
    scenario: s.name,
    seed,
    traceHash: world.trace.digest(),
    events: world.executed,
    simulatedMs: world.nowUs / 1000,
    violations: world.violations,
    stats: { traced: world.trace.count, nodes: world.nodeCount, crashes: world.crashCount, oomCrashes: world.oomCount, ...extra },
  };
}
