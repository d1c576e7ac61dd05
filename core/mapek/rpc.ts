// Request/answer bookkeeping for the manager's calls over the simulated network: each
// call gets a request id, a timeout timer and a callback that runs exactly once, with the
// answer or with null when the timeout fires first.
//
// Contract: the caller builds the message around the rid it is given. An answer whose rid
// is not pending (it came after its timeout) goes to `onLate` with the call's target and
// round trip, so a slow node still counts as alive. At most PENDING_MAX calls are pending
// and LATE_MAX timed-out calls remembered; beyond that the oldest are forgotten.
import type { Micros, NodeId } from '../env.ts';

export const PENDING_MAX = 4096;
const LATE_MAX = 1024;

export interface RpcPort {
  now(): Micros;
  send(to: NodeId, msg: unknown): void;
  setTimer(afterUs: Micros, tag: string): number;
  cancelTimer(id: number): void;
}

export type RpcCallback = (answer: unknown, rttUs: Micros) => void;

interface Pending {
  to: NodeId;
  sentUs: Micros;
  timer: number;
  cb: RpcCallback;
}

export class Rpc {
  private ridNext = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly timedOut = new Map<number, { to: NodeId; sentUs: Micros }>();
  onLate: (to: NodeId, answer: unknown, rttUs: Micros) => void = () => {};

  constructor(private readonly port: RpcPort) {}

  /** Sends `build(rid)` to `to`; `cb` gets the answer, or null after `timeoutUs`. */
  call(to: NodeId, build: (rid: number) => unknown, timeoutUs: Micros, cb: RpcCallback): number {
    const rid = this.ridNext++;
    if (this.pending.size >= PENDING_MAX) {
      const oldest = this.pending.keys().next().value as number;
      this.expire(oldest);
    }
    const timer = this.port.setTimer(timeoutUs, `rpc:${rid}`);
    this.pending.set(rid, { to, sentUs: this.port.now(), timer, cb });
    this.port.send(to, build(rid));
    return rid;
  }

  /** Routes an answer by its rid; `from` must be the node the call went to. */
  answer(from: NodeId, rid: number, answer: unknown): void {
    const p = this.pending.get(rid);
    if (p !== undefined) {
      if (p.to !== from) return;
      this.pending.delete(rid);
      this.port.cancelTimer(p.timer);
      p.cb(answer, this.port.now() - p.sentUs);
      return;
    }
    const t = this.timedOut.get(rid);
    if (t !== undefined && t.to === from) {
      this.timedOut.delete(rid);
      this.onLate(from, answer, this.port.now() - t.sentUs);
    }
  }

  /** Handles an `rpc:<rid>` timer; returns false for tags that are not the Rpc's. */
  onTimer(tag: string): boolean {
    if (!tag.startsWith('rpc:')) return false;
    this.expire(Number(tag.slice(4)));
    return true;
  }

  private expire(rid: number): void {
    const p = this.pending.get(rid);
    if (p === undefined) return;
    this.pending.delete(rid);
    this.port.cancelTimer(p.timer);
    this.timedOut.set(rid, { to: p.to, sentUs: p.sentUs });
    if (this.timedOut.size > LATE_MAX) this.timedOut.delete(this.timedOut.keys().next().value as number);
    p.cb(null, this.port.now() - p.sentUs);
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}
