// `faultline shrink`: minimises the fault schedule of a failing run.
//
// Contract: the seed stays the same; the swarm section (if any) is first materialized into
// concrete faults; a candidate schedule is accepted only if the run still has a violation
// of the same check as the original's first violation. ddmin removes faults, then each
// remaining fault's durations are cut (to the shortest first, else halved) while that keeps
// the failure, then ddmin runs once more. The result is written as a scenario file (same name, so the seed draws the
// same streams) and re-run from the written text to prove it still fails. Every run stops
// the moment it violates the check it is asked about (failsCheck): a violation is never
// taken back, so the answer is the whole run's, without the rest of it or the end-of-run
// checks (linearizability of a broken history is the costly part of a failing run).
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ddmin, simplifyEach } from '../sim/faults/shrink.ts';
import { materialize } from '../sim/faults/swarm.ts';
import { describe } from '../sim/faults/schedule.ts';
import { failsCheck, runScenario } from '../sim/run/runScenario.ts';
import { formatDuration } from '../sim/scenario/duration.ts';
import type { FaultSpec, Scenario } from '../sim/scenario/schema.ts';
import { parseCount, parseFlags, parseSeed, parseWallLimit, UsageError } from './args.ts';
import type { Io } from './main.ts';
import { prepareOutFile, refuseSharedPaths } from './outPath.ts';
import { watchCommand } from './runDeadline.ts';
import { fromText, loadScenarioRef, runCommand } from './scenarioRef.ts';
import { scenarioToYaml } from '../sim/scenario/toYaml.ts';
import { wallNowMs } from './wallclock.ts';
import { WORKLOAD_FLAG, withWorkloads, workloadArgs, workloadPaths } from './workloadFlag.ts';

/** Durations below this are not worth halving further. */
const DURATION_US_MIN = 1_000;

export interface ShrinkOutcome {
  check: string;
  original: FaultSpec[];
  minimal: FaultSpec[];
  runs: number;
  exhausted: boolean;
}

/**
 * Shorter variants of a fault, the biggest cut first: its duration (and a slow start's
 * delay) at the shortest worth keeping, then halved, on whole ms. A fault that fails at its
 * shortest gets there in one run instead of one per halving.
 */
export function shorterFaults(f: FaultSpec): FaultSpec[] {
  const out: FaultSpec[] = [];
  const half = (us: number): number => Math.max(DURATION_US_MIN, 1000 * Math.floor(us / 2000));
  if ('duration' in f && f.duration !== undefined && f.duration > DURATION_US_MIN) {
    if (half(f.duration) > DURATION_US_MIN) out.push({ ...f, duration: DURATION_US_MIN });
    out.push({ ...f, duration: half(f.duration) });
  }
  if (f.kind === 'slowStart' && f.startDelay > DURATION_US_MIN) {
    if (half(f.startDelay) > DURATION_US_MIN) out.push({ ...f, startDelay: DURATION_US_MIN });
    out.push({ ...f, startDelay: half(f.startDelay) });
  }
  return out;
}

/** `onRun`, when given, hears the count of runs so far after each (shrink --timeout says how far it got). */
export function shrinkFaults(s: Scenario, seed: number, testsMax: number, onRun?: (runs: number) => void): ShrinkOutcome {
  const concrete = materialize(s, seed);
  // The first violation in time is the same whether the run stops there or goes on, so the
  // original run stops at it too (end-of-run checks only run when nothing failed earlier).
  const original = failsCheck(concrete, seed, null);
  const first = original.violations[0];
  if (first === undefined) {
    const report = runScenario(concrete, seed).report;
    const undecided = report.inconclusive[0];
    throw new UsageError(undecided === undefined
      ? `seed ${seed} of ${s.name} passes every check: there is no failure to shrink`
      : `seed ${seed} of ${s.name} has no violation to shrink: it is inconclusive ([${undecided.check}] ${undecided.reason})`);
  }
  const check = first.check;
  let runs = 1;
  onRun?.(runs);
  const fails = (faults: FaultSpec[]): boolean => {
    runs++;
    const failed = failsCheck({ ...concrete, faults }, seed, check).fails;
    onRun?.(runs);
    return failed;
  };
  // Cheapest cuts first: whole faults (ddmin), then each one's duration halved, then ddmin again.
  const a = ddmin(concrete.faults, fails, testsMax);
  const b = simplifyEach(a.items, shorterFaults, fails, testsMax);
  const c = ddmin(b.items, fails, testsMax);
  return { check, original: concrete.faults, minimal: c.items, runs, exhausted: a.exhausted || b.exhausted || c.exhausted };
}

export function cmdShrink(argv: string[], io: Io): number | Promise<number> {
  const { values: v } = parseFlags(argv, 'shrink', {
    ...WORKLOAD_FLAG,
    scenario: { type: 'string', short: 's' },
    seed: { type: 'string' },
    out: { type: 'string', short: 'o' },
    'tests-max': { type: 'string' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
  });
  if (typeof v.scenario !== 'string' || typeof v.seed !== 'string') throw new UsageError('shrink: --scenario and --seed are required. See `faultline shrink --help`.');
  const workloads = workloadPaths(v.workload);
  return withWorkloads(workloads, io.cwd, () => shrinkOnce(v, workloads, io));
}

function shrinkOnce(v: Record<string, unknown>, workloads: string[], io: Io): number {
  const loaded = loadScenarioRef(v.scenario as string, workloads);
  const seed = parseSeed(v.seed as string);
  const testsMax = typeof v['tests-max'] === 'string' ? parseCount(v['tests-max'], '--tests-max', 100_000) : 500;
  const out = typeof v.out === 'string' ? v.out : `${loaded.scenario.name}-seed${seed}-shrunk.yaml`;
  // The result is YAML (its replay command a comment on top), and a scenario file named .json
  // is read as JSON: it was refused only after the whole shrink, leaving its directory behind.
  if (out.endsWith('.json')) throw new UsageError(`--out ${out}: shrink writes the scenario as YAML, and a file named .json is read as JSON; name a .yaml (or .yml) file`);
  // Before shrinking, which can take hundreds of runs: the result must have somewhere to go,
  // and not over the scenario (or a module) it was shrunk from, which would be lost.
  const isFile = (p: string): boolean => existsSync(resolve(io.cwd, p)) && statSync(resolve(io.cwd, p)).isFile();
  const inputs = [{ flag: '--scenario', path: loaded.fileName }, ...workloads.map((w) => ({ flag: '--workload', path: w }))].filter((x) => isFile(x.path)).map((x) => ({ ...x, input: true }));
  refuseSharedPaths([...inputs, { flag: '--out', path: out }], io.cwd);
  const undo = prepareOutFile(out, '--out');
  const t0 = wallNowMs();
  let runs = 0;
  const timeoutMs = typeof v.timeout === 'string' ? parseWallLimit(v.timeout, '--timeout', 'the shrink\'s wall-time limit') : undefined;
  const watch = timeoutMs === undefined ? null : watchCommand(timeoutMs, `shrink of seed ${seed}`, {
    progress: () => `after ${runs} run${runs === 1 ? '' : 's'}${runs === 0 ? ' (the first, of the failing seed itself, had not finished)' : ''}`,
    bound: `--tests-max (now ${testsMax})`,
    undo,
  });
  let r: ReturnType<typeof shrinkFaults>;
  try {
    r = shrinkFaults(loaded.scenario, seed, testsMax, (n) => {
      runs = n;
    });
  } catch (e) {
    watch?.stop();
    undo(); // Nothing to shrink (the seed passes), or a bad input: leave no directory behind.
    throw e;
  }
  const shrunk: Scenario = { ...materialize(loaded.scenario, seed), faults: r.minimal, description: `Shrunk from ${loaded.ref} seed ${seed}: the smallest fault schedule found that still fails check ${r.check}. ${loaded.scenario.description}`.trim() };
  const replay = runCommand({ ref: out, workloads }, seed);
  const text = scenarioToYaml(shrunk, `faultline shrink${workloadArgs(workloads)} --scenario ${loaded.ref} --seed ${seed}: ${r.original.length} faults -> ${r.minimal.length}, still failing [${r.check}].\nReplay: ${replay}`);
  // The written file is what users will run, so prove that it, not the in-memory copy, fails.
  const proved = failsCheck(fromText(text, out, out).scenario, seed, r.check).fails;
  watch?.stop();
  if (!proved) throw new Error(`shrink: the written scenario no longer fails [${r.check}]; this is a bug in shrink`);
  writeFileSync(out, text);
  const wallMs = Math.round(wallNowMs() - t0);
  if (v.json === true) {
    io.out(JSON.stringify({ scenario: loaded.scenario.name, seed, check: r.check, originalFaults: r.original.length, minimalFaults: r.minimal.length, faults: r.minimal, runs: r.runs, exhausted: r.exhausted, wallMs, out, replay }) + '\n');
    return 0;
  }
  const lines = [
    `faultline shrink ${loaded.ref} · seed ${seed} · failing check [${r.check}]`,
    `  ${r.original.length} faults -> ${r.minimal.length} in ${r.runs} runs (${(wallMs / 1000).toFixed(1)} s)${r.exhausted ? ' · stopped at --tests-max: the result may not be minimal' : ''}`,
    ...r.minimal.map((f) => `    at ${formatDuration(f.at)}: ${describe(f)}`),
    `  wrote ${out}`,
    `  replay: ${replay}`,
  ];
  io.out(lines.join('\n') + '\n');
  return 0;
}
