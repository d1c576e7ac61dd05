// Printing and writing sweep results, shared by `sweep` and `merge`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { junitXml } from './junit.ts';
import { runCommand } from './scenarioRef.ts';
import { JUNIT_FILE, summarize, SWEEP_FILE, type SweepFile, type SweepSummary } from './sweepFile.ts';

/** The replay command for one seed: the plain run command, which needs nothing but the scenario (and its workload modules). */
export function replayCommand(f: SweepFile, seed: number): string {
  return runCommand({ ref: f.scenarioRef, workloads: f.workloads }, seed);
}

export function writeSweepOutputs(f: SweepFile, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, SWEEP_FILE), JSON.stringify(f, null, 1) + '\n');
  writeFileSync(join(outDir, JUNIT_FILE), junitXml(f.scenario, f.results, f.wallMs, (seed) => replayCommand(f, seed)));
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

export function humanSummary(title: string, f: SweepFile, sum: SweepSummary, outDir: string | undefined): string {
  const lines = [
    title,
    `  ${sum.failed === 0 ? 'PASS' : 'FAIL'}  ${fmt(sum.passed)} passed, ${fmt(sum.failed)} failed of ${fmt(sum.seeds)} seeds in ${(sum.wallMs / 1000).toFixed(2)} s`,
    `  ${fmt(sum.seedsPerMin)} seeds/min · ${fmt(sum.eventsPerS)} events/s · ${fmt(sum.events)} events`,
  ];
  if (sum.slowest.length > 0) lines.push(`  slowest: ${sum.slowest.map((s) => `seed ${s.seed} (${Math.round(s.wallMs)} ms)`).join(', ')}`);
  const failures = f.results.filter((r) => r.violationCount > 0);
  for (const r of failures) {
    const v = r.violations[0];
    lines.push(`  seed ${r.seed} failed: [${v?.check ?? '?'}] ${v?.message ?? ''}${r.violationCount > 1 ? ` (+${r.violationCount - 1} more)` : ''}`);
    lines.push(`    replay: ${replayCommand(f, r.seed)}${outDir === undefined ? '' : `   or: npx faultline replay ${join(outDir, SWEEP_FILE)}#seed=${r.seed}`}`);
  }
  if (outDir !== undefined) lines.push(`  wrote ${join(outDir, SWEEP_FILE)} and ${join(outDir, JUNIT_FILE)}`);
  return lines.join('\n') + '\n';
}

/** The --json form: the results file without the scenario text, plus the summary and failures. */
export function jsonSummary(f: SweepFile, sum: SweepSummary): string {
  const { scenarioText: _text, ...rest } = f;
  const failures = f.results.filter((r) => r.violationCount > 0).map((r) => ({ seed: r.seed, traceHash: r.traceHash, check: r.violations[0]?.check ?? null, replay: replayCommand(f, r.seed) }));
  return JSON.stringify({ ...rest, summary: sum, failures }) + '\n';
}

export { summarize };
