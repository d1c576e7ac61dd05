// Pending ReadIndex requests on a leader, waiting for a heartbeat quorum to confirm that
// the leader was still the leader when the request arrived (§8, safe mode).
//
// Contract: requests are released in arrival order; a quorum acknowledging request k also
// confirms every request queued before it. At most `capacity` requests wait; add() refuses
// beyond that and refuses a duplicate context.

import type { LogIndex } from './types.ts';

export interface ReadRequest {
  ctx: string;
  /** The commit index when the request arrived: the read may be served once applied. */
  index: LogIndex;
  /** The node that asked (the leader itself for a local request). */
  from: number;
  acks: Set<number>;
}

export class ReadOnly {
  private queue: ReadRequest[] = [];
  private readonly byCtx = new Map<string, ReadRequest>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.queue.length;
  }

  add(ctx: string, index: LogIndex, from: number, selfId: number): boolean {
    if (this.byCtx.has(ctx) || this.queue.length >= this.capacity) return false;
    const req: ReadRequest = { ctx, index, from, acks: new Set([selfId]) };
    this.queue.push(req);
    this.byCtx.set(ctx, req);
    return true;
  }

  /** Records a heartbeat acknowledgement; returns the acks so far, or undefined if unknown. */
  recvAck(id: number, ctx: string): ReadonlySet<number> | undefined {
    const req = this.byCtx.get(ctx);
    if (req === undefined) return undefined;
    req.acks.add(id);
    return req.acks;
  }

  /** Removes and returns every request up to and including `ctx`. */
  advance(ctx: string): ReadRequest[] {
    const at = this.queue.findIndex((r) => r.ctx === ctx);
    if (at < 0) return [];
    const done = this.queue.splice(0, at + 1);
    for (const r of done) this.byCtx.delete(r.ctx);
    return done;
  }

  lastPendingCtx(): string | undefined {
    return this.queue.length === 0 ? undefined : this.queue[this.queue.length - 1].ctx;
  }

  reset(): void {
    this.queue = [];
    this.byCtx.clear();
  }
}
