// Exports a session (scenario + interventions) as a scenario YAML file the CLI replays.
//
// Contract: parsing the text with parseScenarioText gives back exactly the scenario the
// session ran (same name, so the same seed streams; same fault order; every time exact in
// µs), so `faultline run --scenario <file> --seed <seed>` prints the hash the page shows.
// Times the user reads (the run's duration, fault times) are written as exact human
// durations; everything else keeps the normalised values, which the schema accepts.
import { Document } from 'yaml';
import { formatDuration } from '../../sim/scenario/duration.ts';
import type { FaultSpec, Scenario } from '../../sim/scenario/schema.ts';
import { runCommandFor } from './catalogue.ts';
import { faultLabel } from './faultText.ts';
import { sessionScenario } from './sessionScenario.ts';

function faultDoc(f: FaultSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f, at: formatDuration(f.at) };
  if ('duration' in f && f.duration !== undefined) out.duration = formatDuration(f.duration);
  return out;
}

export function exportFileName(scenario: Scenario): string {
  return `${scenario.name}-session.yaml`;
}

export function exportScenarioYaml(scenario: Scenario, interventions: readonly FaultSpec[], seed: number): string {
  const s = sessionScenario(scenario, seed, interventions);
  const doc = new Document({ ...s, duration: formatDuration(s.duration), faults: s.faults.map(faultDoc) });
  const lines = [
    ` Exported from the faultline UI: scenario ${scenario.name}, seed ${seed}, ${interventions.length} intervention${interventions.length === 1 ? '' : 's'}.`,
    ` Replay: ${runCommandFor(undefined, exportFileName(scenario), seed)}`,
    ...interventions.map((f) => ` intervention at ${formatDuration(f.at)}: ${faultLabel(f)}`),
  ];
  doc.commentBefore = lines.join('\n');
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
