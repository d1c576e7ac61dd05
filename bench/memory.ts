// Memory benchmark: whether a long run's memory is independent of its length. Runs
// `faultline run` (the built CLI, as a user does) on load-hour cut to 120 and 600 (FAULTLINE_MEMORY_QUICK=1: 5 and 10)
// simulated seconds, each in its own process, and reports each one's peak RSS, CPU time
// and verdict, the ratio of the longest slice's peak to the shortest's (1.0 is flat), and
// the longest slice again with V8's default heap growth (`node
// --heap-growing-percent=0`) to show what the CLI's own setting (bin/faultline.mjs) saves.
// FAULTLINE_MEMORY_HOUR=1 adds the whole hour (about 10 minutes of CPU).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogScenario } from '../cli/catalog.ts';
import { scenarioToYaml } from '../sim/scenario/toYaml.ts';
import type { LoadKvScenario } from '../sim/workloads/loadKv.ts';
import { switchEnv } from './support/benchEnv.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Figures {
  maxRssMB: number;
  cpuS: number;
  verdict: string;
  events: number;
}

function runCli(file: string, nodeArgs: string[]): Figures {
  const env = { ...process.env, NODE_OPTIONS: `--import ${join(ROOT, 'bench/support/maxRss.mjs')}` };
  const r = spawnSync(process.execPath, [...nodeArgs, join(ROOT, 'bin/faultline.mjs'), 'run', '--scenario', file, '--json', '--quiet', '--allow-inconclusive'], { env, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const m = /maxRSSKiB=(\d+)/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`faultline run ${file} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(r.stdout) as { verdict: string; events: number };
  const usage = /cpuUs=(\d+)/.exec(r.stderr);
  return { maxRssMB: Math.round(Number(m[1]) / 1024), cpuS: usage === null ? -1 : Math.round(Number(usage[1]) / 1e4) / 100, verdict: report.verdict, events: report.events };
}

function slice(seconds: number): string {
  const hour = catalogScenario('load-hour') as LoadKvScenario;
  const s = seconds >= 3600 ? hour : { ...hour, name: `load-hour-${seconds}s`, duration: (seconds + 2) * 1_000_000, load: { ...hour.load, phases: [{ ...hour.load.phases[0], duration: seconds * 1_000_000 }] } };
  return scenarioToYaml(s, `load-hour cut to ${seconds} simulated seconds (bench/memory.ts)`);
}

export async function run(): Promise<Record<string, number | string>> {
  const slicesS = switchEnv('FAULTLINE_MEMORY_QUICK') ? [5, 10] : [120, 600];
  const hour = switchEnv('FAULTLINE_MEMORY_HOUR');
  const dir = mkdtempSync(join(tmpdir(), 'faultline-memory-'));
  const out: Record<string, number | string> = {};
  try {
    const sizes = hour ? [...slicesS, 3600] : slicesS;
    const file = (s: number): string => {
      const f = join(dir, `load-${s}.yaml`);
      writeFileSync(f, slice(s));
      return f;
    };
    for (const s of sizes) {
      if (process.stderr.isTTY) process.stderr.write(`bench memory: load-hour cut to ${s}s...\n`);
      const f = runCli(file(s), []);
      for (const [k, v] of Object.entries(f)) out[`load${s}s.${k}`] = v;
    }
    const longest = sizes[sizes.length - 1];
    out.peakRatioLongestToShortest = Math.round(((out[`load${longest}s.maxRssMB`] as number) / (out[`load${sizes[0]}s.maxRssMB`] as number)) * 100) / 100;
    const last = slicesS[slicesS.length - 1];
    const v8default = runCli(file(last), ['--heap-growing-percent=0']);
    out[`load${last}s.v8DefaultGrowth.maxRssMB`] = v8default.maxRssMB;
    out[`load${last}s.v8DefaultGrowth.cpuS`] = v8default.cpuS;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
