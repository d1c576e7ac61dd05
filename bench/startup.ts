// Start-up benchmark: what a user waits for before any simulation runs. Issue 14's goals:
// `faultline run` of a one-second scenario finishes in < 0.5 s of wall time, and a sweep
// worker thread is ready < 0.2 s after it is spawned.
//
// Contract: `run()` returns, each as the median of several runs (with the fastest):
// - a bare `node -e 0` start (the floor no command can beat on this machine);
// - `faultline run` of raft-idle cut to one simulated second from a fresh process, from the
//   prepare-time build (dist/cli, what `npm install` makes) and from the TypeScript sources
//   (FAULTLINE_FROM_SOURCE=1: what every start cost before the build);
// - a sweep worker from `new Worker` to its `ready` message, the build's entry
//   (dist/cli/sweepWorkerEntry.mjs) against a bare worker thread that posts at once.
// Without a build (`npm run build:cli` makes one) the built figures say "no build".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { catalogScenario } from '../cli/catalog.ts';
import type { WorkerInit } from '../cli/sweepProtocol.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { scenarioToYaml } from '../sim/scenario/toYaml.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILT_WORKER = join(ROOT, 'dist/cli/sweepWorkerEntry.mjs');
const RUNS = 7;
const SOURCE_RUNS = 3;

interface Spread {
  medianMs: number;
  minMs: number;
}

function spread(samples: number[]): Spread {
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: Math.round(sorted[(sorted.length - 1) >> 1]), minMs: Math.round(sorted[0]) };
}

/** Wall time of one child process, which must exit 0. */
function timeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const t0 = wallNowMs();
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  const ms = wallNowMs() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`);
  return ms;
}

function oneSecondScenario(dir: string): string {
  const idle = catalogScenario('raft-idle');
  const file = join(dir, 'raft-idle-1s.yaml');
  writeFileSync(file, scenarioToYaml({ ...idle, name: 'raft-idle-1s', duration: 1_000_000 }, 'raft-idle cut to one simulated second (bench/startup.ts)'));
  return file;
}

/** Milliseconds from `new Worker` to the first message on the port handed to it. */
async function timeWorker(spawn: (port: MessagePort) => Worker): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const t0 = wallNowMs();
  const worker = spawn(port2);
  const first = await new Promise<{ type?: string; message?: string }>((resolve) => port1.once('message', resolve));
  const ms = wallNowMs() - t0;
  port1.close();
  await worker.terminate();
  if (first.type !== 'ready') throw new Error(`the worker said ${JSON.stringify(first)} instead of ready`);
  return ms;
}

function builtWorker(port: MessagePort): Worker {
  const init: WorkerInit = { port, signal: new Int32Array(new SharedArrayBuffer(4)), scenario: catalogScenario('raft-idle'), workloadModules: [] };
  return new Worker(pathToFileURL(BUILT_WORKER), { workerData: init, transferList: [port] });
}

function bareWorker(port: MessagePort): Worker {
  const code = "const { workerData } = require('node:worker_threads'); workerData.port.postMessage({ type: 'ready' });";
  return new Worker(code, { eval: true, workerData: { port }, transferList: [port] });
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const dir = mkdtempSync(join(tmpdir(), 'faultline-startup-'));
  const built = existsSync(BUILT_WORKER);
  try {
    const file = oneSecondScenario(dir);
    const cli = join(ROOT, 'bin/faultline.mjs');
    const runArgs = [cli, 'run', '--scenario', file, '--json', '--quiet'];
    const bare: number[] = [];
    const fromBuild: number[] = [];
    // Alternated, so a slow moment of the machine falls on both.
    for (let i = 0; i < RUNS; i++) {
      bare.push(timeProcess(['-e', '0']));
      if (built) fromBuild.push(timeProcess(runArgs));
    }
    const fromSource: number[] = [];
    for (let i = 0; i < SOURCE_RUNS; i++) fromSource.push(timeProcess(runArgs, { ...process.env, FAULTLINE_FROM_SOURCE: '1' }));
    const b = spread(bare);
    const s = spread(fromSource);
    out['node.bare.medianMs'] = b.medianMs;
    out['run.oneSecond.fromSource.medianMs'] = s.medianMs;
    if (built) {
      const r = spread(fromBuild);
      out['run.oneSecond.built.medianMs'] = r.medianMs;
      out['run.oneSecond.built.minMs'] = r.minMs;
      out['run.oneSecond.ratio.sourcePerBuilt'] = Math.round((s.medianMs / r.medianMs) * 100) / 100;
      out['run.oneSecond.goal.ms'] = 500;
      out['run.oneSecond.goalMet'] = r.medianMs < 500 ? 'yes' : 'no';
    } else {
      out['run.oneSecond.built.medianMs'] = 'no build';
    }
    const bareWorkers: number[] = [];
    const builtWorkers: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bareWorkers.push(await timeWorker(bareWorker));
      if (built) builtWorkers.push(await timeWorker(builtWorker));
    }
    const bw = spread(bareWorkers);
    out['sweepWorker.bare.medianMs'] = bw.medianMs;
    if (built) {
      const w = spread(builtWorkers);
      out['sweepWorker.built.medianMs'] = w.medianMs;
      out['sweepWorker.built.minMs'] = w.minMs;
      out['sweepWorker.goal.ms'] = 200;
      out['sweepWorker.goalMet'] = w.medianMs < 200 ? 'yes' : 'no';
    } else {
      out['sweepWorker.built.medianMs'] = 'no build';
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
