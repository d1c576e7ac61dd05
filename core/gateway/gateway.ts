// The gateway: a Process between open-loop load clients and the Raft KV cluster, applying
// the resilience patterns through their synchronous cores and the node's own clock.
//
// Contract: every request gets exactly one answer (or none if the gateway crashes). At the
// door, the rate limiter and then the bulkhead may refuse it at once (`rejected`); an
// admitted request holds a call slot (a KV session) until it ends and must end by its
// deadline (`timeout`). An attempt goes to the leader the gateway believes in, through
// that server's circuit breaker; a redirect naming another leader is followed within the
// attempt (at most REDIRECT_HOPS_MAX times). A failed attempt (attempt timeout, no leader,
// an overloaded leader) is retried after a jittered backoff while the retry policy and its
// budget allow. Retries reuse the request's session seq, so a write applies at most once.
// Each call slot holds a KV session (admission.ts); a slot without one registers a block
// through the cluster in the same attempt, before the request. A session-expired answer
// ends the request as an error with unknown outcome and takes the slot's session away.
// Nothing here is asynchronous: all work happens inside the host's event handlers.
import type { Micros, NodeContext, NodeId, Process, ProcessView } from '../env.ts';
import { seal } from '../kv/integrity.ts';
import { childContext, parseTraceparent, rootContext, traceparent, type TraceContext } from '../telemetry/traceContext.ts';
import { parseKvAnswer, type KvAnswer } from '../kv/protocol.ts';
import type { KvOp, KvResult } from '../kv/types.ts';
import { exponentialBackoff } from '../resilience/backoff/backoff.ts';
import type { HealthCheck } from '../resilience/health/healthChecks.ts';
import type { HealthStatus } from '../resilience/health/healthStatus.ts';
import { RetryBudget } from '../resilience/retry/retryBudget.ts';
import { RetryPolicy } from '../resilience/retry/retryPolicy.ts';
import { deadlineAt } from '../resilience/timeout/deadline.ts';
import { Admission, type Slot } from './admission.ts';
import { Backends, type Choice } from './backends.ts';
import { checkGatewayConfig, REDIRECT_HOPS_MAX, type GatewayConfig } from './config.ts';
import { LatencyWindow, parseGatewayControl, type GatewayControlAnswer, type GatewayControlRequest } from './control.ts';
import { gatewayChecks, readiness } from './gatewayHealth.ts';
import { parseGatewayRequest, type GatewayOutcome, type GatewayReason, type GatewayRequest } from './protocol.ts';
import { GatewayCounters } from './counters.ts';

type ReqState = 'queued' | 'calling' | 'backoff' | 'done';

interface Req {
  id: number;
  /** The gateway's span of this request: a child of the client's traceparent, or a new trace. */
  trace: TraceContext;
  client: NodeId;
  rid: number;
  op: KvOp;
  write: boolean;
  deadlineUs: Micros;
  state: ReqState;
  cancelQueue: (() => boolean) | null;
  slot: Slot | null;
  seq: number;
  /** Sessions this request's registration asks for; 0 until it registers. */
  regCount: number;
  attempts: number;
  hops: number;
  choice: Choice | null;
  attemptStartUs: Micros;
  attemptTimer: number;
  deadlineTimer: number;
  backoffTimer: number;
  prevDelayUs: Micros;
}

const NO_TIMER = -1;

export class Gateway implements Process {
  private ctx!: NodeContext;
  private admission!: Admission;
  private backends!: Backends;
  private retry!: RetryPolicy;
  private checks: HealthCheck[] = [];
  private readonly reqs = new Map<number, Req>();
  private nextId = 1;
  private health: HealthStatus = 'healthy';
  private draining = false;
  readonly counters: GatewayCounters;
  /** Latencies of `ok` answers since the last control status query (control.ts). */
  private readonly latency = new LatencyWindow();

  constructor(private readonly config: GatewayConfig) {
    checkGatewayConfig(config);
    this.counters = new GatewayCounters(config.servers.length);
  }

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    const c = this.config;
    this.admission = new Admission(c.rateLimit, c.bulkhead, ctx.monotonic());
    this.backends = new Backends(c.servers, c.breaker, (server, from, to) => this.ctx.telemetry.emit('gw.breaker', { server, from, to }));
    const r = c.retry;
    const budget = r.enabled && r.budget.enabled ? new RetryBudget({ retryRatio: r.budget.ratio, minRetriesPerSec: r.budget.minPerSec, ttlUs: r.budget.ttlUs }) : undefined;
    this.retry = new RetryPolicy({
      maxAttempts: r.enabled ? r.attempts : 1,
      backoff: exponentialBackoff({ initialUs: r.backoffInitialUs, maxDelayUs: r.backoffMaxUs, jitter: r.jitter }),
      ...(budget === undefined ? {} : { budget }),
    });
    this.checks = gatewayChecks({
      breakerStates: () => this.backends.states(),
      leaderKnown: () => this.backends.leaderGuess >= 0,
      queued: () => this.admission.queued,
      queueMax: () => this.admission.queueMax,
    });
    ctx.setTimer(c.healthIntervalUs, 'health');
  }

  onMessage(from: NodeId, raw: unknown): void {
    const type = raw !== null && typeof raw === 'object' ? (raw as { type?: unknown }).type : undefined;
    if (type === 'gw.req') {
      const req = parseGatewayRequest(raw);
      if (req === null) this.counters.malformed++;
      else this.onRequest(from, req);
      return;
    }
    if (type === 'gw.ctl') {
      const ctl = parseGatewayControl(raw);
      if (ctl === null) this.counters.malformed++;
      else this.onControl(from, ctl);
      return;
    }
    const a = parseKvAnswer(raw);
    if (a === null) this.counters.malformed++;
    else this.onBackendAnswer(from, a);
  }

  onTimer(tag: string): void {
    if (tag === 'health') return this.onHealthTick();
    const r = this.reqs.get(Number(tag.slice(1)));
    if (r === undefined) return;
    if (tag[0] === 'd') this.onDeadline(r);
    else if (tag[0] === 'a' && r.state === 'calling') this.onAttemptTimeout(r);
    else if (tag[0] === 'b' && r.state === 'backoff') this.attempt(r);
  }

  private onRequest(from: NodeId, q: GatewayRequest): void {
    const now = this.ctx.monotonic();
    this.counters.received++;
    const incoming = parseTraceparent(q.tp);
    // The arrival count keeps two copies of one message (a duplicating network) apart.
    const arrival = `${this.ctx.id}.${this.counters.received}.${now}`;
    const trace = incoming === null ? rootContext('gw', arrival, from, q.rid) : childContext(incoming, 'gw.request', arrival);
    this.ctx.telemetry.emit('gw.request', { client: from, rid: q.rid, op: q.op.op, tp: traceparent(trace), parent: q.tp ?? '' });
    if (this.draining) return this.refuse(from, q.rid, 'error', 'not-ready');
    if (!this.admission.allow(now, from)) return this.refuse(from, q.rid, 'rejected', 'rate-limited');
    const r: Req = {
      id: this.nextId++, trace, client: from, rid: q.rid, op: q.op, write: q.op.op !== 'get', deadlineUs: deadlineAt(now, this.config.timeoutUs),
      state: 'queued', cancelQueue: null, slot: null, seq: 0, regCount: 0, attempts: 0, hops: 0, choice: null, attemptStartUs: now,
      attemptTimer: NO_TIMER, deadlineTimer: NO_TIMER, backoffTimer: NO_TIMER, prevDelayUs: 0,
    };
    const entry = this.admission.enter(() => this.dispatch(r));
    if (entry.kind === 'rejected') return this.refuse(from, q.rid, 'rejected', 'shed');
    this.counters.admitted++;
    this.reqs.set(r.id, r);
    this.retry.begin(now);
    r.deadlineTimer = this.ctx.setTimer(r.deadlineUs - now, `d${r.id}`);
    if (entry.kind === 'permit') this.dispatch(r);
    else r.cancelQueue = entry.cancel;
  }

  /** The request got a call slot: bind it to the slot's session and make the first attempt. */
  private dispatch(r: Req): void {
    r.cancelQueue = null;
    const slot = this.admission.takeSlot();
    r.slot = slot;
    if (r.write) slot.seq++;
    r.seq = Math.max(1, slot.seq);
    this.attempt(r);
  }

  private attempt(r: Req): void {
    r.attempts++;
    r.hops = 0;
    this.counters.attempts++;
    if (r.attempts > 1) this.counters.retries++;
    this.call(r, this.backends.leaderGuess);
  }

  /** Sends the request to a server the breakers admit, preferring `preferred`. */
  private call(r: Req, preferred: NodeId): void {
    const now = this.ctx.monotonic();
    const choice = this.backends.choose(now, preferred);
    if (choice === null) return this.finish(r, 'error', 'breaker-open');
    r.choice = choice;
    r.attemptStartUs = now;
    r.state = 'calling';
    this.counters.sentTo[this.config.servers.indexOf(choice.target)]++;
    const slot = r.slot as Slot;
    // Each call is a span of its own: a redirect followed within an attempt is a new hop, and
    // a session registration is a call of its own before the request's call on the same hop.
    const tp = traceparent(childContext(r.trace, 'attempt', `${r.attempts}.${r.hops}${slot.clientId === 0 ? '.register' : ''}`));
    this.ctx.telemetry.emit('gw.attempt', { client: r.client, rid: r.rid, id: r.id, attempt: r.attempts, hop: r.hops, target: choice.target, tp });
    if (slot.clientId === 0) {
      if (r.regCount === 0) r.regCount = this.admission.registrationCount();
      this.ctx.send(choice.target, seal({ type: 'kv.register', rid: r.id, nonce: this.nonce(r.id), count: r.regCount }));
    } else this.ctx.send(choice.target, seal({ type: 'kv.req', clientId: slot.clientId, rid: r.id, seq: r.seq, op: r.op, tp }));
    if (r.attemptTimer !== NO_TIMER) this.ctx.cancelTimer(r.attemptTimer);
    r.attemptTimer = this.ctx.setTimer(this.config.attemptTimeoutUs, `a${r.id}`);
  }

  /** Names the registration made for request `id` (unique per gateway and request). */
  private nonce(id: number): string {
    return `g${this.config.index}r${id}`;
  }

  private onBackendAnswer(from: NodeId, a: KvAnswer): void {
    const r = this.reqs.get(a.rid);
    const registered = a.type === 'kv.registered' && a.nonce === this.nonce(a.rid) && r?.slot?.clientId === 0;
    // Sessions registered for a request that has ended are kept for later slots.
    if (a.type === 'kv.registered' && a.nonce === this.nonce(a.rid) && !registered) this.admission.pool(a.clientId, a.count);
    if (r === undefined || r.slot === null || (a.clientId !== r.slot.clientId && !registered) || (a.type === 'kv.registered' && !registered)) {
      this.counters.late++;
      return;
    }
    const now = this.ctx.monotonic();
    const choice = r.choice as Choice;
    const current = r.state === 'calling' && choice.target === from;
    if (a.type === 'kv.registered') return this.onRegistered(r, from, a.clientId, a.count);
    if (a.type === 'kv.resp') {
      if (current) this.backends.succeeded(now, choice, now - r.attemptStartUs);
      if (a.result.ok === false && a.result.error === 'session-expired') {
        // The cluster forgot the session: whether a write applied is unknown; never re-send it.
        r.slot.clientId = 0;
        return this.finish(r, 'error', 'session-expired');
      }
      return this.finish(r, 'ok', '', a.result);
    }
    if (!current) return; // A redirect for an attempt already given up.
    this.counters.redirects++;
    const leader = a.leader;
    if (leader >= 0 && leader !== from && this.config.servers.includes(leader) && r.hops < REDIRECT_HOPS_MAX) {
      this.backends.succeeded(now, choice, now - r.attemptStartUs);
      this.backends.leaderGuess = leader;
      r.hops++;
      return this.call(r, leader);
    }
    // A leader redirecting to itself is refusing work (its pending queue is full): a failure.
    if (leader === from) this.backends.failed(now, choice, now - r.attemptStartUs);
    else this.backends.succeeded(now, choice, now - r.attemptStartUs);
    if (leader < 0) this.backends.leaderGuess = -1;
    this.failAttempt(r);
  }

  /** The slot has a session now: send the request under it, to the server that registered it. */
  private onRegistered(r: Req, from: NodeId, first: number, count: number): void {
    const slot = r.slot as Slot;
    this.admission.registered(slot, first, count);
    r.regCount = 0;
    if (r.write) slot.seq = 1;
    r.seq = 1;
    // In backoff, the next attempt sends the request under the new session.
    if (r.state !== 'calling') return;
    // A registration is cheap for the server and says little about how it serves requests:
    // the breaker judges the request, not the registration.
    this.backends.ignored(r.choice as Choice);
    this.call(r, from);
  }

  private onAttemptTimeout(r: Req): void {
    const now = this.ctx.monotonic();
    const choice = r.choice as Choice;
    r.attemptTimer = NO_TIMER;
    this.counters.attemptTimeouts++;
    this.backends.failed(now, choice, now - r.attemptStartUs);
    // A server that does not answer may be down or deposed: ask around next time.
    if (this.backends.leaderGuess === choice.target) this.backends.leaderGuess = -1;
    this.failAttempt(r);
  }

  /** Retries after a backoff if the policy and its budget allow; otherwise the request fails. */
  private failAttempt(r: Req): void {
    if (r.attemptTimer !== NO_TIMER) this.ctx.cancelTimer(r.attemptTimer);
    r.attemptTimer = NO_TIMER;
    const d = this.retry.decide(r.attempts, 'failed', this.ctx.monotonic(), this.ctx.random, r.prevDelayUs);
    if (!d.retry) {
      if (d.reason === 'budget-exhausted') this.counters.budgetRefused++;
      return this.finish(r, 'error', d.reason === 'budget-exhausted' ? 'budget' : 'attempts');
    }
    r.prevDelayUs = d.delayUs;
    r.state = 'backoff';
    r.backoffTimer = this.ctx.setTimer(d.delayUs, `b${r.id}`);
  }

  private onDeadline(r: Req): void {
    r.deadlineTimer = NO_TIMER;
    if (r.state === 'queued') r.cancelQueue?.();
    if (r.state === 'calling') {
      // The call outlived the whole request: evidence against the server, like a timeout.
      const now = this.ctx.monotonic();
      this.backends.failed(now, r.choice as Choice, now - r.attemptStartUs);
    }
    this.finish(r, 'timeout', 'deadline');
  }

  /** The control API (control.ts): status since the last query, or a new operator rate limit. */
  private onControl(from: NodeId, q: GatewayControlRequest): void {
    const now = this.ctx.now();
    if (q.op === 'limits') {
      this.admission.setOverride(q.ratePerSec > 0 ? q.ratePerSec : null, now);
      this.ctx.telemetry.emit('gw.limits', { ratePerSec: q.ratePerSec });
    }
    const lat = q.op === 'status' ? this.latency.take() : { p99Us: 0, count: 0 };
    const c = this.counters;
    const answer: GatewayControlAnswer = {
      type: 'gw.ctl.resp', rid: q.rid, ok: true,
      status: {
        received: c.received, admitted: c.admitted, attempts: c.attempts, ok: c.ok, rejected: c.rejected, timeouts: c.timeouts, errors: c.errors,
        inFlight: this.admission.inFlight, queued: this.admission.queued, latencyP99Us: lat.p99Us, latencyCount: lat.count,
        limitRatePerSec: this.admission.overrideRatePerSec, nowUs: now,
      },
    };
    this.ctx.send(from, answer);
  }

  private finish(r: Req, outcome: GatewayOutcome, reason: GatewayReason, result?: KvResult): void {
    if (outcome === 'ok') this.latency.record(this.ctx.now() - (r.deadlineUs - this.config.timeoutUs));
    r.state = 'done';
    this.reqs.delete(r.id);
    for (const t of [r.attemptTimer, r.deadlineTimer, r.backoffTimer]) if (t !== NO_TIMER) this.ctx.cancelTimer(t);
    this.counters.count(outcome);
    this.ctx.telemetry.emit('gw.reply', { client: r.client, rid: r.rid, outcome, reason });
    this.ctx.send(r.client, result === undefined ? { type: 'gw.resp', rid: r.rid, outcome, reason } : { type: 'gw.resp', rid: r.rid, outcome, reason, result });
    if (r.regCount > 1) this.admission.blockAbandoned();
    // Last, because leaving may hand the slot to a queued request synchronously.
    if (r.slot !== null) this.admission.leave(r.slot);
  }

  private refuse(to: NodeId, rid: number, outcome: GatewayOutcome, reason: GatewayReason): void {
    if (reason === 'rate-limited') this.counters.rateLimited++;
    else if (reason === 'shed') this.counters.shed++;
    this.counters.count(outcome);
    this.ctx.telemetry.emit('gw.reply', { client: to, rid, outcome, reason });
    this.ctx.send(to, { type: 'gw.resp', rid, outcome, reason });
  }

  private onHealthTick(): void {
    const report = readiness(this.checks, this.ctx.monotonic());
    if (report.status !== this.health) {
      this.health = report.status;
      this.ctx.telemetry.emit('gw.health', { status: report.status, ready: report.ok });
    }
    this.counters.breakerOpens = this.backends.opens;
    this.counters.breakerRefusals = this.backends.refusals;
    this.ctx.telemetry.emit('gw.stats', this.counters.fields(this.admission.inFlight, this.admission.queued));
    this.ctx.setTimer(this.config.healthIntervalUs, 'health');
  }

  /** Graceful shutdown: stop admitting and answer every open request before the host stops us. */
  shutdown(): void {
    this.draining = true;
    for (const r of [...this.reqs.values()].sort((x, y) => x.id - y.id)) {
      if (r.state === 'queued') r.cancelQueue?.();
      if (r.state !== 'done') this.finish(r, 'error', 'not-ready');
    }
  }

  memoryBytes(): number {
    return 4096 + this.reqs.size * 256;
  }

  inspect(): ProcessView {
    return {
      role: 'gateway',
      summary: `${this.health} · ${this.admission.inFlight} in flight · ${this.admission.queued} queued`,
      details: {
        readiness: this.health, leaderGuess: this.backends.leaderGuess, breakers: this.backends.states(),
        inFlight: this.admission.inFlight, queued: this.admission.queued, ...this.counters.fields(this.admission.inFlight, this.admission.queued),
      },
    };
  }
}
