// The scenario a session actually runs: the loaded scenario with the seed's swarm faults
// made concrete (as the CLI does) and the page's interventions appended to its timeline.
//
// Contract: the result is a valid scenario that `faultline run` accepts and runs the same
// way. The interventions come after the scenario's own faults, in the order they were
// recorded (faults are scheduled in list order, and that order breaks ties between actions
// at the same instant), so the export writes the same list. When an intervention heals
// too late to leave the liveness phase its `liveness.within` (a rule of the scenario
// parser), the run is lengthened to make room, and the page shows the longer run.
import type { Micros } from '../../core/env.ts';
import { lastHealUs } from '../../sim/faults/schedule.ts';
import { materialize } from '../../sim/faults/swarm.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import type { FaultSpec } from '../../sim/scenario/schema.ts';

export function sessionScenario(scenario: Scenario, seed: number, interventions: readonly FaultSpec[]): Scenario {
  const base = materialize(scenario, seed);
  if (interventions.length === 0) return base;
  const faults = [...base.faults, ...interventions];
  const duration = Math.max(base.duration, lastHealUs(faults) + base.liveness.within);
  // Interventions are what a user clicked, overlapping or not: the export runs them as recorded.
  return { ...base, recorded: true, faults, duration };
}

/** An open-ended intervention lasts at least this long. */
export const OPEN_DURATION_MIN_US: Micros = 1_000_000;

/**
 * When an open-ended intervention made at `atUs` (a pause, a cut, a slow link) heals by
 * itself: where the scenario's liveness phase begins, so the run's length does not change,
 * or a second later when it is made inside that phase.
 */
export function openUntilUs(scenario: Scenario, atUs: Micros): Micros {
  return Math.max(atUs + OPEN_DURATION_MIN_US, scenario.duration - scenario.liveness.within);
}
