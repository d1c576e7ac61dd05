// Goal: `--workload FILE` loads a user's TypeScript module for run, sweep, replay and
// shrink (the browser side is test/browser/userWorkload.test.ts): its workload runs like a
// built-in, in this thread, in sweep workers and in lockstep workers, with the same hash;
// replay commands and results files name the module; a malformed module exits 2 naming
// the file and the field; an exception from the user's code is reported as theirs, with
// their file and line. Method: the CLI in-process on the fixtures in
// test/fixtures/workloads, and once as a real process from a folder outside the package
// (the `faultline` import is resolved to this faultline).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliAsync } from './cliHarness.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const FIX = join(ROOT, 'test/fixtures/workloads');
const GOSSIP = ['--workload', 'test/fixtures/workloads/gossip.ts', '--scenario', 'test/fixtures/workloads/gossip.yaml'];

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'fl-wl-'));
}

/** The line of `needle` in a fixture, 1-based. */
function lineOf(file: string, needle: string): number {
  return readFileSync(join(FIX, file), 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function boomScenario(dir: string, where: string): string {
  const file = join(dir, `boom-${where}.yaml`);
  writeFileSync(file, `name: boom-${where}\ndescription: x\nworkload: boom\ntopology: { nodes: 2 }\nduration: 1s\nboom: { where: ${where} }\nliveness: { within: 100ms }\n`);
  return file;
}

describe('--workload: a user module runs like a built-in workload', () => {
  it('run: same hash in this thread and across lockstep workers; the replay command names the module, and replaying the report reproduces it', async () => {
    const a = await cliAsync(ROOT, 'run', ...GOSSIP, '--seed', '3', '--json');
    expect(a.code, a.err).toBe(0);
    const r = JSON.parse(a.out);
    expect(r.replay).toBe('npx faultline run --workload test/fixtures/workloads/gossip.ts --scenario test/fixtures/workloads/gossip.yaml --seed 3');
    expect(r.stats.largest).toBe(50);
    // docs/workloads.md shows this run's summary, hash included.
    expect(readFileSync(join(ROOT, 'docs/workloads.md'), 'utf8')).toContain(`trace ${r.traceHash}`);
    const w = await cliAsync(ROOT, 'run', ...GOSSIP, '--seed', '3', '--json', '--workers', '2');
    expect(w.code, w.err).toBe(0);
    expect(JSON.parse(w.out).traceHash).toBe(r.traceHash);
    // A module's install() may schedule an action from what a server reports: one window for all.
    expect(JSON.parse(w.out).lockstep.horizons).toBe(false);
    const out = join(tmp(), 'run');
    expect((await cliAsync(ROOT, 'run', ...GOSSIP, '--seed', '3', '--out', out)).code).toBe(0);
    const again = await cliAsync(ROOT, 'replay', join(out, 'report.json'));
    expect(again.code, again.err).toBe(0);
    expect(again.out).toMatch(new RegExp(`REPRODUCED  trace ${r.traceHash}`));
  }, 60_000);

  it('sweep: worker threads load the module too (same results as one thread); the results file records it and replay finds it there', async () => {
    const dir = tmp();
    const one = await cliAsync(ROOT, 'sweep', ...GOSSIP, '--seeds', '1..6', '--jobs', '1', '--json');
    const two = await cliAsync(ROOT, 'sweep', ...GOSSIP, '--seeds', '1..6', '--jobs', '2', '--json', '--out', dir);
    expect([one.code, two.code], two.err).toEqual([0, 0]);
    const file = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(file.workloads).toEqual(['test/fixtures/workloads/gossip.ts']);
    const hashes = (json: string): [number, string][] => (JSON.parse(json) as { results: { seed: number; traceHash: string }[] }).results.map((x) => [x.seed, x.traceHash]);
    expect(hashes(two.out)).toEqual(hashes(one.out));
    expect(hashes(one.out)).toHaveLength(6);
    const replayed = await cliAsync(ROOT, 'replay', `${join(dir, 'sweep.json')}#seed=4`);
    expect(replayed.code, replayed.err).toBe(0);
    expect(replayed.out).toMatch(/REPRODUCED/);
    expect(replayed.out).toMatch(/run it: npx faultline run --workload test\/fixtures\/workloads\/gossip\.ts --scenario test\/fixtures\/workloads\/gossip\.yaml --seed 4/);
  }, 60_000);

  it('shrink: the shrunk file fails the same check and its replay command names the module', async () => {
    const dir = tmp();
    const short = join(dir, 'short.yaml');
    writeFileSync(short, readFileSync(join(FIX, 'gossip.yaml'), 'utf8').replace('within: 1s', 'within: 1ms'));
    const out = join(dir, 'shrunk.yaml');
    const r = await cliAsync(dir, 'shrink', '--workload', join(FIX, 'gossip.ts'), '--scenario', short, '--seed', '1', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/failing check \[gossip-converged\]/);
    expect(readFileSync(out, 'utf8')).toContain(`# Replay: npx faultline run --workload ${join(FIX, 'gossip.ts')} --scenario ${out} --seed 1`);
    const again = await cliAsync(dir, 'run', '--workload', join(FIX, 'gossip.ts'), '--scenario', out, '--seed', '1');
    expect(again.code).toBe(1);
  }, 60_000);

  it('runs from a folder outside the package, where `faultline` resolves to the running faultline (real process)', () => {
    const dir = tmp();
    for (const f of ['gossip.ts', 'gossip.yaml']) copyFileSync(join(FIX, f), join(dir, f));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const p = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.mjs'), 'run', '--workload', './gossip.ts', '--scenario', './gossip.yaml', '--seed', '3', '--json'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(p.status, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).replay).toBe('npx faultline run --workload ./gossip.ts --scenario ./gossip.yaml --seed 3');
  }, 60_000);
});

describe('--workload: a malformed module exits 2, naming the file and the field', () => {
  const scenario = ['--scenario', 'raft-kv-basic'];
  const cases: [string, string, RegExp[]][] = [
    ['throws on import', 'throwsOnImport.ts', [/--workload .*throwsOnImport\.ts: the module threw while loading: no region configured/, new RegExp(`throwsOnImport\\.ts:${lineOf('throwsOnImport.ts', 'no region configured')}:\\d+`)]],
    ['missing and wrong fields', 'missingFields.ts', [/missingFields\.ts: not a valid workload module \(5 problems\)/, /instal: unknown field/, /name: expected lowercase letters/, /description: expected a sentence/, /nodes: expected a function/, /install: expected a function/]],
    ['a section that is not a zod schema', 'badSchema.ts', [/badSchema\.ts: not a valid workload module/, /sections\.cfg: expected a zod 4 schema/]],
    ['a name that clashes with a built-in', 'clash.ts', [/clash\.ts: not a valid workload module/, /name: "raft-kv" is already taken by the built-in workload raft-kv/]],
    ['no default export', 'noDefault.ts', [/noDefault\.ts: not a valid workload module/, /default: the module has no default export/]],
    ['no such file', 'nowhere.ts', [/--workload test\/fixtures\/workloads\/nowhere\.ts: no such file/]],
    ['a directory', '', [/--workload test\/fixtures\/workloads\/: is a directory; name the workload module/]],
  ];
  it.each(cases)('%s', async (_what, file, patterns) => {
    // `ui` loads the modules before it serves anything, so a bad one ends it at once too.
    for (const cmd of [['run', ...scenario], ['sweep', ...scenario, '--seeds', '1..2', '--jobs', '1'], ['shrink', ...scenario, '--seed', '1'], ['replay', ...scenario, '--seed', '1'], ['ui', '--port', '1']]) {
      const r = await cliAsync(ROOT, ...cmd, '--workload', `test/fixtures/workloads/${file}`);
      expect(r.code, `${cmd[0]}: ${r.err}`).toBe(2);
      expect(r.out).toBe('');
      for (const p of patterns) expect(r.err).toMatch(p);
    }
  });

  it('the same module given twice (as the same text or another path to it) is refused, not loaded and recorded twice', async () => {
    for (const second of ['test/fixtures/workloads/gossip.ts', './test/fixtures/../fixtures/workloads/gossip.ts']) {
      const r = await cliAsync(ROOT, 'run', ...GOSSIP, '--workload', second);
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(second === GOSSIP[1] ? /--workload test\/fixtures\/workloads\/gossip\.ts: is given twice; give each module once/ : /--workload \.\/test\/fixtures\/\.\.\/fixtures\/workloads\/gossip\.ts: names the same module as --workload test\/fixtures\/workloads\/gossip\.ts; give each module once/);
    }
  });

  it('a module Node would load as CommonJS is refused with the fix', async () => {
    const dir = tmp();
    copyFileSync(join(FIX, 'gossip.ts'), join(dir, 'gossip.ts'));
    writeFileSync(join(dir, 'package.json'), '{}\n');
    const r = await cliAsync(dir, 'run', '--workload', './gossip.ts', '--scenario', 'raft-kv-basic');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--workload \.\/gossip\.ts: Node would load this file as CommonJS.*name it \.mts, or put a package\.json with \{"type": "module"\}/);
  });

  it('a file that is not a module at all (.json, .yaml, .cjs, no extension) is named as such, not blamed on CommonJS', async () => {
    const dir = tmp();
    for (const [file, pattern] of [
      ['x.json', /--workload x\.json: is a \.json file, not a module faultline can load: a workload module is an ES module \(\.ts, \.mts, \.js or \.mjs\) whose default export is defineWorkload\(\{\.\.\.\}\).*; a scenario file goes with --scenario x\.json/],
      ['x.yaml', /--workload x\.yaml: is a \.yaml file, not a module faultline can load/],
      ['x', /--workload x: has no extension, not a module faultline can load/],
      ['x.cjs', /--workload x\.cjs: a \.cjs file is CommonJS, but a workload module is an ES module .*rename it \.mjs or \.mts/],
    ] as const) {
      writeFileSync(join(dir, file), '{}\n');
      const r = await cliAsync(dir, 'run', '--workload', file, '--scenario', 'raft-kv-basic');
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(pattern);
      if (file !== 'x.cjs') expect(r.err).not.toMatch(/CommonJS/);
    }
  });
});

describe('--workload: a module whose import never finishes ends the command (real process)', () => {
  const run = (module: string, limit: string): ReturnType<typeof spawnSync> => {
    const dir = tmp();
    writeFileSync(join(dir, 'm.mjs'), module);
    return spawnSync(process.execPath, [join(ROOT, 'bin/faultline.mjs'), 'run', '--workload', './m.mjs', '--scenario', 'heartbeat-crash'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, FAULTLINE_WORKLOAD_IMPORT_TIMEOUT_MS: limit } });
  };

  it.each([
    ['a loop that never ends (it hung for good)', 'let i = 0;\nwhile (true) i++;\n'],
    ['a top-level await of a timer longer than the limit', 'await new Promise((r) => setTimeout(r, 120_000));\n'],
  ])('%s: exit 2 after the limit, naming the module and the variable that raises it', (_what, module) => {
    const p = run(module, '1000');
    expect(p.error).toBeUndefined();
    expect(p.status, String(p.stderr)).toBe(2);
    expect(p.stdout).toBe('');
    expect(p.stderr).toBe('faultline: --workload ./m.mjs: the module was still loading after 1 s (a loop that never ends, or a top-level await that waits that long?); nothing ran. FAULTLINE_WORKLOAD_IMPORT_TIMEOUT_MS=2000 gives it longer (0: no limit)\n');
  }, 60_000);

  it('a malformed limit is refused by name', () => {
    const p = run('export default 1;\n', 'soon');
    expect(p.status).toBe(2);
    expect(p.stderr).toMatch(/^faultline: FAULTLINE_WORKLOAD_IMPORT_TIMEOUT_MS: expected a whole number of milliseconds from 0 \(no limit\) to 2147483647, got "soon"/);
  }, 60_000);
});

describe("--workload: an exception from the user's code is reported as theirs, with their file and line", () => {
  const boom = (needle: string) => new RegExp(`boom\\.ts:${lineOf('boom.ts', needle)}:\\d+`);
  it.each([
    ['nodes', /workload boom threw in nodes\(\): boom in nodes/, 'boom in nodes'],
    ['install', /workload boom threw in install\(\): boom in install/, 'boom in install'],
    ['finish', /workload boom threw in finish\(\): boom in finish/, 'boom in finish'],
    ['action', /workload code threw in a callback during the run: boom in action/, 'boom in action'],
  ] as const)('from %s: exit 2, the message and the throw\'s line, no faultline frames', async (where, message, needle) => {
    const r = await cliAsync(ROOT, 'run', '--workload', 'test/fixtures/workloads/boom.ts', '--scenario', boomScenario(tmp(), where));
    expect(r.code, r.err).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(boom(needle));
    expect(r.err).not.toMatch(/\/(sim|cli|core|bin|ui|node_modules)\/|node:internal/);
  });

  it('a finish() stat named like one every report has (crashes) exits 2 naming it, rather than replacing the real count', async () => {
    const r = await cliAsync(ROOT, 'run', '--workload', 'test/fixtures/workloads/boom.ts', '--scenario', boomScenario(tmp(), 'stat'));
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/workload boom.*finish\(\).*the key crashes, which every run report already has \(traced, nodes, crashes, oomCrashes\): name your stat something else/);
  });

  it('from a node\'s process: the node crashes with a process-threw violation naming the line (exit 1)', async () => {
    const r = await cliAsync(ROOT, 'run', '--workload', 'test/fixtures/workloads/boom.ts', '--scenario', boomScenario(tmp(), 'process'), '--json');
    expect(r.code, r.err).toBe(1);
    const v = JSON.parse(r.out).violations;
    expect(v[0].check).toBe('process-threw');
    expect(v[0].message).toMatch(/threw while handling timer: boom in process \(at .*boom\.ts:\d+:\d+\)/);
    expect(v[0].message).toMatch(boom("throw new Error('boom in process')"));
  });
});
