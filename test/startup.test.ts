// Goal: the prepare-time build of the CLI (scripts/buildCli.mjs) runs scenarios exactly as
// the sources do, and bin/faultline.mjs uses it only while it is up to date.
// Method: build into a temporary directory and run a catalogue scenario, a sweep with a
// worker thread and a lockstep run on worker threads, through the built mainAsync and
// through the sources in child processes
// (same reports but wall times, and the same messages for a scenario zod rejects); check
// builtCliUrl (bin/distCli.mjs) on a fake package root: a fresh build is used, a source
// newer than the build, a missing build, --workload and FAULTLINE_FROM_SOURCE=1 are not.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain JavaScript module of the bin/ folder, without types.
import { builtCliUrl } from '../bin/distCli.mjs';
import { PACKAGE_ROOT } from '../cli/catalog.ts';
import { deterministicPart } from '../cli/seedResult.ts';
import type { SweepFile } from '../cli/sweepFile.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'faultline-startup-'));
  dirs.push(d);
  return d;
}

/** The CLI with `argv` through the module at `mainUrl`, in a child process: its exit code and JSON output. */
function runThrough(mainUrl: string, loaders: boolean, argv: string[]): Record<string, unknown> {
  const script = `${loaders ? "const { registerLoaders } = await import(process.argv[3]); registerLoaders();" : ''}
const { mainAsync } = await import(process.argv[2]);
let out = '';
let err = '';
const code = await mainAsync(JSON.parse(process.argv[4]), { out: (s) => { out += s; }, err: (s) => { err += s; }, errIsTty: false, cwd: process.cwd() });
process.stdout.write(JSON.stringify({ code, err, report: out === '' ? null : JSON.parse(out) }));`;
  const loadersUrl = pathToFileURL(join(PACKAGE_ROOT, 'sim/workloads/nodeLoaders.mjs')).href;
  // A script file, not -e: worker threads inherit the parent's execArgv, and an eval flag would stop them loading.
  const file = join(tempDir(), 'drive.mjs');
  writeFileSync(file, script);
  const text = execFileSync(process.execPath, [file, mainUrl, loadersUrl, JSON.stringify(argv)], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000 });
  return JSON.parse(text) as Record<string, unknown>;
}

describe('the built CLI', () => {
  it('runs a scenario, and a sweep on its own worker threads, to the same reports as the sources', () => {
    const out = join(tempDir(), 'cli');
    execFileSync(process.execPath, [join(PACKAGE_ROOT, 'scripts/buildCli.mjs'), '--out', out], { encoding: 'utf8', timeout: 60_000 });
    const builtUrl = pathToFileURL(join(out, 'main.mjs')).href;
    const sourceUrl = pathToFileURL(join(PACKAGE_ROOT, 'cli/main.ts')).href;
    const run = ['run', '-s', 'heartbeat-idle', '--seed', '3', '--json', '--quiet'];
    const built = runThrough(builtUrl, false, run);
    const source = runThrough(sourceUrl, true, run);
    const strip = (r: Record<string, unknown>): unknown => ({ ...(r.report as object), wallMs: 0 });
    expect(built.code).toBe(0);
    expect((built.report as { traceHash: string }).traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(strip(built)).toEqual(strip(source));
    // Two jobs: one worker thread, started from the build's own worker entry.
    const sweep = ['sweep', '-s', 'heartbeat-crash', '--seeds', '1..6', '--jobs', '2', '--json', '--quiet'];
    const builtSweep = runThrough(builtUrl, false, sweep);
    const sourceSweep = runThrough(sourceUrl, true, sweep);
    const seeds = (r: Record<string, unknown>): unknown => (r.report as SweepFile).results.map(deterministicPart);
    expect(builtSweep.err).toBe('');
    expect(seeds(builtSweep)).toEqual(seeds(sourceSweep));
    expect((builtSweep.report as SweepFile).results).toHaveLength(6);
    // Lockstep workers start from the build's own entry too (no tsx in it), same run.
    expect(readFileSync(join(out, 'nodeWorkerEntry.mjs'), 'utf8')).not.toMatch(/nodeLoaders|registerLoaders|tsx/);
    const lockstep = ['run', '-s', 'raft-kv-basic', '--seed', '2', '--workers', '2', '--json', '--quiet'];
    const builtLockstep = runThrough(builtUrl, false, lockstep);
    const sourceLockstep = runThrough(sourceUrl, true, lockstep);
    expect(builtLockstep.code).toBe(0);
    expect(builtLockstep.err).toBe('');
    expect(strip(builtLockstep)).toEqual(strip(sourceLockstep));
    expect((builtLockstep.report as { traceHash: string }).traceHash).toBe((runThrough(builtUrl, false, ['run', '-s', 'raft-kv-basic', '--seed', '2', '--json', '--quiet']).report as { traceHash: string }).traceHash);
    // A scenario zod rejects: the build's zod carries its English messages alone, and they
    // must be the sources' word for word.
    const bad = join(tempDir(), 'bad.yaml');
    writeFileSync(bad, 'name: bad\nworkload: raft-kv\ntopology: { nodes: two }\nduration: 1s\n');
    const builtBad = runThrough(builtUrl, false, ['run', '--scenario', bad, '--json']);
    const sourceBad = runThrough(sourceUrl, true, ['run', '--scenario', bad, '--json']);
    expect(builtBad.code).toBe(2);
    expect(builtBad.report).toBeNull();
    expect(builtBad.err).toMatch(/description: is required: add it \(a string\)/);
    expect(builtBad.err).toMatch(/topology\.nodes: expected a number, got "two"/);
    expect(builtBad.err).toBe(sourceBad.err);
  }, 180_000);
});

describe('builtCliUrl', () => {
  function fakeRoot(): string {
    const root = tempDir();
    mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
    mkdirSync(join(root, 'cli'));
    writeFileSync(join(root, 'cli', 'main.ts'), '');
    writeFileSync(join(root, 'package.json'), '{}');
    writeFileSync(join(root, 'dist', 'cli', 'main.mjs'), '');
    writeFileSync(join(root, 'dist', 'cli', 'inputs.json'), JSON.stringify({ inputs: ['cli/main.ts', 'package.json'] }));
    const old = new Date(Date.UTC(2020, 0, 1));
    utimesSync(join(root, 'cli', 'main.ts'), old, old);
    utimesSync(join(root, 'package.json'), old, old);
    return root;
  }

  it('uses a build no source is newer than', () => {
    const root = fakeRoot();
    expect(builtCliUrl(root, ['run'], {})).toBe(pathToFileURL(join(root, 'dist', 'cli', 'main.mjs')).href);
  });

  it('runs the sources when one is newer than the build, the build is missing, --workload is given or FAULTLINE_FROM_SOURCE=1', () => {
    const stale = fakeRoot();
    const future = new Date(Date.now() + 60_000);
    utimesSync(join(stale, 'cli', 'main.ts'), future, future);
    expect(builtCliUrl(stale, ['run'], {})).toBeNull();
    const missing = fakeRoot();
    rmSync(join(missing, 'dist'), { recursive: true });
    expect(builtCliUrl(missing, ['run'], {})).toBeNull();
    const fresh = fakeRoot();
    expect(builtCliUrl(fresh, ['run', '--workload', 'w.ts'], {})).toBeNull();
    expect(builtCliUrl(fresh, ['run', '--workload=w.ts'], {})).toBeNull();
    expect(builtCliUrl(fresh, ['run'], { FAULTLINE_FROM_SOURCE: '1' })).toBeNull();
  });

  it('runs the sources to replay a run that named a workload module (a report, a sweep file, a sweep directory)', () => {
    const fresh = fakeRoot();
    const cwd = tempDir();
    writeFileSync(join(cwd, 'report.json'), JSON.stringify({ traceHash: '0123456789abcdef', replay: 'npx faultline run --workload ./w.ts --scenario s.yaml --seed 3' }));
    writeFileSync(join(cwd, 'plain.json'), JSON.stringify({ traceHash: '0123456789abcdef', replay: 'npx faultline run --scenario s.yaml --seed 3' }));
    mkdirSync(join(cwd, 'sweep'));
    writeFileSync(join(cwd, 'sweep', 'sweep.json'), JSON.stringify({ workloads: ['./w.ts'], results: [] }));
    mkdirSync(join(cwd, 'none'));
    writeFileSync(join(cwd, 'none', 'sweep.json'), JSON.stringify({ workloads: [], results: [] }));
    expect(builtCliUrl(fresh, ['replay', 'report.json'], {}, cwd)).toBeNull();
    expect(builtCliUrl(fresh, ['replay', 'sweep#seed=2'], {}, cwd)).toBeNull();
    expect(builtCliUrl(fresh, ['replay', 'sweep/sweep.json#seed=2'], {}, cwd)).toBeNull();
    const built = pathToFileURL(join(fresh, 'dist', 'cli', 'main.mjs')).href;
    expect(builtCliUrl(fresh, ['replay', 'plain.json'], {}, cwd)).toBe(built);
    expect(builtCliUrl(fresh, ['replay', 'none#seed=1'], {}, cwd)).toBe(built);
    expect(builtCliUrl(fresh, ['replay', 'missing.json'], {}, cwd)).toBe(built);
    expect(builtCliUrl(fresh, ['run', 'report.json'], {}, cwd)).toBe(built);
  });
});
