// An open-loop load client: requests arrive as a Poisson process at the phase's rate,
// whether or not earlier ones were answered (the way real users arrive), and each one's
// outcome and latency is reported.
//
// Contract: arrivals follow a piecewise-constant rate: inside a phase the gaps are
// exponential with mean 1 / rate, drawn from the node's seeded stream; at a phase boundary
// the draw restarts at the new rate (exact, because the exponential forgets). Every sent
// request ends exactly once, reported as 'load.done' with its phase (by send time), its
// outcome code (OUTCOME_CODES) and its latency in local µs: answered by the gateway, or
// timed out here after `timeoutUs` (a lost message, a crashed gateway). At most
// `pendingMax` requests are open at once; an arrival beyond that is not sent and ends as
// an error at once. 'load.phase' reports each phase's sent count when the phase ends.
// For the history checker, every request sent is also reported as 'kv.invoke' and
// 'kv.complete' (as KvClient does): its result when the gateway answered ok, `refused`
// when the gateway refused it at the door (it never reached the servers), and an unknown
// outcome (output '') otherwise: a timeout or an error may or may not have taken effect.
import type { Micros, NodeContext, NodeId, Process, ProcessView, Random } from '../env.ts';
import { ln } from '../math/portableMath.ts';
import type { KvOp } from '../kv/types.ts';
import { rootContext, traceparent } from '../telemetry/traceContext.ts';
import { parseGatewayAnswer, type GatewayOutcome } from './protocol.ts';

export interface LoadPhase {
  name: string;
  startUs: Micros;
  endUs: Micros;
  /** Arrivals per second at this client. */
  ratePerSec: number;
}

export interface LoadClientConfig {
  /** Names this client in the history ('kv.invoke', 'kv.complete'). */
  clientId: number;
  gateway: NodeId;
  phases: readonly LoadPhase[];
  timeoutUs: Micros;
  pendingMax: number;
  nextOp: (random: Random, seq: number) => KvOp;
}

/** Outcome codes in 'load.done': the gateway's outcomes, plus a timeout seen by the client. */
export const OUTCOME_CODES: Readonly<Record<GatewayOutcome, number>> = { ok: 0, rejected: 1, timeout: 2, error: 3 };

/** How often the client looks for requests past their timeout. */
const SWEEP_US = 10_000;

interface Open {
  rid: number;
  sentUs: Micros;
  phase: number;
}

export class LoadClient implements Process {
  private ctx!: NodeContext;
  private rid = 0;
  private readonly open = new Map<number, Open>();
  /** Open requests in send order, for the timeout sweep; entries already answered are skipped. */
  private fifo: Open[] = [];
  private fifoHead = 0;
  private readonly sentByPhase: number[];
  /** Phases whose sent count has been reported. */
  private reportedPhases = 0;
  done = 0;

  constructor(private readonly config: LoadClientConfig) {
    if (config.phases.length === 0) throw new Error('LoadClient: no phases');
    this.sentByPhase = config.phases.map(() => 0);
  }

  start(ctx: NodeContext): void {
    this.ctx = ctx;
    // A restarted client starts a new series of requests at the current phase.
    this.scheduleNext(ctx.monotonic());
    ctx.setTimer(SWEEP_US, 'sweep');
  }

  onTimer(tag: string): void {
    if (tag === 'arrive') {
      this.send();
      this.scheduleNext(this.ctx.monotonic());
    } else if (tag === 'sweep') {
      this.sweep();
      this.ctx.setTimer(SWEEP_US, 'sweep');
    }
  }

  private phaseAt(t: Micros): number {
    return this.config.phases.findIndex((p) => t >= p.startUs && t < p.endUs);
  }

  /** Draws the next arrival after `t`, walking forward through phases (a bounded loop). */
  private scheduleNext(t: Micros): void {
    const phases = this.config.phases;
    let at = Math.max(t, phases[0].startUs);
    for (let i = 0; i <= phases.length; i++) {
      const k = this.phaseAt(at);
      if (k < 0) {
        const later = phases.find((p) => p.startUs > at);
        if (later === undefined) return this.reportPhases(phases.length);
        at = later.startUs;
        continue;
      }
      const p = phases[k];
      if (p.ratePerSec > 0) {
        const gapUs = Math.max(1, Math.round((-ln(1 - this.ctx.random.next()) / p.ratePerSec) * 1_000_000));
        if (at + gapUs < p.endUs) {
          this.ctx.setTimer(at + gapUs - this.ctx.monotonic(), 'arrive');
          return;
        }
      }
      at = p.endUs;
    }
  }

  private send(): void {
    const now = this.ctx.monotonic();
    const phase = this.phaseAt(now);
    if (phase < 0) return;
    this.reportPhases(phase);
    this.sentByPhase[phase]++;
    this.rid++;
    if (this.open.size >= this.config.pendingMax) return this.report(this.rid, phase, 'error', 0);
    const o: Open = { rid: this.rid, sentUs: now, phase };
    this.open.set(o.rid, o);
    this.fifo.push(o);
    const op = this.config.nextOp(this.ctx.random, o.rid);
    const tp = traceparent(rootContext('load', this.ctx.id, o.rid, now));
    this.ctx.telemetry.emit('load.send', { rid: o.rid, op: op.op, tp });
    this.ctx.telemetry.emit('kv.invoke', { clientId: this.config.clientId, rid: o.rid, input: JSON.stringify(op) });
    this.ctx.send(this.config.gateway, { type: 'gw.req', rid: o.rid, op, tp });
  }

  onMessage(_from: NodeId, raw: unknown): void {
    const a = parseGatewayAnswer(raw);
    if (a === null) return;
    const o = this.open.get(a.rid);
    if (o === undefined) return; // Already timed out here.
    this.open.delete(a.rid);
    this.report(o.rid, o.phase, a.outcome, this.ctx.monotonic() - o.sentUs);
    const fields = { clientId: this.config.clientId, rid: a.rid };
    if (a.outcome === 'ok' && a.result !== undefined) this.ctx.telemetry.emit('kv.complete', { ...fields, output: JSON.stringify(a.result) });
    else if (a.outcome === 'rejected') this.ctx.telemetry.emit('kv.complete', { ...fields, output: '', refused: true });
    else this.ctx.telemetry.emit('kv.complete', { ...fields, output: '' });
  }

  private sweep(): void {
    const now = this.ctx.monotonic();
    while (this.fifoHead < this.fifo.length) {
      const o = this.fifo[this.fifoHead];
      if (this.open.has(o.rid)) {
        if (now - o.sentUs < this.config.timeoutUs) break;
        this.open.delete(o.rid);
        this.report(o.rid, o.phase, 'timeout', now - o.sentUs);
        this.ctx.telemetry.emit('kv.complete', { clientId: this.config.clientId, rid: o.rid, output: '' });
      }
      this.fifoHead++;
    }
    // Drop the swept prefix once it is half the array, so the array stays within 2x the open requests.
    if (this.fifoHead > 1024 && this.fifoHead * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.fifoHead);
      this.fifoHead = 0;
    }
  }

  private report(rid: number, phase: number, outcome: GatewayOutcome, latencyUs: Micros): void {
    this.done++;
    this.ctx.telemetry.emit('load.done', { rid, phase, outcome: OUTCOME_CODES[outcome], latencyUs });
  }

  /** Reports the sent counts of phases before `phase` that have not been reported yet. */
  private reportPhases(phase: number): void {
    for (; this.reportedPhases < phase; this.reportedPhases++) {
      this.ctx.telemetry.emit('load.phase', { phase: this.reportedPhases, sent: this.sentByPhase[this.reportedPhases] });
    }
  }

  memoryBytes(): number {
    return 2048 + this.open.size * 96 + (this.fifo.length - this.fifoHead) * 16;
  }

  inspect(): ProcessView {
    return { role: 'load', summary: `${this.open.size} open · ${this.done} done`, details: { sent: this.rid, open: this.open.size, done: this.done, sentByPhase: this.sentByPhase } };
  }
}
