// Runs a scenario with its nodes spread over runners (worker threads, or in-process
// WindowRunners in tests) under conservative lockstep, producing the same report as the
// in-process run.
import type { Micros, NodeId } from '../../core/env.ts';
import { materialize } from '../faults/swarm.ts';
import { buildRun, EVENTS_MAX_DEFAULT, eventLimitReason, seedText, reportOf, type RunOptions, type RunReport } from '../run/runScenario.ts';
import { userModuleUrls, workloadOrigin } from '../workloads/registry.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { Lockstep, type LockstepStats, type Runner } from './lockstep.ts';
import { WindowRunner, type WorkerInit } from './windowRunner.ts';

/** Round-robin placement: node i on runner i mod count. */
export function placeNodes(nodeCount: number, runnerCount: number): { placement: number[]; nodesByRunner: NodeId[][] } {
  if (!(runnerCount >= 1 && runnerCount <= nodeCount)) throw new Error(`workers must be between 1 and the node count (${nodeCount}), got ${runnerCount}`);
  const placement = Array.from({ length: nodeCount }, (_, i) => i % runnerCount);
  const nodesByRunner: NodeId[][] = Array.from({ length: runnerCount }, () => []);
  placement.forEach((r, id) => nodesByRunner[r].push(id));
  return { placement, nodesByRunner };
}

export type RunnerFactory = (base: Omit<WorkerInit, 'nodeIds'>, nodesByRunner: NodeId[][]) => Promise<{ runners: Runner[]; close(): Promise<void> }>;

/** Runners in this thread: the lockstep code path without threads (tests, comparison). */
export const inProcessRunners: RunnerFactory = async (base, nodesByRunner) => ({
  runners: nodesByRunner.map((nodeIds) => new WindowRunner({ ...base, nodeIds })),
  close: async () => {},
});

export interface LockstepReport {
  report: RunReport;
  lockstep: LockstepStats;
  /** Retained trace events (empty unless retainTrace). */
  trace: readonly TraceEvent[];
}

export interface LockstepOptions extends Pick<RunOptions, 'retainTrace' | 'onProgress' | 'progressStepUs' | 'observe' | 'eventsMax'> {
  /** Host stats period for the workers' runtimes (NodeRuntime.hostStatsUs); telemetry sets it. */
  hostStatsUs?: Micros;
  /**
   * Per-runner horizons, each runner transmitting its own nodes' messages (lockstep.ts):
   * default on for the built-in workloads, except for worlds that serve endpoints
   * themselves (the MAPE-K control plane, the operator), which keep one window for all. A
   * user's workload module keeps one window too: its install() may schedule an action the
   * moment a server reports something (world.at from onTelemetry), which a runner may
   * already have run past; one window for all applies such an action's link changes in
   * order, per-runner horizons could only stop the run. true forces them (a module known
   * not to do that); false: one window for all (the comparison in bench/workers.ts).
   */
  horizons?: boolean;
}

export async function runScenarioLockstep(s: Scenario, seed: number, runnerCount: number, factory: RunnerFactory, opts: LockstepOptions = {}): Promise<LockstepReport> {
  const eventsMax = opts.eventsMax ?? EVENTS_MAX_DEFAULT;
  const built = buildRun(s, seed, opts.retainTrace ?? false, true);
  opts.observe?.(built.world, materialize(s, seed));
  const { placement, nodesByRunner } = placeNodes(built.world.nodeCount, runnerCount);
  const w = built.world;
  const horizons = (opts.horizons ?? workloadOrigin(s.workload)?.kind === 'builtin') && !w.hasEndpoints;
  const transport = horizons ? { placement, link: w.net.baseProfile, latencyFloorUs: w.net.latencyFloorUs, originSeqMax: w.kernel.originSeqMax, sendTaps: w.hasSendTaps } : undefined;
  // The runners build their nodes from the scenario as drawn for this seed (raft.swarm
  // draws protocol settings the nodes read), as buildRun did for the kernel's side.
  const pool = await factory({ scenario: materialize(s, seed), seedText: seedText(s, seed), retainMessages: opts.retainTrace ?? false, workloadModules: userModuleUrls(), hostStatsUs: opts.hostStatsUs ?? 0, transport }, nodesByRunner);
  try {
    const ls = new Lockstep(built.world, pool.runners, placement, horizons);
    const stepUs = opts.progressStepUs ?? Math.max(1, Math.floor(s.duration / 100));
    for (let t = 0; t < s.duration;) {
      t = Math.min(s.duration, t + stepUs);
      // The event limit is checked between windows, so a stopped run may have a few more
      // events (and another trace hash) than the same run in one thread.
      if ((await ls.run(t, eventsMax)) === 'events') built.world.halt(eventLimitReason(eventsMax, built.world.nowUs, s.duration));
      if (built.world.haltedBy !== null) break;
      opts.onProgress?.(built.world.nowUs, s.duration, built.world.executed);
    }
    return { report: reportOf(s, seed, built.world, built.finish()), lockstep: ls.stats(), trace: built.world.trace.events() };
  } finally {
    await pool.close();
  }
}
