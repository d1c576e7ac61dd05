// The messages between a sweep and its worker threads.
//
// Contract: the sweep sends a worker whole batches of seeds (one message per batch, never
// one round trip per seed); the worker answers on its own MessagePort with one `result`
// per seed, in batch order, then `batchDone`. After every message it bumps a shared
// counter and notifies it, which is what lets the sweep wait synchronously
// (Atomics.wait + receiveMessageOnPort) with no event loop. A worker that fails says so
// with `error` (naming the seed) or, if it dies, with `exit` from its exit handler.
import type { MessagePort } from 'node:worker_threads';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { SeedResult } from './seedResult.ts';

export interface WorkerInit {
  port: MessagePort;
  /** One Int32 the worker increments and notifies after every message it posts. */
  signal: Int32Array;
  scenario: Scenario;
  /** The run's event limit (--events-max), if not the default. */
  eventsMax?: number;
  /** Users' workload modules (URLs) to import before the first seed. */
  workloadModules: string[];
  /** For tests of crash handling only: the worker exits abruptly when it reaches this seed. */
  crashAtSeed?: number;
}

export type ToWorker = { type: 'batch'; id: number; seeds: number[] } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; result: SeedResult }
  | { type: 'batchDone'; id: number }
  | { type: 'error'; seed: number | null; message: string }
  | { type: 'exit'; code: number };
