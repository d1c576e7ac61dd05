// Goal: output paths are checked before any work starts, and a sweep's results survive a
// late failure. `run --out /etc/passwd/x` used to print a Node stack trace and exit 1
// (for a sweep only after every seed had run, losing the results); `--out /proc/x` spun
// forever inside Node's recursive mkdir. Now every command that writes (run, sweep, merge,
// replay --trace-out, shrink --out, bless --file) refuses such a path up front with exit
// 2 and the reason, and a sweep appends each seed's result to DIR/results.jsonl as it
// finishes, which merge and replay read even when the sweep never got to write sweep.json.
// Method: the CLI in-process on paths under a file, under /proc and /sys, and on a
// directory given as a file; a real `faultline sweep` process killed half way, then
// `merge` and `replay` on what it left.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResultsLog, RESULTS_LOG } from '../cli/sweepFile.ts';
import { cli } from './cliHarness.ts';

const SCENARIO = 'heartbeat-idle';

function refused(r: { code: number; out: string; err: string }, flag: string, path: string, why: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
  expect(r.err).toMatch(new RegExp(`^faultline: ${flag} ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
  expect(r.err).toMatch(why);
  expect(r.err).not.toMatch(/\n\s+at /);
}

describe('output paths are checked before any work', () => {
  it('run and sweep refuse a path under a file, exit 2, before running a seed', () => {
    refused(cli('run', '--scenario', SCENARIO, '--out', '/etc/passwd/x'), '--out', '/etc/passwd/x', /\/etc\/passwd is a file, so nothing can be created under it/);
    refused(cli('sweep', '--scenario', SCENARIO, '--seeds', '1..50', '--jobs', '1', '--out', '/etc/passwd/x'), '--out', '/etc/passwd/x', /\/etc\/passwd is a file/);
  });

  it('/proc and /sys are refused instead of spinning in a recursive mkdir', () => {
    refused(cli('run', '--scenario', SCENARIO, '--out', '/proc/x'), '--out', '/proc/x', /\/proc is a kernel pseudo-filesystem/);
    refused(cli('sweep', '--scenario', SCENARIO, '--seeds', '1..2', '--out', '/sys/x/y'), '--out', '/sys/x/y', /\/sys is a kernel pseudo-filesystem/);
  });

  it('merge, replay --trace-out, shrink --out and bless --file are checked too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-outpath-'));
    const sweep = join(dir, 'sweep');
    expect(cli('sweep', '--scenario', SCENARIO, '--seeds', '1', '--jobs', '1', '--out', sweep).code).toBe(0);
    refused(cli('merge', sweep, '--out', '/etc/passwd/m'), '--out', '/etc/passwd/m', /is a file/);
    refused(cli('replay', '--scenario', SCENARIO, '--seed', '1', '--trace-out', '/etc/passwd/t.jsonl'), '--trace-out', '/etc/passwd/t.jsonl', /is a file/);
    refused(cli('replay', '--scenario', SCENARIO, '--seed', '1', '--trace-out', dir), '--trace-out', dir, /is a directory; name a file/);
    refused(cli('shrink', '--scenario', 'teeth-skip-fsync', '--seed', '1', '--out', '/proc/shrunk.yaml'), '--out', '/proc/shrunk.yaml', /pseudo-filesystem/);
    refused(cli('bless', '--file', '/etc/passwd/triples.json'), '--file', '/etc/passwd/triples.json', /is a file/);
  });

  it('creates missing directories, one level at a time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-outpath-'));
    const out = join(dir, 'a', 'b', 'c');
    expect(cli('run', '--scenario', SCENARIO, '--out', out).code).toBe(0);
    expect(statSync(join(out, 'report.json')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toMatch(/"verdict": "pass"/);
  });

  it('a refusal after the output was prepared leaves no directory behind (run, shrink), and --save-knowledge is checked up front', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-outpath-'));
    const refusedWith = (why: RegExp, ...argv: string[]): void => {
      const r = cli(...argv);
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(why);
      expect(r.out).toBe('');
    };
    refusedWith(/--workers: the scenario has 5 nodes/, 'run', '--scenario', SCENARIO, '--out', join(dir, 'a', 'b'), '--workers', '6');
    // Faults that act the instant a server reports something cannot keep --workers' promise
    // of the one-thread trace: refused, whether the file names them or the swarm draws them.
    refusedWith(/--workers: faults\[0\] \(staleWrite\) acts the instant a server reports something; .*Run it without --workers/, 'run', '--scenario', 'node-stale-write', '--out', join(dir, 'h'), '--workers', '2');
    refusedWith(/--workers: 2 crashOn faults the swarm drew for seed 3 act the instant/, 'run', '--scenario', 'node-crash-persist', '--seed', '3', '--workers', '2');
    refusedWith(/--metrics-out: cannot write .*its directory does not exist/, 'run', '--scenario', SCENARIO, '--out', join(dir, 'c', 'd'), '--metrics-out', join(dir, 'none', 'm.om'));
    refusedWith(/--save-knowledge .*: is a directory; name a file/, 'run', '--scenario', 'mapek-crash', '--out', join(dir, 'e'), '--save-knowledge', dir);
    refusedWith(/no failure to shrink/, 'shrink', '--scenario', 'heartbeat-crash', '--seed', '1', '--out', join(dir, 'f', 'g', 'min.yaml'));
    for (const made of ['a', 'c', 'e', 'f', 'h']) expect(existsSync(join(dir, made)), made).toBe(false);
  });

  it('a flag given twice or with an empty value is refused, as are telemetry settings without their file', () => {
    expect(cli('run', '--seed', '1', '--seed', '2').err).toMatch(/--seed: given twice \("1" and "2"\); give it once/);
    expect(cli('sweep', '--seeds', '1..2', '--seeds', '3..4').err).toMatch(/--seeds: given twice/);
    expect(cli('run', '--out', '').err).toMatch(/--out: expected a value, got an empty string/);
    expect(cli('run', '--log-level', 'debug').err).toMatch(/--log-level: sets the level of --logs-out FILE, which is not given/);
    expect(cli('run', '--scrape-interval', '2s').err).toMatch(/--scrape-interval: sets how often --metrics-out FILE is scraped/);
    for (const argv of [['run', '--seed', '1', '--seed', '2'], ['run', '--out', ''], ['run', '--log-level', 'debug']]) expect(cli(...argv).code).toBe(2);
  });
});

describe('sweep results as seeds finish', () => {
  it('a sweep killed half way leaves results.jsonl, which merge and replay read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-partial-'));
    const child = spawn(process.execPath, ['bin/faultline.mjs', 'sweep', '--scenario', SCENARIO, '--seeds', '1..400', '--jobs', '1', '--out', dir, '--quiet'], { stdio: 'ignore' });
    const log = join(dir, RESULTS_LOG);
    const lines = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '').length : 0);
    try {
      // Wait (bounded) until the header and at least three seeds are logged, then kill it.
      for (let i = 0; i < 400 && lines() < 4; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(lines()).toBeGreaterThanOrEqual(4);
    const partial = readResultsLog(log);
    // A sweep rewrites sweep.json at most every second as seeds finish: on a loaded machine
    // the kill may come after one such snapshot, which then says it is partial and holds no
    // seed the log lacks.
    const snapshot = join(dir, 'sweep.json');
    if (existsSync(snapshot)) {
      const s = JSON.parse(readFileSync(snapshot, 'utf8')) as { partial?: { logged: number; expected: number }; results: { seed: number }[] };
      expect(s.partial?.expected).toBe(400);
      expect(s.results.length).toBeLessThanOrEqual(partial.results.length);
    }
    expect(partial.partial).toEqual({ logged: partial.results.length, expected: 400 });
    expect(partial.results.map((r) => r.seed)).toEqual(Array.from({ length: partial.results.length }, (_, i) => i + 1));
    // The seeds the killed sweep never ran leave the merge inconclusive (exit 3); --allow-inconclusive accepts the gap.
    expect(cli('merge', dir, '--json').code).toBe(3);
    const merged = cli('merge', dir, '--out', join(dir, 'merged'), '--json', '--allow-inconclusive');
    expect(merged.code).toBe(0);
    // The log, or a snapshot that holds every seed it does (merge takes sweep.json on a tie).
    expect(merged.err).toMatch(new RegExp(`(results\\.jsonl|sweep\\.json) is partial: a sweep that did not finish logged ${partial.results.length} of its 400 seeds`));
    expect((JSON.parse(merged.out) as { summary: { passed: number } }).summary.passed).toBe(partial.results.length);
    const replay = cli('replay', `${log}#seed=2`);
    expect(replay.out).toMatch(/REPRODUCED/);
    expect(replay.code).toBe(0);
  });

  it('a results log cut in the middle of its last line is read up to that line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-cut-'));
    expect(cli('sweep', '--scenario', SCENARIO, '--seeds', '1..3', '--jobs', '1', '--out', dir).code).toBe(0);
    const text = readFileSync(join(dir, RESULTS_LOG), 'utf8');
    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, text.slice(0, text.length - 40));
    const f = readResultsLog(cut);
    expect(f.results.map((r) => r.seed)).toEqual([1, 2]);
    expect(f.partial).toEqual({ logged: 2, expected: 3 });
    expect(readResultsLog(join(dir, RESULTS_LOG)).partial).toBeUndefined();
  });
});
