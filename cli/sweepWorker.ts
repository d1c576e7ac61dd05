// The body of a sweep worker thread: runs the batches of seeds it is sent and posts one
// result per seed (see sweepProtocol.ts). Loaded by sweepWorkerEntry.mjs after tsx is
// registered; the entry has already installed the exit and error reporting.
import { parentPort, workerData } from 'node:worker_threads';
import { loadWorkloadModules, userErrorOf } from '../sim/workloads/userWorkload.ts';
import { runSeed } from './seedResult.ts';
import type { FromWorker, ToWorker, WorkerInit } from './sweepProtocol.ts';

const init = workerData as WorkerInit;

function post(m: FromWorker): void {
  init.port.postMessage(m);
  Atomics.add(init.signal, 0, 1);
  Atomics.notify(init.signal, 0);
}

function runBatch(id: number, seeds: number[]): void {
  for (const seed of seeds) {
    if (seed === init.crashAtSeed) process.exit(70);
    let result;
    try {
      result = runSeed(init.scenario, seed, init.eventsMax);
    } catch (e) {
      // A user's workload code that threw is reported as theirs, with their frames only.
      post({ type: 'error', seed, message: userErrorOf(e)?.message ?? (e instanceof Error ? (e.stack ?? e.message) : String(e)) });
      return;
    }
    post({ type: 'result', result });
  }
  post({ type: 'batchDone', id });
}

if (parentPort === null) throw new Error('sweepWorker must run in a worker thread');
// Batches sent meanwhile wait on the port: it starts delivering when the listener is added.
await loadWorkloadModules(init.workloadModules);
parentPort.on('message', (m: ToWorker) => {
  if (m.type === 'stop') process.exit(0);
  else runBatch(m.id, m.seeds);
});
post({ type: 'ready' });
