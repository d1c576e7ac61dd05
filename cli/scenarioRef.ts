// Loading a scenario the user named (a catalogue name or a file) into a validated Scenario,
// keeping the text and the reference so that sweeps and replays can reproduce it later.
import { readFileSync } from 'node:fs';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import type { Problem } from '../sim/scenario/parse.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { UsageError } from './args.ts';
import { locateScenario } from './catalog.ts';
import { workloadArgs } from './workloadFlag.ts';

export interface ScenarioRef {
  scenario: Scenario;
  /** How a replay command names it: the catalogue name, or the path as the user gave it. */
  ref: string;
  /** The file's text, so a result file can replay it even if the file changes or moves. */
  text: string;
  /** The name parsers use to pick YAML or JSON. */
  fileName: string;
  /** The users' workload modules it needs (--workload, as given), loaded before it was parsed. */
  workloads: string[];
}

/** The command that runs seed `seed` of a scenario again, modules included. */
export function runCommand(ref: { ref: string; workloads?: readonly string[] }, seed: number | string): string {
  return `npx faultline run${workloadArgs(ref.workloads ?? [])} --scenario ${ref.ref} --seed ${seed}`;
}

export function invalidMessage(what: string, problems: readonly Problem[]): string {
  const lines = problems.map((p) => `  ${p.path}: ${p.message}`);
  return `scenario ${what} is invalid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Resolves and validates `--scenario`; every problem is a UsageError (exit 2, nothing run). */
export function loadScenarioRef(nameOrFile: string, workloads: readonly string[] = []): ScenarioRef {
  const loc = locateScenario(nameOrFile);
  if (!loc.ok) throw new UsageError(loc.message);
  const text = readFileSync(loc.file, 'utf8');
  return fromText(text, loc.file, loc.fromCatalog ? undefined : nameOrFile, workloads);
}

/** Validates scenario text carried in a result file. */
export function fromText(text: string, fileName: string, ref: string | undefined, workloads: readonly string[] = []): ScenarioRef {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok) throw new UsageError(invalidMessage(ref ?? fileName, parsed.problems));
  return { scenario: parsed.scenario, ref: ref ?? parsed.scenario.name, text, fileName, workloads: [...workloads] };
}
