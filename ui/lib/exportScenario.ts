// Exports a session (scenario + interventions) as a scenario YAML file the CLI replays.
//
// Contract: parsing the text with parseScenarioText gives back exactly the scenario the
// session ran (same name, so the same seed streams; same fault order; every time exact),
// so `faultline run --scenario <file> --seed <seed>` prints the hash the page shows. The
// file is written by the CLI's own writer (sim/scenario/toYaml.ts): only what differs
// from the defaults, every duration in human units.
import { formatDuration } from '../../sim/scenario/duration.ts';
import type { FaultSpec, Scenario } from '../../sim/scenario/schema.ts';
import { scenarioToYaml } from '../../sim/scenario/toYaml.ts';
import { runCommandFor } from './catalogue.ts';
import { faultLabel } from './faultText.ts';
import { sessionScenario } from './sessionScenario.ts';

export function exportFileName(scenario: Scenario): string {
  return `${scenario.name}-session.yaml`;
}

export function exportScenarioYaml(scenario: Scenario, interventions: readonly FaultSpec[], seed: number): string {
  const s = sessionScenario(scenario, seed, interventions);
  const header = [
    `Exported from the faultline UI: scenario ${scenario.name}, seed ${seed}, ${interventions.length} intervention${interventions.length === 1 ? '' : 's'}.`,
    `Replay: ${runCommandFor(undefined, exportFileName(scenario), seed)}`,
    ...interventions.map((f) => `intervention at ${formatDuration(f.at)}: ${faultLabel(f)}`),
  ];
  return scenarioToYaml(s, header.join('\n'));
}
