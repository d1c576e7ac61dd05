// The canonical trace: every event the kernel delivered, in the order it ran.
//
// Contract: `record` is called by the world once per executed event, in canonical
// (time, node, sequence) order. The running hash covers each event's time, node, kind,
// source, tag and canonical payload, so the same seed, scenario and version give the same
// hash in every runtime. Keeping the full event list is optional (JSONL export, the UI);
// hashing is always on.
import type { Micros, NodeId } from '../../core/env.ts';
import { Hash64 } from '../../core/hash/hash64.ts';

export type TraceKind = 'msg' | 'timer' | 'drop' | 'fault' | 'crash' | 'restart' | 'oom' | 'pause' | 'resume' | 'note' | 'reject';

export interface TraceEvent {
  t: Micros;
  node: NodeId;
  kind: TraceKind;
  /** The sender of a message, or -1. */
  from: NodeId;
  /** A timer's tag, a fault's name, a drop's reason. */
  tag: string;
  /** Canonical payload text (JSON of the message), or ''. */
  data: string;
}

/** Hears every recorded event after it is hashed; it must not change the run (an observer). */
export type TraceListener = (t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string) => void;

/** Events retained in memory at most, when retention is on; older ones are counted, not kept. */
export const TRACE_RETAINED_MAX = 5_000_000;

export class Trace {
  private readonly hash = new Hash64();
  private readonly retained: TraceEvent[] | null;
  private dropped = 0;
  private readonly listeners: TraceListener[] = [];
  count = 0;

  constructor(retain: boolean) {
    this.retained = retain ? [] : null;
  }

  record(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string, data: string): void {
    this.count++;
    this.hash.number(t).number(node).string(kind).number(from).string(tag).string(data);
    if (this.retained !== null) this.retain({ t, node, kind, from, tag, data });
    if (this.listeners.length !== 0) for (const l of this.listeners) l(t, node, kind, from, tag);
  }

  /** Calls `l` for every event recorded from now on, in canonical order (telemetry, the UI). */
  onRecord(l: TraceListener): void {
    this.listeners.push(l);
  }

  /**
   * Records a message event by its payload's canonical digest (trace/canon.ts) rather
   * than its text: the hash is the same function of the same content, without building
   * JSON on the hot path. The payload text is built only when events are retained.
   */
  recordMessage(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string, d1: number, d2: number, msg: unknown): void {
    this.count++;
    this.hash.number(t).number(node).string(kind).number(from).string(tag).number(d1).number(d2);
    if (this.retained !== null) this.retain({ t, node, kind, from, tag, data: JSON.stringify(msg) });
    if (this.listeners.length !== 0) for (const l of this.listeners) l(t, node, kind, from, tag);
  }

  /** Whether events are kept (callers may skip building text when not). */
  get retaining(): boolean {
    return this.retained !== null;
  }

  private retain(e: TraceEvent): void {
    if (this.retained === null) return;
    if (this.retained.length < TRACE_RETAINED_MAX) this.retained.push(e);
    else this.dropped++;
  }

  digest(): string {
    return this.hash.hex();
  }

  events(): readonly TraceEvent[] {
    return this.retained ?? [];
  }

  /** The number of events not retained because the retention bound was reached. */
  get overflow(): number {
    return this.dropped;
  }
}

