// `faultline sweep`: one scenario, many seeds, in parallel on worker threads.
//
// Contract: the per-seed results depend only on (scenario, seed, version), never on
// --jobs, --shard or timing; they are sorted by seed. --jobs counts threads: with 1 the
// seeds run in this thread; with N, in this thread and N - 1 worker threads (sweepPool.ts). Exit 0 when every seed passed, 1
// when any failed or a worker crashed (the message names the seed), 2 for bad input.
import { availableParallelism } from 'node:os';
import { relative } from 'node:path';
import { parseCount, parseFlags, UsageError } from './args.ts';
import { DEFAULT_SCENARIO } from './catalog.ts';
import type { Io } from './main.ts';
import { Progress } from './progress.ts';
import { loadScenarioRef, runCommand, type ScenarioRef } from './scenarioRef.ts';
import { formatRange, parseSeedRange, parseShard, shardSeeds, type SeedRange, type Shard } from './seedRange.ts';
import { runSeed, type SeedResult } from './seedResult.ts';
import { SWEEP_FORMAT_VERSION, type SweepFile } from './sweepFile.ts';
import { JOBS_MAX, runPool, SweepError } from './sweepPool.ts';
import { humanSummary, jsonSummary, summarize, writeSweepOutputs } from './sweepReport.ts';
import { wallNowMs } from './wallclock.ts';
import { WORKLOAD_FLAG, withWorkloads, workloadPaths } from './workloadFlag.ts';
import { userModuleUrls } from '../sim/workloads/registry.ts';

export interface SweepOptions {
  loaded: ScenarioRef;
  seeds: readonly number[];
  range: string;
  shard: Shard | null;
  jobs: number;
  seedTimeoutMs: number;
  onResult?: (r: SeedResult) => void;
}

/** Runs the sweep and returns its results file (not yet written). */
export function runSweep(o: SweepOptions): SweepFile {
  const t0 = wallNowMs();
  let results: SeedResult[];
  if (o.jobs === 1) {
    results = o.seeds.map((seed) => {
      const r = runSeed(o.loaded.scenario, seed);
      o.onResult?.(r);
      return r;
    });
  } else {
    results = runPool({ scenario: o.loaded.scenario, workloadModules: userModuleUrls(), seeds: o.seeds, jobs: o.jobs, seedTimeoutMs: o.seedTimeoutMs, onResult: o.onResult });
  }
  return {
    faultline: 'sweep',
    version: SWEEP_FORMAT_VERSION,
    scenario: o.loaded.scenario.name,
    scenarioRef: o.loaded.ref,
    scenarioFileName: o.loaded.fileName,
    scenarioText: o.loaded.text,
    ...(o.loaded.workloads.length === 0 ? {} : { workloads: o.loaded.workloads }),
    seeds: o.range,
    shards: [o.shard === null ? '1/1' : `${o.shard.index}/${o.shard.count}`],
    jobs: o.jobs,
    wallMs: Math.round((wallNowMs() - t0) * 10) / 10,
    results,
  };
}

export function cmdSweep(argv: string[], io: Io): number | Promise<number> {
  const { values: v } = parseFlags(argv, 'sweep', {
    ...WORKLOAD_FLAG,
    scenario: { type: 'string', short: 's' },
    seeds: { type: 'string' },
    jobs: { type: 'string', short: 'j' },
    shard: { type: 'string' },
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    timeout: { type: 'string' },
  });
  const range = parseSeedRange(typeof v.seeds === 'string' ? v.seeds : '1..100');
  const shard = typeof v.shard === 'string' ? parseShard(v.shard) : null;
  const jobs = typeof v.jobs === 'string' ? parseCount(v.jobs, '--jobs', JOBS_MAX) : Math.max(1, Math.min(JOBS_MAX, availableParallelism()));
  const seedTimeoutMs = 1000 * (typeof v.timeout === 'string' ? parseCount(v.timeout, '--timeout', 86_400) : 600);
  const workloads = workloadPaths(v.workload);
  return withWorkloads(workloads, io.cwd, () => sweepOnce(v, { range, shard, jobs, seedTimeoutMs, workloads }, io));
}

function sweepOnce(v: Record<string, unknown>, o: { range: SeedRange; shard: Shard | null; jobs: number; seedTimeoutMs: number; workloads: string[] }, io: Io): number {
  const { range, shard, jobs, seedTimeoutMs } = o;
  const loaded = loadScenarioRef(typeof v.scenario === 'string' ? v.scenario : DEFAULT_SCENARIO, o.workloads);
  const seeds = shardSeeds(range, shard);
  if (seeds.length === 0) throw new UsageError(`--shard ${v.shard as string} holds no seeds of ${formatRange(range)}`);
  const progress = v.json !== true && v.quiet !== true && io.errIsTty ? new Progress(io.err) : null;
  let done = 0;
  let failed = 0;
  let file: SweepFile;
  try {
    file = runSweep({
      loaded, seeds, range: formatRange(range), shard, jobs, seedTimeoutMs,
      onResult: (r) => {
        done++;
        if (r.violationCount > 0) failed++;
        progress?.update(done / seeds.length, `${done}/${seeds.length} seeds · ${failed} failed`);
      },
    });
  } catch (e) {
    progress?.clear();
    if (!(e instanceof SweepError)) throw e;
    io.err(`faultline: ${e.message}\n  reproduce it in one process: ${runCommand(loaded, '<the seed above>')}\n`);
    return 1;
  }
  progress?.clear();
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (out !== undefined) writeSweepOutputs(file, out);
  const sum = summarize(file.results, file.wallMs);
  const shardText = shard === null ? '' : ` · shard ${shard.index}/${shard.count} (${seeds.length} seeds)`;
  if (v.json === true) io.out(jsonSummary(file, sum));
  else io.out(humanSummary(`faultline sweep ${file.scenario} · seeds ${file.seeds}${shardText} · ${jobs} job${jobs === 1 ? '' : 's'}`, file, sum, out === undefined ? undefined : relative(io.cwd, out) || '.'));
  return sum.failed === 0 ? 0 : 1;
}
