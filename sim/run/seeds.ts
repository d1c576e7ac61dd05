// Many seeds of one scenario, and the replay of one: the public API's sweep and replay
// (index.ts), in this thread. The CLI's `sweep` spreads seeds over worker threads and
// writes results files (cli/sweep.ts); this is the library form a test or a script calls.
//
// Contract: a seed's outcome depends only on (scenario, seed, version), exactly as
// `faultline run --scenario <the same file> --seed <seed>` reports it.
import { materialize } from '../faults/swarm.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Violation } from '../world/world.ts';
import { runScenario, type RunReport } from './runScenario.ts';

export interface SeedOutcome {
  seed: number;
  traceHash: string;
  events: number;
  simulatedMs: number;
  /** pass, fail, or inconclusive (no violation, but a check could not decide: see sim/check/verdict.ts). */
  verdict: RunReport['verdict'];
  violations: Violation[];
  inconclusive: RunReport['inconclusive'];
  stats: RunReport['stats'];
}

/** Runs every seed in order; `onResult` sees each outcome as it is done. */
export function sweep(scenario: Scenario, seeds: Iterable<number>, onResult?: (r: SeedOutcome) => void): SeedOutcome[] {
  const out: SeedOutcome[] = [];
  for (const seed of seeds) {
    const { report } = runScenario(materialize(scenario, seed), seed);
    const r = { seed, traceHash: report.traceHash, events: report.events, simulatedMs: report.simulatedMs, verdict: report.verdict, violations: report.violations, inconclusive: report.inconclusive, stats: report.stats };
    onResult?.(r);
    out.push(r);
  }
  return out;
}

/** Runs one seed again; `reproduced` says whether it gave the recorded trace hash. */
export function replay(scenario: Scenario, seed: number, recordedHash: string): { reproduced: boolean; report: RunReport } {
  const { report } = runScenario(materialize(scenario, seed), seed);
  return { reproduced: report.traceHash === recordedHash, report };
}
