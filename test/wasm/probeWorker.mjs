// worker_threads entry for the HNSW determinism test: loads the TypeScript probe through
// tsx and posts its result for the seed it was given.
import { register } from 'tsx/esm/api';
import { parentPort, workerData } from 'node:worker_threads';

register();
const { loadHnsw } = await import('../../wasm/hnsw/load.ts');
const { runProbe } = await import('../../wasm/hnsw/probe.ts');
parentPort.postMessage(runProbe(await loadHnsw(), workerData.seed));
