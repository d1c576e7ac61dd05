// The scenario catalogue the page offers: the repository's scenarios/ files, bundled at
// build time, plus any file the user uploads.
//
// Contract: every entry is parsed with the CLI's parser, when it is first read (`scenario`,
// `problems`): the page parses the one it opens before its first frame and the rest while
// idle, so startup does not wait for sixty parses. An invalid file stays in the list with
// its problems, so the page can say why it cannot run it; `parsed` says whether that is
// known yet.
import { parseScenarioText, type Problem } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';

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
}

const files = import.meta.glob('../../scenarios/*.{yaml,yml,json}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

class Entry implements CatalogueEntry {
  private result: { scenario: Scenario | null; problems: Problem[] } | null = null;

  constructor(readonly name: string, readonly fileName: string, readonly text: string, readonly uploaded: boolean) {}

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

export function entryOf(fileName: string, text: string, uploaded: boolean): CatalogueEntry {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  return new Entry(base.slice(0, base.lastIndexOf('.')), base, text, uploaded);
}

export function bundledCatalogue(): CatalogueEntry[] {
  return Object.entries(files)
    .map(([path, text]) => entryOf(path, text, false))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
