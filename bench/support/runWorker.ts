// The body of a benchmark worker thread: runs (scenario, seed) jobs and posts each run's
// violations and stats back. The scenario comes as data (a parsed, possibly edited one).
import { parentPort } from 'node:worker_threads';
import { runScenario } from '../../sim/run/runScenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import type { RunJob, RunJobResult } from './pool.ts';

if (parentPort === null) throw new Error('runWorker must run in a worker thread');
const port = parentPort;
port.on('message', (job: RunJob | 'stop') => {
  if (job === 'stop') process.exit(0);
  const { report } = runScenario(job.scenario as Scenario, job.seed);
  const result: RunJobResult = { key: job.key, seed: job.seed, violations: report.violations.map((v) => `${v.check}: ${v.message.split('\n')[0]}`), stats: report.stats, traceHash: report.traceHash };
  port.postMessage(result);
});
