// Goal: `merge` and `replay` hold the files they read (sweep.json, results.jsonl,
// report.json) and `run --knowledge` its knowledge file to the product's contract for bad
// input: exit 2, a message naming the file, the field by its path and the fix, no stack
// trace, no output directory or file created or left behind, nothing silently accepted;
// values a flag also takes are held to the flag's rules. Valid files written by `sweep
// --out` and `run --out` (with a BOM, too) still merge and replay as before.
// Method: write one real sweep and one real report with the CLI in-process, derive damaged
// copies of them field by field (the hostile-input audit's cases), and run merge and
// replay on each.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cli, cliAsync, type CliResult } from './cliHarness.ts';
import { esc, refused, SCENARIO_HEAD, scenarioRefused as shared } from './support/hostile.ts';

const SCENARIO = 'heartbeat-crash';
let dir: string;
let sweepDir: string;
let sweepDoc: Record<string, unknown>;
let logLines: string[];
let reportDoc: Record<string, unknown>;

type Doc = Record<string, unknown> & { results: Record<string, unknown>[] };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-hostile-'));
  sweepDir = join(dir, 'sweep');
  expect(cli('sweep', '--scenario', SCENARIO, '--seeds', '1..4', '--jobs', '1', '--out', sweepDir, '--quiet').code).toBe(0);
  sweepDoc = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as Record<string, unknown>;
  logLines = readFileSync(join(sweepDir, 'results.jsonl'), 'utf8').split('\n');
  expect(cli('run', '--scenario', SCENARIO, '--seed', '3', '--out', join(dir, 'run'), '--quiet').code).toBe(0);
  reportDoc = JSON.parse(readFileSync(join(dir, 'run', 'report.json'), 'utf8')) as Record<string, unknown>;
});

let n = 0;
/** A copy of the real sweep.json, changed by `change`, written to a file of its own. */
function sweepWith(change: (d: Doc) => void): string {
  const d = structuredClone(sweepDoc) as Doc;
  change(d);
  const file = join(dir, `sweep-${++n}.json`);
  writeFileSync(file, JSON.stringify(d));
  return file;
}

/** A copy of the real results.jsonl with its seed lines replaced, in a directory of its own. */
function logWith(lines: string[]): string {
  const d = join(dir, `log-${++n}`);
  mkdirSync(d);
  writeFileSync(join(d, 'results.jsonl'), [logLines[0], ...lines].join('\n') + '\n');
  return d;
}

function reportWith(change: (d: Record<string, unknown>) => void): string {
  const d = structuredClone(reportDoc);
  change(d);
  const file = join(dir, `report-${++n}.json`);
  writeFileSync(file, JSON.stringify(d));
  return file;
}

/** `merge INPUTS --out D` is refused, and D is not created. */
function mergeRefused(inputs: string[], ...patterns: RegExp[]): void {
  const out = join(dir, `merged-${++n}`, 'deeper');
  refused(cli('merge', ...inputs, '--out', out), ...patterns);
  expect(existsSync(join(dir, `merged-${n}`))).toBe(false);
}

describe('merge and replay refuse damaged sweep files instead of crashing (defect class 1)', () => {
  it.each([
    ['a null results entry', (d: Doc) => { d.results = [null as unknown as Record<string, unknown>]; }, /results\[0\]: expected an object, got null/],
    ['violations a string', (d: Doc) => { Object.assign(d.results[0], { verdict: 'fail', violationCount: 1, violations: 'boom' }); }, /results\[0\]\.violations: expected an array, got "boom"/],
    ['violations null', (d: Doc) => { Object.assign(d.results[0], { verdict: 'fail', violationCount: 1, violations: null }); }, /results\[0\]\.violations: expected an array, got null/],
    ['inconclusive null', (d: Doc) => { Object.assign(d.results[1], { verdict: 'inconclusive', inconclusive: null }); }, /results\[1\]\.inconclusive: expected an array, got null/],
    ['retried a number', (d: Doc) => { d.retried = 5; }, /retried: expected an array, got 5/],
    ['no scenarioFileName', (d: Doc) => { delete d.scenarioFileName; }, /scenarioFileName: is missing/],
  ])('%s: merge exits 2 naming the field, and writes nothing', (_name, change, field) => {
    const file = sweepWith(change);
    mergeRefused([file], new RegExp(esc(file)), field, /not a valid sweep results file/, /run the sweep again/);
    refused(cli('replay', `${file}#seed=1`), new RegExp(esc(file)), field);
  });

  it('a results.jsonl line that is null, or only a seed, is refused by line and field', () => {
    const nullLine = logWith(['null', ...logLines.slice(1)]);
    mergeRefused([nullLine], /results\.jsonl: not a valid sweep results log/, /line 2: expected a seed result \(a JSON object\), got null/);
    refused(cli('replay', `${nullLine}#seed=1`), /line 2: expected a seed result/);
    const seedOnly = logWith(['{"seed": 3}', ...logLines.slice(1)]);
    mergeRefused([seedOnly], /line 2: traceHash: is missing/, /line 2: verdict: is missing/);
  });

  it('a report.json holding a number, a string or true is refused, not a TypeError', () => {
    for (const v of ['5', '"str"', 'true']) {
      const file = join(dir, `r-${++n}.json`);
      writeFileSync(file, v);
      refused(cli('replay', file), new RegExp(esc(file)), new RegExp(`expected a JSON object .*got ${esc(v)}`));
    }
  });
});

describe('merge accepts nothing it does not understand (defect class 2)', () => {
  it.each([
    ['entries 1 and "a"', (d: Doc) => { d.results = [1, 'a'] as unknown as Record<string, unknown>[]; }, /results\[0\]: expected an object, got 1[\s\S]*results\[1\]: expected an object, got "a"/],
    ['an empty entry', (d: Doc) => { d.results = [{}]; }, /results\[0\]\.seed: is missing[\s\S]*results\[0\]\.verdict: is missing/],
    ['verdict "maybe"', (d: Doc) => { d.results[2].verdict = 'maybe'; }, /results\[2\]\.verdict: expected "pass" or "fail" or "inconclusive", got "maybe"/],
    ['a verdict that contradicts the counts', (d: Doc) => { d.results[0].verdict = 'fail'; }, /results\[0\]\.verdict: is "fail", but a result with 0 violations/],
    ['seed "one"', (d: Doc) => { d.results[0].seed = 'one'; }, /results\[0\]\.seed: expected a number, got "one"/],
    ['seed -1', (d: Doc) => { d.results[0].seed = -1; }, /results\[0\]\.seed: expected a non-negative integer, got "-1" \(as --seed requires\)/],
    ['seed 1.5', (d: Doc) => { d.results[0].seed = 1.5; }, /results\[0\]\.seed: expected a non-negative integer, got "1\.5"/],
    ['a seed outside the range', (d: Doc) => { d.results[0].seed = 99; }, /results\[0\]\.seed: 99 is not in the sweep's seeds \(1\.\.4\)/],
    ['no scenario', (d: Doc) => { delete d.scenario; }, /scenario: is missing/],
    ['no shards', (d: Doc) => { delete d.shards; }, /shards: is missing/],
    ['a bad shard', (d: Doc) => { d.shards = ['3/2']; }, /shards\[0\]: need 1 <= i <= n <= 1000, got 3\/2 \(as --shard requires\)/],
    ['invalid scenarioText', (d: Doc) => { d.scenarioText = 'name: x\n'; }, /scenarioText: topology: is required/],
    ['a scenario name scenarioText does not have', (d: Doc) => { d.scenario = 'other'; }, /scenario: is "other", but scenarioText is scenario "heartbeat-crash"/],
    ['eventsMax -5', (d: Doc) => { d.eventsMax = -5; }, /eventsMax: expected an integer from 1 to 1000000000000, got "-5" \(as --events-max requires\)/],
    ['eventsMax "lots"', (d: Doc) => { d.eventsMax = 'lots'; }, /eventsMax: expected a number, got "lots"/],
    ['version "2"', (d: Doc) => { d.version = '2'; }, /version: this faultline reads versions 1 and 2 \(numbers\), got "2"/],
    ['an unknown field', (d: Doc) => { d.extra = 1; }, /extra: unknown field/],
    ['wallMs 1e300 (it printed "in 1e+297 s")', (d: Doc) => { d.wallMs = 1e300; }, /^ {2}wallMs: Too big: expected number to be <=3155760000000, got 1e\+300/m],
    ['a seed\'s wallMs 1e300', (d: Doc) => { d.results[0].wallMs = 1e300; }, /results\[0\]\.wallMs: Too big/],
    ['simulatedMs beyond the longest scenario', (d: Doc) => { d.results[1].simulatedMs = 1e300; }, /results\[1\]\.simulatedMs: Too big: expected number to be <=2592000000/],
    ['a violation at 1e300 µs', (d: Doc) => { Object.assign(d.results[0], { verdict: 'fail', violationCount: 1, violations: [{ t: 1e300, check: 'x', node: 1, message: 'm' }] }); }, /results\[0\]\.violations\[0\]\.t: Too big/],
    ['a seed twice in one file', (d: Doc) => { d.results.push({ ...d.results[0], verdict: 'fail', violationCount: 3 }); }, /results\[4\]\.seed: seed 1 is also at results\[0\], with a different verdict/],
  ])('%s: exit 2 naming the field, no output', (_name, change, field) => {
    mergeRefused([sweepWith(change)], field);
  });

  it('the same seed with the same hash but another verdict in two inputs is a conflict naming both', () => {
    const a = sweepWith(() => {});
    const b = sweepWith((d) => {
      d.results = [{ ...d.results[0], verdict: 'fail', violationCount: 2 }];
    });
    mergeRefused([a, b], new RegExp(`seed 1 has the same trace \\w{16} in ${esc(a)} and ${esc(b)} but a different verdict \\("pass" and "fail"\\)`));
    const c = sweepWith((d) => {
      d.results = [{ ...d.results[0], traceHash: 'deadbeefdeadbeef' }];
    });
    mergeRefused([a, c], new RegExp(`seed 1 has trace \\w{16} in ${esc(a)} and deadbeefdeadbeef in ${esc(c)}`));
  });

  it('identical seeds in two inputs are still counted once (the contract), and a valid merge writes both files', () => {
    const out = join(dir, 'merged-ok');
    const r = cli('merge', sweepDir, sweepWith(() => {}), '--out', out, '--json');
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { summary: { seeds: number } }).summary.seeds).toBe(4);
    expect(existsSync(join(out, 'sweep.json')) && existsSync(join(out, 'junit.xml'))).toBe(true);
    // The merged output is itself a valid input.
    expect(cli('merge', out).code).toBe(0);
    expect(cli('replay', `${out}#seed=2`).out).toMatch(/REPRODUCED/);
  });
});

describe('merge reads each input once (defect class 13)', () => {
  it('the same directory twice, or a directory and its own sweep.json, exits 2 and writes nothing (the wall time was added twice)', () => {
    mergeRefused([sweepDir, sweepDir], new RegExp(`merge: ${esc(sweepDir)} is given twice: name each sweep output once`));
    mergeRefused([sweepDir, `${sweepDir}/`], /are the same input/);
    mergeRefused([sweepDir, join(sweepDir, 'sweep.json')], new RegExp(`merge: ${esc(sweepDir)} and ${esc(join(sweepDir, 'sweep.json'))} are the same input \\(`));
  });

  it('seeds two inputs share are counted once, with a warning that names both inputs and the seeds', () => {
    const copy = sweepWith((d) => { d.results = d.results.slice(1, 3); });
    const r = cli('merge', sweepDir, copy, '--json');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain(`faultline merge: seeds 2, 3 are in both ${join(sweepDir, 'sweep.json')} and ${copy}, with the same results: counted once (the wall time adds both inputs' runs)`);
    expect((JSON.parse(r.out) as { summary: { seeds: number } }).summary.seeds).toBe(4);
  });
});

describe('a directory holding both sweep.json and results.jsonl (defect class 14)', () => {
  /** A sweep output directory holding this sweep.json and these log lines (header first), the log written after sweep.json. */
  function both(doc: Doc, lines: string[]): string {
    const d = join(dir, `both-${++n}`);
    mkdirSync(d);
    writeFileSync(join(d, 'sweep.json'), JSON.stringify(doc));
    writeFileSync(join(d, 'results.jsonl'), lines.join('\n') + '\n');
    utimesSync(join(d, 'sweep.json'), 1_000_000, 1_000_000);
    utimesSync(join(d, 'results.jsonl'), 2_000_000, 2_000_000);
    return d;
  }
  const partialDoc = (seeds: number[]): Doc => {
    const d = structuredClone(sweepDoc) as Doc;
    d.results = d.results.filter((r) => seeds.includes(r.seed as number));
    d.partial = { logged: d.results.length, expected: 4 };
    return d;
  };
  const logOf = (seeds: number[]): string[] => [logLines[0], ...logLines.slice(1).filter((l) => l !== '' && seeds.includes((JSON.parse(l) as { seed: number }).seed))];

  it('a newer but header-only or shorter results.jsonl (a sweep started again and stopped) no longer shadows the complete sweep.json', () => {
    // merge said "the inputs hold no seed results", or passed 2 of the 4 seeds; replay of seed 4 found none.
    for (const [lines, holds] of [[[logLines[0]], 'no seed results'], [logOf([1, 2]), 'only 2 of them, the same']] as const) {
      const d = both(sweepDoc as Doc, [...lines]);
      const r = cli('merge', d, '--json');
      expect(r.code, r.err).toBe(0);
      expect((JSON.parse(r.out) as { summary: { seeds: number } }).summary.seeds).toBe(4);
      expect(r.err).toContain(`faultline merge: ${d}: read sweep.json (4 seeds): the newer results.jsonl holds ${holds}`);
      expect(r.err).not.toMatch(/partial/);
      expect(cli('replay', `${d}#seed=4`).out).toMatch(/REPRODUCED/);
    }
  });

  it('a newer log that holds more than a partial sweep.json is still the one read (a sweep killed between two rewrites)', () => {
    const d = both(partialDoc([1, 2]), logOf([1, 2, 3]));
    const r = cli('merge', d, '--json');
    // Seed 4 was never run: inconclusive (hostileFiles6 defect 4).
    expect(r.code, r.err).toBe(3);
    expect((JSON.parse(r.out) as { summary: { seeds: number } }).summary.seeds).toBe(3);
    expect(r.err).toMatch(/results\.jsonl is partial: a sweep that did not finish logged 3 of its 4 seeds/);
  });

  it('two files that are not one sweep, disagree, or each hold seeds the other lacks exit 2 naming both', () => {
    const header = { ...(JSON.parse(logLines[0]) as Record<string, unknown>), eventsMax: 1000 };
    mergeRefused([both(sweepDoc as Doc, [JSON.stringify(header)])], /holds sweep\.json and results\.jsonl of two sweeps with different event limits/, /name the one you mean \(.*sweep\.json or .*results\.jsonl\)/);
    const other = logOf([1]).map((l, i) => (i === 1 ? l.replace(/"traceHash":"\w+"/, '"traceHash":"0123456789abcdef"') : l));
    mergeRefused([both(partialDoc([1, 2]), other)], /which disagree on seed 1 \(a different traceHash\)/);
    const split = both(partialDoc([1, 2]), logOf([3]));
    mergeRefused([split], /each holds seeds the other lacks \(2 only in sweep\.json, 1 only in results\.jsonl\): neither is the whole result; merge both by name/);
    refused(cli('replay', `${split}#seed=1`), /each holds seeds the other lacks/);
    // Named one by one, the two files merge as the message says.
    expect(cli('merge', join(split, 'sweep.json'), join(split, 'results.jsonl')).out).toMatch(/3 passed, 0 failed, 0 inconclusive of 3 seeds/);
  });
});

describe('no output is written over a file the command reads (defect class 15)', () => {
  it('replay --trace-out over its report, sweep file or scenario file exits 2 and leaves the file as it was (it was replaced by the trace)', () => {
    const report = reportWith(() => {});
    const scenario = join(dir, `scenario-${++n}.yaml`);
    writeFileSync(scenario, readFileSync('scenarios/heartbeat-crash.yaml', 'utf8'));
    const sweep = sweepWith(() => {});
    for (const [args, file, flag] of [[[report], report, 'FILE'], [[scenario, '--seed', '3'], scenario, 'FILE'], [['--scenario', scenario, '--seed', '3'], scenario, '--scenario'], [[`${sweep}#seed=2`], sweep, 'FILE']] as const) {
      const before = readFileSync(file, 'utf8');
      refused(cli('replay', ...args, '--trace-out', file), new RegExp(`--trace-out ${esc(file)}: is the file ${esc(flag)} reads \\(.*\\); writing --trace-out would overwrite it: give --trace-out another path`));
      expect(readFileSync(file, 'utf8')).toBe(before);
    }
    // A catalogue name is not a file: a trace file of that name beside it is fine.
    const trace = join(dir, `trace-${++n}.jsonl`);
    expect(cli('replay', report, '--trace-out', trace).code).toBe(0);
  });

  it('shrink --out over its --scenario file, and merge --out into an input directory, exit 2 and change nothing (the scenario or the shard\'s sweep.json was replaced)', () => {
    const scenario = join(dir, `shrink-${++n}.yaml`);
    writeFileSync(scenario, readFileSync('scenarios/heartbeat-crash.yaml', 'utf8'));
    const before = readFileSync(scenario, 'utf8');
    refused(cli('shrink', '--scenario', scenario, '--seed', '1', '--out', scenario), new RegExp(`--out ${esc(scenario)}: is the file --scenario reads`));
    // A .json --out was refused only after the whole shrink ("not valid JSON: Unexpected token '#'"), its directory left behind.
    const asJson = join(dir, `shrink-json-${++n}`, 'min.json');
    refused(cli('shrink', '--scenario', scenario, '--seed', '1', '--out', asJson), new RegExp(`^faultline: --out ${esc(asJson)}: shrink writes the scenario as YAML, and a file named \\.json is read as JSON; name a \\.yaml \\(or \\.yml\\) file\\n$`));
    expect(existsSync(dirname(asJson))).toBe(false);
    expect(readFileSync(scenario, 'utf8')).toBe(before);
    const shard = join(dir, `shard-${++n}`);
    mkdirSync(shard);
    writeFileSync(join(shard, 'sweep.json'), JSON.stringify(sweepDoc));
    refused(cli('merge', shard, sweepWith(() => {}), '--out', shard), new RegExp(`--out ${esc(join(shard, 'sweep.json'))}: is the file the input ${esc(shard)} reads`));
    expect(readFileSync(join(shard, 'sweep.json'), 'utf8')).toBe(JSON.stringify(sweepDoc));
    expect(existsSync(join(shard, 'junit.xml'))).toBe(false);
  });
});

describe('a sweep entry\'s #seed= (defect class 16)', () => {
  it.each([
    ['', /#seed=: #seed= takes a seed, an integer from 0 to 9007199254740991, got ""; as in .*#seed=17/],
    ['abc', /#seed=abc: #seed= takes a seed, an integer from 0 to 9007199254740991, got "abc"/],
    ['99999999999999999999', /#seed=99999999999999999999: #seed= takes a seed.*; 99999999999999999999 is too large/],
    ['1#seed=2', /names #seed= twice; name one seed/],
  ])('#seed=%s exits 2 with the fragment\'s own syntax (it said "Example: DIR#seed 42")', (text, pattern) => {
    const r = cli('replay', `${sweepDir}#seed=${text}`);
    refused(r, pattern);
    expect(r.err).not.toMatch(/Example|--seed/);
  });

  it('a seed of the range that a partial results file lacks is named as missing from a partial sweep', () => {
    refused(cli('replay', `${logWith(logLines.slice(1, 3))}#seed=4`), /has no result for seed 4 \(it is partial: a sweep of seeds 1\.\.4, shards 1\/1, that logged 2 of its 4 seeds\)/);
  });
});

describe('replay holds recorded values to the flags\' rules (defect class 3)', () => {
  it.each([
    [1.5, '1.5'],
    [-3, '-3'],
    [1e300, '1e+300'],
  ])('a report with seed %s exits 2 naming seed', (seed, text) => {
    const file = reportWith((d) => { d.seed = seed; });
    refused(cli('replay', file), new RegExp(`${esc(file)}: not a valid report`), new RegExp(`seed: expected a non-negative integer, got "${esc(text)}" \\(as --seed requires\\)`));
  });

  it('--events-max 0 in a report\'s replay command, or eventsMax -5 in a sweep file, exits 2 as the flag would', () => {
    const file = reportWith((d) => { d.replay = `${d.replay as string} --events-max 0`; });
    refused(cli('replay', file), /replay: --events-max: expected an integer from 1 to 1000000000000, got "0"/);
    const big = reportWith((d) => { d.replay = `${d.replay as string} --events-max 99999999999999999999999`; });
    refused(cli('replay', big), /replay: --events-max: expected an integer from 1 to/);
    refused(cli('replay', `${sweepWith((d) => { d.eventsMax = -5; })}#seed=1`), /eventsMax: expected an integer from 1 to 1000000000000, got "-5"/);
  });

  it('a replay command with a flag a run never records, or another seed than the report\'s, exits 2', () => {
    refused(cli('replay', reportWith((d) => { d.replay = `${d.replay as string} --out /tmp/x`; })), /replay: --out: not part of a replay command/);
    refused(cli('replay', reportWith((d) => { d.replay = (d.replay as string).replace('--seed 3', '--seed 4'); })), /replay: its --seed 4 is not the report's seed 3/);
    refused(cli('replay', reportWith((d) => { d.traceHash = 5; })), /traceHash: expected a string, got 5/);
    // It replayed heartbeat-crash and said REPRODUCED for a report of "heartbeat-chaos".
    refused(cli('replay', reportWith((d) => { d.scenario = 'heartbeat-chaos'; })), /not a valid report/, /scenario: is "heartbeat-chaos", but its replay command runs scenario "heartbeat-crash"/);
  });
});

describe('replay checks every report field it reads (defect class 12)', () => {
  it.each([
    ['scenario 5', (d: Record<string, unknown>) => { d.scenario = 5; }, /scenario: expected a string, got 5/],
    ['scenario an object', (d: Record<string, unknown>) => { d.scenario = { name: SCENARIO }; }, /scenario: expected a string, got \{"name":"heartbeat-crash"\}/],
    ['no scenario', (d: Record<string, unknown>) => { delete d.scenario; }, /scenario: is missing: add it \(a string\)/],
    ['scenario ""', (d: Record<string, unknown>) => { d.scenario = ''; }, /scenario: Too small/],
    ['seed "3"', (d: Record<string, unknown>) => { d.seed = '3'; }, /seed: expected a number, got "3"/],
    ['seed 2^53', (d: Record<string, unknown>) => { d.seed = 2 ** 53; }, /seed: 9007199254740992 is too large; use an integer up to 9007199254740991 \(as --seed requires\)/],
    ['a hash of 15 digits', (d: Record<string, unknown>) => { d.traceHash = (d.traceHash as string).slice(1); }, /traceHash: expected a trace hash of 16 hex digits/],
    ['replay null', (d: Record<string, unknown>) => { d.replay = null; }, /replay: expected a string, got null/],
  ])('%s: exit 2 naming the field (it was ignored, and the run replayed)', (_name, change, field) => {
    const file = reportWith(change);
    refused(cli('replay', file), new RegExp(`${esc(file)}: not a valid report`), field, /run the seed again with --out/);
  });

  it('fields a report carries that replay does not read are not its business: a report with more of them still replays', () => {
    const file = reportWith((d) => { Object.assign(d, { workers: 2, lockstep: { windows: 1 }, note: 'kept by hand' }); });
    expect(cli('replay', file).out).toMatch(/REPRODUCED/);
  });

  it('a workload module the replay command names but that is not there is blamed on the report, not on a flag not given', async () => {
    const file = reportWith((d) => { d.replay = (d.replay as string).replace('run ', 'run --workload /nonexistent/w.ts '); });
    const r = await cliAsync(process.cwd(), 'replay', file);
    refused(r, new RegExp(`^faultline: ${esc(file)} records --workload /nonexistent/w\\.ts: no such file; give the module's path with --workload PATH`));
  });
});

describe('replay FILE refuses flags that FILE already decides (defect classes 4-6)', () => {
  it('--seed, --expect and --scenario beside a report or a sweep entry exit 2 naming the flag', () => {
    const report = join(dir, 'run', 'report.json');
    refused(cli('replay', report, '--scenario', 'heartbeat-chaos'), /--scenario conflicts with FILE/);
    refused(cli('replay', report, '--seed', '5'), /--seed conflicts with FILE .*records its seed \(3\)/);
    refused(cli('replay', report, '--expect', '0000000000000000'), /--expect conflicts with FILE/);
    refused(cli('replay', `${sweepDir}#seed=2`, '--seed', '3'), /--seed conflicts with FILE .*#seed=3/);
    // A scenario file takes --seed and --expect, as the help says.
    const hash = reportDoc.traceHash as string;
    expect(cli('replay', 'scenarios/heartbeat-crash.yaml', '--seed', '3', '--expect', hash).code).toBe(0);
  });

  it('a malformed --expect exits 2 naming the flag; an upper-case hash is the same hash', () => {
    refused(cli('replay', '--scenario', SCENARIO, '--seed', '1', '--expect', 'zzz'), /--expect: expected a trace hash of 16 hex digits.*got "zzz"/);
    expect(cli('replay', '--scenario', SCENARIO, '--seed', '3', '--expect', (reportDoc.traceHash as string).toUpperCase()).code).toBe(0);
  });

  it('a directory as FILE is named as FILE, not as --scenario', () => {
    refused(cli('replay', sweepDir), new RegExp(`FILE ${esc(sweepDir)} is a sweep output directory.*name one, as in ${esc(sweepDir)}#seed=17`));
    refused(cli('replay', dir), new RegExp(`FILE ${esc(dir)} is a directory`));
    expect(cli('replay', dir).err).not.toMatch(/--scenario/);
  });
});

describe('merge creates nothing before its inputs are known to be good (defect class 7)', () => {
  it('a missing input, no input, or inputs of two scenarios leave no --out directory', () => {
    mergeRefused(['/nonexistent/shard'], /\/nonexistent\/shard: no such file/);
    mergeRefused([], /merge: name at least one sweep output directory/);
    const other = join(dir, 'other');
    expect(cli('sweep', '--scenario', 'heartbeat-chaos', '--seeds', '1', '--jobs', '1', '--out', other, '--quiet').code).toBe(0);
    mergeRefused([sweepDir, other], /swept a different scenario/);
  });

  it('an input with no results at all is refused rather than reported as a pass of 0 seeds', () => {
    mergeRefused([logWith([])], /the inputs hold no seed results/);
  });
});

describe('file encoding and syntax (defect class 8)', () => {
  it('a UTF-8 BOM before sweep.json or report.json is skipped', () => {
    const sweep = join(dir, 'bom-sweep.json');
    writeFileSync(sweep, `\ufeff${JSON.stringify(sweepDoc)}`);
    expect(cli('merge', sweep).code).toBe(0);
    expect(cli('replay', `${sweep}#seed=1`).code).toBe(0);
    const report = join(dir, 'bom-report.json');
    writeFileSync(report, `\ufeff${JSON.stringify(reportDoc)}`);
    expect(cli('replay', report).out).toMatch(/REPRODUCED/);
  });

  it('a UTF-16, binary or Latin-1 file is named as such (it was a syntax error at an unprintable character), for merge, replay and bless alike', () => {
    const cases: [string, Buffer, RegExp][] = [
      ['u16.json', Buffer.from('\ufeff{"a": 1}', 'utf16le'), /is UTF-16 text; save it as UTF-8/],
      ['nul.json', Buffer.from([0x7b, 0x00, 0x7d]), /holds a NUL byte \(at byte 1\): it is binary, not JSON text/],
      ['latin1.json', Buffer.from('{"a": "caf\u00e9"}', 'latin1'), /is not valid UTF-8 text \(binary, or saved as Latin-1 or another encoding\)/],
    ];
    for (const [name, bytes, pattern] of cases) {
      const file = join(dir, `${++n}-${name}`);
      writeFileSync(file, bytes);
      const named = new RegExp(`${esc(file)}: `);
      mergeRefused([file], named, pattern);
      refused(cli('replay', file), named, pattern);
      refused(cli('bless', '--check', '--file', file), named, pattern);
    }
    const log = logWith([]);
    writeFileSync(join(log, 'results.jsonl'), Buffer.concat([Buffer.from(`${logLines[0]}\n`), Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef])]));
    mergeRefused([log], /results\.jsonl: holds a NUL byte/);
  });

  it('a JSON syntax error is placed by line and column', () => {
    const bad = join(dir, 'syntax.json');
    writeFileSync(bad, '{\n "faultline": "sweep",\n "version": 2,\n}\n');
    refused(cli('merge', bad), new RegExp(`${esc(bad)}: not valid JSON at line 4, column 1`));
    writeFileSync(bad, '{\n "a": 1,\n "b": }\n');
    refused(cli('replay', bad), new RegExp(`${esc(bad)}: not valid JSON at line 3, column 7: Unexpected token '}'`));
    expect(cli('replay', bad).err).not.toMatch(/position/);
  });
});

describe('nesting (defect class 10)', () => {
  it('a report, sweep.json or results.jsonl line nested thousands of levels deep is refused by place, not a stack overflow', () => {
    const deep = `{"a": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const report = join(dir, 'deep-report.json');
    writeFileSync(report, deep);
    refused(cli('replay', report), new RegExp(`${esc(report)}: not valid JSON at line 1, column 1007: nested more than 1000 levels deep`));
    const sweep = join(dir, 'deep-sweep.json');
    writeFileSync(sweep, deep);
    mergeRefused([sweep], /nested more than 1000 levels deep/);
    mergeRefused([logWith([deep])], /line 2: not valid JSON: .*nested more than 1000 levels deep/);
  });
});

describe('bless triples files (defect class 11)', () => {
  it('a cut, damaged or missing triples file exits 2 naming the field; --check never passes a file it could not read', () => {
    // These crashed with a SyntaxError or TypeError stack (exit 1), ran seed -1, or (a missing
    // file) printed "all 0 regression triples hold" and exited 0.
    const file = (text: string): string => {
      const f = join(dir, `triples-${++n}.json`);
      writeFileSync(f, text);
      return f;
    };
    const cut = file('{"triples": [');
    refused(cli('bless', '--check', '--file', cut), new RegExp(`${esc(cut)}: not valid JSON at line 1, column 14`));
    refused(cli('bless', '--check', '--file', file('{"triples": [{"seed": "x"}]}')), /not a triples file/, /triples\[0\]\.scenario: is missing/, /triples\[0\]\.seed: expected a number, got "x"/);
    refused(cli('bless', '--check', '--file', file('{"triples": [{"scenario": "heartbeat-crash", "seed": -1, "traceHash": "x"}], "extra": 1}')),
      /triples\[0\]\.seed: expected a non-negative integer, got "-1" \(as --seed requires\)/, /triples\[0\]\.traceHash: expected a trace hash of 16 hex digits/, /extra: unknown field/);
    refused(cli('bless', '--check', '--file', file('[]')), /\(root\): expected an object, got \[\]/);
    refused(cli('bless', '--check', '--file', file('{"triples": [{"scenario": "nope", "seed": 1, "traceHash": ""}]}')), /triples\[0\]\.scenario: "nope" is neither a catalogue scenario nor a file/);
    refused(cli('bless', '--check', '--file', join(dir, 'no-triples.json')), /no-triples\.json: no such file/);
    refused(cli('bless', '--check', '--seeds', '1..3'), /--seeds: goes with --add NAME/);
    const fresh = join(dir, 'fresh-triples.json');
    refused(cli('bless', '--add', 'nope', '--file', fresh), /^faultline: --add: "nope" is neither/);
    expect(existsSync(fresh)).toBe(false);
    expect(cli('bless', '--add', SCENARIO, '--seeds', '1..2', '--file', fresh).code).toBe(0);
    expect(cli('bless', '--check', '--file', fresh).out).toBe('all 2 regression triples hold\n');
    // These passed: an empty list ("all 0 regression triples hold", exit 0), and a triple listed twice (run and counted twice).
    const empty = file('{"comment": "", "triples": []}');
    refused(cli('bless', '--check', '--file', empty), new RegExp(`^faultline: ${esc(empty)}: holds no triples, so there is nothing to check; add some with \`faultline bless --file ${esc(empty)} --add NAME --seeds A\\.\\.B\``));
    refused(cli('bless', '--file', empty), /holds no triples, so there is nothing to bless/);
    const twice = file(`{"triples": [{"scenario": "${SCENARIO}", "seed": 1, "traceHash": ""}, {"scenario": "heartbeat-crash", "seed": 1, "traceHash": ""}, {"scenario": "${SCENARIO}", "seed": 1, "traceHash": ""}]}`);
    refused(cli('bless', '--check', '--file', twice), /not a triples file/, new RegExp(`triples\\[2\\]: ${esc(SCENARIO)} seed 1 is listed twice \\(also triples\\[0\\]\\); keep one`));
  });

  it('--add with --check exits 2 (it reported the added triples as changed, exit 1, and added none); a refused --add leaves no directory behind', () => {
    const file = join(dir, `check-add-${++n}.json`);
    writeFileSync(file, '{"triples": []}\n');
    refused(cli('bless', '--add', SCENARIO, '--seeds', '1..2', '--check', '--file', file), /--add: adds triples and writes the file, and --check never writes: give one or the other/);
    expect(readFileSync(file, 'utf8')).toBe('{"triples": []}\n');
    const deep = join(dir, `bless-dir-${++n}`);
    refused(cli('bless', '--add', SCENARIO, '--seeds', '1..20000', '--file', join(deep, 'more', 't.json')), /--seeds: 1\.\.20000 is 20000 seeds; a triples file holds at most 10000/);
    refused(cli('bless', '--add', SCENARIO, '--seeds', 'x', '--file', join(deep, 'more', 't.json')), /--seeds/);
    expect(existsSync(deep)).toBe(false);
  });
});

describe('knowledge files (defect class 9)', () => {
  const knowledge = { version: 1, runs: 1, actions: { crashed: { restart: { tries: 1, recovered: 1, ttrUsSum: 1000000 } } }, baselines: { 'canary.latency': { mean: 47840.3, variance: 9549951200.3, count: 19 } }, thresholds: {}, episodes: [{ cause: 'crashed', target: 2, action: 'restart', outcome: 'recovered', ttrUs: 1000000, atUs: 6400005, run: 0 }] };
  const withFile = (change: (k: typeof knowledge & Record<string, unknown>) => void): string => {
    const k = structuredClone(knowledge) as typeof knowledge & Record<string, unknown>;
    change(k);
    const file = join(dir, `k-${++n}.json`);
    writeFileSync(file, JSON.stringify(k));
    return file;
  };
  const run = (file: string): CliResult => cli('run', '--scenario', 'mapek-crash', '--knowledge', file, '--quiet');

  it('an unknown top-level key, an unknown baseline series and an episode target out of range exit 2 with the path', () => {
    refused(run(withFile((k) => { k.extra = 1; })), /is not a knowledge file/, /extra: unknown field/);
    refused(run(withFile((k) => { (k.baselines as Record<string, unknown>)['bogus.metric'] = { mean: 1, variance: 1, count: 1 }; })), /baselines\.bogus\.metric: unknown series/);
    refused(run(withFile((k) => { k.episodes[0].target = 999; })), /episodes\[0\]\.target: node 999 is not one the manager of mapek-crash looks after/);
    refused(run(withFile((k) => { k.episodes[0].outcome = 'maybe'; })), /episodes\[0\]\.outcome: expected/);
    refused(run(withFile((k) => { k.thresholds = { nope: 3 }; })), /thresholds\.nope: unknown series/);
  });

  // Both ran before: --knowledge on a manager that is off was never read, and --save-knowledge
  // without a manager ran the whole scenario to warn at the end that nothing was written.
  it('--knowledge and --save-knowledge on a scenario whose manager is off, or that has none, exit 2 before the run and write nothing', () => {
    const file = withFile(() => {});
    refused(cli('run', '--scenario', 'mapek-crash-without', '--knowledge', file, '--quiet'), /^faultline: --knowledge: scenario mapek-crash-without turns its manager off \(manager\.enabled: false\), so no manager would read the file; use a scenario with the manager on, or drop --knowledge\n$/);
    const saved = join(dir, 'saved-k', 'k.json');
    refused(cli('run', '--scenario', 'mapek-crash-without', '--save-knowledge', saved, '--quiet'), /^faultline: --save-knowledge: scenario mapek-crash-without turns its manager off .*so no manager learns anything to save/);
    refused(cli('run', '--scenario', 'raft-kv-basic', '--save-knowledge', saved, '--quiet'), /^faultline: --save-knowledge: scenario raft-kv-basic has no manager \(workload raft-kv\), so no manager learns anything to save; use a mapek scenario, or drop --save-knowledge/);
    expect(existsSync(join(dir, 'saved-k'))).toBe(false);
  });

  it('a valid file (with a BOM, too) still loads, and a report of a run with --knowledge replays bit for bit', () => {
    const file = withFile(() => {});
    writeFileSync(file, `\ufeff${readFileSync(file, 'utf8')}`);
    const out = join(dir, 'kr');
    const r = cli('run', '--scenario', 'mapek-crash', '--knowledge', file, '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    const replayed = cli('replay', join(out, 'report.json'));
    expect(replayed.out).toMatch(/REPRODUCED/);
    expect(replayed.out).toContain(`--knowledge ${file}`);
  });
});

/** The scenario `text`, written to a file of its own, is refused (see support/hostile.ts). */
function scenarioRefused(text: string, ...patterns: RegExp[]): void {
  const file = join(dir, `scenario-${++n}.yaml`);
  writeFileSync(file, text);
  shared(file, join(dir, `scenario-out-${n}`), ...patterns);
}

const HEAD = SCENARIO_HEAD;

describe('YAML scenario files hold one document of plain values (defect class 17)', () => {
  it('a tag the YAML reader cannot resolve exits 2 naming its place (it printed a YAMLWarning and ran the file, exit 0)', () => {
    scenarioRefused('name: hostile\ndescription: !custom x\nworkload: heartbeat\ntopology: { nodes: 3 }\nduration: !!float 5s\n',
      /line 2, column 14: the tag !custom is not one faultline reads: a scenario holds plain YAML values.*; remove the tag/,
      /line 5, column 11: the tag !!float does not fit the value it is on/);
    scenarioRefused(`${HEAD}duration: 5s\nliveness: { within: !!binary aGVsbG8= }\n`, /line 6, column 21: the tag !!binary is not one faultline reads/);
  });

  it('a second document or a merge key exits 2 with the fix (it named the reader\'s parseAllDocuments(), or called << an unknown field)', () => {
    scenarioRefused(`${HEAD}duration: 5s\n---\nname: other\n`, /line 6, column 1: a second YAML document starts here \(after a `---` line\); a scenario file holds one document/);
    scenarioRefused(`${HEAD}duration: 5s\nfaults:\n  - &x { at: 1s, kind: pause, node: 1, duration: 1s }\n  - { <<: *x, at: 2s }\n`, /line 8, column 7: a merge key \(<<\) is not YAML 1\.2/);
  });
});

describe('--metrics-out records a bounded number of scrapes (defect class 18)', () => {
  it('a --scrape-interval that would record more than 50,000 node scrapes exits 2 before the run, naming the interval that fits', async () => {
    // A 60 s run at 1ms ran for 6 minutes, grew to 3.8 GB and then could not write the file.
    const file = join(dir, `metrics-${++n}.txt`);
    const r = await cliAsync(process.cwd(), 'run', '--scenario', SCENARIO, '--metrics-out', file, '--scrape-interval', '1ms');
    refused(r, /^faultline: --scrape-interval: every 1ms over this 10s run is 10,001 scrapes of 5 nodes \(50,005 node scrapes\); --metrics-out records at most 50,000 \(about 400 MB\): use --scrape-interval 2ms or longer$/m);
    expect(existsSync(file)).toBe(false);
    expect((await cliAsync(process.cwd(), 'run', '--scenario', SCENARIO, '--metrics-out', file, '--scrape-interval', '100ms', '--quiet')).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# EOF$/m);
  });
});

describe('a --workload module\'s hooks return what they promise (defect class 19)', () => {
  const module = 'test/fixtures/workloads/garbage.ts';
  const scenario = (give: string): string => {
    const file = join(dir, `garbage-${give}-${++n}.yaml`);
    writeFileSync(file, `name: garbage\ndescription: x\nworkload: garbage\ntopology: { nodes: 3 }\nduration: 1s\nliveness: { within: 100ms }\ngarbage: { give: ${give} }\n`);
    return file;
  };

  it.each([
    // Each was a TypeError or a "simulator crashed" stack (exit 1), a run of nodes with no
    // start() reported as their violations (exit 1), or, with --json or --out, a "Do not know
    // how to serialize a BigInt" stack after the run.
    ['validate-object', /^faultline: workload garbage: validate\(\) returned an object with path, message: expected an array of problems, each \{ path: string, message: string \}/],
    ['nodes-null', /^faultline: workload garbage: nodes\(\) returned null: expected an array of node specs \{ role: string, factory: \(id\) => Process \}, one for each of the topology's 3 nodes at least/],
    ['nodes-none', /^faultline: workload garbage: nodes\(\) returned 0 node specs, but the scenario's topology has 3 nodes \(faults address nodes 0\.\.2\): return a spec for each of them at least/],
    ['factory-null', /^faultline: workload garbage: the process factory of node 0 returned null: expected a Process: an object with methods start, onMessage, onTimer/],
    ['factory-empty', /^faultline: workload garbage: the process factory of node 0 returned an object without start, onMessage, onTimer: expected a Process/],
    ['install-null', /^faultline: workload garbage: install\(\) returned null: expected an object \{ finish\?\(\)/],
    ['finish-bigint', /^faultline: workload garbage: finish\(\) returned an object whose count is 10n \(a bigint\): expected the run's stats: an object of strings and finite numbers/],
    ['finish-string', /^faultline: workload garbage: finish\(\) returned "done": expected the run's stats/],
  ])('%s: run --json --out exits 2 naming the hook and what it should return, and writes nothing', async (give, pattern) => {
    const out = join(dir, `garbage-out-${++n}`);
    const r = await cliAsync(process.cwd(), 'run', '--workload', module, '--scenario', scenario(give), '--json', '--out', out);
    refused(r, pattern);
    expect(r.err).not.toMatch(/crashed|stack follows/);
    expect(existsSync(out)).toBe(false);
  });

  it('hooks that keep their promises still run', async () => {
    const r = await cliAsync(process.cwd(), 'run', '--workload', module, '--scenario', scenario('nothing-wrong'), '--quiet');
    expect(r.code, r.err).toBe(0);
  });
});

describe('a scenario\'s client mix can be drawn from (defect class 20)', () => {
  const kv = 'name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\n';
  it('every weight 0, or weights that add up to Infinity, exit 2 naming clients.mix (every draw was a get: the run never wrote and failed liveness, exit 1)', () => {
    scenarioRefused(`${kv}clients: { mix: { get: 0, put: 0, append: 0, cas: 0, delete: 0 } }\n`, /^ {2}clients\.mix: every weight is 0, so a client could draw no operation: give at least one of get, put, append, cas, delete a weight above 0/m);
    scenarioRefused(`${kv}clients: { mix: { get: 1e308, put: 1e308 } }\n`, /^ {2}clients\.mix: the weights add up to more than a number can hold; they are proportions/m);
  });
});

describe('a swarm range given as text is judged as given (defect class 21)', () => {
  const swarm = (count: string): string => `name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 20s\nswarm: { kinds: [crash], count: "${count}", window: [1s, 2s], duration: 1s..2s }\n`;
  it.each([
    ['1.5..3', /^ {2}swarm\.count\[0\]: expected a whole number of faults$/m],
    ['-1..2', /^ {2}swarm\.count\[0\]: must be 0 or more$/m],
    ['0x2..3', /^ {2}swarm\.count\[0\]: expected a whole number of faults, got "0x2"$/m],
    ['..', /^ {2}swarm\.count\[0\]: expected a whole number of faults, got ""$/m],
  ])('count "%s" exits 2 saying what is wrong with it (it said "is required: add it (a number)" of a value the file gives)', (count, pattern) => {
    scenarioRefused(swarm(count), pattern);
    const r = cli('run', '--scenario', join(dir, `scenario-${n}.yaml`));
    expect(r.err).not.toMatch(/is required/);
  });
});

describe('a sweep refused before any seed finished leaves nothing behind (defect class 22)', () => {
  it('a --workload whose nodes() returns null: sweep --out exits 2, in one thread and in workers, and leaves no directory (it left a sweep.json of 0 results and a results.jsonl header)', async () => {
    const scenario = join(dir, `garbage-sweep-${++n}.yaml`);
    writeFileSync(scenario, 'name: garbage\ndescription: x\nworkload: garbage\ntopology: { nodes: 3 }\nduration: 1s\nliveness: { within: 100ms }\ngarbage: { give: nodes-null }\n');
    for (const jobs of ['1', '2']) {
      const out = join(dir, `garbage-sweep-out-${++n}`);
      const r = await cliAsync(process.cwd(), 'sweep', '--workload', 'test/fixtures/workloads/garbage.ts', '--scenario', scenario, '--seeds', '1..4', '--jobs', jobs, '--out', join(out, 'deeper'));
      refused(r, /^faultline: workload garbage: nodes\(\) returned null/);
      expect(existsSync(out), `--jobs ${jobs}`).toBe(false);
    }
  });
});

describe('manager settings the manager asserts are checked by path (defect class 23)', () => {
  const mapek = (manager: string): string => `name: hostile\ndescription: x\nworkload: mapek\ntopology: { nodes: 3, spares: 1 }\nduration: 10s\nmanager: ${manager}\n`;
  it('manager.interval under 1ms, and a lease renewed less than twice per lease, exit 2 (a "simulator crashed" stack, exit 1; or a renew of 0 that ran 6 million events)', () => {
    scenarioRefused(mapek('{ interval: 0s }'), /^ {2}manager\.interval: must be at least 1ms \(got 0s\): the manager's loop runs once per interval$/m);
    scenarioRefused(mapek('{ lease: { renew: 0s } }'), /^ {2}manager\.lease\.renew: must be above 0 and at most half of lease\.duration \(0s with a lease of 1500ms\)/m);
    scenarioRefused(mapek('{ instances: 2, lease: { duration: 1s, renew: 600ms } }'), /^ {2}manager\.lease\.renew: must be above 0 and at most half of lease\.duration \(600ms with a lease of 1s\)/m);
  });
});

describe('gateway settings the gateway asserts are checked by path (defect class 24)', () => {
  const load = (gateway: string): string => `name: hostile\ndescription: x\nworkload: load-kv\ntopology: { nodes: 3 }\nduration: 4s\nload: { rate: 100, start: 500ms, phases: [ { name: p, duration: 1s } ] }\ngateway: ${gateway}\n`;
  it.each([
    // A "simulator crashed" stack (exit 1).
    ['{ healthInterval: 0s }', /^ {2}gateway\.healthInterval: must be at least 1ms \(got 0s\)/m],
    ['{ timeout: 0s }', /^ {2}gateway\.timeout: must be longer than 0/m],
    // The gateway node threw at start or on every request: a process-threw violation, exit 1.
    ['{ retry: { budget: { enabled: true, ttl: 0s } } }', /^ {2}gateway\.retry\.budget\.ttl: must be at least 1ms \(got 0s\)/m],
    ['{ rateLimit: { enabled: true, burst: 0.5 } }', /^ {2}gateway\.rateLimit\.burst: must be at least 1 \(got 0\.5\): a request takes one token/m],
    // Silently capped: every backoff was max.
    ['{ retry: { backoff: { initial: 1s, max: 10ms } } }', /^ {2}gateway\.retry\.backoff\.initial: is above max \(1s > 10ms\)/m],
  ])('gateway %s exits 2 naming the field', (gateway, pattern) => {
    scenarioRefused(load(gateway), pattern);
  });
});

describe('load phases a scenario could never judge are refused before the run (defect class 25)', () => {
  const load = (section: string): string => `name: hostile\ndescription: x\nworkload: load-kv\ntopology: { nodes: 3 }\nduration: 4s\nload: ${section}\n`;
  it.each([
    // Ran, then exit 3 (inconclusive) at the end.
    ['{ phases: [ { name: p, duration: 1s } ], expect: { nope: { p99MsMax: 1 } } }', /^ {2}load\.expect\.nope: names phase "nope", which load\.phases does not have \(p\), so its promises could never be checked/m],
    // Ran, then exit 1 (a load-phases violation) at the end.
    ['{ start: 500ms, phases: [ { name: p, duration: 10s } ] }', /^ {2}load\.phases: end at 10500ms \(load\.start plus every phase's duration\), after the run \(duration 4s\)/m],
    // Silently accepted: load.expect.p could only mean one of them.
    ['{ phases: [ { name: p, duration: 1s }, { name: p, duration: 1s } ] }', /^ {2}load\.phases\[1\]\.name: another phase is named "p" too/m],
    // Every request timed out at once, and the run passed.
    ['{ timeout: 0s, phases: [ { name: p, duration: 1s } ] }', /^ {2}load\.timeout: must be longer than 0/m],
  ])('load %s exits 2 naming the field, and nothing runs', (section, pattern) => {
    scenarioRefused(load(section), pattern);
  });
});

describe('clients that would never issue an operation are refused (defect class 26)', () => {
  it('clients.quiesce as long as the run exits 2 naming it, for raft-kv and mapek (it ran and reported liveness inconclusive at "-5s", exit 3)', () => {
    scenarioRefused('name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\nclients: { quiesce: 10s }\n',
      /^ {2}clients\.quiesce: is 10s, at least the run's duration \(5s\): the clients stop issuing operations this long before the end, so they would issue none/m);
    scenarioRefused('name: hostile\ndescription: x\nworkload: mapek\ntopology: { nodes: 3, spares: 1 }\nduration: 5s\nclients: { quiesce: 5s }\n', /^ {2}clients\.quiesce: is 5s, at least the run's duration \(5s\)/m);
  });
});

describe('telemetry outputs never replace what is not a regular file (defect class 27)', () => {
  it('--metrics-out, --traces-out, --logs-out and --history-out on a FIFO exit 2 and leave it a FIFO (each was replaced by a regular file, and so was a character device; as root, --metrics-out /dev/null would replace /dev/null)', async () => {
    const fifo = join(dir, `fifo-${++n}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const flag of ['--metrics-out', '--traces-out', '--logs-out', '--history-out']) {
      // --history-out needs key-value clients (a heartbeat run is refused for having none).
      const r = await cliAsync(process.cwd(), 'run', '--scenario', flag === '--history-out' ? 'raft-kv-basic' : SCENARIO, flag, fifo, '--quiet');
      refused(r, new RegExp(`^faultline: ${flag} ${esc(fifo)}: exists and is not a regular file \\(a device, a FIFO or a socket\\); the file is written whole and renamed into place, which would replace it`));
      expect(lstatSync(fifo).isFIFO(), flag).toBe(true);
    }
  });
});

describe('an --out directory whose file names are taken by something else (defect class 28)', () => {
  it('run, sweep and merge exit 2 before any work when a file they write in --out is a directory or a FIFO (a run ended in an EISDIR stack with report.json half written; a FIFO held run and sweep forever)', () => {
    const taken = (name: string, kind: 'dir' | 'fifo'): string => {
      const d = join(dir, `taken-${++n}`);
      mkdirSync(d);
      if (kind === 'dir') mkdirSync(join(d, name));
      else expect(spawnSync('mkfifo', [join(d, name)]).status).toBe(0);
      return d;
    };
    const says = (d: string, name: string, what: RegExp): RegExp => new RegExp(`^faultline: --out ${esc(d)}: ${esc(join(d, name))} ${what.source}, and the command writes a file of that name there: remove it, or give --out another directory`);
    let d = taken('trace.jsonl', 'dir');
    refused(cli('run', '--scenario', SCENARIO, '--out', d), says(d, 'trace.jsonl', /is a directory/));
    expect(existsSync(join(d, 'report.json'))).toBe(false);
    d = taken('report.json', 'fifo');
    refused(cli('run', '--scenario', SCENARIO, '--out', d), says(d, 'report.json', /exists and is not a regular file \(a device, a FIFO or a socket\)/));
    d = taken('results.jsonl', 'fifo');
    refused(cli('sweep', '--scenario', SCENARIO, '--seeds', '1..2', '--jobs', '1', '--out', d), says(d, 'results.jsonl', /exists and is not a regular file \(a device, a FIFO or a socket\)/));
    d = taken('junit.xml', 'fifo');
    refused(cli('merge', sweepDir, '--out', d), says(d, 'junit.xml', /exists and is not a regular file \(a device, a FIFO or a socket\)/));
    expect(existsSync(join(d, 'sweep.json'))).toBe(false);
  });
});

describe('files read whole are regular files (defect class 29)', () => {
  it('a FIFO or /dev/zero as --knowledge, a merge input, a sweep directory\'s sweep.json or a triples file exits 2 naming it (each read forever)', () => {
    const fifo = join(dir, `fifo-in-${++n}`);
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const inside = join(dir, `fifo-dir-${++n}`);
    mkdirSync(inside);
    expect(spawnSync('mkfifo', [join(inside, 'sweep.json')]).status).toBe(0);
    const not = (file: string): RegExp => new RegExp(`cannot read ${esc(file)}: it is not a regular file \\(a FIFO, a device or a socket\\); name a file`);
    refused(cli('run', '--scenario', 'mapek-crash', '--knowledge', fifo), /^faultline: --knowledge: /, not(fifo));
    refused(cli('run', '--scenario', 'mapek-crash', '--knowledge', '/dev/zero'), not('/dev/zero'));
    mergeRefused([fifo], not(fifo));
    mergeRefused([inside], not(join(inside, 'sweep.json')));
    refused(cli('replay', `${inside}#seed=1`), not(join(inside, 'sweep.json')));
    refused(cli('bless', '--check', '--file', fifo), not(fifo));
  });
});
