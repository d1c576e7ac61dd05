// Worker threads for lockstep runs in Node: spawn, wrap with comlink, fail loudly.
//
// Contract: each worker runs sim/workers/nodeWorker.ts (the build's bundled entry, or the
// sources through tsx, which nodeWorkerEntry.mjs registers). Comlink sets a worker up; the
// windows then go through shared memory (channelRunner.ts: Atomics, ~10 µs a round trip
// against comlink's ~100 µs), or through comlink when `channel` is 'comlink' (the
// comparison in bench/workers.ts).
// If a worker throws or dies, every pending and later call rejects at once with an error
// naming the worker and its nodes, so a run never hangs; `close` terminates the workers.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { NodeId } from '../../core/env.ts';
import { startChannel, type ChannelRunner } from './channelRunner.ts';
import { workerEntryUrl } from './entryUrl.ts';
import type { Runner } from './lockstep.ts';
import { sharedMemoryAvailable } from './sharedChannel.ts';
import type { WorkerApi } from './workerApi.ts';
import { WindowRunner, type WorkerInit } from './windowRunner.ts';

export interface NodePool {
  runners: Runner[];
  close(): Promise<void>;
}

function guarded(api: Comlink.Remote<WorkerApi>, failed: Promise<never>): Runner {
  return {
    runWindow: (endUs, endKey, incoming, netFrom, netOps) => Promise.race([api.runWindow(endUs, endKey, incoming, netFrom, netOps), failed]),
    commands: (cmds, t, key, netFrom, netOps) => Promise.race([api.commands(cmds, t, key, netFrom, netOps), failed]),
  };
}

export interface NodePoolOptions {
  /** How windows reach the workers: shared memory where available (default), or comlink. */
  channel?: 'shared' | 'comlink';
  /**
   * The kernel's own thread hosts the first runner's nodes, so N runners take N threads,
   * the kernel's included, instead of N + 1: on a machine with as many cores as runners
   * the kernel's thread works during a window instead of waiting (see docs/workers.md).
   */
  kernelHostsFirst?: boolean;
  /**
   * Whether the shared-memory channels poll before they block (sharedChannel.ts). Default:
   * when the threads of the run (the kernel's and the workers) are no more than the cores,
   * so each has one; with more threads than cores polling takes the core a worker needs.
   */
  spin?: boolean;
  /**
   * Requests each channel serves before it starts to poll (default SPIN_AFTER_REQUESTS,
   * sharedChannel.ts: the threads block while their code is still being compiled); 0 polls
   * from the first.
   */
  spinAfter?: number;
}

/** Where bin/prespawn.mjs leaves the workers it started early for `faultline run --workers`. */
const PRESPAWNED = Symbol.for('faultline.prespawnedWorkers');

interface Prespawned {
  href: string;
  workers: { worker: Worker; failed: boolean }[];
}

/** A worker started early for this entry (bin/prespawn.mjs) and still alive, now held by the caller; else undefined. */
function takePrespawned(url: URL): Worker | undefined {
  const p = (globalThis as Record<symbol, unknown>)[PRESPAWNED] as Prespawned | undefined;
  if (p === undefined || p.href !== url.href) return undefined;
  for (let e = p.workers.shift(); e !== undefined; e = p.workers.shift()) {
    if (e.failed) continue;
    e.worker.ref();
    return e.worker;
  }
  return undefined;
}

/** The worker entry run from source: it registers tsx first (see entryUrl.ts for the build's). */
const SOURCE_ENTRY = new URL('./nodeWorkerEntry.mjs', import.meta.url);

/** A runner in this thread that does its window when its answer is asked for: after the workers got theirs. */
function deferred(r: WindowRunner): Runner {
  return {
    runWindow: (endUs, endKey, incoming, netFrom, netOps) => () => r.runWindow(endUs, endKey, incoming, netFrom, netOps),
    commands: (cmds, t, key, netFrom, netOps) => r.commands(cmds, t, key, netFrom, netOps),
  };
}

/** Spawns one worker per entry of `nodesByWorker` and initialises it with its nodes. */
export async function spawnNodePool(base: Omit<WorkerInit, 'nodeIds'>, nodesByWorker: NodeId[][], opts: NodePoolOptions = {}): Promise<NodePool> {
  const workers: Worker[] = [];
  const channels: ChannelRunner[] = [];
  const shared = (opts.channel ?? 'shared') === 'shared' && sharedMemoryAvailable();
  const local = opts.kernelHostsFirst === true ? new WindowRunner({ ...base, nodeIds: nodesByWorker[0] }) : null;
  const threads = nodesByWorker.length + (local === null ? 1 : 0);
  const spin = opts.spin ?? threads <= availableParallelism();
  // Workers start in parallel: each loads the sources and builds its nodes.
  const spawned = nodesByWorker.map(async (nodeIds, i): Promise<Runner> => {
    if (i === 0 && local !== null) return deferred(local);
    const url = workerEntryUrl('nodeWorkerEntry.mjs', SOURCE_ENTRY, base.workloadModules);
    const w = takePrespawned(url) ?? new Worker(url);
    workers.push(w);
    const failed = new Promise<never>((_, reject) => {
      w.on('error', (e) => reject(new Error(`worker ${i} (nodes ${nodeIds.join(', ')}) failed: ${e.message}`)));
      w.on('exit', (code) => reject(new Error(`worker ${i} (nodes ${nodeIds.join(', ')}) exited with code ${code}`)));
    });
    failed.catch(() => {});
    const api = Comlink.wrap<WorkerApi>(nodeEndpoint(w));
    await Promise.race([api.init({ ...base, nodeIds }), failed]);
    if (!shared) return guarded(api, failed);
    const c = startChannel(api, failed, true, spin, opts.spinAfter);
    channels.push(c);
    return c.runner;
  });
  const close = async (): Promise<void> => {
    for (const c of channels) c.stop();
    await Promise.all(workers.map((w) => w.terminate()));
  };
  let runners: Runner[];
  try {
    runners = await Promise.all(spawned);
  } catch (e) {
    await Promise.allSettled(spawned);
    await close();
    throw e;
  }
  return { runners, close };
}
