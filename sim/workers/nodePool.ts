// Worker threads for lockstep runs in Node: spawn, wrap with comlink, fail loudly.
//
// Contract: each worker runs sim/workers/nodeWorker.ts (TypeScript, loaded through tsx by
// nodeWorkerEntry.mjs).
// If a worker throws or dies, every pending and later call rejects at once with an error
// naming the worker and its nodes, so a run never hangs; `close` terminates the workers.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'node:worker_threads';
import type { NodeId } from '../../core/env.ts';
import type { Runner } from './lockstep.ts';
import type { WorkerApi } from './workerApi.ts';
import type { WorkerInit } from './windowRunner.ts';

export interface NodePool {
  runners: Runner[];
  close(): Promise<void>;
}

function guarded(api: Comlink.Remote<WorkerApi>, failed: Promise<never>): Runner {
  return {
    runWindow: (endUs, endKey, incoming) => Promise.race([api.runWindow(endUs, endKey, incoming), failed]),
    commands: (cmds, t, key) => Promise.race([api.commands(cmds, t, key), failed]),
  };
}

/** Spawns one worker per entry of `nodesByWorker` and initialises it with its nodes. */
export async function spawnNodePool(base: Omit<WorkerInit, 'nodeIds'>, nodesByWorker: NodeId[][]): Promise<NodePool> {
  const workers: Worker[] = [];
  const runners: Runner[] = [];
  for (const [i, nodeIds] of nodesByWorker.entries()) {
    const w = new Worker(new URL('./nodeWorkerEntry.mjs', import.meta.url));
    workers.push(w);
    const failed = new Promise<never>((_, reject) => {
      w.on('error', (e) => reject(new Error(`worker ${i} (nodes ${nodeIds.join(', ')}) failed: ${e.message}`)));
      w.on('exit', (code) => reject(new Error(`worker ${i} (nodes ${nodeIds.join(', ')}) exited with code ${code}`)));
    });
    failed.catch(() => {});
    const api = Comlink.wrap<WorkerApi>(nodeEndpoint(w));
    await Promise.race([api.init({ ...base, nodeIds }), failed]);
    runners.push(guarded(api, failed));
  }
  return {
    runners,
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
