// Goal: the eighth hostile-input round. Files, flags and workload modules a hostile or
// careless user gives the CLI are refused with exit 2, a message naming the file, field,
// hook or flag and the fix, no stack, nothing on stdout and nothing written; nothing a
// run could not judge passes.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts), or as a real process where the process's own end is the
// point; each was wrong before its fix (the comment says how).
import { existsSync, mkdirSync, openSync, closeSync, ftruncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from './cliHarness.ts';
import { esc, hostileTmp, nodeScript, refused } from './support/hostile.ts';

const tmp = hostileTmp('fl-hostile8-');
const { dir, file, scenarioRefused } = tmp;

const ROOT = process.cwd();

/** The CLI as a real process (a module's process.exit would end this one). */
function faultline(...argv: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return node('bin/faultline.mjs', argv, {});
}

const node = nodeScript;

describe('a workload module that breaks the contract (defect 1)', () => {
  const MODULE = 'test/fixtures/workloads/brokenContract.ts';
  const scenario = (where: string): string => file(`contract-${where}.yaml`, `name: contract\ndescription: x\nworkload: broken-contract\ntopology: { nodes: 3 }\nduration: 1s\nliveness: { within: 100ms }\ncontract: { where: ${where} }\n`);

  it.each([
    // It printed PASS, then Node's stack ("setTimer called by node 0 outside its own event handler"), exit 1.
    ['asyncHandler', /^faultline: workload broken-contract: onTimer\(\) of node 0's process returned a Promise \(is it an async function\?\): a process handles each event synchronously, within the event; .*; drop async, and do the work before returning\n$/],
    // install()'s promise was taken for an object with no finish(): the checks in it never ran, and the run passed.
    ['asyncInstall', /^faultline: workload broken-contract: install\(\) returned a Promise \(is it an async function\?\): install\(\) runs synchronously, and faultline uses what it returns at once; drop async/],
    ['asyncFinish', /^faultline: workload broken-contract: finish\(\) returned a Promise \(is it an async function\?\)/],
    // NaN and -1 never exceed a memory budget: the run passed with no memory check at all.
    ['memoryNaN', /^faultline: workload broken-contract: memoryBytes\(\) of node 0's process returned NaN: expected the process's live memory, a finite number of bytes >= 0 \(0 when it does not say\)\n$/],
    ['memoryNegative', /^faultline: workload broken-contract: memoryBytes\(\) of node 0's process returned -1: expected/],
  ])('%s: run --json --out exits 2 naming the hook and the fix, and writes nothing', async (where, pattern) => {
    const out = join(dir, `contract-out-${tmp.next()}`);
    const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', scenario(where), '--json', '--out', out);
    refused(r, pattern);
    expect(existsSync(out)).toBe(false);
  });

  it('memoryBytes() that throws exits 2 as the workload\'s, with its own line only (it said "the simulator crashed on seed 1 (a bug in faultline; its stack follows)", with faultline\'s stack)', async () => {
    const out = join(dir, `contract-out-${tmp.next()}`);
    const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', scenario('memoryThrows'), '--out', out);
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^faultline: workload broken-contract threw in memoryBytes\(\) of node 0's process: cannot count\n {4}at Ticker\.memoryBytes \(.*brokenContract\.ts:\d+:\d+\)\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('under run --workers 2 (and --kernel-hosts-first) each ends as in one thread: exit 2, the same message, nothing written (it was exit 1, "simulation error with --workers 2: node 0 failed at t=10000µs ...")', async () => {
    for (const where of ['asyncHandler', 'memoryNaN', 'memoryThrows', 'asyncFinish']) {
      const file = scenario(where);
      const one = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', file);
      for (const extra of [[], ['--kernel-hosts-first']]) {
        const out = join(dir, `contract-out-${tmp.next()}`);
        const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', file, '--workers', '2', ...extra, '--out', out);
        expect(r.code, `${where} ${r.err}`).toBe(2);
        expect(r.err, where).toBe(one.err);
        expect(r.out).toBe('');
        expect(existsSync(out)).toBe(false);
      }
    }
  }, 120_000);

  it('a module that keeps its promises still runs', async () => {
    const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', scenario('nowhere'), '--quiet');
    expect(r.code, r.err).toBe(0);
  });

  it('process.exit(0) in a handler: run and sweep --jobs 1 exit 2 saying so, and leave no --out (exit 0 with no word: a pass to CI)', async () => {
    const outs = [join(dir, 'exit-run', 'deeper'), join(dir, 'exit-sweep')];
    const [run, sweep] = await Promise.all([
      faultline('run', '--workload', MODULE, '--scenario', scenario('exit0'), '--out', outs[0], '--metrics-out', join(dir, 'exit-metrics.txt')),
      faultline('sweep', '--workload', MODULE, '--scenario', scenario('exit0'), '--seeds', '1..2', '--jobs', '1', '--out', outs[1]),
    ]);
    for (const r of [run, sweep]) {
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(new RegExp(`^faultline: the process was ended by process\\.exit\\(0\\) before the command finished: a --workload module \\(${esc(MODULE)}\\) called it while loading or in a hook or handler; nothing was judged, so the exit code is 2\\. .*remove the process\\.exit call\\n$`));
    }
    for (const o of [...outs, join(dir, 'exit-run'), join(dir, 'exit-metrics.txt')]) expect(existsSync(o), o).toBe(false);
  }, 90_000);
});

describe('an operator whose action weights cannot be drawn from (defect 2)', () => {
  const admin = (ops: string): string => `name: h\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3, spares: 1 }\nduration: 5s\nadmin: { start: 1s, every: 100ms, ops: ${ops} }\n`;
  it('admin.ops adding up to Infinity exits 2 naming admin.ops and the fix, as clients.mix does (every draw fell through to compact, whose weight was 0: the run compacted and passed)', () => {
    scenarioRefused(admin('{ addLearner: 1e308, promote: 1e308, remove: 0, removeLeader: 0, transfer: 0, compact: 0 }'),
      /^ {2}admin\.ops: the weights add up to more than a number can hold; they are proportions \(the default is addLearner 2, promote 2, remove 1, removeLeader 1, transfer 3, compact 1\), so use small numbers$/m);
  });

  it('every weight 0 says which weights and the fix; small weights still run', () => {
    scenarioRefused(admin('{ addLearner: 0, promote: 0, remove: 0, removeLeader: 0, transfer: 0, compact: 0 }'),
      /^ {2}admin\.ops: every weight is 0, so the operator could draw no action: give at least one of addLearner, promote, remove, removeLeader, transfer, compact a weight above 0/m);
    expect(cli('run', '--scenario', file('admin.yaml', admin('{ addLearner: 0.5, promote: 0.5 }')), '--quiet').code).toBe(0);
  });
});

describe('replay FILE that is not a run\'s record (defect 3)', () => {
  it('a run\'s trace.jsonl, a --history-out history or other JSON Lines exits 2 saying what the file is and what to replay (each was told "holds many seeds: name one, as in trace.jsonl#seed=17", which failed again)', async () => {
    const out = join(dir, 'replay-run');
    const history = join(dir, 'replay-history.jsonl');
    expect((await cliAsync(ROOT, 'run', '--scenario', 'raft-kv-basic', '--out', out, '--history-out', history, '--quiet')).code).toBe(0);
    const trace = join(out, 'trace.jsonl');
    refused(cli('replay', trace), new RegExp(`^faultline: replay: FILE ${esc(trace)} is a run's trace \\(every event, as \`run --out\` writes it\\), which holds no scenario to run: replay the report\\.json beside it \\(${esc(join(out, 'report.json'))}\\), or give --scenario NAME --seed N --expect HASH\\n$`));
    refused(cli('replay', history), new RegExp(`^faultline: replay: FILE ${esc(history)} is a client history \\(as \`run --history-out\` writes it\\), which holds no scenario to run: \`faultline check ${esc(history)}\` checks it; replay takes a report\\.json`));
    refused(cli('replay', file('other.jsonl', '{"a": 1}\n')), /^faultline: replay: FILE \S+other\.jsonl is JSON Lines but not a sweep's results log \(its first line is not a sweep header\): replay takes a report\.json/);
    // A sweep's results log still asks for a seed.
    const sweep = join(dir, 'replay-sweep');
    expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..2', '--jobs', '1', '--out', sweep, '--quiet').code).toBe(0);
    refused(cli('replay', join(sweep, 'results.jsonl')), /holds many seeds: name one, as in \S+results\.jsonl#seed=17/);
  });

  it('a scenario FILE that is binary or UTF-16 is named as FILE (it was blamed on --scenario, a flag not given)', () => {
    refused(cli('replay', file('binary.yaml', Buffer.from('name: x\0\n'))), /^faultline: replay: FILE: \S+binary\.yaml holds a NUL byte \(at byte 7\): it is binary, not a YAML or JSON scenario; is it the right file\?\n$/);
    refused(cli('replay', file('utf16.yaml', Buffer.from([0xff, 0xfe, 0x6e, 0x00]))), /^faultline: replay: FILE: \S+utf16\.yaml is UTF-16 text; save it as UTF-8\n$/);
  });
});

describe('a failure detector that could never suspect anyone (defect 4)', () => {
  it('heartbeat.timeout as long as the run exits 2 naming it and the fix (timeout 240h in a 10s run with a crash passed: no node was ever suspected, and the check found nothing to fault)', () => {
    scenarioRefused('name: h\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3 }\nduration: 10s\nheartbeat: { interval: 100ms, timeout: 240h }\nfaults:\n  - { at: 2s, kind: crash, node: 2, duration: 3s }\n',
      /^ {2}heartbeat\.timeout: is 240h, at least the run's duration \(10s\): no peer could be suspected before the run ends, so the detector would never act and the run would pass untested; give a timeout of a few heartbeat intervals \(e\.g\. interval 100ms, timeout 500ms\)$/m);
  });
});

describe('knowledge values no run writes (defect 5)', () => {
  const knowledge = (restart: string, runs = '1'): string => file('knowledge.json', `{"version": 1, "runs": ${runs}, "actions": {"crashed": {"restart": ${restart}}}, "baselines": {}, "thresholds": {}, "episodes": []}\n`);
  it('a negative ttrUsSum, or runs past 2^53, exits 2 naming the field, and the run writes nothing (each was taken as written: the negative time ranked restart above its success rate)', () => {
    const out = join(dir, 'knowledge-out');
    refused(cli('run', '--scenario', 'mapek-crash', '--knowledge', knowledge('{"tries": 1, "recovered": 1, "ttrUsSum": -1}'), '--out', out),
      /^ {2}actions\.crashed\.restart: expected \{ tries, recovered <= tries, ttrUsSum >= 0 \}, counts being whole numbers up to 2\^53$/m,
      /fix or remove the fields named, or save it again/);
    refused(cli('run', '--scenario', 'mapek-crash', '--knowledge', knowledge('{"tries": 1, "recovered": 1, "ttrUsSum": 5}', '1e300'), '--out', out),
      /^ {2}runs: expected a count: a whole number from 0 to 2\^53$/m);
    expect(existsSync(out)).toBe(false);
  });
});

describe('bench hnsw\'s data set of one\'s own (defect 6)', () => {
  const bench = (data: string) => node('bin/bench.mjs', ['hnsw'], { FAULTLINE_HNSW_DATA: data });

  it('a FAULTLINE_HNSW_DATA that is missing, or holds no base file, exits 2 with the message alone (each was Node\'s stack of the throw, exit 1)', async () => {
    const empty = join(dir, 'hnsw-empty');
    mkdirSync(empty);
    const [missing, none] = await Promise.all([bench(join(dir, 'no-such-dir')), bench(empty)]);
    expect(missing.code, missing.err).toBe(2);
    expect(missing.err).toBe(`bench: hnsw: FAULTLINE_HNSW_DATA: ${join(dir, 'no-such-dir')} does not exist; name the directory that holds *base.fvecs (or .bvecs), *query.fvecs and optionally *groundtruth.ivecs\n`);
    expect(none.code, none.err).toBe(2);
    expect(none.err).toBe(`bench: hnsw: FAULTLINE_HNSW_DATA: ${empty} holds no *base.fvecs/bvecs file; expected e.g. sift_base.fvecs\n`);
    expect(missing.out + none.out).toBe('');
  }, 90_000);

  it('a base file over 2 GiB is read only as far as FAULTLINE_HNSW_BASE_MAX (it failed with ERR_FS_FILE_TOO_LARGE and a stack before one vector was read)', async () => {
    const big = join(dir, 'hnsw-big');
    mkdirSync(big);
    const record = (v: number[]): Buffer => {
      const b = Buffer.alloc(4 + 4 * v.length);
      b.writeInt32LE(v.length, 0);
      v.forEach((x, i) => b.writeFloatLE(x, 4 + 4 * i));
      return b;
    };
    writeFileSync(join(big, 'x_query.fvecs'), record([1, 2]));
    // One real record, then zeros to past 2 GiB (sparse): record 2 gives dimension 0.
    const fd = openSync(join(big, 'x_base.fvecs'), 'w');
    writeSync(fd, record([3, 4]));
    ftruncateSync(fd, 12 * (Math.floor(2 ** 31 / 12) + 1000));
    closeSync(fd);
    const r = await bench(big);
    expect(r.code, r.err).toBe(2);
    expect(r.err).toBe(`bench: hnsw: FAULTLINE_HNSW_DATA: ${join(big, 'x_base.fvecs')}: record 2 gives dimension 0 but record 1 gave 2; every record of a .fvecs file has the same dimension\n`);
  }, 90_000);
});

describe('"-" for standard input or output (defect 7)', () => {
  it('--metrics-out -, --scenario -, check - and merge - exit 2 saying faultline reads and writes named files, and write nothing (--metrics-out - wrote a file called "-" and said "wrote -"; check - said "no such file")', async () => {
    const cwd = join(dir, 'dash');
    mkdirSync(cwd);
    const dash = /: "-" is not standard input or output here: faultline reads and writes named files only, so it would name a file called "-"; give a file name \(\.\/- for a file of that name\)\. See `faultline \w+ --help`\.\n$/;
    refused(await cliAsync(cwd, 'run', '--scenario', 'heartbeat-crash', '--metrics-out', '-'), /^faultline: --metrics-out: "-"/, dash);
    refused(await cliAsync(cwd, 'run', '--scenario', '-'), /^faultline: --scenario: "-"/, dash);
    refused(await cliAsync(cwd, 'check', '-'), /^faultline: an argument: "-"/, dash);
    refused(await cliAsync(cwd, 'merge', '-'), /^faultline: an argument: "-"/, dash);
    refused(await cliAsync(cwd, 'replay', '--scenario', 'heartbeat-crash', '--seed', '1', '--trace-out', '-'), /^faultline: --trace-out: "-"/, dash);
    expect(existsSync(join(cwd, '-'))).toBe(false);
  });
});
