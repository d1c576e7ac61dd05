// The entry point of a sweep worker thread, in plain JavaScript so it runs before any
// TypeScript can: it installs the reporting that must work even if loading the sources
// fails (the exit handler and the uncaught-error handler post on the sweep's port and wake
// it), then registers tsx (and the `faultline` resolver) and loads the TypeScript worker body.
// The prepare-time build (scripts/buildCli.mjs) bundles this same file, with FAULTLINE_BUILT
// defined: there the body is already JavaScript and tsx is never loaded.
import { workerData } from 'node:worker_threads';

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
  if (typeof FAULTLINE_BUILT === 'undefined') {
    const { registerLoaders } = await import('../sim/workloads/nodeLoaders.mjs');
    registerLoaders();
  }
  await import('./sweepWorker.ts');
} catch (e) {
  post({ type: 'error', seed: null, message: `the worker could not load: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` });
  process.exit(1);
}
