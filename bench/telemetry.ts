// Telemetry cost: raft-kv-basic with telemetry on against the same run with none, in one
// process, runs interleaved pair by pair; each figure is the median of the per-pair ratios
// of CPU time (steadier than wall time on a shared machine), the order within a pair
// alternating. "all" is everything a user
// can turn on at once: metrics scraped every simulated second and kept (--metrics-out),
// spans recorded (--traces-out) and JSON logs built (--logs-out, at the default level
// info; allDebug logs every request, entry and stats event). Goal (issue 10): all <= 1.10x.
// The export after the run (prom-client renders every scrape, OpenTelemetry serialises the
// spans) is reported separately, as a ratio to the plain run's time.
import { loadScenarioRef } from '../cli/scenarioRef.ts';
import { cpuNowMs } from '../cli/wallclock.ts';
import type { LogLevel } from '../core/telemetry/events.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { TelemetrySession, type TelemetryOptions } from '../sim/telemetry/session.ts';
import { median } from './kernel.ts';

const SCENARIO = 'raft-kv-basic';
const PAIRS = 11;

const MODES: Record<string, (logs: (l: string) => void) => TelemetryOptions> = {
  metrics: () => ({ recordScrapes: true }),
  traces: () => ({ traces: true }),
  logs: (logLine) => ({ logLine }),
  all: (logLine) => ({ recordScrapes: true, traces: true, logLine }),
  allDebug: (logLine) => ({ recordScrapes: true, traces: true, logLine, logLevel: 'debug' as LogLevel }),
};

function off(s: Scenario): { ms: number; hash: string } {
  const t0 = cpuNowMs();
  const { report } = runScenario(s, 1);
  return { ms: cpuNowMs() - t0, hash: report.traceHash };
}

async function on(s: Scenario, mode: string): Promise<{ ms: number; exportMs: number; hash: string; session: TelemetrySession; logRecords: number }> {
  let session: TelemetrySession | null = null;
  let logRecords = 0;
  const opts = MODES[mode]((_l) => { logRecords++; });
  const t0 = cpuNowMs();
  const { report } = runScenario(s, 1, {
    progressStepUs: 1_000_000,
    observe: (w, sc) => (session = TelemetrySession.attach(w, sc, { seed: 1, ...opts })),
    onProgress: () => session?.scrape(),
  });
  const t1 = cpuNowMs();
  const sess = session as unknown as TelemetrySession;
  if (opts.recordScrapes === true) await sess.openMetrics();
  if (opts.traces === true) await sess.otlpJson();
  return { ms: t1 - t0, exportMs: cpuNowMs() - t1, hash: report.traceHash, session: sess, logRecords };
}

export async function run(): Promise<Record<string, number | string>> {
  const s = loadScenarioRef(SCENARIO).scenario;
  const out: Record<string, number | string> = { scenario: SCENARIO, pairs: PAIRS, goalRatioMax: 1.1 };
  off(s);
  for (const mode of Object.keys(MODES)) await on(s, mode); // warm-up of every path
  const offMs: number[] = [];
  for (const mode of Object.keys(MODES)) {
    const ratios: number[] = [];
    const exportRatios: number[] = [];
    let last: Awaited<ReturnType<typeof on>> | null = null;
    for (let i = 0; i < PAIRS; i++) {
      // Alternate which run goes first, so garbage one leaves is not always paid by the other.
      const first = i % 2 === 0 ? off(s) : null;
      const b = await on(s, mode);
      const a = first ?? off(s);
      if (a.hash !== b.hash) throw new Error(`observer effect in mode ${mode}: hash ${a.hash} off, ${b.hash} on`);
      ratios.push(b.ms / a.ms);
      exportRatios.push(b.exportMs / a.ms);
      offMs.push(a.ms);
      last = b;
    }
    out[`${mode}.onVsOffRatio`] = +median(ratios).toFixed(3);
    if (mode === 'all' || mode === 'allDebug') out[`${mode}.exportVsRunRatio`] = +median(exportRatios).toFixed(3);
    if (mode === 'all' || mode === 'allDebug') out[`${mode}.logRecords`] = last?.logRecords ?? 0;
    if (mode === 'all') {
      out['all.spans'] = last === null ? 0 : (await last.session.otlpJson()).spans;
      out['all.scrapes'] = last?.session.scrapeCount ?? 0;
      out['all.seriesAtEnd'] = (await last?.session.registries.seriesCount()) ?? 0;
    }
  }
  out.offCpuMs = Math.round(median(offMs));
  return out;
}
