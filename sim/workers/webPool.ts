// Web Workers for lockstep runs in the browser: the same runners as worker_threads, spawned
// through Vite's worker bundling (`new Worker(new URL(...), { type: 'module' })`).
//
// Contract: as nodePool.ts. A worker error rejects every pending and later call with the
// worker and its nodes named, so a page never hangs on a dead worker.
import * as Comlink from 'comlink';
import type { NodeId } from '../../core/env.ts';
import type { Runner } from './lockstep.ts';
import type { WorkerApi } from './workerApi.ts';
import type { WorkerInit } from './windowRunner.ts';

export async function spawnWebPool(base: Omit<WorkerInit, 'nodeIds'>, nodesByWorker: NodeId[][]): Promise<{ runners: Runner[]; close(): Promise<void> }> {
  const workers: Worker[] = [];
  const runners: Runner[] = [];
  for (const [i, nodeIds] of nodesByWorker.entries()) {
    const w = new Worker(new URL('./webWorker.ts', import.meta.url), { type: 'module' });
    workers.push(w);
    const failed = new Promise<never>((_, reject) => {
      w.addEventListener('error', (e) => reject(new Error(`worker ${i} (nodes ${nodeIds.join(', ')}) failed: ${e.message || 'error'}`)));
    });
    failed.catch(() => {});
    const api = Comlink.wrap<WorkerApi>(w);
    await Promise.race([api.init({ ...base, nodeIds }), failed]);
    runners.push({
      runWindow: (endUs, endKey, incoming, netFrom, netOps) => Promise.race([api.runWindow(endUs, endKey, incoming, netFrom, netOps), failed]),
      commands: (cmds, t, key, netFrom, netOps) => Promise.race([api.commands(cmds, t, key, netFrom, netOps), failed]),
    });
  }
  return {
    runners,
    async close() {
      for (const w of workers) w.terminate();
    },
  };
}
