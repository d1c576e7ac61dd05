// Printing and writing sweep results, shared by `sweep` and `merge`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { junitXml } from './junit.ts';
import { firstLine } from './explanations.ts';
import { runCommand } from './scenarioRef.ts';
import { JUNIT_FILE, summarize, SWEEP_FILE, type SweepFile, type SweepSummary } from './sweepFile.ts';
import { EXIT_INCONCLUSIVE, EXIT_PASS, exitCodeOf } from './verdictExit.ts';
import { formatCount } from '../sim/kernel/time.ts';

/** The replay command for one seed: the plain run command, which needs nothing but the scenario (and its workload modules). */
export function replayCommand(f: SweepFile, seed: number): string {
  return runCommand({ ref: f.scenarioRef, workloads: f.workloads }, seed, f);
}

/** sweep.json and junit.xml, both rendered before either is written. */
export function renderSweepOutputs(f: SweepFile, allowInconclusive = false): { name: string; text: string }[] {
  return [
    { name: SWEEP_FILE, text: JSON.stringify(f, null, 1) + '\n' },
    { name: JUNIT_FILE, text: junitXml(f.scenario, f.results, f.wallMs, (seed) => replayCommand(f, seed), allowInconclusive) },
  ];
}

/** Writes sweep.json and junit.xml into `outDir`, which the caller prepared (cli/outPath.ts). */
export function writeSweepOutputs(f: SweepFile, outDir: string, allowInconclusive = false): void {
  for (const o of renderSweepOutputs(f, allowInconclusive)) writeFileSync(join(outDir, o.name), o.text);
}

/** The sweep's verdict: fail if any seed failed, else inconclusive if any was, else pass. */
export function sweepExitCode(sum: SweepSummary, allowInconclusive: boolean): number {
  return exitCodeOf(sum.failed > 0 ? 'fail' : sum.inconclusive > 0 || sum.missing !== undefined ? 'inconclusive' : 'pass', allowInconclusive);
}

/** Seeds of each status the human summary lists (with their replay commands); the rest are counted. */
export const SEEDS_LISTED_MAX = 20;

export function humanSummary(title: string, f: SweepFile, sum: SweepSummary, outDir: string | undefined, allowInconclusive = false): string {
  const word = sum.failed > 0 ? 'FAIL' : sum.inconclusive > 0 || sum.missing !== undefined ? 'INCONCLUSIVE' : 'PASS';
  const lines = [
    title,
    `  ${word}  ${formatCount(sum.passed)} passed, ${formatCount(sum.failed)} failed, ${formatCount(sum.inconclusive)} inconclusive of ${formatCount(sum.seeds)} seed${sum.seeds === 1 ? '' : 's'} in ${(sum.wallMs / 1000).toFixed(2)} s`,
    `  ${formatCount(sum.seedsPerMin)} seeds/min · ${formatCount(sum.eventsPerS)} events/s · ${formatCount(sum.events)} events`,
  ];
  for (const r of f.retried ?? []) lines.push(`  seed ${r.seed} ran twice: ${r.why}`);
  if (sum.slowest.length > 0) lines.push(`  slowest: ${sum.slowest.map((s) => `seed ${s.seed} (${Math.round(s.wallMs)} ms)`).join(', ')}`);
  const failures = f.results.filter((r) => r.verdict === 'fail');
  for (const r of failures.slice(0, SEEDS_LISTED_MAX)) {
    const v = r.violations[0];
    lines.push(`  seed ${r.seed} failed: [${v?.check ?? '?'}] ${firstLine(v?.message ?? '')}${r.violationCount > 1 ? ` (+${r.violationCount - 1} more)` : ''}`);
    lines.push(`    replay: ${replayCommand(f, r.seed)}${outDir === undefined ? '' : `   or: npx faultline replay ${join(outDir, SWEEP_FILE)}#seed=${r.seed}`}`);
  }
  if (failures.length > SEEDS_LISTED_MAX) lines.push(`  … and ${formatCount(failures.length - SEEDS_LISTED_MAX)} more failing seed${failures.length - SEEDS_LISTED_MAX === 1 ? '' : 's'} (every one is in sweep.json and --json)`);
  const undecided = f.results.filter((r) => r.verdict === 'inconclusive');
  for (const r of undecided.slice(0, SEEDS_LISTED_MAX)) {
    const x = r.inconclusive[0];
    lines.push(`  seed ${r.seed} inconclusive: [${x?.check ?? '?'}] ${x?.reason ?? ''}${r.inconclusive.length > 1 ? ` (+${r.inconclusive.length - 1} more)` : ''}`);
    lines.push(`    replay: ${replayCommand(f, r.seed)}`);
  }
  if (undecided.length > SEEDS_LISTED_MAX) lines.push(`  … and ${formatCount(undecided.length - SEEDS_LISTED_MAX)} more inconclusive seed${undecided.length - SEEDS_LISTED_MAX === 1 ? '' : 's'} (every one is in sweep.json and --json)`);
  if (undecided.length > 0) lines.push(`  ${formatCount(undecided.length)} inconclusive seed${undecided.length === 1 ? '' : 's'}: exit ${allowInconclusive ? `${EXIT_PASS} (--allow-inconclusive)` : `${EXIT_INCONCLUSIVE} (--allow-inconclusive accepts them)`}`);
  const m = sum.missing;
  if (m !== undefined) {
    const shown = `${m.first.join(', ')}${m.count > m.first.length ? `, ... (${formatCount(m.count)} in all)` : ''}`;
    lines.push(`  ${m.count === 1 ? 'seed' : 'seeds'} ${shown} of ${f.seeds} ${m.count === 1 ? 'is' : 'are'} in no input (a shard not merged, or a sweep that did not finish), so nothing says ${m.count === 1 ? 'it passes' : 'they pass'}: exit ${allowInconclusive ? `${EXIT_PASS} (--allow-inconclusive)` : `${EXIT_INCONCLUSIVE}; merge every shard, or sweep the missing seeds and merge them too (--allow-inconclusive accepts the gap)`}`);
  }
  if (outDir !== undefined) lines.push(`  wrote ${join(outDir, SWEEP_FILE)} and ${join(outDir, JUNIT_FILE)}`);
  return lines.join('\n') + '\n';
}

/** The --json form: the results file without the scenario text, plus the summary and failures. */
export function jsonSummary(f: SweepFile, sum: SweepSummary): string {
  const { scenarioText: _text, ...rest } = f;
  const failures = f.results.filter((r) => r.verdict === 'fail').map((r) => ({ seed: r.seed, traceHash: r.traceHash, check: r.violations[0]?.check ?? null, replay: replayCommand(f, r.seed) }));
  const inconclusive = f.results.filter((r) => r.verdict === 'inconclusive').map((r) => ({ seed: r.seed, traceHash: r.traceHash, check: r.inconclusive[0]?.check ?? null, reason: r.inconclusive[0]?.reason ?? null, replay: replayCommand(f, r.seed) }));
  return JSON.stringify({ ...rest, summary: sum, failures, inconclusive }) + '\n';
}

export { summarize };
