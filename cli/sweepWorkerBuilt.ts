// The entry of a sweep worker thread in the prepare-time build (scripts/buildCli.mjs bundles
// it to dist/cli/sweepWorkerEntry.mjs): sweepWorkerEntry.mjs without tsx. It installs the
// reporting that must work even if loading the body fails (the exit handler and the
// uncaught-error handler post on the sweep's port and wake it), then loads the body. The
// pool starts it only when no user's workload module is loaded (those need tsx).
import { workerData } from 'node:worker_threads';
import type { FromWorker, WorkerInit } from './sweepProtocol.ts';

const { port, signal } = workerData as WorkerInit;

function post(message: FromWorker): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

process.on('exit', (code) => post({ type: 'exit', code }));
process.on('uncaughtException', (e) => {
  post({ type: 'error', seed: null, message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  process.exit(1);
});

try {
  await import('./sweepWorker.ts');
} catch (e) {
  post({ type: 'error', seed: null, message: `the worker could not load: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
  process.exit(1);
}
