// A virtual node: one process incarnation at a time, with its disk, CPU, clock and memory.
//
// Contract: the host is the only place a process's state lives. A crash discards the
// process object (its memory is really gone) and reverts the disk to its synced content;
// a restart builds a new process from the factory, which must rebuild its state from the
// disk alone. The incarnation number invalidates timers set by an earlier incarnation.
import type { Micros, NodeContext, NodeId, Process } from '../../core/env.ts';
import type { SimDisk } from '../disk/disk.ts';
import type { Cpu } from './cpu.ts';
import { LocalClock } from './localClock.ts';
import { NodeSettings } from './settings.ts';

export type HostStatus = 'up' | 'down' | 'paused';

export interface StashedEvent<E> {
  key: number;
  ev: E;
}

/** Events a paused node buffers at most; later ones are dropped as a full socket buffer would. */
export const STASH_MAX = 100_000;
/** Events a node's CPU queue holds at most; later messages are dropped (a full inbox). */
export const CPU_QUEUE_MAX = 1_000_000;
/** Live timers a node may hold at once. */
export const TIMERS_MAX = 100_000;

export class Host<E> {
  status: HostStatus = 'down';
  process: Process | null = null;
  /** The Env the current incarnation was started with (set just before its start handler). */
  context: NodeContext | null = null;
  incarnation = 0;
  readonly clock = new LocalClock();
  /** Bytes held outside the process (a memory-exhaustion fault's ballast). */
  ballastBytes = 0;
  readonly stash: StashedEvent<E>[] = [];
  /**
   * Events that arrived while the CPU was busy, first in first out. Only the head is ever
   * scheduled (at the moment the CPU frees up, under its own tie key: `armedKey`), so a
   * backlog of n events costs O(n) to serve, not O(n^2) as re-scheduling all of them at
   * every free moment did.
   */
  readonly cpuQueue: StashedEvent<E>[] = [];
  cpuQueueHead = 0;
  /** The tie key of the queued event scheduled to run when the CPU frees up, or -1. */
  armedKey = -1;
  readonly liveTimers = new Set<number>();
  timerIdNext = 1;
  crashes = 0;
  oomCrashes = 0;
  /** fsync calls over every incarnation, and when host stats are next due (telemetry). */
  fsyncTotal = 0;
  statsNextUs = 0;
  /** The fault layers over this node's configured CPU, clock, memory and disk settings. */
  readonly settings: NodeSettings;

  constructor(
    readonly id: NodeId,
    readonly role: string,
    readonly factory: (id: NodeId) => Process,
    readonly disk: SimDisk,
    readonly cpu: Cpu,
    public memoryBytesMax: number,
  ) {
    const f = disk.faults;
    this.settings = new NodeSettings({
      throttle: cpu.throttle, driftPpm: this.clock.driftPpm, startUs: cpu.profile.startUs, ballastBytes: 0,
      capacityBytes: f.capacityBytes, fsyncLies: f.fsyncLies, tornWriteProb: f.tornWriteProb, readErrorProb: f.readErrorProb, fsyncSlowUs: f.fsyncSlowUs,
    });
  }

  memoryBytes(): number {
    const p = this.process;
    return this.ballastBytes + (p !== null && p.memoryBytes !== undefined ? p.memoryBytes() : 0);
  }

  /** Tears the incarnation down: process, timers, stash and unsynced disk state. */
  kill(nowUs: Micros): void {
    this.status = 'down';
    this.process = null;
    this.context = null;
    this.incarnation++;
    this.liveTimers.clear();
    this.stash.length = 0;
    this.cpuQueue.length = 0;
    this.cpuQueueHead = 0;
    this.armedKey = -1;
    this.cpu.busyUntilUs = nowUs;
    this.crashes++;
    this.disk.crash();
  }
}
