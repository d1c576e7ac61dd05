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
import { formatCount, formatMicros } from '../kernel/time.ts';
import { nodeSpecs, workloadOf } from '../workloads/registry.ts';
import { BUILTIN_STATS, type CheckLimits, type LeaderSource } from '../workloads/workload.ts';
import { verdictOf, type Inconclusive, type RunVerdict } from '../check/verdict.ts';
import { World, type Violation } from '../world/world.ts';

export type { CheckLimits };

export interface RunOptions {
  retainTrace?: boolean;
  /** Called every `progressStepUs` of simulated time. */
  onProgress?: (simUs: Micros, totalUs: Micros, events: number) => void;
  progressStepUs?: Micros;
  /** Bound on executed events (default EVENTS_MAX_DEFAULT); a run that reaches it stops and is inconclusive. */
  eventsMax?: number;
  /**
   * Called once the world is built, before its first event, with the scenario as run
   * (swarm faults drawn): where observers (sim/telemetry) attach. They must not change it.
   */
  observe?: (world: World, scenario: Scenario) => void;
  /** Budgets of the end-of-run checks (tests make them small to reach their limits). */
  checkLimits?: CheckLimits;
}

export interface RunReport {
  scenario: string;
  seed: number;
  traceHash: string;
  events: number;
  simulatedMs: number;
  /** 'fail' if any violation, else 'inconclusive' if any check could not decide, else 'pass'. */
  verdict: RunVerdict;
  violations: Violation[];
  /** Checks that could not decide, and why (empty when every check decided). */
  inconclusive: Inconclusive[];
  stats: Record<string, number | string>;
}

/** A built world plus what its workload checks at the end of the run. */
export interface BuiltRun {
  world: World;
  finish: () => Record<string, number | string>;
  /** Who leads, for workloads with a leader (leader-targeted faults, measurements). */
  leaders: LeaderSource | null;
}

export const EVENTS_MAX_DEFAULT = 200_000_000;

/** Why a run stopped at its event limit, naming the flag that raises it. */
export function eventLimitReason(eventsMax: number, nowUs: Micros, durationUs: Micros): string {
  return `stopped at ${formatMicros(nowUs)} of ${formatMicros(durationUs)} after ${formatCount(eventsMax)} events, the run's event limit (default ${formatCount(EVENTS_MAX_DEFAULT)}); raise it with --events-max N, or shorten the scenario`;
}

/** The node specs of a scenario's workload, by node id (also built inside workers). */
export { nodeSpecs };

/** The seed string every stream of a run derives from. */
export function seedText(s: Scenario, seed: number): string {
  return `${s.name}/${seed}`;
}

export function buildRun(scenario: Scenario, seed: number, retainTrace: boolean, remote = false, checkLimits: CheckLimits = {}): BuiltRun {
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
  return { world, ...installWorkload(world, s, checkLimits) };
}

/**
 * Installs the scenario's workload on a booted world and schedules the faults: by the
 * workload's own call to ctx.scheduleFaults, or right after install() (see workload.ts).
 */
function installWorkload(world: World, s: Scenario, checkLimits: CheckLimits): Omit<BuiltRun, 'world'> {
  const w = workloadOf(s);
  const faults = { scheduled: false, leaders: null as LeaderSource | null };
  const scheduleFaults = (leaders?: LeaderSource): void => {
    if (faults.scheduled) throw new Error(`workload ${w.name}: install() called scheduleFaults twice`);
    faults.scheduled = true;
    faults.leaders = leaders ?? null;
    for (const f of s.faults) scheduleFault(world, f, faults.leaders);
  };
  const installed = w.install(world, s, { healUs: lastHealUs(s.faults), scheduleFaults, checkLimits });
  if (!faults.scheduled) scheduleFaults(installed.leaders);
  const leaders = installed.leaders ?? faults.leaders;
  if (w.leader === true && leaders === null) throw new Error(`workload ${w.name} says leader: true, but install() returned no leaders`);
  return { finish: () => installed.finish?.() ?? {}, leaders };
}

/** The world alone, for callers that drive it themselves (the UI). */
export function buildWorld(s: Scenario, seed: number, retainTrace: boolean): World {
  return buildRun(s, seed, retainTrace).world;
}

/**
 * Runs seed `seed` of a parsed scenario to its end: builds the world, schedules the faults,
 * runs the safety and liveness phases and the workload's end-of-run checks. The report
 * (trace hash, events, violations, stats) depends only on (scenario, seed, version).
 */
export function runScenario(s: Scenario, seed: number, opts: RunOptions = {}): { report: RunReport; world: World } {
  const { world, finish } = buildRun(s, seed, opts.retainTrace ?? false, false, opts.checkLimits);
  opts.observe?.(world, materialize(s, seed));
  const stepUs = opts.progressStepUs ?? Math.max(1, Math.floor(s.duration / 100));
  const eventsMax = opts.eventsMax ?? EVENTS_MAX_DEFAULT;
  for (let t = 0; t < s.duration;) {
    t = Math.min(s.duration, t + stepUs);
    const reason = world.run({ timeUs: t, eventsMax });
    if (reason === 'events') world.halt(eventLimitReason(eventsMax, world.nowUs, s.duration));
    if (world.haltedBy !== null) break;
    opts.onProgress?.(world.nowUs, s.duration, world.executed);
  }
  const extra = finish();
  return { report: reportOf(s, seed, world, extra), world };
}

/**
 * Whether seed `seed` of `s` violates `check`, stopping the run the moment it does: a
 * violation is never taken back, so a run stopped there fails exactly as the whole run
 * would, without the rest of the run or the end-of-run checks. A run that has not violated
 * it goes on to the end, end-of-run checks included, and answers as runScenario's report
 * would. Shrinking asks this of every candidate (cli/shrinkCmd.ts). `check` null: any.
 */
export function failsCheck(s: Scenario, seed: number, check: string | null, opts: { eventsMax?: number; stepUs?: Micros } = {}): { fails: boolean; atUs: Micros; stoppedEarly: boolean; violations: Violation[] } {
  const { world, finish } = buildRun(s, seed, false);
  const stepUs = opts.stepUs ?? Math.max(1, Math.floor(s.duration / 200));
  const eventsMax = opts.eventsMax ?? EVENTS_MAX_DEFAULT;
  const hit = (): Violation | undefined => world.violations.find((v) => check === null || v.check === check);
  for (let t = 0; t < s.duration;) {
    t = Math.min(s.duration, t + stepUs);
    const reason = world.run({ timeUs: t, eventsMax });
    const v = hit();
    if (v !== undefined) return { fails: true, atUs: v.t, stoppedEarly: true, violations: world.violations };
    if (reason === 'events') world.halt(eventLimitReason(eventsMax, world.nowUs, s.duration));
    if (world.haltedBy !== null) break;
  }
  finish();
  world.concludeChecks();
  const v = hit();
  return { fails: v !== undefined, atUs: v?.t ?? world.nowUs, stoppedEarly: false, violations: world.violations };
}

export function reportOf(s: Scenario, seed: number, world: World, extra: Record<string, number | string>): RunReport {
  // A user's finish() is refused such keys (userWorkload.ts); a built-in workload must not use them either.
  for (const k of BUILTIN_STATS) if (Object.hasOwn(extra, k)) throw new Error(`workload ${s.workload}: finish() returned the stat ${k}, which every run report has`);
  world.concludeChecks();
  return {
    scenario: s.name,
    seed,
    traceHash: world.trace.digest(),
    events: world.executed,
    simulatedMs: world.nowUs / 1000,
    verdict: verdictOf(world.violations.length, world.inconclusive.length),
    violations: world.violations,
    inconclusive: world.inconclusive,
    stats: { traced: world.trace.count, nodes: world.nodeCount, crashes: world.crashCount, oomCrashes: world.oomCount, ...extra },
  };
}
