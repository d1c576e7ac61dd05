// Micro-benchmarks for core/resilience against cockatiel 3 and opossum 9, in one process.
//
// Contract: `run()` returns ns/op for each case and peer/ours ratios (above 1 means we
// are faster). Every case does the same work: an async function that returns at once.
// Each case is warmed up, then timed in several rounds; the fastest round is reported,
// since slower rounds measure the machine (GC, other processes), not the code.
// `oneThenFloor` is the same operation with one `then` and no breaker: what any breaker that
// observes each outcome must pay at least, so cockatiel over it bounds the ratio we can reach.
// Targets from the Lumière guide (Appendix B): breaker 0.15 us per call, try-acquire 0.2 us.
import { ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleAll, retry } from 'cockatiel';
import OpossumBreaker from 'opossum';
import { CircuitBreaker, RetryPolicy, TokenBucket, exponentialBackoff } from '../core/resilience/index.ts';
import { realTimerPort, seededRandom } from '../examples/resilience/realTimeAdapter.ts';

const roundCount = 5;
const work = (): Promise<number> => Promise.resolve(1);
// The least a breaker that sees each outcome can add: one `then` with two reactions that do
// nothing. cockatiel over this is the best ratio such a breaker could show on this machine.
const passValue = (value: number): number => value;
const passError = (error: unknown): never => {
  throw error;
};
const oneThen = (): Promise<number> => work().then(passValue, passError);

function timeSync(iterations: number, body: (i: number) => void): number {
  for (let i = 0; i < Math.min(iterations, 200_000); i++) body(i);
  let bestNs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < roundCount; round++) {
    const startMs = performance.now();
    for (let i = 0; i < iterations; i++) body(i);
    bestNs = Math.min(bestNs, ((performance.now() - startMs) * 1e6) / iterations);
  }
  return bestNs;
}

async function timeAsync(iterations: number, body: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 50_000); i++) await body();
  let bestNs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < roundCount; round++) {
    const startMs = performance.now();
    for (let i = 0; i < iterations; i++) await body();
    bestNs = Math.min(bestNs, ((performance.now() - startMs) * 1e6) / iterations);
  }
  return bestNs;
}

function syncCases(): Record<string, number> {
  const breaker = new CircuitBreaker({ trip: { kind: 'consecutive', failures: 5 }, openDurationUs: 10_000_000 });
  const breakerSyncNs = timeSync(5_000_000, (i) => {
    const permit = breaker.tryAcquire(i);
    if (permit.ok) breaker.onSuccess(i, 0, permit);
  });
  const open = new CircuitBreaker({ trip: { kind: 'consecutive', failures: 1 }, openDurationUs: 1e12 });
  open.onFailure(0, new Error('down'));
  const breakerOpenRejectNs = timeSync(5_000_000, (i) => open.tryAcquire(i));
  const bucket = new TokenBucket({ ratePerSec: 1e9, burst: 1e6 });
  const bucketNs = timeSync(5_000_000, (i) => bucket.tryAcquire(i));
  const empty = new TokenBucket({ ratePerSec: 1, burst: 1, initialTokens: 0 });
  const bucketRefuseNs = timeSync(2_000_000, (i) => empty.tryAcquire(i));
  return { breakerSyncNs, breakerOpenRejectNs, bucketNs, bucketRefuseNs };
}

async function asyncCases(): Promise<Record<string, number>> {
  const timer = realTimerPort();
  const iterations = 300_000;
  const baselineNs = await timeAsync(iterations, work);
  const oneThenNs = await timeAsync(iterations, oneThen);
  const ours = new CircuitBreaker({ trip: { kind: 'consecutive', failures: 5 }, openDurationUs: 10_000_000 }, timer);
  const oursExecuteNs = await timeAsync(iterations, () => ours.execute(work));
  // With slow-call detection the breaker must read the clock before and after each call.
  const timed = new CircuitBreaker({ trip: { kind: 'count', size: 100, failureRatio: 0.5 }, openDurationUs: 10_000_000, slowCallDurationUs: 1_000_000 }, timer);
  const oursTimedExecuteNs = await timeAsync(iterations, () => timed.execute(work));
  const cockatielBreaker = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const cockatielBreakerNs = await timeAsync(iterations, () => cockatielBreaker.execute(work));
  // Opossum arms a setTimeout per call unless timeout is false; measure both settings.
  const opossum = new OpossumBreaker(work, { timeout: false });
  const opossumNs = await timeAsync(iterations, () => opossum.fire());
  const opossumTimed = new OpossumBreaker(work, { timeout: 10_000 });
  const opossumWithTimeoutNs = await timeAsync(iterations / 3, () => opossumTimed.fire());
  const ourRetry = new RetryPolicy({ maxAttempts: 3, backoff: exponentialBackoff({ initialUs: 1_000, maxDelayUs: 60_000_000, jitter: 'full' }) }, { timer, random: seededRandom('bench') });
  const oursRetryNs = await timeAsync(iterations, () => ourRetry.execute(work));
  const cockatielRetry = retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
  const cockatielRetryNs = await timeAsync(iterations, () => cockatielRetry.execute(work));
  return { baselineNs, oneThenNs, oursExecuteNs, oursTimedExecuteNs, cockatielBreakerNs, opossumNs, opossumWithTimeoutNs, oursRetryNs, cockatielRetryNs };
}

/**
 * The breaker's ratio measured in pairs: each round times cockatiel's execute and ours back
 * to back (the order alternating), and the median of the rounds' ratios is reported, so a
 * slow moment of the machine falls on both sides of one ratio instead of on one case.
 */
async function pairedBreakerRatio(pairs: number): Promise<{ median: number; min: number; max: number; floorMedian: number }> {
  const timer = realTimerPort();
  const iterations = 200_000;
  const ours = new CircuitBreaker({ trip: { kind: 'consecutive', failures: 5 }, openDurationUs: 10_000_000 }, timer);
  const theirs = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  const once = async (body: () => Promise<unknown>): Promise<number> => {
    const startMs = performance.now();
    for (let i = 0; i < iterations; i++) await body();
    return performance.now() - startMs;
  };
  const oursBody = (): Promise<unknown> => ours.execute(work);
  const theirsBody = (): Promise<unknown> => theirs.execute(work);
  await once(oursBody);
  await once(theirsBody);
  await once(oneThen);
  const ratios: number[] = [];
  const floorRatios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const first = p % 2 === 0;
    const a = await once(first ? oursBody : theirsBody);
    const b = await once(first ? theirsBody : oursBody);
    const theirsMs = first ? b : a;
    ratios.push(theirsMs / (first ? a : b));
    floorRatios.push(theirsMs / (await once(oneThen)));
  }
  const median = (values: number[]): number => values.sort((x, y) => x - y)[(values.length - 1) >> 1];
  ratios.sort((x, y) => x - y);
  return { median: median(ratios), min: ratios[0], max: ratios[ratios.length - 1], floorMedian: median(floorRatios) };
}

const round = (value: number): number => Math.round(value * 100) / 100;

export async function run(): Promise<Record<string, number | string>> {
  const startMs = performance.now();
  const sync = syncCases();
  const promised = await asyncCases();
  const paired = await pairedBreakerRatio(15);
  return {
    'breaker.sync.ours.nsPerOp': round(sync.breakerSyncNs),
    'breaker.sync.openReject.ours.nsPerOp': round(sync.breakerOpenRejectNs),
    'breaker.execute.baseline.nsPerOp': round(promised.baselineNs),
    'breaker.execute.oneThenFloor.nsPerOp': round(promised.oneThenNs),
    'breaker.execute.ours.nsPerOp': round(promised.oursExecuteNs),
    'breaker.execute.oursSlowCallTimed.nsPerOp': round(promised.oursTimedExecuteNs),
    'breaker.execute.cockatiel.nsPerOp': round(promised.cockatielBreakerNs),
    'breaker.execute.opossum.nsPerOp': round(promised.opossumNs),
    'breaker.execute.opossumWithTimeout.nsPerOp': round(promised.opossumWithTimeoutNs),
    'breaker.execute.ratio.cockatielPerOurs': round(promised.cockatielBreakerNs / promised.oursExecuteNs),
    'breaker.execute.ratio.cockatielPerOurs.pairedMedian': round(paired.median),
    'breaker.execute.ratio.cockatielPerOurs.pairedMin': round(paired.min),
    'breaker.execute.ratio.cockatielPerOurs.pairedMax': round(paired.max),
    'breaker.execute.ratio.cockatielPerOneThenFloor.pairedMedian': round(paired.floorMedian),
    'breaker.execute.ratio.opossumPerOurs': round(promised.opossumNs / promised.oursExecuteNs),
    'bucket.tryAcquire.ours.nsPerOp': round(sync.bucketNs),
    'bucket.tryAcquire.refused.ours.nsPerOp': round(sync.bucketRefuseNs),
    'retry.execute.ours.nsPerOp': round(promised.oursRetryNs),
    'retry.execute.cockatiel.nsPerOp': round(promised.cockatielRetryNs),
    'retry.execute.ratio.cockatielPerOurs': round(promised.cockatielRetryNs / promised.oursRetryNs),
    'lumiere.breakerTarget.nsPerOp': 150,
    'lumiere.breakerSyncBeatsTarget': sync.breakerSyncNs < 150 ? 'yes' : 'no',
    'lumiere.breakerExecuteBeatsTarget': promised.oursExecuteNs < 150 ? 'yes' : 'no',
    'lumiere.tryAcquireTarget.nsPerOp': 200,
    'lumiere.tryAcquireBeatsTarget': sync.bucketNs < 200 ? 'yes' : 'no',
    'wallMs': Math.round(performance.now() - startMs),
  };
}

// Run as a program: print the results.
if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((results) => console.log(JSON.stringify(results, null, 2)), (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
