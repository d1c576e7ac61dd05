// What the hostile-input tests (test/hostileFiles*.test.ts) assert of a refusal: exit 2
// with a plain message (no stack) naming what was wrong, and nothing written.
import { existsSync } from 'node:fs';
import { expect, vi } from 'vitest';
import { cli, type CliResult } from '../cliHarness.ts';

/** `s` as a regular expression that matches it literally. */
export const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Exit 2 with a plain message (no stack) matching every pattern, and nothing on stdout. */
export function refused(r: CliResult, ...patterns: RegExp[]): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err).toMatch(/^faultline: /);
  expect(r.err).not.toMatch(/TypeError|ReferenceError|Cannot read properties|\n\s+at \S+ \(/);
  for (const p of patterns) expect(r.err).toMatch(p);
  expect(r.out).toBe('');
}

/** The head of a small valid heartbeat scenario; a test appends the part it makes hostile. */
export const SCENARIO_HEAD = 'name: hostile\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3 }\n';

/**
 * The scenario file `scenario` is refused by `run --out`, `sweep --out` and `shrink` alike:
 * exit 2 with every pattern in the message, nothing on stdout, no `out` directory, and no
 * warning printed past the CLI's own output (process.emitWarning).
 */
export function scenarioRefused(scenario: string, out: string, ...patterns: RegExp[]): void {
  const warn = vi.spyOn(process, 'emitWarning');
  try {
    for (const argv of [['run', '--scenario', scenario, '--out', out], ['sweep', '--scenario', scenario, '--seeds', '1..2', '--jobs', '1', '--out', out], ['shrink', '--scenario', scenario, '--seed', '1']]) {
      refused(cli(...argv), new RegExp(`scenario ${esc(scenario)} is invalid`), ...patterns);
    }
    expect(warn).not.toHaveBeenCalled();
  } finally {
    warn.mockRestore();
  }
  expect(existsSync(out)).toBe(false);
}
