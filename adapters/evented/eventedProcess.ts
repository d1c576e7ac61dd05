// Runs ordinary evented JavaScript (timers, promises, async/await, event emitters) as a
// faultline process, deterministically, on one virtual node.
//
// Contract (what is guaranteed):
// - Each incarnation of the node (every start, so every restart) gets a fresh realm
//   (realm.ts): the program's modules are loaded anew, nothing survives but the disk.
// - Time, as on a real host: the realm's timers (setTimeout, setInterval, setImmediate and
//   their clear*) and performance.now run on a monotonic @sinonjs/fake-timers clock owned by
//   this node; Date reads the node's wall clock (ctx.now(): skew, steps and drift apply)
//   through a second fake clock that has no timers. The monotonic clock advances by the
//   node's clock between events, except that it never runs backwards and never passes the
//   armed host timer (host timers are monotonic), so a clock step moves Date but fires no
//   timer early, as in Node. Resolution is 1 ms. The adapter keeps one host timer armed for
//   the earliest fake timer; each fake timer fires inside the node's event at its time.
// - Randomness: Math.random is the node's seeded stream (ctx.random).
// - Promises: every event (the start, a message, a timer) runs to quiescence before it
//   returns: the callback, then every promise job it caused (process.nextTick and
//   queueMicrotask are promise jobs in the realm), then every fake timer that is due now
//   (setImmediate, 0 ms timeouts), each followed by its promise jobs, in order, until none
//   is left. Nothing the program does can happen outside an event or depend on real time.
// - Ports: the program's only way out is its host object: send/onMessage (the simulated
//   network; messages are copied as JSON both ways), disk (the simulated disk, with its
//   faults), telemetry, inspect. Node built-ins that would reach real I/O, time or threads
//   are refused when required (realm.ts).
// What is not guaranteed: promises made by Node's outer built-ins (events.once,
// stream.promises) belong to the outer realm and never run inside an event; two events'
// continuations never interleave (each event runs to quiescence, so races between
// messages that a real event loop might interleave at an `await` are not explored); a
// microtask loop that never ends hangs the run (no wall-clock timeout, by design);
// process.nextTick runs as a promise job, so its order relative to promise callbacks
// differs from Node's (nextTick first); timer resolution is 1 ms.
// An exception thrown by a timer callback or a message handler crashes the node, as an
// uncaught exception would crash a Node process. An unhandled promise rejection cannot
// be seen synchronously (Node reports it later, outside the run): the adapter counts it
// (unhandledRejections()) and keeps it from crashing faultline.
import FakeTimers from '@sinonjs/fake-timers';
import { fileURLToPath } from 'node:url';
import type { DiskPort, NodeContext, NodeId, Process, ProcessView, TelemetrySink } from '../../core/env.ts';
import { Realm } from './realm.ts';

/** What a hosted program's `main(host)` receives: the node's ports. */
export interface Host {
  readonly id: NodeId;
  /** The JSON data given as `config` in the options. */
  readonly config: unknown;
  /** Sends a JSON-serialisable message; the simulated network decides its fate. */
  send(to: NodeId, msg: unknown): void;
  /** Sets the handler for incoming messages (one handler; a later call replaces it). */
  onMessage(handler: (from: NodeId, msg: unknown) => void): void;
  /** The node's simulated disk: synchronous, with write/fsync semantics and faults. */
  readonly disk: DiskPort;
  readonly telemetry: TelemetrySink;
  /** What the UI and reports show for the node. */
  inspect(view: () => ProcessView): void;
  /** Called on a graceful shutdown, before the host stops the node. */
  onShutdown(handler: () => void): void;
}

export interface EventedOptions {
  /** The program: a CommonJS file (path or file URL) exporting `main(host)` (as module.exports or exports.main). */
  entry: string | URL;
  /** JSON data the program reads as `host.config`. */
  config?: unknown;
  /** Where the program's console goes: nowhere (default) or the real stderr, prefixed by node. */
  console?: 'silent' | 'stderr';
  /** Due callbacks one event may run before the adapter calls it a runaway loop; default 100,000. */
  callbacksPerEventMax?: number;
}

/** The realm's clock starts at this wall time (2024-01-01T00:00:00Z) plus the node's clock. */
export const EPOCH_MS = 1_704_067_200_000;
export const CALLBACKS_PER_EVENT_MAX_DEFAULT = 100_000;
const TIMER_TAG = 'evented';

type Clock = ReturnType<typeof FakeTimers.createClock>;
interface HeapTimer {
  callAt: number;
}

let rejections = 0;
const realmPromiseProtos = new WeakSet<object>();
let filterInstalled = false;

/** Keeps a hosted program's unhandled rejection (reported by Node after the run's step) from ending faultline. */
function installRejectionFilter(): void {
  if (filterInstalled) return;
  filterInstalled = true;
  process.on('unhandledRejection', (reason, promise) => {
    if (realmPromiseProtos.has(Object.getPrototypeOf(promise) as object)) {
      rejections += 1;
      return;
    }
    throw reason;
  });
}

/** How many unhandled promise rejections hosted programs have had in this thread. */
export function unhandledRejections(): number {
  return rejections;
}

/**
 * Buffer as old modules call it: `new Buffer(n)` and `Buffer(x)` still work (zero-filled,
 * as Node does it) without Node's deprecation check, which walks the stack on every call.
 */
const legacyBuffer: typeof Buffer = Object.assign(
  function LegacyBuffer(arg: unknown, encodingOrOffset?: unknown, length?: number): Buffer {
    if (typeof arg === 'number') return Buffer.alloc(arg);
    return (Buffer.from as (a: unknown, b?: unknown, c?: number) => Buffer)(arg, encodingOrOffset, length);
  },
  Buffer,
) as unknown as typeof Buffer;
Object.defineProperty(legacyBuffer, 'prototype', { value: Buffer.prototype });

/**
 * A timer function whose 0 ms timers are due now even when made inside a firing timer.
 * fake-timers delays those by 1 ms (its `duringTick` rule, so a tick cannot loop forever);
 * here they must run in the same event, and the adapter bounds the loop itself.
 */
function dueNow<F extends (...a: never[]) => unknown>(clock: Clock, f: F): F {
  const c = clock as unknown as { duringTick?: boolean };
  return ((...a: Parameters<F>) => {
    const was = c.duringTick;
    c.duringTick = false;
    try {
      return f(...a);
    } finally {
      c.duringTick = was;
    }
  }) as F;
}

function entryPath(entry: string | URL): string {
  return entry instanceof URL || entry.startsWith('file:') ? fileURLToPath(entry) : entry;
}

function consoleFor(mode: EventedOptions['console'], id: NodeId): Record<string, (...a: unknown[]) => void> {
  const write = mode === 'stderr' ? (...a: unknown[]) => process.stderr.write(`[node ${id}] ${a.map(String).join(' ')}\n`) : () => {};
  return { log: write, info: write, warn: write, error: write, debug: write, trace: write, dir: write };
}

class EventedProcess implements Process {
  private ctx!: NodeContext;
  private realm!: Realm;
  private clock!: Clock;
  private handler: ((from: NodeId, msg: unknown) => void) | null = null;
  private view: (() => ProcessView) | null = null;
  private shutdownHandler: (() => void) | null = null;
  /** The wall clock Date reads; it has no timers. */
  private wall!: Clock;
  /** Monotonic time since start, µs: what the timer clock shows (in ms, from EPOCH_MS). */
  private monoUs = 0;
  private lastWallUs = 0;
  private armed: { id: number; dueUs: number } | null = null;
  private toRealm!: (text: string) => unknown;

  constructor(private readonly opts: EventedOptions) {}

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    this.armed = null;
    this.realm = new Realm(`faultline node ${ctx.id}`);
    this.lastWallUs = ctx.now();
    this.clock = FakeTimers.createClock(EPOCH_MS);
    this.wall = FakeTimers.createClock(EPOCH_MS + Math.floor(this.lastWallUs / 1000));
    this.installGlobals();
    const exported = this.realm.require(entryPath(this.opts.entry)) as { main?: unknown } | ((host: Host) => unknown);
    const main = typeof exported === 'function' ? exported : exported.main;
    if (typeof main !== 'function') throw new Error(`${entryPath(this.opts.entry)} must export main(host) (module.exports = function main(host) {...})`);
    const host = this.host();
    this.deliver(() => (main as (h: Host) => unknown)(host));
  }

  onMessage(from: NodeId, msg: unknown): void {
    const copy = this.toRealm(JSON.stringify(msg));
    this.deliver(() => this.handler?.(from, copy));
  }

  onTimer(tag: string): void {
    if (tag === TIMER_TAG && this.armed !== null) {
      // The host's timers are monotonic: exactly the armed duration has passed.
      this.monoUs = Math.max(this.monoUs, this.armed.dueUs);
      this.lastWallUs = this.ctx.now();
      this.armed = null;
    }
    this.deliver(() => {});
  }

  shutdown(): void {
    if (this.shutdownHandler !== null) this.deliver(this.shutdownHandler);
  }

  inspect(): ProcessView {
    if (this.view === null) return { role: 'evented', summary: `${this.pendingTimers()} timers` };
    return JSON.parse(JSON.stringify(this.view())) as ProcessView;
  }

  /**
   * Reads the node's clock: Date follows it; the monotonic clock advances by its progress
   * since the last event, never backwards and never past the armed host timer (which would
   * have fired first). Returns the monotonic time in realm milliseconds.
   */
  private readClocks(): number {
    const wallUs = this.ctx.now();
    const limitUs = this.armed === null ? Infinity : this.armed.dueUs - 1;
    this.monoUs = Math.max(this.monoUs, Math.min(this.monoUs + (wallUs - this.lastWallUs), limitUs));
    this.lastWallUs = wallUs;
    this.wall.setSystemTime(EPOCH_MS + Math.floor(wallUs / 1000));
    return EPOCH_MS + Math.floor(this.monoUs / 1000);
  }

  private host(): Host {
    const ctx = this.ctx;
    return {
      id: ctx.id,
      config: this.opts.config === undefined ? undefined : this.toRealm(JSON.stringify(this.opts.config)),
      send: (to, msg) => ctx.send(to, JSON.parse(JSON.stringify(msg)) as unknown),
      onMessage: (handler) => {
        this.handler = handler;
      },
      disk: ctx.disk,
      telemetry: ctx.telemetry,
      inspect: (view) => {
        this.view = view;
      },
      onShutdown: (handler) => {
        this.shutdownHandler = handler;
      },
    };
  }

  private installGlobals(): void {
    const g = this.realm.global;
    const clock = this.clock;
    const later = this.realm.evaluate<(fn: (...a: unknown[]) => void, args: unknown[]) => void>('(fn, args) => { Promise.resolve().then(() => fn(...args)); }');
    this.toRealm = this.realm.evaluate<(text: string) => unknown>('(text) => text === undefined ? undefined : JSON.parse(text)');
    Object.assign(g, {
      setTimeout: dueNow(clock, clock.setTimeout), clearTimeout: clock.clearTimeout, setInterval: dueNow(clock, clock.setInterval), clearInterval: clock.clearInterval,
      setImmediate: dueNow(clock, clock.setImmediate), clearImmediate: clock.clearImmediate, Date: this.wall.Date,
      performance: { now: () => clock.now - EPOCH_MS, timeOrigin: EPOCH_MS },
      queueMicrotask: (fn: () => void) => later(fn, []),
      process: {
        nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => later(fn, args),
        env: {}, argv: [], platform: 'linux', browser: false, version: process.version, versions: { ...process.versions },
        cwd: () => '/', emitWarning: () => {}, on: () => {}, once: () => {}, off: () => {}, hrtime: (clock as { hrtime?: unknown }).hrtime,
        exit: () => {
          throw new Error('the hosted program called process.exit()');
        },
      },
      console: consoleFor(this.opts.console, this.ctx.id),
      Buffer: legacyBuffer, URL, URLSearchParams, TextEncoder, TextDecoder,
    });
    (g.Math as { random: () => number }).random = () => this.ctx.random.next();
    realmPromiseProtos.add((g.Promise as { prototype: object }).prototype);
    installRejectionFilter();
  }

  /** Runs one event to quiescence: due timers, the event itself, then what it made due. */
  private deliver(event: () => unknown): void {
    this.runDue(this.readClocks());
    this.realm.call(event);
    this.runDue(this.clock.now);
    this.arm();
  }

  private firstTimer(): HeapTimer | null {
    const heap = (this.clock as unknown as { timerHeap?: { peek(): HeapTimer | undefined } }).timerHeap;
    return heap?.peek() ?? null;
  }

  private pendingTimers(): number {
    return this.clock.countTimers();
  }

  /** Fires every fake timer due by `targetMs`, one per realm call, then moves the clock there. */
  private runDue(targetMs: number): void {
    const max = this.opts.callbacksPerEventMax ?? CALLBACKS_PER_EVENT_MAX_DEFAULT;
    for (let n = 0; ; n++) {
      const first = this.firstTimer();
      if (first === null || first.callAt > targetMs) break;
      if (n >= max) throw new Error(`node ${this.ctx.id}: more than ${max} timer callbacks came due in one event (a setImmediate or 0 ms timer loop?)`);
      this.realm.call(() => this.clock.next());
    }
    if (this.clock.now < targetMs) this.clock.tick(targetMs - this.clock.now);
  }

  /** Keeps exactly one host timer armed, for the earliest fake timer. */
  private arm(): void {
    const first = this.firstTimer();
    const dueUs = first === null ? null : Math.max(this.monoUs + 1, (first.callAt - EPOCH_MS) * 1000);
    if (this.armed !== null && this.armed.dueUs !== dueUs) {
      this.ctx.cancelTimer(this.armed.id);
      this.armed = null;
    }
    if (dueUs === null || this.armed !== null) return;
    this.armed = { id: this.ctx.setTimer(dueUs - this.monoUs, TIMER_TAG), dueUs };
  }
}

/**
 * A faultline process that runs an evented CommonJS program (see the contract above).
 * Give it to a workload's node spec: `factory: () => eventedProcess({ entry, config })`.
 */
export function eventedProcess(opts: EventedOptions): Process {
  return new EventedProcess(opts);
}
