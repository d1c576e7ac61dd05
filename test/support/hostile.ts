// What the hostile-input tests (test/hostileFiles*.test.ts) assert of a refusal: exit 2
// with a plain message (no stack) naming what was wrong, and nothing written.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/**
 * A temporary directory for one hostile-input test file, made when the file loads: `file`
 * writes a numbered input into it, `next()` numbers another path, `last()` repeats the
 * latest number, and `scenarioRefused` writes a scenario there and asserts it is refused
 * (above), with its --out directory beside it.
 */
export function hostileTmp(prefix: string): {
  dir: string;
  next: () => number;
  last: () => number;
  file: (name: string, text: string | Buffer) => string;
  scenarioRefused: (text: string, ...patterns: RegExp[]) => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  const file = (name: string, text: string | Buffer): string => {
    const p = join(dir, `${++n}-${name}`);
    writeFileSync(p, text);
    return p;
  };
  return {
    dir,
    next: () => ++n,
    last: () => n,
    file,
    scenarioRefused: (text, ...patterns) => scenarioRefused(file('scenario.yaml', text), join(dir, `scenario-out-${n}`), ...patterns),
  };
}

/** A script of the package (`bin/faultline.mjs` by default) run by Node as a real process, with more environment; killed after 60 s. */
export function nodeScript(script: string, argv: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  const root = process.cwd();
  return new Promise((done) => {
    const p = spawn(process.execPath, [join(root, script), ...argv], { cwd: root, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => {
      out += String(d);
    });
    p.stderr.on('data', (d: Buffer) => {
      err += String(d);
    });
    const guard = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(guard);
      done({ code, out, err });
    });
  });
}
