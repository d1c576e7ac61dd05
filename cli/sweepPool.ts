// Runs a sweep's seeds on worker threads, synchronously.
//
// Contract: returns one SeedResult per seed, sorted by seed, whatever the number of workers
// and whatever order they finish in; a seed's result depends only on (scenario, seed), so
// it is identical to the in-process one apart from wallMs. Work goes out in batches of
// seeds that shrink as the queue empties, at most two batches in flight per worker. `jobs`
// counts the calling thread: it starts jobs - 1 workers and runs seeds itself between
// draining their ports (with receiveMessageOnPort), so no CPU idles while workers start up;
// when the queue is empty it blocks in Atomics.wait. The CLI therefore stays synchronous. A
// worker that dies (it exits while seeds are in its hands: a crash, an out-of-memory abort,
// process.exit in someone's code) is replaced by a fresh one and the seeds it had not
// finished go back to the front of the queue, so the seed it was running runs once more
// (onRetry reports it); a seed whose second run kills a worker too raises a SweepError
// naming it, as does a seed that throws (its failure is a function of the seed, not of the
// worker) and a worker that fails to load. A worker's seed that runs longer than
// `seedTimeoutMs` of wall time raises one too, and a seed this thread runs is timed by
// opts.runOwn (cli/sweep.ts), so a sweep never hangs. With failFast the sweep stops at the
// first failing seed.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Scenario } from '../sim/scenario/schema.ts';
import { runSeed, type SeedResult } from './seedResult.ts';
import type { FromWorker, ToWorker, WorkerInit } from './sweepProtocol.ts';
import { workerEntryUrl } from '../sim/workers/entryUrl.ts';
import { wallNowMs } from './wallclock.ts';

export const JOBS_MAX = 256;
const BATCH_SEEDS_MAX = 64;
const IN_FLIGHT_BATCHES = 2;
const WAIT_SLICE_MS = 1_000;
/** The worker entry run from source: it registers tsx (and users' workload modules can load). */
const SOURCE_ENTRY = new URL('./sweepWorkerEntry.mjs', import.meta.url);

export class SweepError extends Error {}

export interface PoolOptions {
  scenario: Scenario;
  /** Users' workload modules (URLs) every worker imports first (default none). */
  workloadModules?: string[];
  seeds: readonly number[];
  jobs: number;
  seedTimeoutMs: number;
  /** The run's event limit (--events-max), if not the default. */
  eventsMax?: number;
  onResult?: (r: SeedResult) => void;
  /** Called for each result as it arrives (before onResult); what it returns is kept. */
  accept?: (r: SeedResult) => SeedResult;
  /** Runs one seed on this thread (default: runSeed; the sweep times it, see cli/sweep.ts). */
  runOwn?: (seed: number) => SeedResult;
  /** Called when a worker died running `seed` and the seed goes back to the queue for its one re-run. */
  onRetry?: (seed: number, why: string) => void;
  /** Tests only: make the worker that reaches this seed exit abruptly (the first workers only; replacements run it). */
  crashAtSeed?: number;
  /** Tests only: replacement workers crash at crashAtSeed too (a seed that kills every worker). */
  crashEveryWorker?: boolean;
  /**
   * Stop at the first failing seed (--fail-fast): seeds go out one at a time in order, and
   * once one fails only the seeds already running finish, so the lowest failing seed of the
   * range is always among the results, whatever the number of workers.
   */
  failFast?: boolean;
}

interface Batch {
  id: number;
  seeds: number[];
  done: number;
}

interface Slot {
  index: number;
  worker: Worker;
  port: MessagePort;
  inflight: Batch[];
  lastHeardMs: number;
}

function spawn(index: number, signal: Int32Array, opts: PoolOptions, replacement = false): Slot {
  const { port1, port2 } = new MessageChannel();
  const crashAtSeed = replacement && opts.crashEveryWorker !== true ? undefined : opts.crashAtSeed;
  const init: WorkerInit = { port: port2, signal, scenario: opts.scenario, eventsMax: opts.eventsMax, workloadModules: opts.workloadModules ?? [], crashAtSeed };
  const worker = new Worker(workerEntryUrl('sweepWorkerEntry.mjs', SOURCE_ENTRY, init.workloadModules), { workerData: init, transferList: [port2] });
  // Failures arrive on our own port; this listener only keeps Node from rethrowing them.
  worker.on('error', () => {});
  worker.unref();
  return { index, worker, port: port1, inflight: [], lastHeardMs: wallNowMs() };
}

/**
 * The seeds not yet handed out, taken in batches that shrink as the queue empties (guided
 * self-scheduling): a batch is about 1/(4 x jobs) of what is left, at most 64 seeds, so
 * early batches cost few round trips and the last ones are single seeds, and no thread sits
 * idle at the end while another still holds a long batch. Seeds a dead worker had not
 * finished go back to the front.
 */
class SeedQueue {
  private next = 0;
  private front: number[] = [];
  private stopped = false;
  private batchId = 0;
  constructor(private readonly seeds: readonly number[], private readonly jobs: number, private readonly failFast: boolean) {}
  get length(): number {
    return this.stopped ? 0 : this.front.length + this.seeds.length - this.next;
  }
  /** A batch for a worker, or null when nothing is left. */
  batch(): Batch | null {
    const left = this.length;
    if (left === 0) return null;
    const size = this.failFast ? 1 : Math.max(1, Math.min(BATCH_SEEDS_MAX, Math.ceil(left / (this.jobs * 4))));
    const seeds: number[] = [];
    while (seeds.length < size && this.front.length > 0) seeds.push(this.front.shift() as number);
    while (seeds.length < size && this.next < this.seeds.length) seeds.push(this.seeds[this.next++]);
    return { id: this.batchId++, seeds, done: 0 };
  }
  /** One seed for the calling thread, or null when nothing is left. */
  one(): number | null {
    if (this.length === 0) return null;
    return this.front.length > 0 ? (this.front.shift() as number) : this.seeds[this.next++];
  }
  requeue(seeds: readonly number[]): void {
    this.front.unshift(...seeds);
  }
  stop(): void {
    this.stopped = true;
  }
}

function currentSeed(slot: Slot): number | null {
  const b = slot.inflight[0];
  return b === undefined ? null : b.seeds[b.done] ?? null;
}

export function runPool(opts: PoolOptions): SeedResult[] {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const queue = new SeedQueue(opts.seeds, opts.jobs, opts.failFast === true);
  const workers = Math.max(1, Math.min(opts.jobs - 1, JOBS_MAX, opts.seeds.length));
  const slots = Array.from({ length: workers }, (_, i) => spawn(i, signal, opts));
  const results = new Map<number, SeedResult>();
  let stopping = false;
  const record = (received: SeedResult): void => {
    const r = opts.accept === undefined ? received : opts.accept(received);
    results.set(r.seed, r);
    opts.onResult?.(r);
    if (opts.failFast === true && r.verdict === 'fail') {
      stopping = true;
      queue.stop();
    }
  };
  const finished = (): boolean => (stopping ? slots.every((s) => s.inflight.length === 0) : results.size >= opts.seeds.length);
  const feed = (slot: Slot): void => {
    while (slot.inflight.length < IN_FLIGHT_BATCHES && queue.length > 0) {
      const b = queue.batch() as Batch;
      slot.inflight.push(b);
      slot.worker.postMessage({ type: 'batch', id: b.id, seeds: b.seeds } satisfies ToWorker);
    }
  };
  const fail = (slot: Slot, seed: number | null, what: string): never => {
    for (const s of slots) void s.worker.terminate();
    const where = seed === null ? 'before it ran any seed' : `while running seed ${seed}`;
    throw new SweepError(`sweep worker ${slot.index + 1} ${what} ${where}`);
  };
  /** Seeds already re-run once because a worker died running them. */
  const retried = new Set<number>();
  /** A worker died: replace it, and put the seeds it had not finished back first in line. */
  const replace = (slot: Slot, what: string): void => {
    const seed = currentSeed(slot);
    if (seed === null || retried.has(seed)) {
      fail(slot, seed, seed === null ? what : `${what} (the second worker to die on this seed: it is not run again)`);
    }
    const s = seed as number;
    retried.add(s);
    void slot.worker.terminate();
    const left: number[] = [];
    for (const b of slot.inflight) left.push(...b.seeds.slice(b.done));
    queue.requeue(left);
    opts.onRetry?.(s, `sweep worker ${slot.index + 1} ${what} while running seed ${s}; the seed ran again in a fresh worker`);
    const fresh = spawn(slot.index, signal, opts, true);
    slots[slot.index] = fresh;
    feed(fresh);
  };
  const handle = (slot: Slot, m: FromWorker): void => {
    slot.lastHeardMs = wallNowMs();
    if (m.type === 'result') {
      slot.inflight[0].done++;
      record(m.result);
    } else if (m.type === 'batchDone') {
      slot.inflight.shift();
      feed(slot);
    } else if (m.type === 'error') {
      fail(slot, m.seed ?? currentSeed(slot), `failed: ${m.message}\n`);
    } else if (m.type === 'exit') {
      replace(slot, `exited unexpectedly (exit code ${m.code})`);
    }
  };
  /** Handles every message waiting on any port; returns whether there were any. */
  const drain = (): boolean => {
    let got = false;
    for (let i = 0; i < slots.length; i++) {
      // A slot replaced while draining is left for the next round (its port is new).
      const slot = slots[i];
      for (let m = receiveMessageOnPort(slot.port); m !== undefined && slots[i] === slot; m = receiveMessageOnPort(slot.port)) {
        got = true;
        handle(slot, m.message as FromWorker);
      }
    }
    return got;
  };
  slots.forEach(feed);
  while (!finished()) {
    const seen = Atomics.load(signal, 0);
    if (drain()) continue;
    // This thread takes one seed at a time, so the workers' ports are drained (and
    // refilled) between seeds and it never holds seeds a worker could be running.
    const own = opts.jobs > 1 && !stopping ? queue.one() : null;
    if (own !== null) {
      record(opts.runOwn === undefined ? runSeed(opts.scenario, own, opts.eventsMax) : opts.runOwn(own));
      continue;
    }
    if (Atomics.wait(signal, 0, seen, WAIT_SLICE_MS) !== 'timed-out') continue;
    const now = wallNowMs();
    for (const slot of slots) {
      if (slot.inflight.length > 0 && now - slot.lastHeardMs > opts.seedTimeoutMs) fail(slot, currentSeed(slot), `gave no result for ${Math.round(opts.seedTimeoutMs / 1000)} s (--timeout)`);
    }
  }
  for (const s of slots) s.worker.postMessage({ type: 'stop' } satisfies ToWorker);
  return [...results.values()].sort((a, b) => a.seed - b.seed);
}
