// `faultline sweep`: one scenario, many seeds, in parallel on worker threads.
//
// Contract: the per-seed results depend only on (scenario, seed, version), never on
// --jobs, --shard or timing; they are sorted by seed. --jobs counts threads: with 1 the
// seeds run in this thread; with N, in this thread and N - 1 worker threads (sweepPool.ts).
// Exit 0 when every seed passed, 1 when any failed or a worker crashed (the message names
// the seed), 2 for bad input, 3 when none failed but some were inconclusive (0 with
// --allow-inconclusive).
import { availableParallelism } from 'node:os';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseCount, parseEventsMax, parseFlags, parseWallLimit, UsageError } from './args.ts';
import { DEFAULT_SCENARIO } from './catalog.ts';
import { prepareOutDir, refuseSharedPaths } from './outPath.ts';
import { anyCut, boundedViolations, pointerTo, seedViolationsFile, VIOLATIONS_DIR, writeWholeText } from './explanations.ts';
import type { Io } from './main.ts';
import { Progress } from './progress.ts';
import { loadScenarioRef, runCommand, type ScenarioRef } from './scenarioRef.ts';
import { formatRange, parseSeedRange, parseShard, shardSeeds, type SeedRange, type Shard } from './seedRange.ts';
import { runSeed, type SeedResult } from './seedResult.ts';
import { FAULTLINE_VERSION } from './version.ts';
import { JUNIT_FILE, RESULTS_LOG, ResultsLog, SWEEP_FILE, SWEEP_FORMAT_VERSION, type SweepFile, type SweepHeader } from './sweepFile.ts';
import { JOBS_MAX, runPool, SweepError } from './sweepPool.ts';
import { startWallDeadline } from './wallDeadline.ts';
import { humanSummary, jsonSummary, summarize, sweepExitCode, writeSweepOutputs } from './sweepReport.ts';
import { wallNowMs } from './wallclock.ts';
import { WORKLOAD_FLAG, withWorkloads, workloadPaths } from './workloadFlag.ts';
import { userModuleUrls } from '../sim/workloads/registry.ts';
import { onStrayExit } from './deliberateExit.ts';

export interface SweepOptions {
  loaded: ScenarioRef;
  seeds: readonly number[];
  range: string;
  shard: Shard | null;
  jobs: number;
  seedTimeoutMs: number;
  /** The runs' event limit (--events-max), if not the default. */
  eventsMax?: number;
  onResult?: (r: SeedResult) => void;
  /** A worker died running `seed`, which runs once more (see sweepPool.ts). */
  onRetry?: (seed: number, why: string) => void;
  /** Wall time between two rewrites of the partial sweep.json (default PARTIAL_WRITE_MS). */
  partialWriteMs?: number;
  /** Where --out writes (absolute or relative to the cwd), and how to name it in messages. */
  out?: { dir: string; shown: string };
  /** Stop at the first failing seed (--fail-fast); the lowest failing seed is always among the results. */
  failFast?: boolean;
}

/**
 * What a sweep keeps of a seed's result: violations bounded for sweep.json, junit.xml and
 * the terminal; with --out, the whole text of a seed whose explanation was cut goes to
 * DIR/violations/seed-N.txt first, and the cut line names that file.
 */
export function keepResult(r: SeedResult, out: SweepOptions['out'], loaded: ScenarioRef): SeedResult {
  if (r.violations.length === 0) return r;
  const file = seedViolationsFile(r.seed);
  const pointer = pointerTo(out === undefined ? undefined : join(out.shown, file), 'replay the seed with --out DIR for the full text');
  if (out !== undefined && anyCut(r.violations, pointer)) {
    mkdirSync(join(out.dir, VIOLATIONS_DIR), { recursive: true });
    writeWholeText(join(out.dir, file), r.violations, `faultline sweep ${loaded.ref} · seed ${r.seed}: the first ${r.violations.length} of ${r.violationCount} violations in full\nreplay: ${runCommand(loaded, r.seed)}`);
  }
  return { ...r, violations: boundedViolations(r.violations, pointer) };
}

/** What the sweep is, without its results: sweep.json's fields and the results log's header. */
export function sweepHeader(o: SweepOptions): SweepHeader {
  return {
    faultline: 'sweep-log',
    version: SWEEP_FORMAT_VERSION,
    faultlineVersion: FAULTLINE_VERSION,
    scenario: o.loaded.scenario.name,
    scenarioRef: o.loaded.ref,
    scenarioFileName: o.loaded.fileName,
    scenarioText: o.loaded.text,
    ...(o.loaded.workloads.length === 0 ? {} : { workloads: o.loaded.workloads }),
    seeds: o.range,
    shards: [o.shard === null ? '1/1' : `${o.shard.index}/${o.shard.count}`],
    jobs: o.jobs,
    ...(o.eventsMax === undefined ? {} : { eventsMax: o.eventsMax }),
    seedCount: o.seeds.length,
  };
}

/** Wall time between two rewrites of a running sweep's partial sweep.json. */
export const PARTIAL_WRITE_MS = 1_000;

/**
 * Runs the sweep and returns its results file (not yet written). With --out, each seed's
 * result is appended to DIR/results.jsonl as it arrives, and DIR/sweep.json is rewritten
 * (whole, by rename) at most every PARTIAL_WRITE_MS with the seeds finished so far and a
 * `partial` field, and once more if the sweep stops on an error; so a sweep that dies (a
 * worker crash, a kill, a full disk at the end) loses none of the seeds that finished.
 */
export function runSweep(o: SweepOptions): SweepFile {
  const t0 = wallNowMs();
  const header = sweepHeader(o);
  const { faultline: _log, seedCount: _count, ...described } = header;
  const log = o.out === undefined ? null : new ResultsLog(join(o.out.dir, RESULTS_LOG), header);
  const done: SeedResult[] = [];
  const retried: { seed: number; why: string }[] = [];
  const fileOf = (results: SeedResult[], partial: boolean): SweepFile => ({
    ...described, faultline: 'sweep', wallMs: Math.round((wallNowMs() - t0) * 10) / 10, results,
    ...(partial ? { partial: { logged: results.length, expected: o.seeds.length } } : {}),
    ...(retried.length === 0 ? {} : { retried: [...retried].sort((a, b) => a.seed - b.seed) }),
  });
  let writtenMs = wallNowMs();
  const writePartial = (): void => {
    if (o.out === undefined) return;
    writtenMs = wallNowMs();
    writeFileAtomic(join(o.out.dir, SWEEP_FILE), JSON.stringify(fileOf([...done].sort((a, b) => a.seed - b.seed), true), null, 1) + '\n');
  };
  const accept = (r: SeedResult): SeedResult => {
    const kept = keepResult(r, o.out, o.loaded);
    log?.append(kept);
    done.push(kept);
    if (wallNowMs() - writtenMs >= (o.partialWriteMs ?? PARTIAL_WRITE_MS) && done.length < o.seeds.length) writePartial();
    return kept;
  };
  const onRetry = (seed: number, why: string): void => {
    retried.push({ seed, why });
    o.onRetry?.(seed, why);
  };
  // Seeds this thread runs itself (all of them with --jobs 1) are held to --timeout too: a
  // worker's seed is timed by this thread, and this thread's own by a watchdog
  // (cli/wallDeadline.ts) that ends the command, results so far kept, as a worker's does.
  let ownSeed: number | null = null;
  const deadline = startWallDeadline(o.seedTimeoutMs, () => {
    writePartial();
    log?.close();
    const saved = o.out === undefined ? '' : `\n  the ${done.length} results so far are in ${join(o.out.shown, SWEEP_FILE)} (marked partial) and ${join(o.out.shown, RESULTS_LOG)}; \`faultline merge ${o.out.shown}\` summarises them`;
    return {
      code: 1,
      message: `sweep: seed ${ownSeed ?? '?'} gave no result for ${Math.round(o.seedTimeoutMs / 1000)} s (--timeout) on the sweep's own thread: a loop that never ends in the workload's code? Give it longer with --timeout if the seed needs it\n  reproduce it in one process: ${runCommand(o.loaded, ownSeed ?? '<the seed above>')}${saved}`,
    };
  });
  const runOwn = (seed: number): SeedResult => {
    ownSeed = seed;
    deadline.arm();
    try {
      return runSeed(o.loaded.scenario, seed, o.eventsMax);
    } finally {
      deadline.disarm();
    }
  };
  // A module's process.exit() mid-sweep is handled as an exception here would be (deliberateExit.ts).
  const stray = onStrayExit(() => {
    log?.close();
    if (done.length > 0) writePartial();
    else if (o.out !== undefined) rmSync(join(o.out.dir, RESULTS_LOG), { force: true });
  });
  let results: SeedResult[];
  try {
    if (o.jobs === 1) {
      results = [];
      for (const seed of o.seeds) {
        const r = accept(runOwn(seed));
        o.onResult?.(r);
        results.push(r);
        if (o.failFast === true && r.verdict === 'fail') break;
      }
    } else {
      results = runPool({ scenario: o.loaded.scenario, workloadModules: userModuleUrls(), seeds: o.seeds, jobs: o.jobs, seedTimeoutMs: o.seedTimeoutMs, eventsMax: o.eventsMax, onResult: o.onResult, accept, onRetry, failFast: o.failFast, runOwn });
    }
  } catch (e) {
    // Bad input (a user's workload code refused, exit 2) found before any seed finished
    // leaves nothing behind; a sweep that stopped later keeps what it has (marked partial).
    if (!(e instanceof SweepError) && done.length === 0) {
      log?.close();
      if (o.out !== undefined) rmSync(join(o.out.dir, RESULTS_LOG), { force: true });
      throw e;
    }
    writePartial();
    throw e;
  } finally {
    stray();
    deadline.stop();
    log?.close();
  }
  return fileOf(results, false);
}

/** Writes a file whole or not at all (a reader never sees half of it). */
function writeFileAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * `--timeout`: one seed's wall-time limit, in seconds (`600`) or as a duration (`90s`, `10m`,
 * as `check --timeout` takes it), from 1 s to a day; milliseconds.
 */
export function parseSeedTimeout(text: string): number {
  return parseWallLimit(text, '--timeout', 'one seed\'s wall-time limit');
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
    'allow-inconclusive': { type: 'boolean' },
    'events-max': { type: 'string' },
    'fail-fast': { type: 'boolean' },
  });
  const range = parseSeedRange(typeof v.seeds === 'string' ? v.seeds : '1..100');
  const shard = typeof v.shard === 'string' ? parseShard(v.shard) : null;
  const jobs = typeof v.jobs === 'string' ? parseCount(v.jobs, '--jobs', JOBS_MAX) : Math.max(1, Math.min(JOBS_MAX, availableParallelism()));
  const seedTimeoutMs = typeof v.timeout === 'string' ? parseSeedTimeout(v.timeout) : 600_000;
  const eventsMax = parseEventsMax(typeof v['events-max'] === 'string' ? v['events-max'] : undefined);
  const workloads = workloadPaths(v.workload);
  return withWorkloads(workloads, io.cwd, () => sweepOnce(v, { range, shard, jobs, seedTimeoutMs, eventsMax, workloads, failFast: v['fail-fast'] === true }, io));
}

interface SweepFlags {
  range: SeedRange;
  shard: Shard | null;
  jobs: number;
  seedTimeoutMs: number;
  eventsMax: number | undefined;
  workloads: string[];
  failFast: boolean;
}

function sweepOnce(v: Record<string, unknown>, o: SweepFlags, io: Io): number {
  const { range, shard, jobs, seedTimeoutMs, eventsMax } = o;
  const allowInconclusive = v['allow-inconclusive'] === true;
  const loaded = loadScenarioRef(typeof v.scenario === 'string' ? v.scenario : DEFAULT_SCENARIO, o.workloads);
  const seeds = shardSeeds(range, shard);
  if (seeds.length === 0) {
    const count = range.last - range.first + 1;
    throw new UsageError(`--shard ${v.shard as string} holds no seeds of ${formatRange(range)}: seed s is in shard ((s - first) mod n) + 1 of n, and the range has ${count} seed${count === 1 ? '' : 's'}, so shards past ${count} run none; split it into at most ${count} shards, or sweep a longer range`);
  }
  const out = typeof v.out === 'string' ? v.out : undefined;
  // Before any seed runs: a sweep that cannot write its results must not run for hours first,
  // nor write them over the scenario or a module it reads (a scenario file may have any name).
  const outFiles = [RESULTS_LOG, SWEEP_FILE, `${SWEEP_FILE}.tmp`, JUNIT_FILE];
  if (out !== undefined) {
    refuseSharedPaths([
      { flag: '--scenario', path: loaded.fileName, input: true },
      ...o.workloads.map((w) => ({ flag: '--workload', path: w, input: true })),
      ...outFiles.map((f) => ({ flag: '--out', path: join(out, f) })),
    ], io.cwd);
  }
  const undoOut = out === undefined ? () => {} : prepareOutDir(out, '--out', outFiles);
  const stray = onStrayExit(undoOut);
  const outShown = out === undefined ? undefined : relative(io.cwd, out) || '.';
  const progress = v.json !== true && v.quiet !== true && io.errIsTty ? new Progress(io.err) : null;
  let done = 0;
  let failed = 0;
  let inconclusive = 0;
  let file: SweepFile;
  try {
    file = runSweep({
      loaded, seeds, range: formatRange(range), shard, jobs, seedTimeoutMs, eventsMax, failFast: o.failFast,
      ...(out === undefined || outShown === undefined ? {} : { out: { dir: out, shown: outShown } }),
      onResult: (r) => {
        done++;
        if (r.verdict === 'fail') failed++;
        else if (r.verdict === 'inconclusive') inconclusive++;
        progress?.update(done / seeds.length, `${done}/${seeds.length} seeds · ${failed} failed${inconclusive > 0 ? ` · ${inconclusive} inconclusive` : ''}`);
      },
    });
  } catch (e) {
    progress?.clear();
    if (!(e instanceof SweepError)) {
      undoOut();
      throw e;
    }
    const saved = outShown === undefined ? '' : `\n  the ${done} results so far are in ${join(outShown, SWEEP_FILE)} (marked partial) and ${join(outShown, RESULTS_LOG)}; \`faultline merge ${outShown}\` summarises them`;
    io.err(`faultline: ${e.message}\n  reproduce it in one process: ${runCommand(loaded, '<the seed above>')}${saved}\n`);
    return 1;
  }
  stray();
  progress?.clear();
  if (out !== undefined) writeSweepOutputs(file, out, allowInconclusive);
  const sum = summarize(file.results, file.wallMs);
  const shardText = shard === null ? '' : ` · shard ${shard.index}/${shard.count} (${seeds.length} seed${seeds.length === 1 ? '' : 's'})`;
  const stopped = o.failFast && file.results.length < seeds.length ? ` · stopped at the first failing seed (--fail-fast) after ${file.results.length} of ${seeds.length} seed${seeds.length === 1 ? '' : 's'}` : '';
  if (v.json === true) io.out(jsonSummary(file, sum));
  else io.out(humanSummary(`faultline sweep ${file.scenario} · seeds ${file.seeds}${shardText} · ${jobs} job${jobs === 1 ? '' : 's'}${stopped}`, file, sum, outShown, allowInconclusive));
  return sweepExitCode(sum, allowInconclusive);
}
