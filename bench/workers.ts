// Worker lockstep benchmarks: events/s in one thread against two worker threads, for the
// default Raft scenario (sparse events: lockstep windows hold little work, so the round
// trips dominate and the ratio is below 1) and for a CPU-heavy scenario (much work per
// event: two workers on two cores should approach 2x). Worker start-up (spawning threads,
// loading the sources through tsx) is timed separately and excluded from the ratio.
import { catalogScenario } from '../cli/catalog.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { spawnNodePool } from '../sim/workers/nodePool.ts';
import { runScenarioLockstep, type RunnerFactory } from '../sim/workers/runLockstep.ts';

const scenario = catalogScenario;

async function compare(name: string, workers: number, durationUs?: number): Promise<Record<string, number | string>> {
  const base0 = scenario(name);
  const s = durationUs === undefined ? base0 : { ...base0, duration: durationUs };
  runScenario(s, 1); // warm-up of this thread's JIT
  const t0 = wallNowMs();
  const base = runScenario(s, 2).report;
  const inProcessMs = wallNowMs() - t0;
  let spawnedAt = 0;
  let spawnMs = 0;
  const timed: RunnerFactory = async (init, nodes) => {
    const t = wallNowMs();
    const pool = await spawnNodePool(init, nodes);
    spawnedAt = wallNowMs();
    spawnMs = spawnedAt - t;
    return pool;
  };
  const ls = await runScenarioLockstep(s, 2, workers, timed);
  const workersMs = wallNowMs() - spawnedAt;
  if (ls.report.traceHash !== base.traceHash) throw new Error(`${name}: worker trace ${ls.report.traceHash} differs from ${base.traceHash}`);
  return {
    events: base.events,
    inProcessEventsPerS: Math.round(base.events / (inProcessMs / 1000)),
    workersEventsPerS: Math.round(base.events / (workersMs / 1000)),
    speedupVsInProcess: +(inProcessMs / workersMs).toFixed(3),
    eventsPerWorkerCall: +ls.lockstep.eventsPerCall.toFixed(2),
    windows: ls.lockstep.windows,
    workerStartupMs: Math.round(spawnMs),
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = { workers: 2 };
  // The CPU-heavy run is stretched to 20 simulated seconds so that the workers' own JIT
  // warm-up (each worker compiles the node code afresh) is a small part of the measurement.
  for (const [name, durationUs] of [['raft-kv-basic', undefined], ['heartbeat-cpu-heavy', 20_000_000]] as const) {
    for (const [k, v] of Object.entries(await compare(name, 2, durationUs))) out[`${name}.${k}`] = v;
  }
  return out;
}
