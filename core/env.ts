// The Env seam: everything a core module may know about the world it runs in.
//
// Contract: a core module never reads a clock, a timer, a socket, the file system or
// Math.random. It receives these as ports. Under the simulator the ports are virtual
// (sim/host); under plain Node a small adapter backs them with real time. Messages and
// durable writes are data handed to the port, so the host decides when they happen.
import type { TelemetrySink } from './telemetry/sink.ts';

export type { TelemetrySink } from './telemetry/sink.ts';

/** Integer microseconds: virtual time on the simulator, real time under an adapter. */
export type Micros = number;

/** A node's index in the simulated cluster: servers first, then clients. */
export type NodeId = number;

/** A seeded stream of numbers owned by one component and purpose. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n); n must be a positive integer. */
  int(n: number): number;
}

export type DiskErrorCode = 'ENOSPC' | 'EIO';

/** Outcome of a storage operation: an expected fault is a value, never an exception. */
export type DiskResult = { ok: true } | { ok: false; error: DiskErrorCode };

/** A read returns the records of a file, or an error value. */
export type DiskRead = { ok: true; records: readonly string[] } | { ok: false; error: DiskErrorCode };

/**
 * Durable storage as files of string records. Writes land in a volatile buffer; only
 * `fsync` makes them durable. A crash loses unsynced writes and may tear the last one,
 * so a module must checksum what it reads back and never acknowledge what it has not
 * synced.
 */
export interface DiskPort {
  /** Appends one record to a file (created if missing). */
  append(file: string, record: string): DiskResult;
  /** Replaces a file's whole content, like write-to-temp then rename: atomic on fsync. */
  replace(file: string, records: readonly string[]): DiskResult;
  /** Removes a file. */
  remove(file: string): DiskResult;
  /** Makes every pending write on this disk durable. */
  fsync(): DiskResult;
  /** Reads a file's current records (pending writes included, as a real page cache would). */
  read(file: string): DiskRead;
  /** The names of the files that exist, sorted. */
  list(): readonly string[];
  /**
   * How long an fsync issued now takes to complete, for hosts that model disk time: a
   * caller that gets more than 0 may write now, wait that long, then fsync and only then
   * act on what it wrote. Absent or 0: persistence takes no time.
   */
  fsyncDelayUs?(): Micros;
}


/** The subset of the Env most modules take: clocks and a random stream. */
export interface Clocked {
  /**
   * The node's wall clock in integer microseconds: skewed, drifting and stepped per node
   * (an NTP step may move it backwards). For timestamps a human reads, never for timeouts.
   */
  now(): Micros;
  /**
   * The node's monotonic clock in integer microseconds: it runs at the node's rate (drift
   * applies) but steps never move it, and it never goes backwards. Ticks, timeouts, rates
   * and measured durations use this clock; timers (`setTimer`) run on it.
   */
  monotonic(): Micros;
  readonly random: Random;
}

/**
 * What the node's host reports about itself, as a node exporter would: memory in use
 * against the budget, disk space, and CPU time spent. Reading it never changes the run.
 */
export interface HostProbe {
  /** Bytes in use on the node (process plus anything else the host holds). */
  memoryBytes(): number;
  /** The memory budget; above it the node is killed (OOM). */
  readonly memoryBytesMax: number;
  diskBytesUsed(): number;
  diskBytesMax(): number;
  /** CPU time spent serving events since boot, in µs (a throttled CPU spends more per event). */
  cpuBusyUs(): number;
}

/** What a host gives a running process. */
export interface NodeContext<M = unknown> extends Clocked {
  readonly id: NodeId;
  /** Sends a message; the network decides latency, loss and order. */
  send(to: NodeId, msg: M): void;
  /** Asks to be called back with `tag` after `afterUs` of monotonic time. Returns the timer id. */
  setTimer(afterUs: Micros, tag: string): number;
  cancelTimer(timerId: number): void;
  readonly disk: DiskPort;
  readonly telemetry: TelemetrySink;
  /** The host's own figures (memory, disk, CPU), where the host offers them. */
  readonly host?: HostProbe;
  /**
   * Charges `us` of CPU time to the event being handled, on top of the host's service time
   * for its kind: work whose cost the host cannot see (an index search, a rebuild) is
   * reported by a deterministic cost model, never measured. Throttling scales it too.
   * Optional: hosts without a CPU model ignore it.
   */
  chargeCpu?(us: Micros): void;
}

/**
 * A process: the unit a virtual node runs. The host calls `start` on boot and on every
 * restart (state must be rebuilt from the disk alone), then feeds it messages and timers
 * one at a time. A message arrives as `unknown`: it may be corrupted or forged, and the
 * process must reject bad input rather than crash.
 */
export interface Process<M = unknown> {
  start(ctx: NodeContext<M>): void;
  onMessage(from: NodeId, msg: unknown): void;
  onTimer(tag: string): void;
  /** Approximate live memory in bytes, compared with the node's budget after each event. */
  memoryBytes?(): number;
  /** Graceful shutdown: finish or refuse in-flight work; the host crashes the node after. */
  shutdown?(): void;
  /**
   * A JSON view of the process's state for the UI and reports (role, term, log, ...).
   * Must not change state. `role` and `summary` are shown on the cluster view.
   */
  inspect?(): ProcessView;
}

export interface ProcessView {
  /** A short role label: 'leader', 'follower', 'client', 'detector', ... */
  role: string;
  /** One line for the cluster view, e.g. "term 3 · commit 41". */
  summary: string;
  /** Anything else worth showing in a panel; JSON-serialisable. */
  details?: Record<string, unknown>;
}
