// Starts the worker threads `faultline run --workers N` will ask for as the process starts,
// so that each worker loads its modules while this thread loads its own (about 200 ms each
// on the project's machine) instead of after. Plain JavaScript, like bin/faultline.mjs.
//
// Contract: only for the build (`builtMainUrl`, the dist/cli bundle's URL) and a `run` with a
// valid --workers count; N workers, or N - 1 with --kernel-hosts-first (the kernel's thread
// takes the first group). The workers are unref'd, so a command that never adopts them
// (bad arguments, an invalid scenario) still exits; sim/workers/nodePool.ts adopts them by
// entry URL (takePrespawned) and starts one itself when none is left or one has failed.
import { Worker } from 'node:worker_threads';

export const PRESPAWNED = Symbol.for('faultline.prespawnedWorkers');

/** The worker count `faultline run` would spawn for `argv`, or 0. */
export function runWorkerCount(argv) {
  if (argv[0] !== 'run') return 0;
  let n;
  let kernelHostsFirst = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--workers') n = Number(argv[i + 1]);
    else if (a.startsWith('--workers=')) n = Number(a.slice('--workers='.length));
    else if (a === '--kernel-hosts-first') kernelHostsFirst = true;
  }
  if (!Number.isSafeInteger(n) || n < 1 || n > 64) return 0;
  return kernelHostsFirst ? n - 1 : n;
}

export function prespawnRunWorkers(builtMainUrl, argv) {
  const count = runWorkerCount(argv);
  if (count === 0) return;
  const url = new URL('./nodeWorkerEntry.mjs', builtMainUrl);
  const workers = [];
  for (let i = 0; i < count; i++) {
    const w = new Worker(url);
    const entry = { worker: w, failed: false };
    // Until adopted, a failure only marks the worker: the pool then starts a fresh one.
    w.on('error', () => { entry.failed = true; });
    w.on('exit', () => { entry.failed = true; });
    w.unref();
    workers.push(entry);
  }
  globalThis[PRESPAWNED] = { href: url.href, workers };
}
