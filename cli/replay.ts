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
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { materialize } from '../sim/faults/swarm.ts';
import { formatCount, formatMicros } from '../sim/kernel/time.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { toJsonl } from '../sim/trace/trace.ts';
import { eventsMaxFlag, parseEventsMax, parseFlags, parseSeed, UsageError } from './args.ts';
import type { Io } from './main.ts';
import { fromText, loadScenarioRef, runCommand, type ScenarioRef } from './scenarioRef.ts';
import { readSweepFile } from './sweepFile.ts';
import { boundedViolations } from './explanations.ts';
import { prepareOutFile } from './outPath.ts';
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
}

function fromSweep(file: string, seedText: string, workloads: readonly string[]): Source {
  const f = readSweepFile(file);
  const seed = parseSeed(seedText, `${file}#seed`);
  const entry = f.results.find((r) => r.seed === seed);
  if (entry === undefined) throw new UsageError(`${file} has no result for seed ${seed} (it holds seeds ${f.seeds}, shards ${f.shards.join(', ')})`);
  return { loaded: fromText(f.scenarioText, f.scenarioFileName, f.scenarioRef, workloads), seed, recordedHash: entry.traceHash, from: `${file}#seed=${seed}`, eventsMax: f.eventsMax };
}

/** A report.json names its scenario in its replay command, exactly as the run was given it. */
function fromReport(file: string, doc: Record<string, unknown>, workloads: readonly string[]): Source {
  const m = typeof doc.replay === 'string' ? /--scenario (\S+)/.exec(doc.replay) : null;
  if (m === null || typeof doc.seed !== 'number' || typeof doc.traceHash !== 'string') throw new UsageError(`${file}: a report must have seed, traceHash and a replay command naming --scenario`);
  const limit = /--events-max (\d+)/.exec(doc.replay as string);
  return { loaded: loadScenarioRef(m[1], workloads), seed: doc.seed, recordedHash: doc.traceHash, from: file, eventsMax: limit === null ? undefined : Number(limit[1]) };
}

/** Reads a JSON file the user named, or says why not. */
function readJson(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  return (doc ?? {}) as Record<string, unknown>;
}

/** The workload modules a recorded run names: a report's replay command, or a sweep file's list. */
function recordedWorkloads(file: string | undefined): string[] {
  if (file === undefined) return [];
  const hash = file.lastIndexOf('#seed=');
  if (hash >= 0) return readSweepFile(file.slice(0, hash)).workloads ?? [];
  if (!file.endsWith('.json') || !existsSync(file)) return [];
  const replay = readJson(file).replay;
  return typeof replay === 'string' ? [...replay.matchAll(/--workload (\S+)/g)].map((m) => m[1]) : [];
}

function resolveSource(file: string | undefined, v: Record<string, string | boolean | undefined>, workloads: readonly string[]): Source {
  const seed = typeof v.seed === 'string' ? parseSeed(v.seed) : undefined;
  const expect = typeof v.expect === 'string' ? v.expect : null;
  if (file === undefined) {
    if (typeof v.scenario !== 'string' || seed === undefined) throw new UsageError('replay: give a FILE (report.json, sweep.json#seed=N, a scenario file) or --scenario X --seed N. See `faultline replay --help`.');
    return { loaded: loadScenarioRef(v.scenario, workloads), seed, recordedHash: expect, from: `--scenario ${v.scenario}` };
  }
  const hash = file.lastIndexOf('#seed=');
  if (hash >= 0) return fromSweep(file.slice(0, hash), file.slice(hash + '#seed='.length), workloads);
  if (!existsSync(file)) throw new UsageError(`replay: ${file}: no such file`);
  if (file.endsWith('.json')) {
    const d = readJson(file);
    if (d.faultline === 'sweep') throw new UsageError(`${file} holds many seeds: name one, as in ${file}#seed=17`);
    if ('traceHash' in d) return fromReport(file, d, workloads);
  }
  return { loaded: loadScenarioRef(file, workloads), seed: seed ?? 1, recordedHash: expect, from: file };
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
  }, 1);
  const given = workloadPaths(v.workload);
  const workloads = given.length > 0 ? given : recordedWorkloads(positionals[0]);
  return withWorkloads(workloads, io.cwd, () => replayOnce(withEventsMax(resolveSource(positionals[0], v, workloads), v), v, io));
}

/** --events-max given to replay wins over the one the recorded run had. */
function withEventsMax(src: Source, v: Record<string, string | boolean | undefined>): Source {
  const eventsMax = parseEventsMax(typeof v['events-max'] === 'string' ? v['events-max'] : undefined);
  return eventsMax === undefined ? src : { ...src, eventsMax };
}

function replayOnce(src: Source, v: Record<string, string | boolean | undefined>, io: Io): number {
  const traceOut = typeof v['trace-out'] === 'string' ? v['trace-out'] : undefined;
  if (traceOut !== undefined) prepareOutFile(traceOut, '--trace-out');
  const scenario = materialize(src.loaded.scenario, src.seed);
  const t0 = wallNowMs();
  const { report, world } = runScenario(scenario, src.seed, { retainTrace: traceOut !== undefined, eventsMax: src.eventsMax });
  const wallMs = Math.round((wallNowMs() - t0) * 10) / 10;
  if (traceOut !== undefined) writeFileSync(traceOut, toJsonl(world.trace.events()));
  const reproduced = src.recordedHash === null ? null : src.recordedHash === report.traceHash;
  const replay = `${runCommand(src.loaded, src.seed)}${eventsMaxFlag(src.eventsMax)}`;
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
    if (traceOut !== undefined) lines.push(`  wrote ${report.stats.traced} trace events to ${traceOut}`);
    lines.push(`  run it: ${replay}`);
    io.out(lines.join('\n') + '\n');
  }
  if (reproduced === false) io.err(`faultline: replay of ${src.from} did not reproduce the recorded trace hash ${src.recordedHash} (got ${report.traceHash})\n`);
  return reproduced === false ? EXIT_FAIL : exitCodeOf(report.verdict, v['allow-inconclusive'] === true);
}
