// Goal: sweeps are deterministic and complete: per-seed results do not depend on --jobs or
// --shard, shards merge back into the full sweep, junit.xml is well-formed and lists the
// failures, a worker that dies is replaced and its seed re-run once (a seed that kills two
// names itself instead of hanging), sweep.json holds partial results while a sweep runs,
// and bad flags exit 2.
// Method: run the CLI in-process on a short swarm scenario whose seed 141 fails (a
// byzantine corrupter plus a bandwidth cap), compare the written sweep.json files field by
// field (wallMs aside), and drive the worker pool directly with a test-only crash seed.
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cli } from './cliHarness.ts';
import { describe, expect, it } from 'vitest';
import { loadScenarioRef } from '../cli/scenarioRef.ts';
import { shardSeeds } from '../cli/seedRange.ts';
import { deterministicPart } from '../cli/seedResult.ts';
import type { SweepFile } from '../cli/sweepFile.ts';
import { runPool, SweepError } from '../cli/sweepPool.ts';
import { runSweep } from '../cli/sweep.ts';
import { runSeed } from '../cli/seedResult.ts';

const SWARM = 'test/regression/heartbeat-swarm.yaml';
const FAILING_SEED = 141;


/** Sweeps into `dir`; the exit code must say whether the failing seed was in the sweep. */
function sweepTo(dir: string, ...flags: string[]): SweepFile {
  const r = cli('sweep', '--scenario', SWARM, '--out', dir, '--json', ...flags);
  expect(r.err).toBe('');
  const json = JSON.parse(r.out) as SweepFile;
  expect(r.code).toBe(json.results.some((x) => x.seed === FAILING_SEED) ? 1 : 0);
  return JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepFile;
}

const same = (f: SweepFile): unknown => f.results.map(deterministicPart);

/** A minimal XML well-formedness check: balanced tags, quoted attributes, escaped text. */
function assertWellFormed(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const stack: string[] = [];
  const body = xml.slice(xml.indexOf('?>') + 2);
  const tag = /<(\/?)([A-Za-z][\w-]*)((?:\s+[\w-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    const text = body.slice(last, m.index);
    expect(text).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
    last = tag.lastIndex;
    if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
    else if (m[4] !== '/') stack.push(m[2]);
  }
  expect(body.slice(last).trim()).toBe('');
  expect(stack).toEqual([]);
}

describe('faultline sweep', () => {
  it('gives identical per-seed results with --jobs 1 and --jobs 2, and flags the failing seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-sweep-'));
    const one = sweepTo(join(dir, 'j1'), '--seeds', '134..149', '--jobs', '1');
    const two = sweepTo(join(dir, 'j2'), '--seeds', '134..149', '--jobs', '2');
    expect(one.results.map((r) => r.seed)).toEqual(Array.from({ length: 16 }, (_, i) => 134 + i));
    expect(same(two)).toEqual(same(one));
    const failed = one.results.filter((r) => r.violationCount > 0).map((r) => r.seed);
    expect(failed).toEqual([FAILING_SEED]);
    for (const r of one.results) expect(r.traceHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('shards 1/2 and 2/2 are disjoint and merge into the full sweep', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-shard-'));
    const full = sweepTo(join(dir, 'full'), '--seeds', '134..145', '--jobs', '1');
    const a = sweepTo(join(dir, 'a'), '--seeds', '134..145', '--shard', '1/2', '--jobs', '2');
    const b = sweepTo(join(dir, 'b'), '--seeds', '134..145', '--shard', '2/2', '--jobs', '1');
    expect(a.results.map((r) => r.seed)).toEqual([134, 136, 138, 140, 142, 144]);
    expect(b.results.map((r) => r.seed)).toEqual([135, 137, 139, 141, 143, 145]);
    const merged = cli('merge', join(dir, 'a'), join(dir, 'b'), '--out', join(dir, 'm'));
    expect(merged.code).toBe(1);
    expect(merged.out).toMatch(/11 passed, 1 failed, 0 inconclusive of 12 seeds/);
    expect(merged.out).toMatch(new RegExp(`seed ${FAILING_SEED} failed: \\[fd-accuracy\\]`));
    const m = JSON.parse(readFileSync(join(dir, 'm', 'sweep.json'), 'utf8')) as SweepFile;
    expect(same(m)).toEqual(same(full));
    expect(m.shards).toEqual(['1/2', '2/2']);
    expect(cli('merge', join(dir, 'a'), join(dir, 'nowhere')).code).toBe(2);
  });

  it('writes well-formed junit.xml with one testcase per seed and the failure with its replay', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-junit-'));
    sweepTo(dir, '--seeds', '139..142', '--jobs', '1');
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    assertWellFormed(xml);
    expect(xml).toMatch(/<testsuites name="faultline sweep heartbeat-swarm" tests="4" failures="1"/);
    expect(xml.match(/<testcase /g)?.length).toBe(4);
    const failing = xml.slice(xml.indexOf(`name="seed ${FAILING_SEED}"`));
    expect(failing).toMatch(/^[^]*?<failure type="fd-accuracy" message="\[fd-accuracy\] node \d still suspects/);
    expect(failing).toMatch(new RegExp(`replay: npx faultline run --scenario ${SWARM} --seed ${FAILING_SEED}`));
  });

  it('the human summary lists every failing seed with its replay commands', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-human-'));
    const r = cli('sweep', '--scenario', SWARM, '--seeds', '140..141', '--jobs', '1', '--out', dir);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}1 passed, 1 failed, 0 inconclusive of 2 seeds/);
    expect(r.out).toMatch(/seeds\/min · [\d,]+ events\/s/);
    expect(r.out).toMatch(/slowest: seed 14[01] \(\d+ ms\)/);
    expect(r.out).toContain(`replay: npx faultline run --scenario ${SWARM} --seed ${FAILING_SEED}`);
    expect(r.out).toContain(`npx faultline replay ${relative(process.cwd(), join(dir, 'sweep.json'))}#seed=${FAILING_SEED}`);
    // One seed is one seed, not "1 seeds".
    expect(cli('sweep', '--scenario', SWARM, '--seeds', '140', '--jobs', '1').out).toMatch(/PASS {2}1 passed, 0 failed, 0 inconclusive of 1 seed in /);
  });

  it('a worker that dies is replaced and its seed runs again once, with the result of a run in this thread', () => {
    const { scenario } = loadScenarioRef('heartbeat-crash');
    const retries: { seed: number; why: string }[] = [];
    // Both one-seed batches go to the single worker before the calling thread takes any.
    const results = runPool({ scenario, seeds: [3, 4], jobs: 2, seedTimeoutMs: 30_000, crashAtSeed: 4, onRetry: (seed, why) => retries.push({ seed, why }) });
    expect(retries).toEqual([{ seed: 4, why: 'sweep worker 1 exited unexpectedly (exit code 70) while running seed 4; the seed ran again in a fresh worker' }]);
    expect(results.map(deterministicPart)).toEqual([3, 4].map((seed) => deterministicPart(runSeed(scenario, seed))));
  });

  it('a seed that kills a worker twice raises an error naming it, without hanging', () => {
    const { scenario } = loadScenarioRef('heartbeat-crash');
    expect(() => runPool({ scenario, seeds: [3, 4], jobs: 2, seedTimeoutMs: 30_000, crashAtSeed: 4, crashEveryWorker: true }))
      .toThrow(new SweepError('sweep worker 1 exited unexpectedly (exit code 70) (the second worker to die on this seed: it is not run again) while running seed 4'));
  });

  it('sweep.json holds the seeds finished so far while the sweep runs, marked partial', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-partial-json-'));
    const loaded = loadScenarioRef('heartbeat-idle');
    // Rewrites after every seed (partialWriteMs 0): the last rewrite holds two of the three.
    const file = runSweep({ loaded, seeds: [1, 2, 3], range: '1..3', shard: null, jobs: 1, seedTimeoutMs: 30_000, out: { dir, shown: dir }, partialWriteMs: 0 });
    const partial = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepFile;
    expect(partial.partial).toEqual({ logged: 2, expected: 3 });
    expect(partial.results.map(deterministicPart)).toEqual(file.results.slice(0, 2).map(deterministicPart));
    expect(file.partial).toBeUndefined();
  });

  it('--fail-fast stops at the first failing seed, with one job or two, and still reports the lowest one', () => {
    for (const jobs of ['1', '2']) {
      const r = cli('sweep', '--scenario', SWARM, '--seeds', `${FAILING_SEED - 2}..${FAILING_SEED + 40}`, '--jobs', jobs, '--fail-fast');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/stopped at the first failing seed \(--fail-fast\) after \d+ of 43 seeds/);
      const ran = Number(/after (\d+) of 43/.exec(r.out)?.[1]);
      expect(ran).toBeGreaterThanOrEqual(3);
      expect(ran).toBeLessThanOrEqual(jobs === '1' ? 3 : 6);
      expect(r.out).toContain(`seed ${FAILING_SEED} failed`);
    }
  });

  it('shards partition any seed range exactly', () => {
    fc.assert(fc.property(fc.nat(1000), fc.nat(300), fc.integer({ min: 1, max: 12 }), (first, len, n) => {
      const range = { first, last: first + len };
      const all = Array.from({ length: n }, (_, i) => shardSeeds(range, { index: i + 1, count: n })).flat().sort((a, b) => a - b);
      expect(all).toEqual(shardSeeds(range, null));
    }), { numRuns: 200 });
  });

  it('bad sweep flags exit 2 with a message naming the flag', () => {
    expect(cli('sweep', '--jobs', '0').err).toMatch(/--jobs: expected an integer from 1/);
    expect(cli('sweep', '--shard', '3/2').err).toMatch(/--shard: need 1 <= i <= n/);
    expect(cli('sweep', '--seeds', '9..3').err).toMatch(/--seeds: the range 9\.\.3 is empty/);
    expect(cli('sweep', '--seeds', '1..1', '--shard', '2/2').code).toBe(2);
    expect(cli('merge').code).toBe(2);
  });
});
