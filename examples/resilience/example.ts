// A small Node program that uses the resilience policies with real timers against a
// flaky fake service. Run it with `npx tsx examples/resilience/example.ts`; it prints a
// JSON summary. example.test.ts runs `runExample` and checks the summary.
//
// Phases, each a few milliseconds of real time:
//   1. transient: the service fails twice then answers; retry hides the failures.
//   2. hanging:   the service never answers; the per-attempt timeout cuts it off.
//   3. outage:    the service fails every call; the breaker opens and later calls fail
//                 fast without reaching the service; a fallback answers them.
//   4. recovery:  after the open duration the breaker lets a probe through and closes.
//   5. duplicates: two concurrent identical requests run the operation once.
//   6. rate:      a token bucket admits a burst and refuses the rest with retryAfterUs.
import type { Random } from '../../core/env.ts';
import type { TimerPort } from '../../core/resilience/index.ts';
import {
  BrokenCircuitError, CircuitBreaker, FallbackPolicy, IdempotencyGuard, MemoryIdempotencyStore, RetryPolicy,
  TimeoutPolicy, TokenBucket, exponentialBackoff, idempotent, requestKey, wrap,
} from '../../core/resilience/index.ts';
import { realTimerPort, seededRandom } from './realTimeAdapter.ts';

type Mode = 'ok' | 'fail' | 'hang';

/** A fake remote service whose behaviour the example switches between phases. */
export class FlakyService {
  callCount = 0;
  private failuresLeft = 0;
  mode: Mode = 'ok';

  failNext(count: number): void {
    this.failuresLeft = count;
  }

  async call(request: string, signal: AbortSignal): Promise<string> {
    this.callCount++;
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error('transient failure');
    }
    if (this.mode === 'fail') throw new Error('service down');
    if (this.mode === 'hang') await new Promise<void>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    return `reply:${request}`;
  }
}

export interface ExampleReport {
  readonly transient: { readonly result: string; readonly serviceCallCount: number };
  readonly hanging: { readonly error: string; readonly elapsedUs: number };
  readonly outage: { readonly results: readonly string[]; readonly serviceCallCount: number; readonly breakerState: string };
  readonly recovery: { readonly result: string; readonly breakerState: string; readonly transitions: readonly string[] };
  readonly duplicates: { readonly results: readonly string[]; readonly serviceCallCount: number };
  readonly rate: { readonly admittedCount: number; readonly refusedCount: number; readonly retryAfterUs: number };
}

export async function runExample(timer: TimerPort = realTimerPort(), random: Random = seededRandom('faultline-example')): Promise<ExampleReport> {
  const service = new FlakyService();
  const transitions: string[] = [];
  const breaker = new CircuitBreaker({ name: 'service', trip: { kind: 'consecutive', failures: 3 }, openDurationUs: 30_000 }, timer);
  breaker.onStateChange((change) => transitions.push(`${change.from}->${change.to}`));
  const retry = new RetryPolicy({
      maxAttempts: 3,
      backoff: exponentialBackoff({ initialUs: 1_000, maxDelayUs: 4_000, jitter: 'full' }),
      // Retrying into an open breaker only burns time; let the fallback answer at once.
      shouldRetry: (error) => !(error instanceof BrokenCircuitError),
    }, { timer, random });
  const timeout = new TimeoutPolicy(5_000, timer);
  const policy = wrap(retry, breaker, timeout);
  const call = (request: string): Promise<string> => policy.execute(({ signal }) => service.call(request, signal));

  service.failNext(2);
  const transient = { result: await call('a'), serviceCallCount: service.callCount };

  const hanging = await measureHang(timer, service);

  service.mode = 'fail';
  const fallback = new FallbackPolicy({ handles: (error) => error instanceof BrokenCircuitError, fallback: () => 'fallback' });
  const outageResults: string[] = [];
  const before = service.callCount;
  for (let i = 0; i < 5; i++) outageResults.push(await fallback.execute(() => call(`o${i}`)).catch((error: Error) => `error:${error.message}`));
  const outage = { results: outageResults, serviceCallCount: service.callCount - before, breakerState: breaker.state };

  service.mode = 'ok';
  await new Promise((resolve) => setTimeout(resolve, 35));
  const recovery = { result: await call('r'), breakerState: breaker.state, transitions };

  return { transient, hanging, outage, recovery, duplicates: await runDuplicates(timer), rate: runRate(timer) };
}

async function measureHang(timer: TimerPort, service: FlakyService): Promise<ExampleReport['hanging']> {
  service.mode = 'hang';
  const timeout = new TimeoutPolicy(3_000, timer);
  const startUs = timer.now();
  const error = await timeout.execute(({ signal }) => service.call('h', signal)).then(() => 'none', (failure: Error) => failure.name);
  service.mode = 'ok';
  return { error, elapsedUs: timer.now() - startUs };
}

async function runDuplicates(timer: TimerPort): Promise<ExampleReport['duplicates']> {
  let runCount = 0;
  const guard = new IdempotencyGuard<string>(new MemoryIdempotencyStore(1_000), { leaseUs: 1_000_000, ttlUs: 60_000_000 });
  const deposit = idempotent(
    async (user: string, amount: number) => {
      runCount++;
      await new Promise((resolve) => setTimeout(resolve, 2));
      return `deposited ${amount} for ${user} (#${runCount})`;
    },
    { guard, clock: timer, keyOf: (user, amount) => requestKey('deposit', { user, amount }) },
  );
  const results = await Promise.all([deposit('u1', 100), deposit('u1', 100)]);
  return { results, serviceCallCount: runCount };
}

function runRate(timer: TimerPort): ExampleReport['rate'] {
  const bucket = new TokenBucket({ ratePerSec: 10, burst: 5 }, timer.now());
  let admittedCount = 0;
  let refusedCount = 0;
  let retryAfterUs = 0;
  for (let i = 0; i < 8; i++) {
    const result = bucket.tryAcquire(timer.now());
    if (result.ok) admittedCount++;
    else {
      refusedCount++;
      retryAfterUs = result.retryAfterUs;
    }
  }
  return { admittedCount, refusedCount, retryAfterUs };
}

// Run as a program: print the report.
if (import.meta.url === `file://${process.argv[1]}`) {
  runExample().then((report) => console.log(JSON.stringify(report, null, 2)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
