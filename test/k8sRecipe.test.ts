// Goal: the Kubernetes Indexed Job recipe (docs/performance.md, docs/k8s/sweep-job.yaml)
// works as documented: each pod's index becomes its own shard, and merging the shard
// outputs gives exactly the unsharded sweep.
// Method: read the Job manifest (an Indexed Job whose pods run scripts/k8sShard.sh with
// the variables the script needs); run the script once per completion index with the
// environment Kubernetes and the manifest give a pod (a small seed range, a short
// scenario); merge the shard directories with the CLI and compare with one sweep.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../cli/catalog.ts';
import { deterministicPart } from '../cli/seedResult.ts';
import type { SweepFile } from '../cli/sweepFile.ts';
import { cli } from './cliHarness.ts';

const dir = mkdtempSync(join(tmpdir(), 'fl-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Container {
  command: string[];
  env: { name: string; value: string }[];
}

describe('the Kubernetes Indexed Job recipe', () => {
  it('the manifest is an Indexed Job whose pods run the shard script with every variable it needs', () => {
    const job = parse(readFileSync(join(PACKAGE_ROOT, 'docs/k8s/sweep-job.yaml'), 'utf8'));
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    const c = job.spec.template.spec.containers[0] as Container;
    expect(c.command).toEqual(['sh', 'scripts/k8sShard.sh']);
    const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
    expect(Number(env.SHARDS)).toBe(job.spec.completions);
    expect(Object.keys(env).sort()).toEqual(['RESULTS', 'SCENARIO', 'SEEDS', 'SHARDS']);
  });

  it('each index sweeps its own shard, and the merged shards equal one unsharded sweep', () => {
    const shards = 3;
    for (let index = 0; index < shards; index++) {
      const r = spawnSync('sh', [join(PACKAGE_ROOT, 'scripts/k8sShard.sh')], {
        cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000,
        env: { ...process.env, JOB_COMPLETION_INDEX: String(index), SHARDS: String(shards), SCENARIO: 'heartbeat-idle', SEEDS: '1..7', RESULTS: dir },
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    const merged = cli('merge', ...Array.from({ length: shards }, (_, i) => join(dir, `shard-${i}`)), '--json');
    expect(merged.code).toBe(0);
    const whole = cli('sweep', '--scenario', 'heartbeat-idle', '--seeds', '1..7', '--jobs', '1', '--json');
    const seeds = (f: SweepFile): unknown => f.results.map(deterministicPart);
    expect(seeds(JSON.parse(merged.out) as SweepFile)).toEqual(seeds(JSON.parse(whole.out) as SweepFile));
    expect((JSON.parse(merged.out) as SweepFile).results.map((r) => r.seed)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  }, 120_000);

  it('a pod without its index is refused with exit 2, naming the variable', () => {
    const r = spawnSync('sh', [join(PACKAGE_ROOT, 'scripts/k8sShard.sh')], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 10_000, env: { PATH: process.env.PATH ?? '' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/JOB_COMPLETION_INDEX is not set/);
  });
});
