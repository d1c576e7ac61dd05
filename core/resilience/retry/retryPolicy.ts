// Retry: a synchronous decision (`decide`) plus a Promise loop (`execute`) built on it.
//
// Contract: `decide(attempt, error, now, random, previousDelayUs)` says whether attempt
// number `attempt` (1-based, already failed) may be followed by another, and after what
// delay. It refuses when maxAttempts is reached, when the predicate rejects the error, or
// when the retry budget is empty, in that order, so a non-retryable error never spends
// budget. `execute` rethrows the last error unchanged when it gives up.
import type { Micros, Random } from '../../env.ts';
import type { Backoff } from '../backoff/backoff.ts';
import type { ExecuteContext, Operation, Policy } from '../policy/policy.ts';
import { noCancelContext } from '../policy/policy.ts';
import type { TimerPort } from '../policy/ports.ts';
import { sleep } from '../policy/sleep.ts';
import type { RetryBudget } from './retryBudget.ts';

export type RetryDecision =
  | { readonly retry: true; readonly delayUs: Micros }
  | { readonly retry: false; readonly reason: 'max-attempts' | 'not-retryable' | 'budget-exhausted' };

export interface RetryEvent {
  readonly attempt: number;
  readonly error: unknown;
  readonly decision: RetryDecision;
  readonly atUs: Micros;
}

export interface RetryOptions {
  /** Total attempts including the first; at most 100. */
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  /** Which errors are worth another attempt; every error by default. */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  readonly budget?: RetryBudget;
  /** Told of every decision, for telemetry. */
  readonly onDecision?: (event: RetryEvent) => void;
}

const retriesEverything = (): boolean => true;
export const retryAttemptsMax = 100;

export class RetryPolicy implements Policy {
  private readonly shouldRetry: (error: unknown, attempt: number) => boolean;

  constructor(readonly options: RetryOptions, private readonly ports?: { readonly timer: TimerPort; readonly random: Random }) {
    const max = options.maxAttempts;
    if (!(Number.isInteger(max) && max >= 1 && max <= retryAttemptsMax)) {
      throw new Error(`retry: maxAttempts must be an integer in [1, ${retryAttemptsMax}], got ${max}`);
    }
    this.shouldRetry = options.shouldRetry ?? retriesEverything;
  }

  /** Records the start of one logical request in the budget (once per request, not per attempt). */
  begin(now: Micros): void {
    this.options.budget?.deposit(now);
  }

  decide(attempt: number, error: unknown, now: Micros, random: Random, previousDelayUs: Micros = 0): RetryDecision {
    const decision = this.decision(attempt, error, now, random, previousDelayUs);
    this.options.onDecision?.({ attempt, error, decision, atUs: now });
    return decision;
  }

  async execute<T>(fn: Operation<T>, context: ExecuteContext = noCancelContext): Promise<T> {
    const ports = this.ports;
    if (ports === undefined) throw new Error('retry: execute needs a timer and a random; pass them to the constructor');
    if (this.options.budget !== undefined) this.begin(ports.timer.now());
    let previousDelayUs = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn(context);
      } catch (error) {
        if (context.signal.aborted) throw error;
        const decision = this.decide(attempt, error, ports.timer.now(), ports.random, previousDelayUs);
        if (!decision.retry) throw error;
        await sleep(ports.timer, decision.delayUs, context.signal);
        previousDelayUs = decision.delayUs;
      }
    }
  }

  private decision(attempt: number, error: unknown, now: Micros, random: Random, previousDelayUs: Micros): RetryDecision {
    if (attempt >= this.options.maxAttempts) return { retry: false, reason: 'max-attempts' };
    if (!this.shouldRetry(error, attempt)) return { retry: false, reason: 'not-retryable' };
    if (this.options.budget !== undefined && !this.options.budget.tryWithdraw(now)) return { retry: false, reason: 'budget-exhausted' };
    return { retry: true, delayUs: this.options.backoff.next(attempt, random, previousDelayUs) };
  }
}
