// A virtual node: one process incarnation at a time, with its disk, CPU, clock and memory.
//
// Contract: the host is the only place a process's state lives. A crash discards the
// process object (its memory is really gone) and reverts the disk to its synced content;
// a restart builds a new process from the factory, which must rebuild its state from the
// disk alone. The incarnation number invalidates timers set by an earlier incarnation.
import type { Micros, NodeId, Process } from '../../core/env.ts';
import type { SimDisk } from '../disk/disk.ts';
import type { Cpu } from './cpu.ts';
import { LocalClock } from './localClock.ts';

export type HostStatus = 'up' | 'down' | 'paused';

export interface StashedEvent<E> {
  key: number;
  ev: E;
}

/** Events a paused node buffers at most; later ones are dropped as a full socket buffer would. */
export const STASH_MAX = 100_000;
/** Live timers a node may hold at once. */
export const TIMERS_MAX = 100_000;

export class Host<E> {
  status: HostStatus = 'down';
  process: Process | null = null;
  incarnation = 0;
  readonly clock = new LocalClock();
  /** Bytes held outside the process (a memory-exhaustion fault's ballast). */
  ballastBytes = 0;
  readonly stash: StashedEvent<E>[] = [];
  readonly liveTimers = new Set<number>();
  timerIdNext = 1;
  crashes = 0;
  oomCrashes = 0;

  constructor(
    readonly id: NodeId,
    readonly role: string,
    readonly factory: (id: NodeId) => Process,
    readonly disk: SimDisk,
    readonly cpu: Cpu,
    public memoryBytesMax: number,
  ) {}

  memoryBytes(): number {
    const p = this.process;
    return this.ballastBytes + (p !== null && p.memoryBytes !== undefined ? p.memoryBytes() : 0);
  }

  /** Tears the incarnation down: process, timers, stash and unsynced disk state. */
  kill(nowUs: Micros): void {
    this.status = 'down';
    this.process = null;
    this.incarnation++;
    this.liveTimers.clear();
    this.stash.length = 0;
    this.cpu.busyUntilUs = nowUs;
    this.crashes++;
    this.disk.crash();
  }
}
