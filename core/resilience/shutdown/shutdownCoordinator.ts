// Graceful shutdown as a synchronous state machine (etcd's Ready style): the host asks
// `step(now)` what to do next, carries it out, and reports back.
//
// Contract:
//   running   -> `begin(now)` -> draining: new work is refused from this moment;
//   draining  until in-flight work reaches zero or the deadline passes;
//   stopping  handlers run one at a time by ascending priority (ties in registration
//             order), each until its own timeout or the overall deadline;
//   done      `step` returns the report: which handlers completed, failed, timed out or
//             were skipped because the deadline had passed.
// A handler that reports after its time ran out stays 'timed-out'.
import type { Micros } from '../../env.ts';

export type ShutdownPhase = 'running' | 'draining' | 'stopping' | 'done';
export type HandlerOutcome = 'completed' | 'failed' | 'timed-out' | 'skipped';

export interface ShutdownHandlerSpec {
  readonly name: string;
  /** Lower runs first. */
  readonly priority: number;
  /** This handler's own limit; the overall deadline still applies. */
  readonly timeoutUs?: Micros;
}

export interface HandlerReport {
  readonly name: string;
  readonly outcome: HandlerOutcome;
  readonly startedAtUs?: Micros;
  readonly finishedAtUs?: Micros;
  readonly error?: string;
}

export interface ShutdownReport {
  readonly startedAtUs: Micros;
  readonly finishedAtUs: Micros;
  readonly drained: boolean;
  /** In-flight work still running when draining gave up. */
  readonly abandonedWorkCount: number;
  readonly handlers: readonly HandlerReport[];
}

export type ShutdownAction =
  | { readonly kind: 'idle' }
  | { readonly kind: 'wait-drain'; readonly untilUs: Micros; readonly inFlightCount: number }
  | { readonly kind: 'run-handler'; readonly name: string; readonly untilUs: Micros }
  | { readonly kind: 'wait-handler'; readonly name: string; readonly untilUs: Micros }
  | { readonly kind: 'done'; readonly report: ShutdownReport };

interface Running {
  readonly spec: ShutdownHandlerSpec;
  readonly startedAtUs: Micros;
  readonly untilUs: Micros;
}

export class ShutdownCoordinator {
  private phaseNow: ShutdownPhase = 'running';
  private readonly specs: ShutdownHandlerSpec[] = [];
  private order: ShutdownHandlerSpec[] = [];
  private nextIndex = 0;
  private running: Running | undefined;
  // Invariant: inFlight >= 0; it only grows while the phase is 'running'.
  private inFlight = 0;
  private startedAtUs: Micros = 0;
  private deadlineAtUs: Micros = 0;
  private drained = false;
  private abandoned = 0;
  private readonly reports: HandlerReport[] = [];
  private finalReport: ShutdownReport | undefined;

  constructor(readonly deadlineUs: Micros, readonly handlerCountMax = 64) {
    if (!(Number.isSafeInteger(deadlineUs) && deadlineUs >= 0)) throw new Error('shutdown: deadlineUs must be a non-negative integer');
  }

  get phase(): ShutdownPhase {
    return this.phaseNow;
  }

  get inFlightCount(): number {
    return this.inFlight;
  }

  register(spec: ShutdownHandlerSpec): void {
    if (this.phaseNow !== 'running') throw new Error(`shutdown: cannot register ${spec.name} after shutdown began`);
    if (this.specs.length >= this.handlerCountMax) throw new Error('shutdown: too many handlers');
    if (this.specs.some((existing) => existing.name === spec.name)) throw new Error(`shutdown: handler ${spec.name} registered twice`);
    this.specs.push(spec);
  }

  /** Admits one unit of work, or refuses it once shutdown has begun. */
  tryBeginWork(): boolean {
    if (this.phaseNow !== 'running') return false;
    this.inFlight++;
    return true;
  }

  /** Ends one unit of work; returns true when this drains the last of it during shutdown. */
  endWork(): boolean {
    if (this.inFlight <= 0) throw new Error('shutdown: endWork without beginWork');
    this.inFlight--;
    return this.inFlight === 0 && this.phaseNow === 'draining';
  }

  begin(now: Micros): void {
    if (this.phaseNow !== 'running') return;
    this.phaseNow = 'draining';
    this.startedAtUs = now;
    this.deadlineAtUs = now + this.deadlineUs;
    const indexed = this.specs.map((spec, index) => ({ spec, index }));
    indexed.sort((a, b) => a.spec.priority - b.spec.priority || a.index - b.index);
    this.order = indexed.map((entry) => entry.spec);
  }

  step(now: Micros): ShutdownAction {
    if (this.phaseNow === 'running') return { kind: 'idle' };
    if (this.phaseNow === 'draining') {
      if (this.inFlight > 0 && now < this.deadlineAtUs) return { kind: 'wait-drain', untilUs: this.deadlineAtUs, inFlightCount: this.inFlight };
      this.drained = this.inFlight === 0;
      this.abandoned = this.inFlight;
      this.phaseNow = 'stopping';
    }
    if (this.phaseNow === 'stopping') return this.stepHandlers(now);
    return { kind: 'done', report: this.report(now) };
  }

  handlerFinished(name: string, now: Micros, error?: unknown): void {
    const running = this.running;
    if (running === undefined || running.spec.name !== name) return;
    this.running = undefined;
    if (now > running.untilUs) return this.record(running, 'timed-out', running.untilUs);
    const base = { name, startedAtUs: running.startedAtUs, finishedAtUs: now };
    if (error === undefined) this.reports.push({ ...base, outcome: 'completed' });
    else this.reports.push({ ...base, outcome: 'failed', error: error instanceof Error ? error.message : String(error) });
  }

  private stepHandlers(now: Micros): ShutdownAction {
    const running = this.running;
    if (running !== undefined) {
      if (now < running.untilUs) return { kind: 'wait-handler', name: running.spec.name, untilUs: running.untilUs };
      this.running = undefined;
      this.record(running, 'timed-out', running.untilUs);
    }
    if (this.nextIndex >= this.order.length || now >= this.deadlineAtUs) return this.finish(now);
    const spec = this.order[this.nextIndex++];
    const ownLimitUs = spec.timeoutUs === undefined ? this.deadlineAtUs : now + spec.timeoutUs;
    const next: Running = { spec, startedAtUs: now, untilUs: Math.min(this.deadlineAtUs, ownLimitUs) };
    this.running = next;
    return { kind: 'run-handler', name: spec.name, untilUs: next.untilUs };
  }

  private finish(now: Micros): ShutdownAction {
    while (this.nextIndex < this.order.length) this.reports.push({ name: this.order[this.nextIndex++].name, outcome: 'skipped' });
    this.phaseNow = 'done';
    return { kind: 'done', report: this.report(now) };
  }

  private record(running: Running, outcome: HandlerOutcome, finishedAtUs: Micros): void {
    this.reports.push({ name: running.spec.name, outcome, startedAtUs: running.startedAtUs, finishedAtUs });
  }

  private report(now: Micros): ShutdownReport {
    this.finalReport ??= {
      startedAtUs: this.startedAtUs,
      finishedAtUs: now,
      drained: this.drained,
      abandonedWorkCount: this.abandoned,
      handlers: this.reports.slice(),
    };
    return this.finalReport;
  }
}
