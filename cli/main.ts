// The faultline command line: run and list scenarios. A thin shell over sim/: it reads
// files, measures wall time, draws progress and prints reports; the simulation itself is
// in sim/run. Exit codes: 0 checks held, 1 a check failed, 2 bad input or usage.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runScenario, type RunReport } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { formatMicros } from '../sim/kernel/time.ts';
import { toJsonl } from '../sim/trace/trace.ts';
import { HelpRequested, parseRunArgs, UsageError } from './args.ts';
import { catalogFiles, DEFAULT_SCENARIO, loadScenarioFile, locateScenario, scenarioNameOf } from './catalog.ts';
import { LIST_HELP, MAIN_HELP, RUN_HELP } from './help.ts';
import { Progress } from './progress.ts';
import { wallNowMs } from './wallclock.ts';

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  errIsTty: boolean;
  cwd: string;
}

export interface CliReport extends RunReport {
  wallMs: number;
  replay: string;
}

function loadOrThrow(nameOrFile: string): { scenario: Scenario; ref: string } {
  const loc = locateScenario(nameOrFile);
  if (!loc.ok) throw new UsageError(loc.message);
  const parsed = loadScenarioFile(loc.file);
  if (!parsed.ok) {
    const lines = parsed.problems.map((p) => `  ${p.path}: ${p.message}`);
    throw new UsageError(`scenario ${nameOrFile} is invalid (${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
  }
  return { scenario: parsed.scenario, ref: loc.fromCatalog ? parsed.scenario.name : nameOrFile };
}

function cmdRun(argv: string[], io: Io): number {
  const args = parseRunArgs(argv);
  const { scenario, ref } = loadOrThrow(args.scenario ?? DEFAULT_SCENARIO);
  const replay = `npx faultline run --scenario ${ref} --seed ${args.seed}`;
  const progress = !args.json && !args.quiet && io.errIsTty ? new Progress(io.err) : null;
  const t0 = wallNowMs();
  const { report, world } = runScenario(scenario, args.seed, {
    retainTrace: args.out !== undefined,
    onProgress: progress ? (sim, total, events) => progress.update(sim / total, `${formatMicros(sim)} / ${formatMicros(total)} · ${events.toLocaleString('en-US')} events`) : undefined,
  });
  const wallMs = wallNowMs() - t0;
  progress?.clear();
  const full: CliReport = { ...report, wallMs: Math.round(wallMs * 10) / 10, replay };
  if (args.out !== undefined) {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, 'report.json'), JSON.stringify(full, null, 2) + '\n');
    writeFileSync(join(args.out, 'trace.jsonl'), toJsonl(world.trace.events()));
  }
  if (args.json) io.out(JSON.stringify(full) + '\n');
  else io.out(humanReport(full, args.out === undefined ? undefined : relative(io.cwd, args.out) || '.'));
  return report.violations.length === 0 ? 0 : 1;
}

function humanReport(r: CliReport, outDir: string | undefined): string {
  const pass = r.violations.length === 0;
  const compression = r.wallMs > 0 ? r.simulatedMs / r.wallMs : Infinity;
  const lines = [
    `faultline run ${r.scenario} · seed ${r.seed}`,
    `  ${pass ? 'PASS' : 'FAIL'}  ${formatMicros(r.simulatedMs * 1000)} simulated in ${(r.wallMs / 1000).toFixed(2)} s (${Math.round(compression).toLocaleString('en-US')}x real time)`,
    `  ${r.events.toLocaleString('en-US')} events · ${r.stats.crashes} crashes · trace ${r.traceHash}`,
  ];
  for (const v of r.violations.slice(0, 20)) lines.push(`  violation [${v.check}] at ${formatMicros(v.t)}${v.node === null ? '' : ` on node ${v.node}`}: ${v.message}`);
  if (r.violations.length > 20) lines.push(`  ... and ${r.violations.length - 20} more violations (see --json)`);
  if (outDir !== undefined) lines.push(`  wrote ${join(outDir, 'report.json')} and ${join(outDir, 'trace.jsonl')}`);
  lines.push(`  ${pass ? 'replay' : `seed ${r.seed} failed; replay`}: ${r.replay}`);
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

const HELP: Record<string, string> = { run: RUN_HELP, list: LIST_HELP };

export function main(argv: string[], io: Io): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(MAIN_HELP + '\n');
      return command === undefined ? 2 : 0;
    }
    if (command === 'run') return cmdRun(rest, io);
    if (command === 'list') return cmdList(rest, io);
    throw new UsageError(`unknown command "${command}". Commands: run, list. See \`faultline --help\`.`);
  } catch (e) {
    if (e instanceof HelpRequested) {
      io.out((HELP[e.topic] ?? MAIN_HELP) + '\n');
      return 0;
    }
    if (e instanceof UsageError) {
      io.err(`faultline: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
