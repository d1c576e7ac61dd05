// Load benchmark: how fast the simulator runs the 1000 requests/s load workload. It runs
// a one-minute slice of load-hour (steady 1000 requests/s through the gateway to a
// five-node Raft KV cluster) and load-2x (steady, 2x overload, recovery), and reports the
// simulated request rate, wall time, events/s and time compression (simulated seconds per
// wall second), which together say how long `faultline run --scenario load-hour` takes.
import { catalogScenario } from '../cli/catalog.ts';
import { wallNowMs } from '../cli/wallclock.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import type { LoadKvScenario } from '../sim/workloads/loadKv.ts';

const SLICE_S = 60;

const scenario = catalogScenario;

/** Runs one scenario and returns its figures under `prefix`. */
function measure(prefix: string, s: Scenario): Record<string, number> {
  const t0 = wallNowMs();
  const { report } = runScenario(s, 1);
  const wallMs = wallNowMs() - t0;
  const requests = Object.entries(report.stats).filter(([k]) => k.endsWith('.sent')).reduce((a, [, v]) => a + (v as number), 0);
  const simS = report.simulatedMs / 1000;
  return {
    [`${prefix}SimulatedS`]: simS,
    [`${prefix}Requests`]: requests,
    [`${prefix}RequestsPerSimS`]: Math.round(requests / simS),
    [`${prefix}WallMs`]: Math.round(wallMs),
    [`${prefix}Events`]: report.events,
    [`${prefix}EventsPerWallS`]: Math.round(report.events / (wallMs / 1000)),
    [`${prefix}TracedPerRequest`]: Math.round((report.stats.traced as number) / Math.max(1, requests)),
    [`${prefix}TimeCompression`]: Math.round((simS / (wallMs / 1000)) * 100) / 100,
    [`${prefix}Violations`]: report.violations.length,
  };
}

export async function run(): Promise<Record<string, number | string>> {
  const hour = scenario('load-hour') as LoadKvScenario;
  const slice: Scenario = { ...hour, duration: (SLICE_S + 2) * 1_000_000, load: { ...hour.load, phases: [{ name: 'hour', duration: SLICE_S * 1_000_000, factor: 1 }] } };
  const steady = measure('steady', slice);
  const overload = measure('load2x', scenario('load-2x'));
  return {
    scenario: `load-hour cut to ${SLICE_S}s, and load-2x`,
    ...steady,
    ...overload,
    loadHourWallMinutesEstimate: Math.round(((3602 / steady.steadyTimeCompression) / 60) * 10) / 10,
  };
}
