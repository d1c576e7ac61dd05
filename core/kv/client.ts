// A KV client process: one operation at a time, with a timeout, retries and redirects.
//
// Contract: the client first registers a session through the log (Raft thesis §6.3) and
// sends every operation under it. Each operation gets a fresh request id (rid); each
// write also gets the next session seq (reads do not advance it, so the servers see
// writes numbered 1, 2, 3...). Every retry reuses both, so the servers apply a write at
// most once. A session-expired answer (the servers evicted or never knew the session)
// ends the operation as unknown, and the next operation registers a new session: the
// operation is never re-sent under the new session, which could apply it a second time.
// The client reports each invocation and completion through telemetry ('kv.invoke',
// 'kv.complete') for the history checker. An operation whose outcome the client cannot
// know (attempts exhausted, or a session-expired answer) completes as unknown, never as a
// failure.
import type { Micros, NodeContext, NodeId, Process, ProcessView, Random } from '../env.ts';
import { exponentialBackoff } from '../resilience/backoff/backoff.ts';
import { childContext, rootContext, traceparent, type TraceContext } from '../telemetry/traceContext.ts';
import { seal } from './integrity.ts';
import { parseKvAnswer, type KvAnswer } from './protocol.ts';
import type { KvOp, KvResult } from './types.ts';

export interface KvClientConfig {
  clientId: number;
  servers: readonly NodeId[];
  thinkUs: Micros;
  timeoutUs: Micros;
  attemptsMax: number;
  /** No new operation starts at or after this local time. */
  stopAtUs: Micros;
  /** Draws the next operation; `seq` makes values unique. */
  nextOp: (random: Random, clientId: number, seq: number) => KvOp;
  /**
   * Bug flag expiredAsFailure: a session-expired answer completes the operation as failed,
   * not unknown, though an earlier attempt may have taken effect before the session went.
   */
  expiredAsFailure?: boolean;
  /**
   * Bug flag keepsExpiredSession: after a session-expired answer the client keeps the
   * session and sends its next operations under it: every write is answered session-expired
   * again (its outcome unknown), while its reads, which no session guards, still succeed.
   */
  keepsExpiredSession?: boolean;
}

/**
 * Waits before retrying after a redirect that names no leader (an election is under way):
 * exponential with full jitter from 10 ms to 400 ms, so a client neither hammers a cluster
 * that is electing nor gives up before an election can finish.
 */
const NO_LEADER_BACKOFF = exponentialBackoff({ initialUs: 10_000, maxDelayUs: 400_000, jitter: 'full' });

interface InFlightOp {
  /** The operation's trace (derived from its identity; see core/telemetry/traceContext.ts). */
  trace: TraceContext;
  rid: number;
  /** The session seq, set once the operation has a session to go under. */
  seq: number;
  op: KvOp;
  /** Attempts so far, registration attempts included. */
  attempts: number;
  target: NodeId;
  timer: number;
  /** True while the client registers a session for this operation. */
  registering: boolean;
}

export class KvClient implements Process {
  private ctx!: NodeContext;
  private rid = 0;
  /** The session id the servers gave this client; 0 when it has none. */
  private session = 0;
  /** The session seq of the last write; reads carry it unchanged. */
  private seq = 0;
  /** Sessions registered, for reports. */
  registrations = 0;
  private current: InFlightOp | null = null;
  private leaderGuess: NodeId = -1;
  private rr = 0;
  completed = 0;
  unknown = 0;
  rejected = 0;

  constructor(private readonly config: KvClientConfig) {
    if (config.servers.length === 0) throw new Error('KvClient: no servers');
  }

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    // Stagger clients so they do not all start in the same microsecond.
    ctx.setTimer(1 + ctx.random.int(Math.max(1, this.config.thinkUs)), 'think');
  }

  onTimer(tag: string): void {
    if (tag === 'think') this.begin();
    else if (tag === 'timeout' || tag === 'retry') this.retry();
  }

  private begin(): void {
    if (this.ctx.monotonic() >= this.config.stopAtUs) return;
    this.rid++;
    const op = this.config.nextOp(this.ctx.random, this.config.clientId, this.rid);
    const trace = rootContext('kv', this.ctx.id, this.config.clientId, this.rid, this.ctx.now());
    this.ctx.telemetry.emit('kv.invoke', { clientId: this.config.clientId, rid: this.rid, input: JSON.stringify(op), tp: traceparent(trace) });
    const c: InFlightOp = { trace, rid: this.rid, seq: 0, op, attempts: 0, target: this.pickTarget(), timer: 0, registering: this.session === 0 };
    if (!c.registering) this.assignSeq(c);
    this.current = c;
    this.send();
  }

  private assignSeq(c: InFlightOp): void {
    if (c.op.op !== 'get') this.seq++;
    c.seq = Math.max(1, this.seq);
  }

  /** Names this operation's registration, the same for all its attempts. */
  private nonce(c: InFlightOp): string {
    return `c${this.config.clientId}r${c.rid}`;
  }

  private pickTarget(): NodeId {
    if (this.leaderGuess >= 0) return this.leaderGuess;
    const s = this.config.servers;
    return s[this.rr++ % s.length];
  }

  private send(): void {
    const c = this.current as InFlightOp;
    c.attempts++;
    const tp = traceparent(childContext(c.trace, 'attempt', c.attempts));
    this.ctx.telemetry.emit('kv.attempt', { clientId: this.config.clientId, rid: c.rid, attempt: c.attempts, target: c.target, tp });
    if (c.registering) this.ctx.send(c.target, seal({ type: 'kv.register', rid: c.rid, nonce: this.nonce(c), count: 1 }));
    else this.ctx.send(c.target, seal({ type: 'kv.req', clientId: this.session, rid: c.rid, seq: c.seq, op: c.op, tp }));
    c.timer = this.ctx.setTimer(this.config.timeoutUs, 'timeout');
  }

  private retry(): void {
    const c = this.current;
    if (c === null) return;
    if (c.attempts >= this.config.attemptsMax) return this.finish(null);
    // A server that did not answer in time may be down: try the next one.
    this.leaderGuess = -1;
    c.target = this.pickTarget();
    this.send();
  }

  onMessage(_from: NodeId, raw: unknown): void {
    const a = parseKvAnswer(raw);
    if (a === null) {
      this.rejected++;
      return;
    }
    const c = this.current;
    if (c === null || a.rid !== c.rid) return; // A late answer to an operation already finished.
    // Answers to the registration carry no session yet; the others name the session asked under.
    if (a.clientId !== (c.registering ? 0 : this.session) && a.type !== 'kv.registered') return;
    if (a.type === 'kv.registered' && (!c.registering || a.nonce !== this.nonce(c))) return;
    this.onAnswer(c, a);
  }

  private onAnswer(c: InFlightOp, a: KvAnswer): void {
    this.ctx.cancelTimer(c.timer);
    if (a.type === 'kv.registered') {
      this.session = a.clientId;
      this.seq = 0;
      this.registrations++;
      c.registering = false;
      this.assignSeq(c);
      return this.send(); // The server that registered us leads: send the operation there.
    }
    if (a.type === 'kv.resp') {
      // The servers no longer know the session: the operation's outcome is unknown, and the
      // next operation opens a new session.
      if (!a.result.ok && a.result.error === 'session-expired' && this.config.keepsExpiredSession !== true) this.session = 0;
      return this.finish(a.result);
    }
    if (c.attempts >= this.config.attemptsMax) return this.finish(null);
    if (a.leader >= 0 && a.leader !== c.target && this.config.servers.includes(a.leader)) {
      this.leaderGuess = a.leader;
      c.target = a.leader;
      this.send();
    } else {
      this.leaderGuess = -1;
      c.timer = this.ctx.setTimer(Math.max(1, NO_LEADER_BACKOFF.next(c.attempts, this.ctx.random)), 'retry');
    }
  }

  private finish(result: KvResult | null): void {
    const c = this.current as InFlightOp;
    this.current = null;
    const known = result !== null && (this.config.expiredAsFailure === true || !(result.ok === false && result.error === 'session-expired'));
    if (known) this.completed++;
    else this.unknown++;
    this.ctx.telemetry.emit('kv.complete', { clientId: this.config.clientId, rid: c.rid, output: known ? JSON.stringify(result) : '' });
    this.ctx.setTimer(this.config.thinkUs, 'think');
  }

  inspect(): ProcessView {
    const c = this.current;
    return {
      role: 'client',
      summary: c === null ? `idle · ${this.completed} done` : `${c.op.op} ${c.op.key} → n${c.target} (try ${c.attempts})`,
      details: { clientId: this.config.clientId, session: this.session, rid: this.rid, seq: this.seq, registrations: this.registrations, completed: this.completed, unknown: this.unknown, leaderGuess: this.leaderGuess },
    };
  }

  memoryBytes(): number {
    return 1024;
  }
}
