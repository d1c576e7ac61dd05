// Goal: observing a run never changes it (issue 10, "no observer effect"). Method: every
// scenario of the catalogue, seeds 1 and 2, runs twice in-process: plain, and with every
// kind of telemetry on (metrics scraped every simulated second and kept, spans recorded,
// JSON logs at level debug); trace hashes and event counts must be equal. To keep
// `npm test` to seconds, a few scenarios that exercise every fault family run in full and
// the others for their first 3 simulated seconds or 25,000 events (elections, traffic,
// early faults);
// `npm run test:observer` runs every scenario in full (FAULTLINE_OBSERVER_FULL=1).
import { describe, expect, it } from 'vitest';
import { catalogFiles, loadScenarioFile, scenarioNameOf } from '../../cli/catalog.ts';
import { materialize } from '../../sim/faults/swarm.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { TelemetrySession } from '../../sim/telemetry/session.ts';

const SEEDS = [1, 2];
const FULL_ALWAYS = new Set(['raft-kv-basic', 'node-crash-leader', 'net-split-brain', 'infra-storage-full', 'heartbeat-chaos', 'swarm-raft-mixed']);
const CUT_US = 3_000_000;
/** The cut runs also stop after this many events (a CPU-heavy scenario's 3 s are long). */
const CUT_EVENTS_MAX = 25_000;
const full = process.env.FAULTLINE_OBSERVER_FULL === '1';

function catalogue(): [string, Scenario, number][] {
  return catalogFiles().map((f) => {
    const p = loadScenarioFile(f);
    if (!p.ok) throw new Error(`${scenarioNameOf(f)} is invalid`);
    const name = scenarioNameOf(f);
    const s = p.scenario;
    const whole = full || FULL_ALWAYS.has(name);
    return [name, whole ? s : { ...s, duration: Math.min(s.duration, CUT_US) }, whole ? Infinity : CUT_EVENTS_MAX];
  });
}

function observed(s: Scenario, seed: number, eventsMax: number): { hash: string; events: number; logs: number; scrapes: number } {
  let session: TelemetrySession | null = null;
  let logs = 0;
  const { report } = runScenario(s, seed, {
    eventsMax,
    progressStepUs: 1_000_000,
    observe: (w, sc) => (session = TelemetrySession.attach(w, sc, { seed, recordScrapes: true, traces: true, logLine: () => logs++, logLevel: 'debug' })),
    onProgress: () => session?.scrape(),
  });
  return { hash: report.traceHash, events: report.events, logs, scrapes: (session as unknown as TelemetrySession).scrapeCount };
}

describe('no observer effect', () => {
  it.each(catalogue())('%s: same trace with and without telemetry, seeds 1-2', (_name, scenario, eventsMax) => {
    for (const seed of SEEDS) {
      const s = materialize(scenario, seed);
      const plain = runScenario(s, seed, { eventsMax }).report;
      const seen = observed(s, seed, eventsMax);
      expect({ hash: seen.hash, events: seen.events }).toEqual({ hash: plain.traceHash, events: plain.events });
      expect(seen.logs).toBeGreaterThan(0);
      expect(seen.scrapes).toBeGreaterThan(0);
    }
  }, 120_000);
});
