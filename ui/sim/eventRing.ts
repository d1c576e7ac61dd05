// A bounded ring of the most recent trace events, for the event log.
//
// Contract: holds at most `capacity` events; pushing beyond drops the oldest. `latest`
// scans from the newest backwards and returns up to `limit` matching events, oldest first,
// so a filtered log costs at most one pass over the ring.
//
// Why columns: the seek cache (keyframes.ts) keeps one ring per parked world, so a ring
// stores its events in typed arrays (times, nodes, senders) and two arrays of the
// simulator's own strings (kind, tag), about 25 bytes an event, instead of an object per
// event; `latest` builds objects only for the rows it returns.
import type { Micros, NodeId } from '../../core/env.ts';
import type { LogEvent, LogFilter } from './protocol.ts';

export class EventRing {
  private readonly times: Float64Array;
  private readonly nodes: Int32Array;
  private readonly froms: Int32Array;
  private readonly kinds: string[];
  private readonly tags: string[];
  private next = 0;
  private size = 0;
  /** The trace index of the newest event + 1 (events are numbered from 0 in push order). */
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('EventRing: capacity must be > 0');
    this.times = new Float64Array(capacity);
    this.nodes = new Int32Array(capacity);
    this.froms = new Int32Array(capacity);
    this.kinds = new Array<string>(capacity).fill('');
    this.tags = new Array<string>(capacity).fill('');
  }

  /** Adds the next event of the trace (its index is the number pushed before it). */
  push(t: Micros, node: NodeId, kind: string, from: NodeId, tag: string): void {
    const i = this.next;
    this.times[i] = t;
    this.nodes[i] = node;
    this.froms[i] = from;
    this.kinds[i] = kind;
    this.tags[i] = tag;
    this.next = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.pushed++;
  }

  get count(): number {
    return this.size;
  }

  /** The newest event, or null when the ring is empty. */
  newest(): LogEvent | null {
    return this.size === 0 ? null : this.row((this.next - 1 + this.capacity) % this.capacity, this.pushed - 1);
  }

  private row(i: number, index: number): LogEvent {
    return { index, t: this.times[i], node: this.nodes[i], kind: this.kinds[i], from: this.froms[i], tag: this.tags[i] };
  }

  latest(filter: LogFilter): LogEvent[] {
    const out: LogEvent[] = [];
    const nodes = filter.nodes === null ? null : new Set(filter.nodes);
    const kinds = filter.kinds === null ? null : new Set(filter.kinds);
    for (let k = 1; k <= this.size && out.length < filter.limit; k++) {
      const i = (this.next - k + this.capacity) % this.capacity;
      if (nodes !== null && !nodes.has(this.nodes[i]) && !nodes.has(this.froms[i])) continue;
      if (kinds !== null && !kinds.has(this.kinds[i])) continue;
      out.push(this.row(i, this.pushed - k));
    }
    return out.reverse();
  }
}
