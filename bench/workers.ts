// Worker lockstep benchmarks: events/s in one thread against the same run with its nodes on
// two runners, for the default Raft scenario (sparse events: a window holds ~2 events, so
// the cost of a round trip to the workers decides the ratio) and for a CPU-heavy scenario
// (much work per event: two workers on two cores should approach 2x). Three ways:
// - `comlink`: two worker threads, every window a comlink call (the path before shared memory,
//   still the browser's without cross-origin isolation);
// - `shared`: two worker threads, windows through shared memory with Atomics (the default);
// - `kernelHostsFirst`: the kernel's thread runs one runner's nodes itself and one worker
//   thread the other's: two runners on two threads, so (on two cores or more) both sides
//   poll the channel before they block;
// - `kernelHostsFirstBlocking`: the same, always blocking (the channel before polling);
// - `kernelHostsFirstOneWindow`: kernelHostsFirst with one window for all runners (each
//   window at most L past the earliest event anywhere, every send made by the kernel), the
//   lockstep before per-runner horizons (docs/workers.md).
// raft-kv-basic runs at its own 12 s, where a fresh worker's JIT warm-up is much of the
// run, and stretched to 60 s, closer to the steady state.
// Worker start-up (spawning threads, loading the sources through tsx) is timed separately
// and excluded. The machine is shared and noisy, so the in-process baseline and each way
// run interleaved, `reps` times, and each ratio is the median of its repetitions.
// These runs keep this thread warm from its in-process rounds; a user's `faultline run
// --workers 2` starts cold in every thread. The `cli.*` figures time that: the CLI in
// fresh processes, one thread against `--workers 2 --kernel-hosts-first`, alternated, by
// the report's wallMs (worker start-up included), the ratio the median of the pairs; at
// 12 s, 60 s and 300 s, since the cold start costs the two-thread run more than one thread.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { catalogScenario } from '../cli/catalog.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { scenarioToYaml } from '../sim/scenario/toYaml.ts';
import { spawnNodePool, type NodePoolOptions } from '../sim/workers/nodePool.ts';
import { runScenarioLockstep, type RunnerFactory } from '../sim/workers/runLockstep.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const WAYS: Record<string, { pool: NodePoolOptions; horizons?: boolean }> = {
  comlink: { pool: { channel: 'comlink' } },
  shared: { pool: { channel: 'shared' } },
  kernelHostsFirst: { pool: { channel: 'shared', kernelHostsFirst: true } },
  kernelHostsFirstBlocking: { pool: { channel: 'shared', kernelHostsFirst: true, spin: false } },
  kernelHostsFirstOneWindow: { pool: { channel: 'shared', kernelHostsFirst: true }, horizons: false },
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timedLockstep(s: Scenario, way: { pool: NodePoolOptions; horizons?: boolean }, expectHash: string): Promise<{ ms: number; spawnMs: number; windows: number; eventsPerCall: number }> {
  let spawnedAt = 0;
  let spawnMs = 0;
  const timed: RunnerFactory = async (init, nodes) => {
    const t = wallNowMs();
    const pool = await spawnNodePool(init, nodes, way.pool);
    spawnedAt = wallNowMs();
    spawnMs = spawnedAt - t;
    return pool;
  };
  const ls = await runScenarioLockstep(s, 2, 2, timed, { horizons: way.horizons });
  const ms = wallNowMs() - spawnedAt;
  if (ls.report.traceHash !== expectHash) throw new Error(`${s.name}: worker trace ${ls.report.traceHash} differs from ${expectHash}`);
  return { ms, spawnMs, windows: ls.lockstep.windows, eventsPerCall: ls.lockstep.eventsPerCall };
}

async function compare(name: string, reps: number, ways: string[], durationUs?: number): Promise<Record<string, number | string>> {
  const base0 = catalogScenario(name);
  const s = durationUs === undefined ? base0 : { ...base0, duration: durationUs };
  runScenario(s, 1); // warm-up of this thread's JIT
  const inMs: number[] = [];
  const ratios: Record<string, number[]> = Object.fromEntries(ways.map((w) => [w, []]));
  const out: Record<string, number | string> = {};
  let events = 0;
  for (let rep = 0; rep < reps; rep++) {
    for (const way of ways) {
      const t0 = wallNowMs();
      const base = runScenario(s, 2).report;
      const ms = wallNowMs() - t0;
      inMs.push(ms);
      events = base.events;
      const r = await timedLockstep(s, WAYS[way], base.traceHash);
      ratios[way].push(ms / r.ms);
      out[`${way}.windows`] = r.windows;
      out[`${way}.eventsPerWorkerCall`] = +r.eventsPerCall.toFixed(2);
      out[`${way}.workerStartupMs`] = Math.round(r.spawnMs);
    }
  }
  out.events = events;
  out.inProcessEventsPerS = Math.round(events / (median(inMs) / 1000));
  for (const way of ways) out[`${way}.speedupVsInProcess`] = +median(ratios[way]).toFixed(3);
  return out;
}

/** One `faultline run --json` in a fresh process: its report's wallMs and trace hash. */
function cliRun(file: string, extra: string[]): { wallMs: number; traceHash: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/faultline.mjs'), 'run', '--scenario', file, '--json', '--quiet', ...extra], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (r.status !== 0) throw new Error(`faultline run ${file} ${extra.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(r.stdout) as { wallMs: number; traceHash: string };
  return { wallMs: report.wallMs, traceHash: report.traceHash };
}

/** The CLI cold, one thread against two runners, `reps` alternated pairs. */
function cliCompare(name: string, reps: number, durationUs?: number): Record<string, number> {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-workers-'));
  try {
    const s = catalogScenario(name);
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, scenarioToYaml(durationUs === undefined ? s : { ...s, duration: durationUs }, `${name} for bench/workers.ts`));
    const ratios: number[] = [];
    const one: number[] = [];
    const two: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const a = cliRun(file, []);
      const b = cliRun(file, ['--workers', '2', '--kernel-hosts-first']);
      if (a.traceHash !== b.traceHash) throw new Error(`${name}: the CLI with workers gave trace ${b.traceHash}, in one thread ${a.traceHash}`);
      one.push(a.wallMs);
      two.push(b.wallMs);
      ratios.push(a.wallMs / b.wallMs);
    }
    return { oneThreadWallMs: Math.round(median(one)), kernelHostsFirstWallMs: Math.round(median(two)), 'kernelHostsFirst.speedupVsOneThread': +median(ratios).toFixed(3) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { workers: 2 };
  for (const [k, v] of Object.entries(cliCompare('raft-kv-basic', 4))) out[`cli.raft-kv-basic.${k}`] = v;
  for (const [k, v] of Object.entries(cliCompare('raft-kv-basic', 3, 60_000_000))) out[`cli.raft-kv-basic-60s.${k}`] = v;
  // Long enough for both threads' code to be compiled for most of the run: where the
  // ratio goes once warm-up is paid (docs/workers.md, "Warm-up and wake-ups").
  for (const [k, v] of Object.entries(cliCompare('raft-kv-basic', 2, 300_000_000))) out[`cli.raft-kv-basic-300s.${k}`] = v;
  for (const [k, v] of Object.entries(await compare('raft-kv-basic', 3, ['comlink', 'shared', 'kernelHostsFirstBlocking', 'kernelHostsFirstOneWindow', 'kernelHostsFirst']))) out[`raft-kv-basic.${k}`] = v;
  for (const [k, v] of Object.entries(await compare('raft-kv-basic', 3, ['shared', 'kernelHostsFirstBlocking', 'kernelHostsFirstOneWindow', 'kernelHostsFirst'], 60_000_000))) out[`raft-kv-basic-60s.${k}`] = v;
  // The CPU-heavy run is stretched to 20 simulated seconds so that the workers' own JIT
  // warm-up (each worker compiles the node code afresh) is a small part of the measurement.
  for (const [k, v] of Object.entries(await compare('heartbeat-cpu-heavy', 1, ['comlink', 'shared', 'kernelHostsFirstBlocking', 'kernelHostsFirst'], 20_000_000))) out[`heartbeat-cpu-heavy.${k}`] = v;
  return out;
}
