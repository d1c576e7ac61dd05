// Retrieval service benchmark, on the simulated cluster (docs/rag.md "Measured"):
// - cache: rag-hot-queries (Zipf questions over the real corpus): the semantic cache's hit
//   rate and the virtual latency percentiles of cached, uncached and all answers;
// - batching: a burst of about 2,000 uncached questions in 10 ms (the cache off), answered
//   with batching on and off, with 1 and 8 search threads per replica (the seed's "8
//   workers"): answered questions per virtual second over the burst (end to end: the
//   frontend's per-message cost bounds it) and the replicas' CPU per question (the
//   search side alone), and the speedup of batching on each;
// - workers: rag-workers in one thread against two worker threads, wall clock, same hash
//   required (worker start-up excluded, as in bench/workers.ts).
// Virtual-time figures are deterministic; wall-clock ones are best of the rounds run.
import { catalogScenario } from '../cli/catalog.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { buildRun, EVENTS_MAX_DEFAULT, runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { RagScenario } from '../sim/workloads/rag/ragScenario.ts';
import { spawnNodePool } from '../sim/workers/nodePool.ts';
import { runScenarioLockstep, type RunnerFactory } from '../sim/workers/runLockstep.ts';

const PICK = ['cacheHitRate', 'cacheHits', 'queriesAnswered', 'recall', 'latency.all.p50Ms', 'latency.all.p99Ms', 'latency.cached.p50Ms', 'latency.cached.p99Ms', 'latency.uncached.p50Ms', 'latency.uncached.p99Ms', 'latency.fresh.p50Ms', 'latency.fresh.p99Ms'];

function cache(): Record<string, number | string> {
  const r = runScenario(catalogScenario('rag-hot-queries'), 1).report;
  if (r.violations.length > 0) throw new Error(`rag-hot-queries: ${r.violations[0].check}`);
  return Object.fromEntries(PICK.filter((k) => k in r.stats).map((k) => [k, r.stats[k]]));
}

/**
 * A burst of about 2,000 questions in 10 ms (200,000 a second), cache off, after the ingest.
 * Figures: answered questions per virtual second over the burst (first question to last
 * answer), latency, and the CPU the replicas and the frontend spent per question.
 */
function burst(batch: boolean, threads: number): Record<string, number> {
  const base = catalogScenario('rag-basic') as RagScenario;
  const startUs = 1_500_000;
  const s: RagScenario = {
    ...base, name: 'rag-burst', duration: 2_510_000, liveness: { within: 1_000_000 },
    rag: {
      ...base.rag, searchThreads: threads, auditInterval: 0, cache: { ...base.rag.cache, enabled: false },
      batch: { ...base.rag.batch, enabled: batch },
      ingest: { ...base.rag.ingest, probeShare: 0 },
      queries: { ...base.rag.queries, clients: 8, rate: 200_000, start: startUs, freshShare: 0, timeout: 5_000_000, sampleEvery: 0 },
    },
  };
  const { world, finish } = buildRun(s as Scenario, 1, false);
  world.run({ timeUs: startUs, eventsMax: EVENTS_MAX_DEFAULT });
  const busy = (role: string): number => world.hosts.filter((h) => h.role === role).reduce((a, h) => a + h.cpu.busyTotalUs, 0);
  const replica0 = busy('replica');
  const front0 = busy('frontend');
  world.run({ timeUs: s.duration, eventsMax: EVENTS_MAX_DEFAULT });
  const stats = finish();
  if (world.violations.length > 0) throw new Error(`burst: ${world.violations[0].check}: ${world.violations[0].message}`);
  const answered = stats.queriesAnswered as number;
  return {
    answered, answeredPerS: stats.answeredPerS as number, makespanMs: stats.queryMakespanMs as number,
    p50Ms: stats['latency.all.p50Ms'] as number, p99Ms: stats['latency.all.p99Ms'] as number,
    replicaCpuUsPerQuery: +((busy('replica') - replica0) / answered).toFixed(1),
    frontendCpuUsPerQuery: +((busy('frontend') - front0) / answered).toFixed(1),
  };
}

function batching(): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  for (const threads of [1, 8]) {
    const off = burst(false, threads);
    const on = burst(true, threads);
    for (const [k, v] of Object.entries(off)) out[`threads${threads}.unbatched.${k}`] = v;
    for (const [k, v] of Object.entries(on)) out[`threads${threads}.batched.${k}`] = v;
    out[`threads${threads}.batchSpeedup`] = +(on.answeredPerS / off.answeredPerS).toFixed(3);
    out[`threads${threads}.replicaCpuSpeedup`] = +(off.replicaCpuUsPerQuery / on.replicaCpuUsPerQuery).toFixed(3);
  }
  return out;
}

async function workers(name: string): Promise<Record<string, number | string>> {
  const s = catalogScenario(name);
  let best1 = Infinity;
  let best2 = Infinity;
  let hash = '';
  let events = 0;
  let eventsPerCall = 0;
  for (let round = 0; round < 2; round++) {
    const t0 = wallNowMs();
    const base = runScenario(s, 1).report;
    best1 = Math.min(best1, wallNowMs() - t0);
    hash = base.traceHash;
    events = base.events;
    let spawnedAt = 0;
    const timed: RunnerFactory = async (init, nodes) => {
      const pool = await spawnNodePool(init, nodes);
      spawnedAt = wallNowMs();
      return pool;
    };
    const ls = await runScenarioLockstep(s, 1, 2, timed);
    best2 = Math.min(best2, wallNowMs() - spawnedAt);
    eventsPerCall = ls.lockstep.eventsPerCall;
    if (ls.report.traceHash !== hash) throw new Error(`${name}: worker trace ${ls.report.traceHash} differs from ${hash}`);
  }
  return {
    scenario: name, events, traceHash: hash, oneThreadMs: Math.round(best1), twoWorkersMs: Math.round(best2),
    speedup: +(best1 / best2).toFixed(3), eventsPerWorkerCall: +eventsPerCall.toFixed(2),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(cache())) out[`cache.${k}`] = v;
  for (const [k, v] of Object.entries(batching())) out[`batch.${k}`] = v;
  for (const [k, v] of Object.entries(await workers('rag-workers'))) out[`workers.${k}`] = v;
  return out;
}
