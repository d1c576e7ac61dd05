// The worker_threads entry: exposes a WorkerApi to the parent over comlink.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort } from 'node:worker_threads';
import { createWorkerApi } from './workerApi.ts';

if (parentPort === null) throw new Error('nodeWorker.ts must run in a worker thread');
// The exit hook simulates a worker dying mid-run (tests): the parent must report it, not hang.
Comlink.expose(createWorkerApi(() => process.exit(3)), nodeEndpoint(parentPort));
