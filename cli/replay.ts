// `faultline replay`: runs a recorded run again and checks it is the same run.
//
// Contract: the source is a report.json (from `run --out`), a sweep entry
// (`DIR/sweep.json#seed=17`), a scenario file or `--scenario X`, with `--seed N`. When a
// trace hash was recorded (or given with --expect), the replay must reproduce it bit for
// bit; a different hash is reported with both values. Exit 0: reproduced (or no hash to
// compare) and every check held; 1: the hash differs or a check failed; 2: bad input; 3: the
// run is inconclusive (0 with --allow-inconclusive).
// The users' workload modules a run needs are loaded first: those given with --workload,
// else those the report's replay command or the sweep file recorded.
// A FILE carries its own seed, hash and scenario: --scenario is refused with any FILE, and
// --seed and --expect with a report or a sweep entry (they go with a scenario file). What
// a file records is held to the flags' own rules: a report's seed is what --seed accepts,
// its replay command is parsed as `run`'s flags are, a sweep file is read by sweepFile.ts.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { materialize } from '../sim/faults/swarm.ts';
import { formatCount, formatMicros } from '../sim/kernel/time.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { parseEventsMax, parseFlags, parseRunArgs, parseSeed, parseWallLimit, SEED_MAX, shellWords, UsageError, type RunArgs } from './args.ts';
import { withKnowledge } from './knowledge.ts';
import type { Io } from './main.ts';
import { fromText, loadScenarioRef, runCommand, type ScenarioRef } from './scenarioRef.ts';
import { otherVersion, problemsMessage, readJsonFile, readSweepInput, RESULTS_LOG, seedValue, shown, SWEEP_FILE, traceHash, zodProblems, type FieldProblem, type SweepFile } from './sweepFile.ts';
import { boundedViolations } from './explanations.ts';
import { missingFile } from './missingFile.ts';
import { watchRun, type RunWatch, type RunWatchContext } from './runDeadline.ts';
import { prepareOutFile, refuseSharedPaths, traceCutNote, writeJsonlFile } from './outPath.ts';
import { EXIT_FAIL, exitCodeOf, inconclusiveLines, verdictWord } from './verdictExit.ts';
import { wallNowMs } from './wallclock.ts';
import { WORKLOAD_FLAG, withWorkloads, workloadPaths } from './workloadFlag.ts';

interface Source {
  loaded: ScenarioRef;
  seed: number;
  recordedHash: string | null;
  from: string;
  /** The event limit the recorded run had (--events-max), if not the default. */
  eventsMax?: number;
  /** The knowledge file the recorded run started from (run --knowledge), if any. */
  knowledge?: string;
}

/** What the positional FILE is, read and checked once (before any workload module is loaded). */
type Named =
  | { kind: 'sweep'; file: string; seed: number; sweep: SweepFile; read: string }
  | { kind: 'report'; file: string; seed: number; hash: string; run: RunArgs; scenarioName: string }
  | { kind: 'scenario'; file: string };

/** A trace hash as --expect takes it (any case; hashes are written in lowercase). */
export function parseExpect(text: string): string {
  if (!/^[0-9a-fA-F]{16}$/.test(text)) throw new UsageError(`--expect: expected a trace hash of 16 hex digits (as a report or sweep.json records it, e.g. 2bd915b52ed4a58a), got "${text}"`);
  return text.toLowerCase();
}

/**
 * The fields replay reads of a report.json, each required and checked: the scenario's name
 * (compared with the scenario the replay command runs), the seed (as --seed takes it), the
 * trace hash and the replay command. The rest of a report is what the run printed, and
 * `run --out` writes more fields than replay reads (events, verdict, stats, wallMs, and
 * with some runs workers, lockstep, swarmFaults, swarmSettings): those are left to the
 * run's own report and not checked here, so a report of any run replays.
 */
const reportSchema = z.object({ scenario: z.string().min(1), seed: seedValue, traceHash, replay: z.string() }).loose();

/** The flags a replay command (runCommand's) may hold. */
const REPLAY_COMMAND_FLAGS = ['--workload', '--scenario', '--seed', '--events-max', '--knowledge'];
const RUN_PREFIX = 'npx faultline run ';
const REPORT_FIX = 'A report.json is what `faultline run --out DIR` wrote; this one was edited or damaged: fix the fields named, or run the seed again with --out.';

/** A report's replay command, parsed exactly as `faultline run` parses its flags. */
function replayCommandArgs(cmd: string, problems: FieldProblem[]): RunArgs | null {
  if (!cmd.startsWith(RUN_PREFIX)) {
    problems.push({ path: 'replay', message: `expected a command "${RUN_PREFIX}--scenario X --seed N ...", got ${shown(cmd)}` });
    return null;
  }
  const argv = shellWords(cmd.slice(RUN_PREFIX.length));
  if (argv === null) {
    problems.push({ path: 'replay', message: `a quote is not closed in ${shown(cmd)}` });
    return null;
  }
  const stray = argv.filter((t) => t.startsWith('-') && !REPLAY_COMMAND_FLAGS.includes(t.replace(/=.*$/, '')));
  if (stray.length > 0) {
    problems.push({ path: 'replay', message: `${stray.join(', ')}: not part of a replay command (it has ${REPLAY_COMMAND_FLAGS.join(', ')})` });
    return null;
  }
  let args: RunArgs;
  try {
    args = parseRunArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    problems.push({ path: 'replay', message: e.message.replace(/ See `faultline run --help`\.$/, '') });
    return null;
  }
  if (args.scenario === undefined) problems.push({ path: 'replay', message: 'names no --scenario' });
  if (!argv.some((t) => t === '--seed' || t.startsWith('--seed='))) problems.push({ path: 'replay', message: 'names no --seed' });
  return args;
}

function readReport(file: string, doc: Record<string, unknown>): Named {
  const r = reportSchema.safeParse(doc);
  const problems = r.success ? [] : zodProblems(r.error.issues, doc);
  const run = typeof doc.replay === 'string' ? replayCommandArgs(doc.replay, problems) : null;
  if (r.success && run !== null && problems.length === 0 && run.seed !== r.data.seed) problems.push({ path: 'replay', message: `its --seed ${run.seed} is not the report's seed ${r.data.seed}` });
  if (!r.success || run === null || problems.length > 0) throw new UsageError(problemsMessage(`${file}: not a valid report`, problems, REPORT_FIX));
  return { kind: 'report', file, seed: r.data.seed, hash: r.data.traceHash, run, scenarioName: r.data.scenario };
}

/** The N of FILE#seed=N, checked before the file is read: the flag's rule, the fragment's own syntax in the message. */
function sweepEntrySeed(path: string, text: string): number {
  if (path.includes('#seed=')) throw new UsageError(`replay: ${path}#seed=${text}: names #seed= twice; name one seed, as in ${path.slice(0, path.indexOf('#seed='))}#seed=17`);
  const what = `replay: ${path}#seed=${text}: #seed= takes a seed, an integer from 0 to ${SEED_MAX}`;
  if (!/^\d+$/.test(text)) throw new UsageError(`${what}, got "${text}"; as in ${path}#seed=17`);
  if (!Number.isSafeInteger(Number(text))) throw new UsageError(`${what}; ${text} is too large`);
  return Number(text);
}

const MANY_SEEDS = (file: string): string => `replay: ${file} holds many seeds: name one, as in ${file}#seed=17`;

/** The first line of `file` (at most 64 KiB of it), or null when it cannot be read. */
function firstLine(file: string): string | null {
  const buf = Buffer.alloc(64 * 1024);
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const got = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, got).toString('utf8').replace(/^\uFEFF/, '');
    const end = text.indexOf('\n');
    return end < 0 ? text : text.slice(0, end);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Why a .jsonl FILE is not replayed by itself. Only a sweep's results log holds seeds to
 * name; a run's trace.jsonl (or its --history-out history, or any other JSON Lines) was
 * told "holds many seeds: name one, as in trace.jsonl#seed=17", which then failed again.
 */
function jsonlMessage(file: string): string {
  const line = firstLine(file);
  let first: unknown = null;
  try {
    first = line === null ? null : JSON.parse(line);
  } catch {
    first = null;
  }
  const o = first !== null && typeof first === 'object' && !Array.isArray(first) ? (first as Record<string, unknown>) : {};
  if (o.faultline === 'sweep-log') return MANY_SEEDS(file);
  const give = `replay takes a report.json (from \`run --out\`), a sweep entry such as results.jsonl#seed=17, or a scenario file with --seed`;
  if ('t' in o && 'node' in o && 'kind' in o) return `replay: FILE ${file} is a run's trace (every event, as \`run --out\` writes it), which holds no scenario to run: replay the report.json beside it (${join(dirname(file), 'report.json')}), or give --scenario NAME --seed N --expect HASH`;
  if ('clientId' in o && 'call' in o) return `replay: FILE ${file} is a client history (as \`run --history-out\` writes it), which holds no scenario to run: \`faultline check ${file}\` checks it; ${give}`;
  return `replay: FILE ${file} is JSON Lines but not a sweep's results log (its first line is not a sweep header): ${give}`;
}

/** Classifies and checks the positional FILE; every problem names it. */
function readNamed(file: string): Named {
  const hash = file.lastIndexOf('#seed=');
  if (hash >= 0) {
    const path = file.slice(0, hash);
    const seed = sweepEntrySeed(path, file.slice(hash + '#seed='.length));
    const input = readSweepInput(path);
    return { kind: 'sweep', file: path, seed, sweep: input.sweep, read: input.file };
  }
  if (!existsSync(file)) throw new UsageError(`replay: ${file}: ${missingFile(file)}`);
  const st = statSync(file);
  if (st.isDirectory()) {
    if (existsSync(join(file, SWEEP_FILE)) || existsSync(join(file, RESULTS_LOG))) throw new UsageError(`replay: FILE ${file} is a sweep output directory, which holds many seeds: name one, as in ${file}#seed=17`);
    throw new UsageError(`replay: FILE ${file} is a directory: give a report.json (from \`run --out\`), a sweep entry such as ${join(file, SWEEP_FILE)}#seed=17, or a scenario file`);
  }
  if (!st.isFile()) throw new UsageError(`replay: FILE ${file} is not a regular file: give a report.json, a sweep entry (sweep.json#seed=N) or a scenario file`);
  if (file.endsWith('.jsonl')) throw new UsageError(jsonlMessage(file));
  if (file.endsWith('.json')) {
    const d = readJsonFile(file);
    if (d === null || typeof d !== 'object' || Array.isArray(d)) {
      throw new UsageError(`replay: ${file}: expected a JSON object (a report.json written by \`run --out\`, a sweep.json or a JSON scenario), got ${Array.isArray(d) ? 'an array' : shown(d)}`);
    }
    const o = d as Record<string, unknown>;
    if (o.faultline === 'sweep') throw new UsageError(MANY_SEEDS(file));
    if ('traceHash' in o || 'replay' in o) return readReport(file, o);
  }
  return { kind: 'scenario', file };
}

/** The workload modules a recorded run names: a report's replay command, or a sweep file's list. */
function recordedWorkloads(named: Named | undefined): string[] {
  if (named?.kind === 'sweep') return named.sweep.workloads ?? [];
  if (named?.kind === 'report') return named.run.workloads;
  return [];
}

/** Runs `load`, saying which recorded file named what could not be loaded. */
function recorded<T>(file: string, what: string, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`${file}: ${what}: ${e.message}`);
    throw e;
  }
}

function resolveSource(named: Named | undefined, scenario: string | undefined, seed: number | undefined, expect: string | null, workloads: readonly string[]): Source {
  if (named === undefined) {
    if (scenario === undefined || seed === undefined) throw new UsageError('replay: give a FILE (report.json, sweep.json#seed=N, a scenario file) or --scenario X --seed N. See `faultline replay --help`.');
    return { loaded: loadScenarioRef(scenario, workloads), seed, recordedHash: expect, from: `--scenario ${scenario}` };
  }
  if (named.kind === 'sweep') {
    const f = named.sweep;
    const entry = f.results.find((r) => r.seed === named.seed);
    if (entry === undefined) {
      const holds = f.partial === undefined ? `it holds seeds ${f.seeds}, shards ${f.shards.join(', ')}` : `it is partial: a sweep of seeds ${f.seeds}, shards ${f.shards.join(', ')}, that logged ${f.results.length}${f.partial.expected === null ? '' : ` of its ${f.partial.expected}`} seeds`;
      throw new UsageError(`${named.file} has no result for seed ${named.seed} (${holds})`);
    }
    const other = otherVersion(f, named.file);
    if (other !== null) {
      throw new UsageError(`replay: ${other}, so this one cannot tell whether seed ${named.seed} still gives trace ${entry.traceHash}: replay it with faultline ${f.faultlineVersion as string} (npx faultline@${f.faultlineVersion as string} replay ${named.file}#seed=${named.seed}), or run the seed afresh with this one (faultline run --scenario ${f.scenarioRef} --seed ${named.seed})`);
    }
    const loaded = recorded(named.file, 'its scenarioText', () => fromText(f.scenarioText, f.scenarioFileName, f.scenarioRef, workloads));
    return { loaded, seed: named.seed, recordedHash: entry.traceHash, from: `${named.file}#seed=${named.seed}`, eventsMax: f.eventsMax };
  }
  if (named.kind === 'report') {
    const run = named.run;
    const base = recorded(named.file, `its replay command's --scenario ${run.scenario as string}`, () => loadScenarioRef(run.scenario as string, workloads));
    // The report names the scenario it ran; a replay command that runs another is an edit.
    if (named.scenarioName !== base.scenario.name) {
      throw new UsageError(problemsMessage(`${named.file}: not a valid report`, [{ path: 'scenario', message: `is ${shown(named.scenarioName)}, but its replay command runs scenario ${shown(base.scenario.name)}` }], REPORT_FIX));
    }
    const loaded = run.knowledge === undefined ? base : { ...base, scenario: recorded(named.file, 'its replay command', () => withKnowledge(base.scenario, run.knowledge as string)) };
    return { loaded, seed: named.seed, recordedHash: named.hash, from: named.file, eventsMax: run.eventsMax, knowledge: run.knowledge };
  }
  return { loaded: loadScenarioRef(named.file, workloads, 'replay: FILE'), seed: seed ?? 1, recordedHash: expect, from: named.file };
}

/** The files a replay reads (those that are files: a catalogue name is not), for refuseSharedPaths. */
function replayInputs(named: Named | undefined, scenario: string | undefined, workloads: readonly string[], cwd: string): { flag: string; path: string; input: true }[] {
  const isFile = (p: string): boolean => existsSync(resolve(cwd, p)) && statSync(resolve(cwd, p)).isFile();
  const out: { flag: string; path: string | undefined }[] = [
    { flag: 'FILE', path: named === undefined ? undefined : named.kind === 'sweep' ? named.read : named.file },
    { flag: '--scenario', path: scenario },
    ...(named?.kind === 'report' ? [{ flag: 'its replay command\'s --scenario', path: named.run.scenario }, { flag: 'its replay command\'s --knowledge', path: named.run.knowledge }] : []),
    ...workloads.map((w) => ({ flag: '--workload', path: w })),
  ];
  return out.filter((x): x is { flag: string; path: string } => x.path !== undefined && isFile(x.path)).map((x) => ({ ...x, input: true }));
}

/** --scenario never goes with FILE; --seed and --expect only with a scenario file (a report or sweep entry records both). */
function refuseConflicts(named: Named, v: Record<string, string | boolean | undefined>): void {
  if (typeof v.scenario === 'string') throw new UsageError(`replay: --scenario conflicts with FILE (${named.file}), which names the scenario already: give one or the other`);
  if (named.kind === 'scenario') return;
  const what = named.kind === 'report' ? 'the report' : 'the sweep entry';
  if (typeof v.seed === 'string') throw new UsageError(`replay: --seed conflicts with FILE (${named.file}${named.kind === 'sweep' ? `#seed=${named.seed}` : ''}): ${what} records its seed (${named.seed}); drop --seed${named.kind === 'sweep' ? `, or name another seed as in ${named.file}#seed=${v.seed}` : ''}`);
  if (typeof v.expect === 'string') throw new UsageError(`replay: --expect conflicts with FILE (${named.file}${named.kind === 'sweep' ? `#seed=${named.seed}` : ''}): ${what} records the trace hash to reproduce; drop --expect (it goes with --scenario X --seed N or a scenario file)`);
}

export function cmdReplay(argv: string[], io: Io): number | Promise<number> {
  const { values: v, positionals } = parseFlags(argv, 'replay', {
    ...WORKLOAD_FLAG,
    scenario: { type: 'string', short: 's' },
    seed: { type: 'string' },
    expect: { type: 'string' },
    'trace-out': { type: 'string' },
    json: { type: 'boolean' },
    'allow-inconclusive': { type: 'boolean' },
    'events-max': { type: 'string' },
    timeout: { type: 'string' },
  }, 1);
  // Every flag and the FILE are checked before anything is loaded or run.
  const seed = typeof v.seed === 'string' ? parseSeed(v.seed) : undefined;
  const expect = typeof v.expect === 'string' ? parseExpect(v.expect) : null;
  const eventsMax = parseEventsMax(typeof v['events-max'] === 'string' ? v['events-max'] : undefined);
  const timeoutMs = typeof v.timeout === 'string' ? parseWallLimit(v.timeout, '--timeout', 'the replay\'s wall-time limit') : undefined;
  const named = positionals[0] === undefined ? undefined : readNamed(positionals[0]);
  if (named !== undefined) refuseConflicts(named, v);
  const given = workloadPaths(v.workload);
  const workloads = given.length > 0 ? given : recordedWorkloads(named);
  const scenario = typeof v.scenario === 'string' ? v.scenario : undefined;
  const recordedIn = given.length > 0 || named === undefined || named.kind === 'scenario' ? undefined : named.file;
  // A trace written over a file the replay reads would destroy the record it replays.
  refuseSharedPaths([...replayInputs(named, scenario, workloads, io.cwd), { flag: '--trace-out', path: typeof v['trace-out'] === 'string' ? v['trace-out'] : undefined }], io.cwd);
  return withWorkloads(workloads, io.cwd, () => {
    // --timeout (cli/runDeadline.ts) from here on: loading the scenario runs a workload's validate().
    const watching: RunWatchContext = { seed: named !== undefined && 'seed' in named ? named.seed : seed };
    const watch = timeoutMs === undefined ? null : watchRun(timeoutMs, watching);
    try {
      const src = resolveSource(named, scenario, seed, expect, workloads);
      watching.seed = src.seed;
      watching.replay = runCommand(src.loaded, src.seed, src);
      // --events-max given to replay wins over the one the recorded run had.
      return replayOnce(eventsMax === undefined ? src : { ...src, eventsMax }, v, io, watch, watching);
    } finally {
      watch?.stop();
    }
  }, recordedIn);
}

function replayOnce(src: Source, v: Record<string, string | boolean | undefined>, io: Io, watch: RunWatch | null, watching: RunWatchContext): number {
  const traceOut = typeof v['trace-out'] === 'string' ? v['trace-out'] : undefined;
  if (traceOut !== undefined) watching.undo = prepareOutFile(traceOut, '--trace-out');
  const scenario = materialize(src.loaded.scenario, src.seed);
  const t0 = wallNowMs();
  const opts = { retainTrace: traceOut !== undefined, eventsMax: src.eventsMax };
  const { report, world } = runScenario(scenario, src.seed, watch === null ? opts : watch.wrap(opts));
  watch?.stop();
  const wallMs = Math.round((wallNowMs() - t0) * 10) / 10;
  const kept = world.trace.events().length;
  if (traceOut !== undefined) writeJsonlFile(traceOut, world.trace.events());
  const reproduced = src.recordedHash === null ? null : src.recordedHash === report.traceHash;
  const replay = runCommand(src.loaded, src.seed, src);
  const violations = boundedViolations(report.violations, `for the full text run: ${replay} --out DIR`);
  if (v.json === true) {
    io.out(JSON.stringify({ ...report, violations, wallMs, replay, recordedHash: src.recordedHash, reproduced, faults: scenario.faults }) + '\n');
  } else {
    const lines = [`faultline replay ${src.from} · ${report.scenario} · seed ${src.seed}`];
    if (reproduced === null) lines.push(`  trace ${report.traceHash} (nothing recorded to compare with; pass --expect HASH to check)`);
    else if (reproduced) lines.push(`  REPRODUCED  trace ${report.traceHash} matches the recorded hash`);
    else lines.push(`  DIFFERENT  trace ${report.traceHash}, but ${src.recordedHash} was recorded: this is not the same run (the code, the scenario or the platform changed)`);
    lines.push(`  ${verdictWord(report.verdict)}  ${formatMicros(report.simulatedMs * 1000)} simulated · ${formatCount(report.events)} events · ${wallMs} ms`);
    for (const x of violations.slice(0, 20)) lines.push(`  violation [${x.check}] at ${formatMicros(x.t)}${x.node === null ? '' : ` on node ${x.node}`}: ${x.message}`);
    lines.push(...inconclusiveLines(report.inconclusive, '  '));
    if (traceOut !== undefined) lines.push(`  wrote ${kept} trace events to ${traceOut}`);
    lines.push(`  run it: ${replay}`);
    io.out(lines.join('\n') + '\n');
  }
  const cut = traceOut === undefined ? null : traceCutNote(traceOut, kept, Number(report.stats.traced));
  if (cut !== null) io.err(cut);
  if (reproduced === false) io.err(`faultline: replay of ${src.from} did not reproduce the recorded trace hash ${src.recordedHash} (got ${report.traceHash})\n`);
  return reproduced === false ? EXIT_FAIL : exitCodeOf(report.verdict, v['allow-inconclusive'] === true);
}
