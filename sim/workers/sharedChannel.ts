// The lockstep hot path between the kernel's thread and one worker: a request and its
// reply through shared memory, with Atomics.wait/notify instead of postMessage.
//
// Contract: the kernel's side `post`s one request (an op and its arguments) and then takes
// its `reply` before it posts the next; the worker's side `serve`s requests one at a time
// in a blocking loop until OP_STOP. Arguments and results are JSON-like and cross through
// wireCodec.ts. A thread that may block (a Node main thread, any worker) waits for the reply
// with Atomics.wait for up to SYNC_WAIT_MS, and then, like a thread that may not block (a
// browser page), with Atomics.waitAsync racing the worker's failure, so a worker that
// dies rejects the run instead of hanging it. When the channel is made with `spin` (its
// threads have a core each), both sides, once SPIN_AFTER_REQUESTS requests have gone by,
// first poll the word they wait on for up to SPIN_POLLS loads (8-15 ns each, measured in a
// run here: 0.4-0.75 ms) before they block: a wake-up from Atomics.wait costs
// ~20-30 µs of system calls on each side in this VM, more than a window's work, while a
// poll sees the other side's store at once. Without a core each, polling takes the core
// another thread needs, so it is off. A request that throws in the worker comes
// back as an error with its message; a worker that is about to exit on purpose (the test
// hook) says so first. Comlink stays for set-up (init, and the call that starts `serve`).
import { growableShared, wireBuffers, WireReader, WireWriter, type WireBuffers } from './wireCodec.ts';

/** Control words: sequence numbers, the op, and each direction's flags. */
const REQ = 0;
const RESP = 1;
const OP = 2;
const REQ_OVERFLOW = 3;
const STATUS = 4;
const RESP_OVERFLOW = 5;
/** 1 when both sides poll before they block. */
const SPIN = 6;
/** Requests served before they start to (SPIN_AFTER_REQUESTS unless the channel was made with another count). */
const SPIN_AFTER = 7;
const CONTROL_WORDS = 8;

export const OP_WINDOW = 1;
export const OP_COMMANDS = 2;
export const OP_STOP = 3;

const STATUS_OK = 0;
const STATUS_ERROR = 1;
const STATUS_EXITING = 2;

/** How long a thread that may block waits for a reply before it also watches for the worker's failure. */
const SYNC_WAIT_MS = 200;

/** Loads of the awaited word before blocking, when the channel spins. */
export const SPIN_POLLS = 50_000;

/**
 * Requests a spinning channel serves before its sides start to poll: until then both
 * block at once. Early in a run each thread's code is still being compiled, and two
 * threads spinning on two cores leave V8's compiler and collector threads no core, so
 * both sides spent long stretches waiting for each other (docs/workers.md). A count, not
 * a clock: it changes only how the threads wait, never what a run computes.
 */
export const SPIN_AFTER_REQUESTS = 5_000;

/** Polls `ctl[i]` while it holds `v`, up to `polls` times; true when it changed. */
function changedWhilePolling(ctl: Int32Array, i: number, v: number, polls: number): boolean {
  for (let n = 0; n < polls; n++) if (Atomics.load(ctl, i) !== v) return true;
  return false;
}

/** What both sides share: made by the kernel's side, handed to the worker at set-up. */
export interface ChannelMemory {
  control: SharedArrayBuffer;
  toWorker: WireBuffers;
  toKernel: WireBuffers;
}

/**
 * Whether this thread can share memory with its workers: SharedArrayBuffer exists (in a
 * browser only when the page is cross-origin isolated) and Atomics can wait.
 */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics === 'undefined' || typeof Atomics.wait !== 'function') return false;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (isolated === false) return false;
  try {
    // Growable shared memory (ES2024) carries large windows.
    growableShared(8, 16);
    return true;
  } catch {
    return false;
  }
}

/**
 * `spin`: both sides poll before they block (give it only when each thread has a core),
 * once `spinAfter` requests have been served.
 */
export function channelMemory(spin = false, spinAfter = SPIN_AFTER_REQUESTS): ChannelMemory {
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const ctl = new Int32Array(control);
  ctl[SPIN] = spin ? 1 : 0;
  ctl[SPIN_AFTER] = spinAfter;
  return { control, toWorker: wireBuffers(), toKernel: wireBuffers() };
}

type WaitAsync = (a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string };

/** The kernel's side of one channel. */
export class ChannelClient {
  private readonly ctl: Int32Array;
  private readonly writer: WireWriter;
  private readonly reader: WireReader;
  private seq = 0;
  private readonly polls: number;
  /** Requests before this side polls (the channel's SPIN_AFTER word, fixed at creation). */
  private readonly spinAfter: number;

  /**
   * `canBlock`: this thread may use Atomics.wait (not a browser page). `failed` rejects
   * when the worker dies, naming it.
   */
  constructor(
    mem: ChannelMemory,
    private readonly canBlock: boolean,
    private readonly failed: Promise<never>,
  ) {
    this.ctl = new Int32Array(mem.control);
    this.polls = canBlock && this.ctl[SPIN] === 1 ? SPIN_POLLS : 0;
    this.spinAfter = this.ctl[SPIN_AFTER];
    this.writer = new WireWriter(mem.toWorker);
    this.reader = new WireReader(mem.toKernel);
  }

  post(op: number, args: unknown): void {
    this.writer.encode(args);
    this.ctl[OP] = op;
    this.ctl[REQ_OVERFLOW] = this.writer.overflowed ? 1 : 0;
    this.seq++;
    Atomics.store(this.ctl, REQ, this.seq);
    Atomics.notify(this.ctl, REQ);
  }

  /** The reply to the last request: now when it came within the blocking wait, else a promise. */
  reply(): unknown {
    const ctl = this.ctl;
    const polls = this.seq > this.spinAfter ? this.polls : 0;
    if (this.canBlock && Atomics.load(ctl, RESP) !== this.seq && !changedWhilePolling(ctl, RESP, this.seq - 1, polls)) {
      Atomics.wait(ctl, RESP, this.seq - 1, SYNC_WAIT_MS);
    }
    if (Atomics.load(ctl, RESP) === this.seq) return this.take();
    return this.replyAsync();
  }

  private async replyAsync(): Promise<unknown> {
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    while (Atomics.load(this.ctl, RESP) !== this.seq) {
      const w = waitAsync(this.ctl, RESP, this.seq - 1);
      if (w.async) await Promise.race([w.value, this.failed]);
    }
    return this.take();
  }

  private take(): unknown {
    const status = this.ctl[STATUS];
    if (status === STATUS_EXITING) return this.failed;
    const v = this.reader.decode(this.ctl[RESP_OVERFLOW] === 1);
    if (status === STATUS_ERROR) throw new Error(v as string);
    return v;
  }
}

/**
 * The worker's side: serves requests until OP_STOP. `handle` runs one request; after it,
 * `exiting()` says whether the worker is about to end on purpose (then the kernel's side
 * is told before `serve` returns, and the caller ends the thread).
 */
export function serveChannel(mem: ChannelMemory, handle: (op: number, args: unknown) => unknown, exiting: () => boolean): 'stopped' | 'exiting' {
  const ctl = new Int32Array(mem.control);
  const reader = new WireReader(mem.toWorker);
  const writer = new WireWriter(mem.toKernel);
  let seq = Atomics.load(ctl, RESP);
  const polls = ctl[SPIN] === 1 ? SPIN_POLLS : 0;
  const spinAfter = ctl[SPIN_AFTER];
  const reply = (status: number, v: unknown): void => {
    try {
      writer.encode(v);
    } catch (e) {
      status = STATUS_ERROR;
      writer.encode(e instanceof Error ? e.message : String(e));
    }
    ctl[STATUS] = status;
    ctl[RESP_OVERFLOW] = writer.overflowed ? 1 : 0;
    Atomics.store(ctl, RESP, seq);
    Atomics.notify(ctl, RESP);
  };
  for (;;) {
    if (!changedWhilePolling(ctl, REQ, seq, seq >= spinAfter ? polls : 0)) Atomics.wait(ctl, REQ, seq);
    if (Atomics.load(ctl, REQ) === seq) continue;
    seq = Atomics.load(ctl, REQ);
    const op = ctl[OP];
    if (op === OP_STOP) {
      reply(STATUS_OK, null);
      return 'stopped';
    }
    let result: unknown;
    try {
      result = handle(op, reader.decode(ctl[REQ_OVERFLOW] === 1));
    } catch (e) {
      reply(STATUS_ERROR, e instanceof Error ? e.message : String(e));
      continue;
    }
    if (exiting()) {
      reply(STATUS_EXITING, null);
      return 'exiting';
    }
    reply(STATUS_OK, result);
  }
}
