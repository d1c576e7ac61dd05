// The entry point of a sweep worker thread, in plain JavaScript so it runs before any
// TypeScript can: it installs the reporting that must work even if loading the sources
// fails (the exit handler and the uncaught-error handler post on the sweep's port and wake
// it), then registers tsx (and the `faultline` resolver) and loads the TypeScript worker body.
import { workerData } from 'node:worker_threads';
import { registerLoaders } from '../sim/workloads/nodeLoaders.mjs';

const { port, signal } = workerData;

function post(message) {
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
  registerLoaders();
  await import('./sweepWorker.ts');
} catch (e) {
  post({ type: 'error', seed: null, message: `the worker could not load: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
  process.exit(1);
}
