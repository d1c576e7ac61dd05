// Goal: the resilience patterns keep their promises inside the simulator, shown as
// with/without comparisons on the catalogue's short scenarios: a retry budget bounds the
// attempts and prevents the metastable retry storm; circuit breakers stop calls to a sick
// backend and shorten the recovery; rate limiting and load shedding keep the p99 of
// admitted requests under the bound at 2x load while the excess is refused quickly.
// Method: run each pair of scenarios (identical but for the policy) with the same seed and
// compare the per-phase figures in the reports; also run one twice for determinism.
import { describe, expect, it } from 'vitest';
import { catalogScenario } from '../cli/catalog.ts';
import { runScenario, type RunReport } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';

const scenario = catalogScenario;

function run(name: string, seed = 1): RunReport {
  return runScenario(scenario(name), seed).report;
}

function stat(r: RunReport, key: string): number {
  const v = r.stats[key];
  if (typeof v !== 'number') throw new Error(`no numeric stat ${key} in ${r.scenario}`);
  return v;
}

/** Backend calls the gateway made in a phase, to all servers and to the busiest one. */
function calls(r: RunReport, phase: string): { total: number; max: number } {
  const xs = [0, 1, 2, 3, 4].map((i) => (r.stats[`${phase}.callsTo${i}`] as number | undefined) ?? 0);
  return { total: xs.reduce((a, b) => a + b, 0), max: Math.max(...xs) };
}

const sloChecks = (r: RunReport): string[] => r.violations.map((v) => v.check);

describe('retry budget against a retry storm', () => {
  it('bounds the attempts per request, and the cluster recovers only with it', () => {
    const withBudget = run('retry-storm');
    const without = run('retry-storm-without');
    expect(withBudget.violations).toEqual([]);
    expect(sloChecks(without)).toContain('load-slo');
    // The budget: at most 10 % retries (plus 5/s), so attempts per request stay near one.
    for (const phase of ['slowdown', 'storm', 'recovery']) {
      expect(stat(withBudget, `${phase}.attemptsPerRequest`)).toBeLessThan(phase === 'slowdown' ? 1.7 : 1.3);
    }
    expect(stat(withBudget, 'storm.budgetRefused')).toBeGreaterThan(100);
    const totalAttempts = (r: RunReport): number => ['steady', 'slowdown', 'storm', 'recovery'].reduce((a, p) => a + stat(r, `${p}.attempts`), 0);
    expect(totalAttempts(without)).toBeGreaterThan(2.5 * totalAttempts(withBudget));
    // Without it the retries keep the leader overloaded after the slowdown: nothing succeeds.
    expect(stat(without, 'recovery.attemptsPerRequest')).toBeGreaterThan(4);
    expect(stat(without, 'recovery.goodputPerS')).toBeLessThan(10);
    expect(stat(withBudget, 'recovery.goodputPerS')).toBeGreaterThan(0.95 * stat(withBudget, 'recovery.offeredPerS'));
    expect(stat(withBudget, 'recovery.p99Ms')).toBeLessThan(100);
  });
});

describe('circuit breakers against a cascading failure', () => {
  it('stop calls to the sick servers and make requests fail fast instead of hanging', () => {
    const withBreaker = run('cascade');
    const without = run('cascade-without');
    expect(withBreaker.violations).toEqual([]);
    expect(sloChecks(without)).toContain('load-slo');
    expect(stat(withBreaker, 'sick.breakerOpens')).toBeGreaterThan(0);
    expect(stat(withBreaker, 'sick.breakerRefusals')).toBeGreaterThan(100);
    // The sick leader gets a fraction of the calls it gets without breakers.
    expect(calls(withBreaker, 'sick').max).toBeLessThan(calls(without, 'sick').max / 3);
    // Fewer requests wait for their deadline: most fail fast instead.
    expect(stat(withBreaker, 'sick.timeoutRate')).toBeLessThan(stat(without, 'sick.timeoutRate') * 0.75);
    // The price: fewer requests succeed during the sickness (breakers trade goodput for
    // fast failure); both runs recover once the fault heals. With servers that queue work
    // first-in first-out, the unprotected run no longer drowns in a stale backlog, so the
    // comparison is about hanging versus failing fast, not about recovery.
    // Without breakers half of the sick phase's requests hang past cascade's 600 ms promise.
    expect(new Set(sloChecks(without))).toEqual(new Set(['load-slo']));
    expect(without.violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/^sick: p50Ms is \d+/));
    for (const v of without.violations) expect(v.message).toMatch(/^sick: /);
    expect(stat(withBreaker, 'recovery.p99Ms')).toBeLessThan(100);
    expect(stat(without, 'recovery.p99Ms')).toBeLessThan(100);
  });
});

describe('rate limiting and load shedding at 2x load', () => {
  it('keep the admitted p99 under the bound and refuse the excess quickly', () => {
    const protectedRun = run('overload-2x');
    const without = run('overload-2x-without');
    expect(protectedRun.violations).toEqual([]);
    expect(stat(protectedRun, 'overload.offeredPerS')).toBeGreaterThan(1.8 * stat(protectedRun, 'steady.offeredPerS'));
    expect(stat(protectedRun, 'overload.p99Ms')).toBeLessThan(100);
    expect(stat(protectedRun, 'overload.rejectRate')).toBeGreaterThan(0.2);
    expect(stat(protectedRun, 'overload.rejectP99Ms')).toBeLessThan(15);
    expect(stat(protectedRun, 'overload.goodputPerS')).toBeGreaterThan(240);
    expect(stat(protectedRun, 'overload.errorRate')).toBe(0);
    // Unprotected, the same overload turns into queueing delay, timeouts and retries.
    expect(sloChecks(without)).toContain('load-slo');
    expect(stat(without, 'overload.p99Ms')).toBeGreaterThan(500);
    expect(stat(without, 'overload.errorRate')).toBeGreaterThan(0.2);
    expect(stat(without, 'recovery.goodputPerS')).toBeLessThan(stat(protectedRun, 'recovery.goodputPerS') / 2);
  });
});

// A catalogue scenario must pass every seed, or its promise is wrong. These seeds broke the
// promises as first written (cascade seed 3: healed goodput 138/s against 140/s; 23 of 200
// cascade seeds and 54 of 200 retry-storm seeds failed); the promises are now set from
// 200-seed sweeps with a margin (docs/checks.md, `npm run promises`). Each -without
// variant must still break its distinguishing promise, here at its least broken seed (from
// 200-seed sweeps re-run after sessions were registered through the log: cascade-without
// seed 161, retry-storm-without seed 10; every seed of both still breaks it).
describe('catalogue load promises hold on every seed', () => {
  const worst: [string, number[]][] = [['cascade', [3, 122, 175, 194]], ['retry-storm', [73, 94]]];
  for (const [name, seeds] of worst) {
    it(`${name} passes at the seeds that broke its first promises (${seeds.join(', ')})`, () => {
      for (const seed of seeds) expect(run(name, seed).violations.map((v) => v.message), `${name} seed ${seed}`).toEqual([]);
    });
  }

  it('cascade-without and retry-storm-without still break their promises at their mildest seeds', () => {
    expect(run('cascade-without', 161).violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/^sick: p50Ms is 843/));
    expect(run('retry-storm-without', 10).violations.map((v) => v.message)).toContainEqual(expect.stringMatching(/^storm: attemptsPerRequest is 4\.7/));
  });
});

describe('determinism of load runs', () => {
  it('the same seed gives the same trace and the same statistics', () => {
    const a = run('overload-2x', 7);
    const b = run('overload-2x', 7);
    expect(b.traceHash).toBe(a.traceHash);
    expect(b.stats).toEqual(a.stats);
    expect(run('overload-2x', 8).traceHash).not.toBe(a.traceHash);
  });
});
