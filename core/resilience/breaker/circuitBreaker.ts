// A circuit breaker: a synchronous state machine plus a thin Promise wrapper.
//
// Contract (synchronous core, usable inside one simulator event handler):
//   tryAcquire(now)            -> a permit, or a rejection saying when to retry
//   onSuccess(now, durationUs, permit?) / onFailure(now, error, durationUs?, permit?)
// Every call takes `now`; the breaker never reads a clock. Open -> half-open happens
// lazily, on the first tryAcquire at or after openedAt + openDurationUs, so no timer is
// needed. A permit carries the epoch of the state that issued it: an outcome reported
// with a permit from an earlier state is stale and ignored, so a slow call admitted while
// closed cannot close a breaker that has since opened.
// States: closed, open, half-open, plus forced-open and disabled set by an operator.
import type { Micros } from '../../env.ts';
import { BrokenCircuitError } from '../policy/errors.ts';
import type { ExecuteContext, Operation, Policy } from '../policy/policy.ts';
import { noCancelContext } from '../policy/policy.ts';
import type { ClockPort } from '../policy/ports.ts';
import type { BreakerConfig, BreakerOptions } from './breakerConfig.ts';
import { breakerConfig } from './breakerConfig.ts';
import type { OutcomeWindow, TripReason, WindowSnapshot } from './outcomeWindow.ts';

export type BreakerState = 'closed' | 'open' | 'half-open' | 'forced-open' | 'disabled';

export interface BreakerPermit {
  readonly ok: true;
  /** The state generation that issued this permit. */
  readonly epoch: number;
  /** True for a half-open probe. */
  readonly probe: boolean;
}

export interface BreakerRejection {
  readonly ok: false;
  readonly state: BreakerState;
  /** Time until the breaker will admit a probe; 0 when that is not known. */
  readonly retryAfterUs: Micros;
}

export type TransitionReason = TripReason | 'open-duration-elapsed' | 'probe-failed' | 'probes-succeeded' | 'reset' | 'forced-open' | 'disabled';

export interface BreakerStateChange {
  readonly name: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  readonly atUs: Micros;
  readonly reason: TransitionReason;
}

export type BreakerListener = (change: BreakerStateChange) => void;

export class CircuitBreaker implements Policy {
  readonly config: BreakerConfig;
  private currentState: BreakerState = 'closed';
  private epoch = 0;
  // Reused for every call in one epoch, so the closed-state hot path allocates nothing.
  private permit: BreakerPermit = { ok: true, epoch: 0, probe: false };
  /**
   * execute's reactions for an untimed call with this epoch's permit, made once per epoch
   * (null until first needed): an untimed call then allocates no closures.
   */
  private untimed: { onValue: (value: unknown) => unknown; onError: (error: unknown) => never } | null = null;
  private untimedEpoch = -1;
  private openedAtUs: Micros = 0;
  // Invariant: halfOpenSuccessCount <= halfOpenAdmittedCount <= config.halfOpenPermittedCalls.
  private halfOpenAdmittedCount = 0;
  private halfOpenSuccessCount = 0;
  private readonly window: OutcomeWindow;
  private readonly listeners: BreakerListener[] = [];

  constructor(options: BreakerOptions, private readonly clock?: ClockPort) {
    this.config = breakerConfig(options);
    this.window = this.config.makeWindow();
  }

  get state(): BreakerState {
    return this.currentState;
  }

  /** Asks to run one call now. */
  tryAcquire(now: Micros): BreakerPermit | BreakerRejection {
    const state = this.currentState;
    if (state === 'closed' || state === 'disabled') return this.permit;
    if (state === 'open') {
      const reopenAtUs = this.openedAtUs + this.config.openDurationUs;
      if (now < reopenAtUs) return { ok: false, state, retryAfterUs: reopenAtUs - now };
      this.transition(now, 'half-open', 'open-duration-elapsed');
    }
    if (this.currentState === 'half-open' && this.halfOpenAdmittedCount < this.config.halfOpenPermittedCalls) {
      this.halfOpenAdmittedCount++;
      return this.permit;
    }
    return { ok: false, state: this.currentState, retryAfterUs: 0 };
  }

  onSuccess(now: Micros, durationUs: Micros, permit?: BreakerPermit): void {
    if (permit !== undefined && permit.epoch !== this.epoch) return;
    const slow = durationUs >= this.config.slowCallDurationUs;
    if (this.currentState === 'closed') {
      this.window.record(now, false, slow);
      if (slow) this.tripIfNeeded(now);
    } else if (this.currentState === 'half-open') {
      if (slow) return this.transition(now, 'open', 'probe-failed');
      this.halfOpenSuccessCount++;
      if (this.halfOpenSuccessCount >= this.config.halfOpenSuccessesToClose) this.transition(now, 'closed', 'probes-succeeded');
    }
  }

  onFailure(now: Micros, error: unknown, durationUs: Micros = 0, permit?: BreakerPermit): void {
    if (permit !== undefined && permit.epoch !== this.epoch) return;
    if (!this.config.isFailure(error)) return this.onIgnored(permit);
    if (this.currentState === 'closed') {
      this.window.record(now, true, durationUs >= this.config.slowCallDurationUs);
      this.tripIfNeeded(now);
    } else if (this.currentState === 'half-open') {
      this.transition(now, 'open', 'probe-failed');
    }
  }

  /** Reports a call whose error does not count: a half-open probe slot is handed back. */
  onIgnored(permit?: BreakerPermit): void {
    if (permit !== undefined && permit.epoch !== this.epoch) return;
    if (this.currentState === 'half-open' && this.halfOpenAdmittedCount > 0) this.halfOpenAdmittedCount--;
  }

  /** Closes the breaker and forgets its history (also leaves forced-open and disabled). */
  reset(now: Micros): void {
    this.transition(now, 'closed', 'reset');
  }

  /** Rejects every call until reset. */
  forceOpen(now: Micros): void {
    this.transition(now, 'forced-open', 'forced-open');
  }

  /** Admits every call and records nothing until reset. */
  disable(now: Micros): void {
    this.transition(now, 'disabled', 'disabled');
  }

  snapshot(now: Micros): WindowSnapshot {
    return this.window.snapshot(now);
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  onStateChange(listener: BreakerListener): () => void {
    if (this.listeners.length >= this.config.listenerCountMax) throw new Error(`breaker ${this.config.name}: too many listeners`);
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  /**
   * Promise convenience: runs `fn` if a permit is granted and reports its outcome.
   * While closed with a time-insensitive window, a success cannot depend on time, so the
   * clock is read only on failures and in the other states; this halves the hot path.
   * Not an async function: a promise from `fn` gets one `then` and nothing else, so the
   * breaker costs one reaction over the call itself. The outcome is recorded in that
   * reaction (a synchronous value: one microtask after the call; a synchronous throw: at
   * once), when an async function with `await fn()` would record it.
   */
  execute<T>(fn: Operation<T>, context: ExecuteContext = noCancelContext): Promise<T> {
    const clock = this.clock;
    if (clock === undefined) return Promise.reject(new Error(`breaker ${this.config.name}: execute needs a clock; pass one to the constructor`));
    const timed = this.readsClock();
    const startUs = timed ? clock.now() : 0;
    const permit = this.tryAcquire(startUs);
    if (!permit.ok) return Promise.reject(new BrokenCircuitError(permit.state, permit.retryAfterUs));
    let result: Promise<T> | T;
    try {
      result = fn(context);
    } catch (error) {
      const endUs = clock.now();
      this.onFailure(endUs, error, timed ? endUs - startUs : 0, permit);
      return Promise.reject(error);
    }
    const promise = result instanceof Promise ? result : Promise.resolve(result);
    if (!timed) {
      // The common case: the reactions need only the permit, so one pair serves the epoch.
      const r = this.untimed !== null && this.untimedEpoch === permit.epoch ? this.untimed : this.untimedReactions(clock, permit);
      return promise.then(r.onValue as (value: T) => T, r.onError);
    }
    return this.timedThen(promise, clock, startUs, permit);
  }

  /**
   * The reactions of a timed call, built here rather than in execute: closures in execute
   * would give every call a context for the variables they capture, untimed calls too.
   */
  private timedThen<T>(promise: Promise<T>, clock: ClockPort, startUs: Micros, permit: BreakerPermit): Promise<T> {
    return promise.then(
      (value) => {
        const endUs = clock.now();
        this.onSuccess(endUs, endUs - startUs, permit);
        return value;
      },
      (error: unknown) => this.failed(clock, true, startUs, permit, error),
    );
  }

  private untimedReactions(clock: ClockPort, permit: BreakerPermit): { onValue: (value: unknown) => unknown; onError: (error: unknown) => never } {
    const r = {
      onValue: (value: unknown): unknown => {
        this.onSuccess(this.readsClock() ? clock.now() : 0, 0, permit);
        return value;
      },
      onError: (error: unknown): never => this.failed(clock, false, 0, permit, error),
    };
    this.untimed = r;
    this.untimedEpoch = permit.epoch;
    return r;
  }

  private failed(clock: ClockPort, timed: boolean, startUs: Micros, permit: BreakerPermit, error: unknown): never {
    const endUs = clock.now();
    this.onFailure(endUs, error, timed ? endUs - startUs : 0, permit);
    throw error;
  }

  private readsClock(): boolean {
    return this.config.timeSensitive || this.currentState !== 'closed';
  }

  private tripIfNeeded(now: Micros): void {
    const reason = this.window.tripReason(now);
    if (reason !== undefined) this.transition(now, 'open', reason);
  }

  private transition(now: Micros, to: BreakerState, reason: TransitionReason): void {
    const from = this.currentState;
    this.currentState = to;
    this.epoch++;
    this.permit = { ok: true, epoch: this.epoch, probe: to === 'half-open' };
    this.halfOpenAdmittedCount = 0;
    this.halfOpenSuccessCount = 0;
    if (to === 'open') this.openedAtUs = now;
    if (to === 'closed') this.window.clear();
    const change: BreakerStateChange = { name: this.config.name, from, to, atUs: now, reason };
    for (const listener of this.listeners.slice()) listener(change);
  }
}
