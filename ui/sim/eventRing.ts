// A bounded ring of the most recent trace events, for the event log.
//
// Contract: holds at most `capacity` events; pushing beyond drops the oldest. `latest`
// scans from the newest backwards and returns up to `limit` matching events, oldest first,
// so a filtered log costs at most one pass over the ring.
import type { LogEvent, LogFilter } from './protocol.ts';

export class EventRing {
  private readonly items: (LogEvent | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!(capacity > 0)) throw new Error('EventRing: capacity must be > 0');
    this.items = new Array<LogEvent | undefined>(capacity);
  }

  push(e: LogEvent): void {
    this.items[this.next] = e;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  get count(): number {
    return this.size;
  }

  latest(filter: LogFilter): LogEvent[] {
    const out: LogEvent[] = [];
    const nodes = filter.nodes === null ? null : new Set(filter.nodes);
    const kinds = filter.kinds === null ? null : new Set(filter.kinds);
    for (let k = 1; k <= this.size && out.length < filter.limit; k++) {
      const e = this.items[(this.next - k + this.capacity) % this.capacity] as LogEvent;
      if (nodes !== null && !nodes.has(e.node) && !nodes.has(e.from)) continue;
      if (kinds !== null && !kinds.has(e.kind)) continue;
      out.push(e);
    }
    return out.reverse();
  }
}
