// The current session's telemetry as the files `faultline run --metrics-out --traces-out
// --logs-out` writes: the same scenario (with the page's interventions), seed and code, so
// the same bytes. Runs in the summary worker, on demand (a download), never on the page's
// main thread.
import { runScenario } from '../../sim/run/runScenario.ts';
import { SCRAPE_INTERVAL_DEFAULT_US, TelemetrySession } from '../../sim/telemetry/session.ts';
import { sessionScenario } from '../lib/sessionScenario.ts';
import type { SessionSpec } from './protocol.ts';

export interface TelemetryFiles {
  /** OpenMetrics text, one scrape per simulated second. */
  metrics: string;
  /** OTLP/JSON (an ExportTraceServiceRequest). */
  traces: string;
  /** JSON lines at level info. */
  logs: string;
  traceHash: string;
}

export async function telemetryFiles(spec: SessionSpec): Promise<TelemetryFiles> {
  const s = sessionScenario(spec.scenario, spec.seed, spec.interventions);
  let session: TelemetrySession | null = null;
  let logs = '';
  const { report } = runScenario(s, spec.seed, {
    progressStepUs: SCRAPE_INTERVAL_DEFAULT_US,
    observe: (w, sc) => (session = TelemetrySession.attach(w, sc, { seed: spec.seed, recordScrapes: true, traces: true, logLine: (l) => (logs += l) })),
    onProgress: () => session?.scrape(),
  });
  const sess = session as unknown as TelemetrySession;
  sess.flushLogs();
  return { metrics: await sess.openMetrics(), traces: (await sess.otlpJson()).text, logs, traceHash: report.traceHash };
}
