// The scenario catalogue the page offers: the repository's scenarios/ files, bundled at
// build time, the files `faultline ui --scenario FILE` named (userBundle.ts), plus any
// file the user uploads.
//
// Contract: every entry is parsed with the CLI's parser, when it is first read (`scenario`,
// `problems`): the page parses the one it opens before its first frame and the rest while
// idle, so startup does not wait for sixty parses. An invalid file stays in the list with
// its problems, so the page can say why it cannot run it; `parsed` says whether that is
// known yet.
import { parseScenarioText, type Problem } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { USER_BUNDLE, userWorkloadArgs } from './userBundle.ts';

export interface CatalogueEntry {
  /** The file's base name: what `--scenario` and the URL use. */
  readonly name: string;
  readonly fileName: string;
  readonly text: string;
  readonly uploaded: boolean;
  /** The parsed scenario, or null when the file is invalid (parses on first read). */
  readonly scenario: Scenario | null;
  readonly problems: Problem[];
  /** Whether the file has been parsed yet. */
  readonly parsed: boolean;
  /** How the CLI names it, when not by its name: the path `faultline ui --scenario` was given. */
  readonly ref?: string;
}

const files = import.meta.glob('../../scenarios/*.{yaml,yml,json}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

class Entry implements CatalogueEntry {
  private result: { scenario: Scenario | null; problems: Problem[] } | null = null;

  constructor(readonly name: string, readonly fileName: string, readonly text: string, readonly uploaded: boolean, readonly ref?: string) {}

  private parse(): { scenario: Scenario | null; problems: Problem[] } {
    if (this.result === null) {
      const r = parseScenarioText(this.text, this.fileName);
      this.result = r.ok ? { scenario: r.scenario, problems: [] } : { scenario: null, problems: r.problems };
    }
    return this.result;
  }

  get parsed(): boolean {
    return this.result !== null;
  }

  get scenario(): Scenario | null {
    return this.parse().scenario;
  }

  get problems(): Problem[] {
    return this.parse().problems;
  }
}

export function entryOf(fileName: string, text: string, uploaded: boolean, ref?: string): CatalogueEntry {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  return new Entry(base.slice(0, base.lastIndexOf('.')), base, text, uploaded, ref);
}

export function bundledCatalogue(): CatalogueEntry[] {
  const given = USER_BUNDLE.scenarios.map((f) => entryOf(f.fileName, f.text, false, f.ref));
  return [...Object.entries(files).map(([path, text]) => entryOf(path, text, false)).filter((e) => !given.some((g) => g.name === e.name)), ...given]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The command that gives the same run in a terminal. */
export function runCommandFor(entry: CatalogueEntry | undefined, name: string, seed: number): string {
  return `npx faultline run${userWorkloadArgs()} --scenario ${entry?.ref ?? name} --seed ${seed}`;
}

/** Parses the entries not parsed yet, a few per idle slice; `done` is called once all are. */
export function parseWhenIdle(entries: readonly CatalogueEntry[], done: () => void): void {
  const left = entries.filter((e) => !e.parsed);
  const slice = (): void => {
    const t0 = performance.now();
    while (left.length > 0 && performance.now() - t0 < 8) void left.shift()?.scenario;
    if (left.length > 0) setTimeout(slice, 16);
    else done();
  };
  setTimeout(slice, 500);
}
