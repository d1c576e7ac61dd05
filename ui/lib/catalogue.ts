// The scenario catalogue the page offers: the repository's scenarios/ files, bundled at
// build time, the files `faultline ui --scenario FILE` named (userBundle.ts), plus any
// file the user uploads.
//
// Contract: every entry is parsed with the CLI's parser; an invalid file stays in the
// list with its problems, so the page can say why it cannot run it.
import { parseScenarioText, type Problem } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { USER_BUNDLE, userWorkloadArgs } from './userBundle.ts';

export interface CatalogueEntry {
  /** The file's base name: what `--scenario` and the URL use. */
  name: string;
  fileName: string;
  text: string;
  scenario: Scenario | null;
  problems: Problem[];
  uploaded: boolean;
  /** How the CLI names it, when not by its name: the path `faultline ui --scenario` was given. */
  ref?: string;
}

const files = import.meta.glob('../../scenarios/*.{yaml,yml,json}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export function entryOf(fileName: string, text: string, uploaded: boolean): CatalogueEntry {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const name = base.slice(0, base.lastIndexOf('.'));
  const r = parseScenarioText(text, base);
  return { name, fileName: base, text, scenario: r.ok ? r.scenario : null, problems: r.ok ? [] : r.problems, uploaded };
}

export function bundledCatalogue(): CatalogueEntry[] {
  const given = USER_BUNDLE.scenarios.map((f) => ({ ...entryOf(f.fileName, f.text, false), ref: f.ref }));
  return [...Object.entries(files).map(([path, text]) => entryOf(path, text, false)).filter((e) => !given.some((g) => g.name === e.name)), ...given]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The command that gives the same run in a terminal. */
export function runCommandFor(entry: CatalogueEntry | undefined, name: string, seed: number): string {
  return `npx faultline run${userWorkloadArgs()} --scenario ${entry?.ref ?? name} --seed ${seed}`;
}
