// Goal: the CLI contract: JSON report fields, exit codes 0/1/2, clear messages for bad
// input, no partial output, replay commands. Method: call main() in-process with captured
// output, and spawn bin/faultline.mjs once to prove the no-build-step entry works.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, cliAsync } from './cliHarness.ts';
import { traceCutNote, writeJsonlFile } from '../cli/outPath.ts';
import { parseSeedTimeout } from '../cli/sweep.ts';
import { describe, expect, it } from 'vitest';


describe('faultline CLI', () => {
  it('run --json prints one report with the contract fields; the hash repeats and differs by seed', () => {
    const a = cli('run', '--seed', '42', '--json');
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    const r = JSON.parse(a.out);
    for (const k of ['scenario', 'seed', 'traceHash', 'events', 'simulatedMs', 'wallMs', 'violations', 'replay']) expect(r).toHaveProperty(k);
    expect(r.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.replay).toBe('npx faultline run --scenario raft-kv-basic --seed 42');
    expect(JSON.parse(cli('run', '--seed', '42', '--json').out).traceHash).toBe(r.traceHash);
    expect(JSON.parse(cli('run', '--seed', '43', '--json').out).traceHash).not.toBe(r.traceHash);
  });

  it('bad flags and bad seeds exit 2 with a message naming the flag', () => {
    const banana = cli('run', '--seed', 'banana');
    expect(banana.code).toBe(2);
    expect(banana.out).toBe('');
    expect(banana.err).toMatch(/--seed: expected a non-negative integer, got "banana"/);
    const flag = cli('run', '--frobnicate');
    expect(flag.code).toBe(2);
    expect(flag.err).toBe("faultline: Unknown option '--frobnicate'. See `faultline run --help`.\n");
    // A flag whose value is missing: one line, one full stop, no hint about values that start with a dash.
    expect(cli('run', '--seed', '--json').err).toBe("faultline: Option '--seed' argument is ambiguous. Did you forget to specify the option argument for '--seed'? See `faultline run --help`.\n");
    // A negative number is the flag's value, held to the flag's rule (it was "did you forget
    // to specify the option argument?", blaming a value the user gave).
    for (const [argv, msg] of [
      [['run', '--seed', '-1'], /^faultline: --seed: expected a non-negative integer, got "-1"\. Example: --seed 42\n$/],
      [['sweep', '-j', '-1'], /^faultline: --jobs: expected an integer from 1 to 256, got "-1"\n$/],
      [['sweep', '--seeds', '-1..5'], /^faultline: --seeds: expected a range like 1\.\.1000 \(or one seed\), got "-1\.\.5"\n$/],
      [['run', '--events-max', '-3'], /^faultline: --events-max: expected an integer from 1 to 1000000000000, got "-3"\n$/],
      // sweep --timeout names its unit (it was "expected an integer from 1 to 86400", seconds unsaid, and "90s", which check --timeout takes, was refused).
      [['sweep', '--timeout', '1.5'], /^faultline: --timeout: expected one seed's wall-time limit from 1s to 86400s \(a day\), in seconds like 600 or as a duration like 90s or 10m, got "1\.5"\n$/],
      [['sweep', '--timeout', '500ms'], /--timeout: expected one seed's wall-time limit from 1s/],
      [['sweep', '--timeout', '2d'], /--timeout: expected one seed's wall-time limit from 1s/],
    ] as const) {
      const r = cli(...argv);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(msg);
    }
    // ...and takes seconds or a duration, as check --timeout does.
    expect([parseSeedTimeout('600'), parseSeedTimeout('90s'), parseSeedTimeout('10m'), parseSeedTimeout('1500ms'), parseSeedTimeout('24h')]).toEqual([600_000, 90_000, 600_000, 1500, 86_400_000]);
    expect(cli('launch').code).toBe(2);
    expect(cli('run', '--scenario', 'no-such-thing').err).toMatch(/neither a catalogue scenario nor a file/);
    // A directory is named as one (it was "neither a catalogue scenario nor a file", or for --workload "no such file").
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    expect(cli('run', '--scenario', dir)).toEqual({ code: 2, out: '', err: `faultline: --scenario: ${dir} is a directory; name a scenario file in it (YAML or JSON) or a catalogue scenario (see \`faultline list\`).\n` });
    expect(cli('run', '--scenario', '/dev/null')).toEqual({ code: 2, out: '', err: 'faultline: --scenario: /dev/null is not a regular file (a device, a FIFO or a socket); name a scenario file (YAML or JSON) or a catalogue scenario (see `faultline list`).\n' });
    // A symbolic link that loops or leads nowhere is named for what it is (it was "neither a catalogue scenario nor a file").
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    symlinkSync('gone.yaml', join(dir, 'dangling.yaml'));
    expect(cli('run', '--scenario', join(dir, 'loop.yaml'))).toEqual({ code: 2, out: '', err: `faultline: --scenario: ${join(dir, 'loop.yaml')} is a symbolic link that loops (it leads back to itself); point it at a scenario file, or name the file itself.\n` });
    expect(cli('run', '--scenario', join(dir, 'dangling.yaml'))).toEqual({ code: 2, out: '', err: `faultline: --scenario: ${join(dir, 'dangling.yaml')} is a symbolic link to "gone.yaml", which does not exist; point it at a scenario file, or name the file itself.\n` });
  });

  it('an invalid scenario file lists every problem by path, exits 2 and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, [
      'name: bad', 'description: x', 'workload: heartbeat', 'topology: { nodes: 3 }', 'duration: 5s',
      'faults:', '  - { at: banana, kind: crash, node: 1 }', '  - { at: 1s, kind: explode, node: 1 }', '  - { at: 1s, kind: crash, node: 7 }',
    ].join('\n'));
    const out = join(dir, 'out');
    const r = cli('run', '--scenario', file, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/faults\[0\]\.at: expected a non-negative duration/);
    expect(r.err).toMatch(/faults\[1\]\.kind/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(file, 'name: bad\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3 }\nduration: 5s\nfaults:\n  - { at: 1s, kind: crash, node: 7 }\n');
    expect(cli('run', '--scenario', file).err).toMatch(/faults\[0\]\.node: node 7 is out of range: the topology has 3 nodes/);
    writeFileSync(file, 'name: [unclosed');
    const y = cli('run', '--scenario', file);
    expect(y.code).toBe(2);
    expect(y.err).toMatch(/not valid YAML/);
  });

  it('--out writes the report and a JSONL trace whose length matches the report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    const r = cli('run', '--seed', '5', '--out', dir, '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const lines = readFileSync(join(dir, 'trace.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(report.stats.traced);
    expect(JSON.parse(lines[0])).toHaveProperty('kind');
  });

  it('a trace is written in chunks, so one longer than V8\'s longest string does not crash the run after it ended', () => {
    // `run --out` of a run of ~10 million events built the whole trace.jsonl as one string and
    // died with "RangeError: Invalid string length" (exit 1, a stack, report.json without its trace).
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    const file = join(dir, 'trace.jsonl');
    const row = { t: 1, node: 0, kind: 'msg', from: 1, tag: 'x', data: 'y'.repeat(1000) };
    function* rows(): Generator<typeof row> {
      for (let i = 0; i < 20_000; i++) yield { ...row, t: i };
    }
    writeJsonlFile(file, rows());
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines.length).toBe(20_001);
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => (JSON.parse(l) as { t: number }).t)).toEqual(Array.from({ length: 20_000 }, (_, i) => i));
    // Memory keeps the first 5,000,000 events; a trace file that lacks the rest says so.
    expect(traceCutNote('out/trace.jsonl', 5_000_000, 5_005_151)).toMatch(/^faultline: out\/trace\.jsonl holds the first 5,000,000 of the run's 5,005,151 trace events: .*the last 5,151 are not in it/);
    expect(traceCutNote('out/trace.jsonl', 100, 100)).toBeNull();
  });

  it('two outputs that are one file are refused before the run, and nothing is written', () => {
    // --logs-out l --metrics-out ./l ran, then failed renaming (exit 2, an ENOENT message, l left
    // behind); --out d --metrics-out d/report.json overwrote the metrics with the report silently.
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    const l = join(dir, 'l.txt');
    const same = cli('run', '--scenario', 'heartbeat-crash', '--logs-out', l, '--metrics-out', join(dir, '.', 'l.txt'));
    expect(same.code).toBe(2);
    expect(same.out).toBe('');
    expect(same.err).toMatch(/^faultline: --metrics-out .*l\.txt and --logs-out .*l\.txt are the same file \(.*\): one would overwrite the other; give each output its own path\n$/);
    expect(existsSync(l)).toBe(false);
    const out = join(dir, 'out');
    const report = cli('run', '--scenario', 'heartbeat-crash', '--out', out, '--metrics-out', join(out, 'report.json'));
    expect(report.code).toBe(2);
    expect(report.err).toMatch(/--out .*report\.json and --metrics-out .*report\.json are the same file/);
    expect(existsSync(out)).toBe(false);
    const k = join(dir, 'k.json');
    writeFileSync(k, JSON.stringify({ version: 1, runs: 0, actions: {}, baselines: {}, thresholds: {}, episodes: [] }));
    const over = cli('run', '--scenario', 'mapek-crash', '--knowledge', k, '--traces-out', k);
    expect(over.code).toBe(2);
    expect(over.err).toMatch(/--traces-out .*k\.json: is the file --knowledge reads/);
  });

  it('a failing check exits 1 and prints the seed and the replay command', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    const file = join(dir, 'strict.yaml');
    // A liveness bound shorter than the detector's timeout cannot be met.
    writeFileSync(file, 'name: strict\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3 }\nduration: 5s\nfaults: [{ at: 1s, kind: crash, node: 2 }]\nheartbeat: { interval: 100ms, timeout: 500ms }\nliveness: { within: 100ms }\n');
    const r = cli('run', '--scenario', file, '--seed', '9');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL/);
    expect(r.out).toMatch(/seed 9 failed; replay: npx faultline run --scenario .*strict.yaml --seed 9/);
  });

  it('list shows the catalogue; help exits 0', () => {
    const l = cli('list');
    expect(l.code).toBe(0);
    expect(l.out).toMatch(/heartbeat-crash/);
    expect(cli('--help').out).toMatch(/Usage:/);
    expect(cli('run', '--help').out).toMatch(/--seed N/);
    const h = cli('help', 'sweep');
    expect(h.code).toBe(0);
    expect(h.out).toBe(cli('sweep', '--help').out);
    expect(cli('help', 'nope').code).toBe(2);
    expect(cli('help', 'nope').err).toMatch(/help: no command "nope"/);
  });

  it('ui and serve refuse an unknown scenario or an unresolvable host before they start a server', async () => {
    const ui = await cliAsync(process.cwd(), 'ui', '--port', '45691', '--scenario', 'no-such-scenario');
    expect(ui.code).toBe(2);
    expect(ui.err).toMatch(/--scenario: "no-such-scenario" is neither a catalogue scenario nor a file/);
    for (const cmd of ['ui', 'serve']) {
      const r = await cliAsync(process.cwd(), cmd, '--port', '45692', '--host', 'no-such-host.invalid');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(/--host: no-such-host\.invalid is not a host name or address this machine can resolve/);
      expect(r.out).toBe('');
    }
    // 0 asks for any free port; other spellings of 0 and numbers past 65535 are refused with both choices named.
    for (const [cmd, port] of [['serve', '00'], ['serve', '65536'], ['ui', '08080'], ['ui', '-1']]) {
      const r = await cliAsync(process.cwd(), cmd, '--port', port);
      expect(r).toEqual({ code: 2, out: '', err: `faultline: --port: expected 0 (any free port) or a port number from 1 to 65535, got "${port}"\n` });
    }
  });

  it('a --workload module whose top-level await never settles exits 2 naming it, not 13 in silence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-'));
    const mod = join(dir, 'never.mts');
    writeFileSync(mod, 'await new Promise(() => {});\nexport default 1;\n');
    const r = spawnSync(process.execPath, ['bin/faultline.mjs', 'run', '--workload', mod, '--scenario', 'heartbeat-crash', '--out', join(dir, 'out')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`faultline: --workload ${mod}: the module never finished loading (a top-level await that never settles?); nothing ran\n`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  // `faultline list | head -1`: the reader leaves, and the next write threw EPIPE (exit 1 and
  // a Node stack on stderr). Now the output goes nowhere and the command keeps its exit code.
  it('a reader that closes the pipe early is not a crash: no stack, the command\'s own exit code', async () => {
    const p = spawn(process.execPath, ['bin/faultline.mjs', 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout.destroy();
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => p.once('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('bin/faultline.mjs runs from the source tree with no build step', () => {
    const out = execFileSync(process.execPath, ['bin/faultline.mjs', 'run', '--json', '--seed', '42'], { encoding: 'utf8' });
    expect(JSON.parse(out).traceHash).toBe(JSON.parse(cli('run', '--json', '--seed', '42').out).traceHash);
  });
});
