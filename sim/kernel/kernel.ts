// The kernel: the single owner of virtual time and event order.
//
// Contract: time only moves forward, to the time of the event being run; events run in
// (time, node, origin, originSeq) order (see eventQueue.ts); each origin numbers the
// events it creates, so the order is intrinsic to the run. The run loop stops at a time
// limit, an event limit or a predicate, whichever comes first, and can be resumed. A scale
// limit (an origin that would number more events than its tie keys can hold) halts the
// kernel for good instead of throwing mid-event: the event that reached it finishes, the
// events it scheduled past the limit never run, and every later run() returns 'halted'.
import type { Micros } from '../../core/env.ts';
import { EventQueue, NODE_COUNT_MAX, ORIGIN_SEQ_MAX, tieKey } from './eventQueue.ts';
import { formatCount, formatMicros } from './time.ts';
import { Streams } from './random.ts';

/** The origin id of events created by the kernel itself (scenario actions, faults). */
export const KERNEL_ORIGIN = NODE_COUNT_MAX - 1;

export type StopReason = 'time' | 'events' | 'predicate' | 'idle' | 'halted';

export interface RunLimits {
  /** Stop before running any event later than this; time then advances to it. */
  timeUs?: Micros;
  /** Stop after this many events in total (since the kernel started). */
  eventsMax?: number;
  /** Stop after an event for which this returns true. */
  until?: () => boolean;
}

export class Kernel<E> {
  readonly queue = new EventQueue<E>();
  readonly streams: Streams;
  nowUs: Micros = 0;
  executed = 0;
  private readonly originSeq = new Float64Array(NODE_COUNT_MAX);
  /** Why the kernel halted for good (a scale limit), or null. */
  halted: string | null = null;

  /** `originSeqMax` may be set below ORIGIN_SEQ_MAX (tests reach the limit that way), never above. */
  constructor(seed: string, private readonly execute: (ev: E, nowUs: Micros) => void, readonly originSeqMax: number = ORIGIN_SEQ_MAX) {
    if (!(originSeqMax >= 1 && originSeqMax <= ORIGIN_SEQ_MAX)) throw new Error(`Kernel: originSeqMax must be in [1, ${ORIGIN_SEQ_MAX}], got ${originSeqMax}`);
    this.streams = new Streams(seed);
  }

  /** Halts the run for good: the current event finishes, no other runs. The first reason stays. */
  halt(reason: string): void {
    if (this.halted === null) this.halted = reason;
  }

  /** Schedules `ev` to run on `node` at `timeUs`, created by `origin`. */
  schedule(timeUs: Micros, node: number, origin: number, ev: E): void {
    if (timeUs < this.nowUs) throw pastTimeError(timeUs, this.nowUs);
    this.queue.push(timeUs, this.nextKey(node, origin), ev);
  }

  /** Allocates the tie key of the next event `origin` creates for `node`. */
  nextKey(node: number, origin: number): number {
    const seq = this.originSeq[origin]++;
    if (seq < this.originSeqMax) return tieKey(node, origin, seq);
    // Past the limit the key would spill into the next origin's range: halt. The events
    // scheduled under the last key never run, so their order does not matter.
    this.halt(originLimitReason(origin === KERNEL_ORIGIN ? 'the kernel (scenario actions)' : `node ${origin} (the messages it sent)`, this.originSeqMax, this.nowUs));
    return tieKey(node, origin, this.originSeqMax - 1);
  }

  /** Re-schedules an event under an existing tie key (a CPU-busy deferral keeps its place). */
  reschedule(timeUs: Micros, key: number, ev: E): void {
    this.queue.push(timeUs, key, ev);
  }

  run(limits: RunLimits): StopReason {
    const timeUs = limits.timeUs ?? Infinity;
    const eventsMax = limits.eventsMax ?? Infinity;
    const until = limits.until;
    const q = this.queue;
    for (;;) {
      if (this.halted !== null) return 'halted';
      if (this.executed >= eventsMax) return 'events';
      const ev = q.popAtMost(timeUs);
      if (ev === undefined) {
        if (q.size === 0) {
          if (timeUs !== Infinity) this.nowUs = Math.max(this.nowUs, timeUs);
          return 'idle';
        }
        this.nowUs = timeUs;
        return 'time';
      }
      this.currentKey = q.poppedKey;
      this.nowUs = q.poppedTime;
      this.executed++;
      this.execute(ev, this.nowUs);
      if (until !== undefined && until()) return 'predicate';
    }
  }

  /** The tie key of the event being executed (valid during `execute`). */
  currentKey = 0;
}

/**
 * The error for an event scheduled in the past. Built out of line: a template literal in
 * schedule() grew it past what V8 inlines into its callers, and every call then boxed its
 * time (beyond 2^31 µs, 36 simulated minutes, not a small integer): ~11% of an idle
 * Raft run at etcd timing went to that call and the garbage it made.
 */
function pastTimeError(timeUs: Micros, nowUs: Micros): Error {
  return new Error(`Kernel.schedule: time ${timeUs} is in the past (now ${nowUs})`);
}

/** The words for an origin that reached its tie-key limit (a hard limit: no flag raises it). */
export function originLimitReason(who: string, limit: number, nowUs: Micros): string {
  return `stopped at ${formatMicros(nowUs)}: ${who} created ${formatCount(limit)} events, the most one origin can number (the event queue's tie keys: a hard limit, no flag raises it); shorten the scenario`;
}
