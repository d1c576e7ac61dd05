// One seed of a sweep: run it and keep what the results file needs. Shared by the
// in-process path and the worker threads, so both produce the same record for a seed.
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { Inconclusive, RunVerdict } from '../sim/check/verdict.ts';
import type { Violation } from '../sim/world/world.ts';
import { wallNowMs } from './wallclock.ts';

/** Violations kept per seed in results files; the count says how many there were. */
export const VIOLATIONS_KEPT = 10;

export interface SeedResult {
  seed: number;
  traceHash: string;
  events: number;
  simulatedMs: number;
  /** Wall time of this seed alone; the one field that differs between identical runs. */
  wallMs: number;
  /** pass, fail (a violation) or inconclusive (no violation, but a check could not decide). */
  verdict: RunVerdict;
  violations: Violation[];
  violationCount: number;
  /** Checks that could not decide, and why. */
  inconclusive: Inconclusive[];
  /** The run's stats (per-phase load figures, check states...): what promises are set from. */
  stats: Record<string, number | string>;
}

export function runSeed(s: Scenario, seed: number, eventsMax?: number): SeedResult {
  const t0 = wallNowMs();
  const { report } = runScenario(materialize(s, seed), seed, { eventsMax });
  const wallMs = Math.round((wallNowMs() - t0) * 10) / 10;
  return {
    seed,
    traceHash: report.traceHash,
    events: report.events,
    simulatedMs: report.simulatedMs,
    wallMs,
    verdict: report.verdict,
    violations: report.violations.slice(0, VIOLATIONS_KEPT),
    violationCount: report.violations.length,
    inconclusive: report.inconclusive,
    stats: report.stats,
  };
}

/** The result without its wall time: what must be identical however the seed was run. */
export function deterministicPart(r: SeedResult): Omit<SeedResult, 'wallMs'> {
  const { wallMs: _wallMs, ...rest } = r;
  return rest;
}
