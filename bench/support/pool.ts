// A small pool of worker threads for benchmarks that run many seeds: jobs go out one at a
// time to whichever worker is free; results come back keyed, so their order never depends
// on which worker finished first.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../../sim/scenario/schema.ts';

export interface RunJob {
  key: string;
  scenario: Scenario;
  seed: number;
}

export interface RunJobResult {
  key: string;
  seed: number;
  violations: string[];
  stats: Record<string, number | string>;
  traceHash: string;
}

const ENTRY = new URL('./runWorkerEntry.mjs', import.meta.url);

/** Runs every job on `threads` worker threads (default: the CPU count); results in job order. */
export async function runJobs(jobs: readonly RunJob[], threads = availableParallelism()): Promise<RunJobResult[]> {
  const results = new Map<string, RunJobResult>();
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(threads, jobs.length)) }, () => new Worker(ENTRY));
  await Promise.all(workers.map((w) => new Promise<void>((resolve, reject) => {
    const feed = (): void => {
      if (next >= jobs.length) {
        w.postMessage('stop');
        resolve();
        return;
      }
      w.postMessage(jobs[next++]);
    };
    w.on('message', (r: RunJobResult) => {
      results.set(`${r.key}#${r.seed}`, r);
      feed();
    });
    w.on('error', reject);
    feed();
  })));
  return jobs.map((j) => results.get(`${j.key}#${j.seed}`) as RunJobResult);
}
