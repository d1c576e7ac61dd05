// The worker_threads entry: exposes a WorkerApi to the parent over comlink.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { RunEndingError, strayExitMessage } from '../host/runtime.ts';
import { createWorkerApi } from './workerApi.ts';

if (parentPort === null) throw new Error('nodeWorker.ts must run in a worker thread');
const exit = process.exit.bind(process);
// Workload code that calls process.exit here would end only this thread: it ends the run
// instead, and the command as a process.exit in its own thread does (strayExitMessage).
process.exit = ((code?: unknown) => {
  throw new RunEndingError(strayExitMessage(code));
}) as typeof process.exit;
// The exit hook simulates a worker dying mid-run (tests): the parent must report it, not hang.
Comlink.expose(createWorkerApi(() => exit(3)), nodeEndpoint(parentPort));
