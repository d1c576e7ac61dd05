// The manager's own client of the KV store it manages: one operation at a time, with a
// timeout, redirects to the leader and retries under the same session seq, as core/kv's
// client does. It carries the lease (lease.ts), and its latencies are the canary the
// manager watches: a write that takes long, or does not complete, is the service's
// latency and stall signal.
//
// Contract: `request` refuses while an operation is open; the callback runs once with the
// result, or null when every attempt timed out (the outcome is unknown). The session id
// comes from the caller and must be fresh per process incarnation, so a restarted
// manager never reuses a seq the servers have already answered.
import type { Micros, NodeId } from '../env.ts';
import { seal } from '../kv/integrity.ts';
import type { KvAnswer } from '../kv/protocol.ts';
import type { KvOp, KvResult } from '../kv/types.ts';

export interface KvSessionPort {
  now(): Micros;
  send(to: NodeId, msg: unknown): void;
  setTimer(afterUs: Micros, tag: string): number;
  cancelTimer(id: number): void;
}

interface Open {
  rid: number;
  seq: number;
  op: KvOp;
  target: NodeId;
  attempts: number;
  timer: number;
  firstSentUs: Micros;
  cb: (r: KvResult | null, latencyUs: Micros) => void;
}

export class KvSession {
  private rid = 0;
  private seq = 0;
  private open: Open | null = null;
  private leaderGuess: NodeId = -1;
  private rr = 0;
  /** Hears every operation's end: its latency and whether its outcome is known. */
  onComplete: (latencyUs: Micros, known: boolean) => void = () => {};

  constructor(
    private readonly port: KvSessionPort,
    private readonly servers: () => readonly NodeId[],
    readonly clientId: number,
    private readonly timeoutUs: Micros,
    private readonly attemptsMax: number,
  ) {}

  get busy(): boolean {
    return this.open !== null;
  }

  /** When the open operation was first sent, or null. */
  get pendingSinceUs(): Micros | null {
    return this.open?.firstSentUs ?? null;
  }

  request(op: KvOp, cb: (r: KvResult | null, latencyUs: Micros) => void): boolean {
    if (this.open !== null) return false;
    this.rid++;
    if (op.op !== 'get') this.seq++;
    this.open = { rid: this.rid, seq: Math.max(1, this.seq), op, target: this.pick(), attempts: 0, timer: -1, firstSentUs: this.port.now(), cb };
    this.send();
    return true;
  }

  private pick(): NodeId {
    const s = this.servers();
    if (this.leaderGuess >= 0 && s.includes(this.leaderGuess)) return this.leaderGuess;
    return s.length === 0 ? -1 : s[this.rr++ % s.length];
  }

  private send(): void {
    const o = this.open as Open;
    o.attempts++;
    if (o.target >= 0) this.port.send(o.target, seal({ type: 'kv.req', clientId: this.clientId, rid: o.rid, seq: o.seq, op: o.op }));
    o.timer = this.port.setTimer(this.timeoutUs, 'kv:timeout');
  }

  onTimer(tag: string): boolean {
    if (tag !== 'kv:timeout' && tag !== 'kv:retry') return false;
    const o = this.open;
    if (o === null) return true;
    if (tag === 'kv:timeout') this.leaderGuess = -1;
    if (o.attempts >= this.attemptsMax) {
      this.finish(null);
      return true;
    }
    o.target = this.pick();
    this.send();
    return true;
  }

  onAnswer(a: KvAnswer): void {
    const o = this.open;
    if (o === null || a.clientId !== this.clientId || a.rid !== o.rid) return;
    this.port.cancelTimer(o.timer);
    if (a.type === 'kv.resp') return this.finish(a.result.ok === false && a.result.error === 'session-expired' ? null : a.result);
    if (o.attempts >= this.attemptsMax) return this.finish(null);
    if (a.leader >= 0 && a.leader !== o.target) {
      this.leaderGuess = a.leader;
      o.target = a.leader;
      this.send();
    } else {
      // No leader known: try another server a little later.
      this.leaderGuess = -1;
      o.timer = this.port.setTimer(Math.min(this.timeoutUs, 50_000), 'kv:retry');
    }
  }

  private finish(r: KvResult | null): void {
    const o = this.open as Open;
    this.open = null;
    const latencyUs = this.port.now() - o.firstSentUs;
    this.onComplete(latencyUs, r !== null);
    o.cb(r, latencyUs);
  }
}
