// The faultline command line: run, list, sweep, merge, replay, shrink, explore and bless. A thin
// shell over sim/: it reads files, measures wall time, draws progress and prints reports;
// the simulation itself is in sim/run. Exit codes (cli/verdictExit.ts): 0 checks held, 1 a
// check failed, 2 bad input or usage, 3 inconclusive (no check failed, one could not decide).
import { rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describe as describeFault } from '../sim/faults/schedule.ts';
import { instantFaults } from '../sim/faults/aimed.ts';
import { materialize, sampleSettings, sampleSwarm } from '../sim/faults/swarm.ts';
import { nodeSpecs, runScenario, type RunOptions, type RunReport } from '../sim/run/runScenario.ts';
import { watchRun, type RunWatch, type RunWatchContext } from './runDeadline.ts';
import type { World } from '../sim/world/world.ts';
import type { LockstepStats } from '../sim/workers/lockstep.ts';
import { spawnNodePool } from '../sim/workers/nodePool.ts';
import { runScenarioLockstep, type RunnerFactory } from '../sim/workers/runLockstep.ts';
import { formatDuration } from '../sim/scenario/duration.ts';
import type { FaultSpec, Scenario } from '../sim/scenario/schema.ts';
import { formatCount, formatMicros } from '../sim/kernel/time.ts';
import type { TraceEvent } from '../sim/trace/trace.ts';
import { HelpRequested, parseCount, parseFlags, parsePort, parseRunArgs, parseSeed, UsageError, type RunArgs } from './args.ts';
import { managerFor, saveKnowledge, withKnowledge } from './knowledge.ts';
import type { ServeOptions } from './serve.ts';
import { catalogFiles, DEFAULT_SCENARIO, loadScenarioFile, locateScenario, scenarioNameOf } from './catalog.ts';
import { BLESS_HELP, CHECK_HELP, LIST_HELP, MAIN_HELP, START_HELP, UI_HELP, MERGE_HELP, REPLAY_HELP, RUN_HELP, SERVE_HELP, SHRINK_HELP, SWEEP_HELP, EXPLORE_HELP } from './help.ts';
import { cmdMerge } from './merge.ts';
import { prepareOutDir, prepareOutFile, refuseSharedPaths, traceCutNote, writeJsonlFile } from './outPath.ts';
import { Progress } from './progress.ts';
import { cmdBless } from './regression.ts';
import { cmdReplay } from './replay.ts';
import { loadScenarioRef, runCommand } from './scenarioRef.ts';
import { cmdShrink } from './shrinkCmd.ts';
import { cmdExplore } from './exploreCmd.ts';
import { cmdSweep } from './sweep.ts';
import { checkScrapeCount, TelemetryOutputs } from './telemetryOut.ts';
import { boundedViolations, pointerTo, VIOLATIONS_FILE, writeWholeText } from './explanations.ts';
import { exitCodeOf, inconclusiveLines, replayLead, verdictWord } from './verdictExit.ts';
import { wallNowMs } from './wallclock.ts';
import { loadWorkloadFiles, WORKLOAD_FLAG, withWorkloads, workloadPaths } from './workloadFlag.ts';
import { userErrorOf } from '../sim/workloads/userWorkload.ts';
import { runEndingMessage, strayExitCode } from '../sim/host/runtime.ts';
import { workloadOf } from '../sim/workloads/registry.ts';
import { forgetStrayExitCleanups, onStrayExit } from './deliberateExit.ts';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  errIsTty: boolean;
  cwd: string;
}

export interface CliReport extends RunReport {
  wallMs: number;
  replay: string;
  /** Present when the nodes ran in worker threads. */
  workers?: number;
  /** With workers: the kernel's thread ran the first group of nodes (--kernel-hosts-first). */
  kernelHostsFirst?: boolean;
  lockstep?: LockstepStats;
  /** The faults this seed drew from the scenario's swarm section (present only with one). */
  swarmFaults?: FaultSpec[];
  /** The workload settings this seed drew (present only when the scenario asks, e.g. raft.swarm). */
  swarmSettings?: Record<string, string | number | boolean>;
}

function cmdRun(argv: string[], io: Io): number | Promise<number> {
  const args = parseRunArgs(argv);
  return withWorkloads(args.workloads, io.cwd, () => runOnce(args, io));
}

/**
 * `run --workers` promises the trace of a run in one thread; faults that act the instant a
 * server reports something cannot keep that promise (sim/faults/aimed.ts, instantFaults),
 * so such a run is refused rather than silently different.
 */
function refuseInstantFaults(scenario: Scenario, ownFaults: number, seed: number): void {
  const instant = instantFaults(scenario.faults);
  if (instant.length === 0) return;
  const named = instant.filter((f) => f.index < ownFaults).map((f) => `faults[${f.index}] (${f.kind})`);
  const drawn = new Map<string, number>();
  for (const f of instant) if (f.index >= ownFaults) drawn.set(f.kind, (drawn.get(f.kind) ?? 0) + 1);
  for (const [kind, n] of drawn) named.push(`${n === 1 ? `a ${kind} fault` : `${n} ${kind} faults`} the swarm drew for seed ${seed}`);
  throw new UsageError(`--workers: ${named.join(', ')} ${instant.length === 1 ? 'acts' : 'act'} the instant a server reports something; under --workers those reports reach the kernel only at the end of a lockstep window, so the run would differ from the one in one thread (another trace hash). Run it without --workers`);
}

/** The files `run --out DIR` writes in DIR. */
const RUN_OUT_FILES = ['report.json', 'trace.jsonl', VIOLATIONS_FILE];

function runOnce(args: RunArgs, io: Io): number | Promise<number> {
  // --timeout: a run still going past it ends the command (cli/runDeadline.ts), from here on,
  // since a workload's validate() and nodes() run while the scenario is loaded and checked;
  // it only reads the world, so the run is the same with or without it.
  const watching: RunWatchContext = { seed: args.seed, ...(args.workers === undefined ? {} : { workers: args.workers }) };
  const watch = args.timeoutMs === undefined ? null : watchRun(args.timeoutMs, watching);
  try {
    return runWatched(args, io, watch, watching);
  } catch (e) {
    watch?.stop();
    throw e;
  }
}

function runWatched(args: RunArgs, io: Io, watch: RunWatch | null, watching: RunWatchContext): number | Promise<number> {
  const watched = <O extends RunOptions>(o: O): O => (watch === null ? o : watch.wrap(o));
  const loaded = loadScenarioRef(args.scenario ?? DEFAULT_SCENARIO, args.workloads);
  const known = args.knowledge === undefined ? loaded.scenario : withKnowledge(loaded.scenario, args.knowledge);
  const scenario = materialize(known, args.seed);
  if (args.saveKnowledge !== undefined) managerFor(loaded.scenario, '--save-knowledge');
  if (args.saveKnowledge !== undefined && args.workers !== undefined) throw new UsageError('--save-knowledge: not with --workers yet; run in one thread to save the knowledge');
  const swarmFaults = loaded.scenario.swarm === undefined ? undefined : sampleSwarm(loaded.scenario, args.seed);
  const swarmSettings = sampleSettings(loaded.scenario, args.seed)?.drawn;
  const nodeCount = nodeSpecs(scenario).length;
  if (args.workers !== undefined && args.workers > nodeCount) throw new UsageError(`--workers: the scenario has ${nodeCount} nodes, so use 1 to ${nodeCount} workers`);
  if (args.workers !== undefined) refuseInstantFaults(scenario, loaded.scenario.faults.length, args.seed);
  checkScrapeCount(args, scenario.duration, nodeCount);
  if (args.historyOut !== undefined) {
    const none = workloadOf(scenario).kvHistory?.(scenario) ?? null;
    if (none !== null) throw new UsageError(`--history-out: this run records no key-value history: ${none}. The file would be empty: leave --history-out out, or run a scenario with key-value clients`);
  }
  // Before the run, and after every other check: an output that cannot be written must not
  // cost a run first, and a refusal leaves nothing behind (each prepare returns its undo).
  const outFiles = args.out === undefined ? [] : RUN_OUT_FILES.map((f) => ({ flag: '--out', path: join(args.out as string, f) }));
  refuseSharedPaths([
    // An output over the scenario or a workload module would destroy the file the replay command names.
    { flag: '--scenario', path: loaded.fileName, input: true },
    ...args.workloads.map((w) => ({ flag: '--workload', path: w, input: true })),
    { flag: '--knowledge', path: args.knowledge, input: true, mayUpdate: '--save-knowledge' },
    ...outFiles,
    { flag: '--metrics-out', path: args.metricsOut },
    { flag: '--traces-out', path: args.tracesOut },
    { flag: '--logs-out', path: args.logsOut },
    { flag: '--history-out', path: args.historyOut },
    { flag: '--save-knowledge', path: args.saveKnowledge },
  ], io.cwd);
  const undoSave = args.saveKnowledge === undefined ? () => {} : prepareOutFile(args.saveKnowledge, '--save-knowledge');
  let telemetry: TelemetryOutputs | null;
  let undoOut = (): void => {};
  try {
    telemetry = TelemetryOutputs.open(args, args.seed, io.cwd);
    try {
      if (args.out !== undefined) undoOut = prepareOutDir(args.out, '--out', RUN_OUT_FILES);
    } catch (e) {
      telemetry?.discard();
      throw e;
    }
  } catch (e) {
    undoSave();
    throw e;
  }
  const undo = (): void => {
    undoOut();
    undoSave();
  };
  // A module's process.exit() during the run takes the prepared outputs back (deliberateExit.ts).
  const stray = onStrayExit(() => {
    telemetry?.discard();
    undo();
  });
  const replay = runCommand(loaded, args.seed, args);
  const progress = !args.json && !args.quiet && io.errIsTty ? new Progress(io.err) : null;
  const onProgress = progress ? (sim: number, total: number, events: number) => progress.update(sim / total, `${formatMicros(sim)} / ${formatMicros(total)} · ${formatCount(events)} events`) : undefined;
  const t0 = wallNowMs();
  const finish = (report: RunReport, trace: readonly TraceEvent[], extra: Partial<CliReport>, wrote: string[] = []): number => {
    stray();
    progress?.clear();
    const outRel = args.out === undefined ? undefined : relative(io.cwd, args.out) || '.';
    // Explanations are bounded in the report and the terminal; the whole text goes to a file.
    const pointer = pointerTo(outRel === undefined ? undefined : join(outRel, VIOLATIONS_FILE), 'run with --out DIR to write the full text to a file');
    const violations = boundedViolations(report.violations, pointer);
    const full: CliReport = { ...report, violations, wallMs: Math.round((wallNowMs() - t0) * 10) / 10, replay, ...extra, ...(swarmFaults === undefined ? {} : { swarmFaults }), ...(swarmSettings === undefined ? {} : { swarmSettings }) };
    if (args.out !== undefined) {
      writeFileSync(join(args.out, 'report.json'), JSON.stringify(full, null, 2) + '\n');
      writeJsonlFile(join(args.out, 'trace.jsonl'), trace);
      const cut = traceCutNote(join(outRel as string, 'trace.jsonl'), trace.length, Number(report.stats.traced));
      if (cut !== null) io.err(cut);
      if (report.violations.length > 0) writeWholeText(join(args.out, VIOLATIONS_FILE), report.violations, `faultline run ${report.scenario} · seed ${report.seed}: every violation in full\nreplay: ${replay}`);
      // An earlier failing run's full text must not stay beside this run's report: a passing
      // run into the same DIR left violations.txt saying the run failed.
      else rmSync(join(args.out, VIOLATIONS_FILE), { force: true });
    }
    if (args.json) io.out(JSON.stringify(full) + '\n');
    else io.out(humanReport(full, outRel, args.allowInconclusive, wrote.map((w) => relative(io.cwd, w))));
    return exitCodeOf(report.verdict, args.allowInconclusive);
  };
  watching.replay = replay;
  watching.undo = () => {
    telemetry?.discard();
    undo();
  };
  const base = { retainTrace: args.out !== undefined, onProgress, eventsMax: args.eventsMax };
  // A crash of the simulator itself is a bug in faultline and goes up with its stack; it
  // still names the seed and the command that reproduces it (a user's workload error does
  // not get here as a crash: it is reported as theirs).
  const noteCrash = (e: unknown): void => {
    progress?.clear();
    if (!(e instanceof UsageError) && userErrorOf(e) === null) io.err(`faultline: the simulator crashed on seed ${args.seed} (a bug in faultline; its stack follows)\n  replay: ${replay}\n`);
  };
  const keepKnowledge = (world: World): void => {
    if (args.saveKnowledge !== undefined && !saveKnowledge(world, args.saveKnowledge)) io.err(`faultline: --save-knowledge: this run's manager reported no knowledge (is it a mapek scenario with the manager on?); ${args.saveKnowledge} not written\n`);
  };
  if (args.workers === undefined && telemetry === null) {
    let ran;
    try {
      ran = runScenario(scenario, args.seed, watched(base));
    } catch (e) {
      undo();
      noteCrash(e);
      throw e;
    } finally {
      watch?.stop();
    }
    keepKnowledge(ran.world);
    return finish(ran.report, ran.world.trace.events(), {});
  }
  if (args.workers === undefined && telemetry !== null) {
    try {
      let ran;
      try {
        ran = runScenario(scenario, args.seed, watched(telemetry.runOptions(base)));
      } finally {
        watch?.stop();
      }
      const { report, world } = ran;
      keepKnowledge(world);
      return writeTelemetry(telemetry, io).then((wrote) => {
        if (wrote !== null) return finish(report, world.trace.events(), {}, wrote);
        undo();
        return 2;
      });
    } catch (e) {
      telemetry.discard();
      undo();
      noteCrash(e);
      throw e;
    }
  }
  const workers = args.workers as number;
  const khf = args.kernelHostsFirst;
  const workersFlag = `--workers ${workers}${khf ? ' --kernel-hosts-first' : ''}`;
  let running;
  try {
    running = runScenarioLockstep(scenario, args.seed, workers, workerFactory(khf), watched(telemetry === null ? base : telemetry.runOptions(base)));
  } catch (e) {
    watch?.stop();
    throw e;
  }
  return running.then(
    async (r) => {
      watch?.stop();
      const wrote = telemetry === null ? [] : await writeTelemetry(telemetry, io);
      if (wrote !== null) return finish(r.report, r.trace, { workers, ...(khf ? { kernelHostsFirst: true } : {}), lockstep: r.lockstep }, wrote);
      undo();
      return 2;
    },
    (e: unknown) => {
      watch?.stop();
      progress?.clear();
      telemetry?.discard();
      undo();
      // The workload's own error: raised in this thread (a hook), or marked by a runner.
      const ending = runEndingMessage(e instanceof Error ? e.message : String(e)) ?? userErrorOf(e)?.message ?? null;
      const exitCode = ending === null ? null : strayExitCode(ending);
      // A worker's process.exit ends the command as one in this thread does (workloadFlag.ts).
      if (exitCode !== null) process.exit(exitCode === '' ? undefined : Number(exitCode));
      if (ending !== null) {
        io.err(`faultline: ${ending}\n`);
        return 2;
      }
      io.err(`faultline: simulation error with ${workersFlag}: ${e instanceof Error ? e.message : String(e)}\n  seed ${args.seed}; replay: ${replay} ${workersFlag}\n`);
      return 1;
    },
  );
}

/** Writes the telemetry files; null (after a message) if one could not be written. */
async function writeTelemetry(telemetry: TelemetryOutputs, io: Io): Promise<string[] | null> {
  try {
    return await telemetry.write();
  } catch (e) {
    io.err(`faultline: could not write telemetry: ${e instanceof Error ? e.message : String(e)}\n`);
    return null;
  } finally {
    telemetry.discard();
  }
}

/**
 * The worker pool for `run --workers`. FAULTLINE_TEST_WORKER_FAIL=throw:N or exit:N makes
 * a worker fail after N events: the hook the tests use to prove a failing worker ends the
 * run promptly with a clear message and a non-zero exit code.
 */
function workerFactory(kernelHostsFirst: boolean): RunnerFactory {
  const hook = /^(throw|exit):(\d+)$/.exec(process.env.FAULTLINE_TEST_WORKER_FAIL ?? '');
  const opts = { kernelHostsFirst };
  if (hook === null) return (init, nodes) => spawnNodePool(init, nodes, opts);
  return (init, nodes) => spawnNodePool({ ...init, failAfterEvents: { how: hook[1] as 'throw' | 'exit', count: Number(hook[2]) } }, nodes, opts);
}

function humanReport(r: CliReport, outDir: string | undefined, allowInconclusive: boolean, wrote: string[] = []): string {
  const compression = r.wallMs > 0 ? r.simulatedMs / r.wallMs : Infinity;
  const lines = [
    `faultline run ${r.scenario} · seed ${r.seed}`,
    `  ${verdictWord(r.verdict)}  ${formatMicros(r.simulatedMs * 1000)} simulated in ${(r.wallMs / 1000).toFixed(2)} s (${formatCount(Math.round(compression))}x real time)`,
    `  ${formatCount(r.events)} events · ${r.stats.crashes} crash${r.stats.crashes === 1 ? '' : 'es'} · trace ${r.traceHash}`,
  ];
  if (r.workers !== undefined && r.lockstep !== undefined) {
    const threads = r.kernelHostsFirst === true ? `${r.workers} runners (this thread and ${r.workers - 1} worker thread${r.workers === 2 ? '' : 's'})` : `${r.workers} worker threads`;
    lines.push(`  ${threads} · ${formatCount(r.lockstep.windows)} lockstep windows (${r.lockstep.horizons ? 'a horizon per runner' : 'one for all runners'}) · ${r.lockstep.eventsPerCall.toFixed(1)} events per worker call`);
  }
  if (r.swarmSettings !== undefined) {
    lines.push(`  swarm drew these settings from the seed: ${Object.entries(r.swarmSettings).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
  }
  if (r.swarmFaults !== undefined) {
    lines.push(`  swarm drew ${r.swarmFaults.length} fault${r.swarmFaults.length === 1 ? '' : 's'} from the seed:`);
    for (const f of r.swarmFaults) lines.push(`    at ${formatDuration(f.at)}: ${describeFault(f)}`);
  }
  for (const v of r.violations.slice(0, 20)) lines.push(`  violation [${v.check}] at ${formatMicros(v.t)}${v.node === null ? '' : ` on node ${v.node}`}: ${v.message}`);
  if (r.violations.length > 20) lines.push(`  ... and ${r.violations.length - 20} more violations (see --json)`);
  lines.push(...inconclusiveLines(r.inconclusive, '  '));
  if (outDir !== undefined) lines.push(`  wrote ${join(outDir, 'report.json')}, ${join(outDir, 'trace.jsonl')}${r.violations.length > 0 ? ` and ${join(outDir, VIOLATIONS_FILE)} (every violation in full)` : ''}`);
  for (const w of wrote) lines.push(`  wrote ${w}`);
  lines.push(`  ${replayLead(r.verdict, r.seed, allowInconclusive)}: ${r.replay}`);
  return lines.join('\n') + '\n';
}

function cmdList(argv: string[], io: Io): number {
  let json = false;
  try {
    const p = parseArgs({ args: argv, strict: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
    if (p.values.help) throw new HelpRequested('list');
    json = p.values.json ?? false;
  } catch (e) {
    if (e instanceof HelpRequested) throw e;
    throw new UsageError(`${(e as Error).message}. See \`faultline list --help\`.`);
  }
  const rows = catalogFiles().map((f) => {
    const parsed = loadScenarioFile(f);
    return parsed.ok
      ? { name: parsed.scenario.name, workload: parsed.scenario.workload, nodes: parsed.scenario.topology.nodes, duration: formatMicros(parsed.scenario.duration), description: parsed.scenario.description.trim() }
      : { name: scenarioNameOf(f), workload: 'invalid', nodes: 0, duration: '', description: parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ') };
  });
  if (json) {
    io.out(JSON.stringify(rows) + '\n');
    return 0;
  }
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  io.out(rows.map((r) => `${r.name.padEnd(width)}  ${r.workload.padEnd(9)} ${String(r.nodes).padStart(2)} nodes ${r.duration.padStart(6)}  ${r.description.split('. ')[0].replace(/\s+/g, ' ')}`).join('\n') + '\n');
  return 0;
}

async function cmdUi(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, 'ui', { ...WORKLOAD_FLAG, port: { type: 'string', short: 'p' }, host: { type: 'string' }, scenario: { type: 'string', short: 's' }, seed: { type: 'string' }, dev: { type: 'boolean' } });
  // 0 picks a free port, as for `serve`.
  const port = parsePort(values.port as string | undefined, 5173);
  const workloads = workloadPaths(values.workload);
  await loadWorkloadFiles(workloads, io.cwd);
  const query = new URLSearchParams();
  const user: NonNullable<ServeOptions['user']> = { workloads: workloads.map((w) => ({ file: resolve(io.cwd, w), arg: w })), scenarios: [] };
  if (typeof values.scenario === 'string') {
    const loc = locateScenario(values.scenario);
    // A file outside the catalogue goes to the page with the modules; it is checked here first (exit 2 if invalid).
    if (!loc.ok || !loc.fromCatalog) {
      // Checked here first (exit 2 if missing or invalid), as `run` and `serve` check it.
      const ref = loadScenarioRef(values.scenario, workloads);
      if (loc.ok) {
        user.scenarios.push({ fileName: basename(loc.file), text: ref.text, ref: values.scenario });
        query.set('scenario', scenarioNameOf(loc.file));
      }
    } else query.set('scenario', values.scenario);
  }
  if (values.seed !== undefined) query.set('seed', String(parseSeed(values.seed as string)));
  const host = (values.host as string | undefined) ?? 'localhost';
  // Vite reports a host it cannot resolve as an uncaught error after start-up: ask first.
  try {
    await (await import('node:dns/promises')).lookup(host);
  } catch {
    throw new UsageError(`--host: ${host} is not a host name or address this machine can resolve; use an address such as localhost or 127.0.0.1`);
  }
  const { serveUi } = await import('./serve.ts');
  const server = await serveUi({ port, host, query: query.toString(), user, dev: values.dev === true }, io.out);
  return new Promise<number>((resolve) => {
    process.once('SIGINT', () => {
      void server.close().then(() => resolve(0));
    });
  });
}

/**
 * `npm start`: the default scenario, headless, with its report; then, on a terminal, the
 * browser UI on the same scenario and seed. Piped or in CI it stops after the report, so
 * scripts are never left waiting on a server.
 */
async function cmdStart(argv: string[], io: Io): Promise<number> {
  const { values } = parseFlags(argv, 'start', { 'no-ui': { type: 'boolean' } });
  const code = await cmdRun([], io);
  if (values['no-ui'] === true || !io.errIsTty) {
    io.out(`  open the UI with: npm run ui\n`);
    return code;
  }
  return cmdUi(['--scenario', DEFAULT_SCENARIO, '--seed', '1'], io);
}

const HELP: Record<string, string> = { ui: UI_HELP, start: START_HELP, run: RUN_HELP, serve: SERVE_HELP, list: LIST_HELP, sweep: SWEEP_HELP, merge: MERGE_HELP, replay: REPLAY_HELP, shrink: SHRINK_HELP, explore: EXPLORE_HELP, bless: BLESS_HELP, check: CHECK_HELP };
/**
 * The HTTP servers (`ui`, `serve`) are loaded when their command runs: node:http, node:crypto
 * and their streams are ~100 of Node's own modules, which every other command's start would
 * load for nothing.
 */
async function cmdServe(argv: string[], io: Io): Promise<number> {
  return (await import('./serveMetrics.ts')).cmdServe(argv, io);
}

/** `check` reads history files (its EDN reader and converters are loaded when it runs). */
async function cmdCheck(argv: string[], io: Io): Promise<number> {
  return (await import('./checkCmd.ts')).cmdCheck(argv, io);
}

const COMMANDS: Record<string, (argv: string[], io: Io) => number | Promise<number>> = { start: cmdStart, ui: cmdUi, run: cmdRun, serve: cmdServe, list: cmdList, sweep: cmdSweep, merge: cmdMerge, replay: cmdReplay, shrink: cmdShrink, explore: cmdExplore, check: cmdCheck, bless: cmdBless };

/**
 * Runs a command. Most commands finish synchronously and return the exit code; `run
 * --workers` returns a promise of it (use mainAsync, as bin/faultline.mjs does).
 */
export function main(argv: string[], io: Io): number {
  const code = mainAny(argv, io);
  if (typeof code !== 'number') throw new Error('main: this command is asynchronous; call mainAsync');
  forgetStrayExitCleanups();
  return code;
}

export async function mainAsync(argv: string[], io: Io): Promise<number> {
  const code = mainAny(argv, io);
  if (typeof code === 'number') {
    forgetStrayExitCleanups();
    return code;
  }
  return code.catch((e: unknown) => handled(e, io)).finally(forgetStrayExitCleanups);
}

function mainAny(argv: string[], io: Io): number | Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' && rest.length > 0) {
      // `faultline help run` is `faultline run --help`.
      if (rest.length > 1 || !Object.hasOwn(HELP, rest[0])) throw new UsageError(`help: no command "${rest.join(' ')}". Commands: ${Object.keys(COMMANDS).join(', ')}. See \`faultline --help\`.`);
      io.out(HELP[rest[0]] + '\n');
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(MAIN_HELP + '\n');
      return command === undefined ? 2 : 0;
    }
    const cmd = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (cmd !== undefined) return cmd(rest, io);
    throw new UsageError(`unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. See \`faultline --help\`.`);
  } catch (e) {
    return handled(e, io);
  }
}

/**
 * Help is exit 0. Bad input is exit 2 with its message: a usage error, or an exception out of a user's
 * workload code (reported as theirs, with their file and line, not as a faultline crash).
 * Anything else is a bug in faultline and goes on up with its stack.
 */
function handled(e: unknown, io: Io): number {
  if (e instanceof HelpRequested) {
    io.out((HELP[e.topic] ?? MAIN_HELP) + '\n');
    return 0;
  }
  if (e instanceof UsageError) {
    io.err(`faultline: ${e.message}\n`);
    return 2;
  }
  const user = userErrorOf(e);
  if (user !== null) {
    io.err(`faultline: ${user.message}\n`);
    return 2;
  }
  throw e;
}
