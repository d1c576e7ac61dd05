// The manager's own client of the KV store it manages: one operation at a time, with a
// timeout, redirects to the leader and retries under the same session seq, as core/kv's
// client does. It carries the lease (lease.ts), and its latencies are the canary the
// manager watches: a write that takes long, or does not complete, is the service's
// latency and stall signal.
//
// Contract: `request` refuses while an operation is open; the callback runs once with the
// result, or null when the outcome is unknown (every attempt timed out, or the servers
// answered session-expired). Like core/kv's client, the session registers through the log
// first (Raft thesis §6.3): the servers apply nothing under a session they did not open.
// `clientId` (fresh per process incarnation, from the caller) only names the
// registration's nonce; the session id is the one the servers give. A session-expired
// answer drops the session, and the next operation registers a new one.
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
  /** The operation waits for its session's registration (sent as kv.register). */
  registering: boolean;
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
  /** The session the servers registered for us; 0 until then. */
  private session = 0;
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
    const o: Open = { rid: this.rid, registering: this.session === 0, seq: 0, op, target: this.pick(), attempts: 0, timer: -1, firstSentUs: this.port.now(), cb };
    if (!o.registering) this.assignSeq(o);
    this.open = o;
    this.send();
    return true;
  }

  private assignSeq(o: Open): void {
    if (o.op.op !== 'get') this.seq++;
    o.seq = Math.max(1, this.seq);
  }

  private nonce(o: Open): string {
    return `m${this.clientId}r${o.rid}`;
  }

  private pick(): NodeId {
    const s = this.servers();
    if (this.leaderGuess >= 0 && s.includes(this.leaderGuess)) return this.leaderGuess;
    return s.length === 0 ? -1 : s[this.rr++ % s.length];
  }

  private send(): void {
    const o = this.open as Open;
    o.attempts++;
    if (o.target < 0) {
      // No server to ask: wait for the timeout.
    } else if (o.registering) this.port.send(o.target, seal({ type: 'kv.register', rid: o.rid, nonce: this.nonce(o), count: 1 }));
    else this.port.send(o.target, seal({ type: 'kv.req', clientId: this.session, rid: o.rid, seq: o.seq, op: o.op }));
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
    if (o === null || a.rid !== o.rid) return;
    if (a.type === 'kv.registered') {
      if (!o.registering || a.nonce !== this.nonce(o)) return;
      this.port.cancelTimer(o.timer);
      this.session = a.clientId;
      this.seq = 0;
      o.registering = false;
      this.assignSeq(o);
      return this.send(); // The server that registered us leads: send the operation there.
    }
    if (a.clientId !== (o.registering ? 0 : this.session)) return;
    this.port.cancelTimer(o.timer);
    if (a.type === 'kv.resp') {
      const expired = a.result.ok === false && a.result.error === 'session-expired';
      if (expired) this.session = 0;
      return this.finish(expired ? null : a.result);
    }
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
