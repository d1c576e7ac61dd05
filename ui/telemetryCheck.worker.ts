// The worker of the telemetry check page: runs a catalogue scenario with every kind of
// telemetry on inside a Web Worker (no `process`, no Node modules) and posts back what the
// CLI would write, so a test can compare the bytes with Node's.
import { parseScenarioText } from '../sim/scenario/parse.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { TelemetrySession } from '../sim/telemetry/session.ts';
import { bundledCatalogue } from './lib/catalogue.ts';

export interface TelemetryCheckRequest {
  scenario: string;
  seed: number;
}

export interface TelemetryCheckResult {
  hash: string;
  hasProcess: boolean;
  openMetrics: string;
  exposition: string;
  otlp: string;
  logs: string;
}

async function check(req: TelemetryCheckRequest): Promise<TelemetryCheckResult> {
  const entry = bundledCatalogue().find((c) => c.name === req.scenario);
  if (entry === undefined) throw new Error(`no catalogue scenario ${req.scenario}`);
  const parsed = parseScenarioText(entry.text, entry.fileName);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  let session: TelemetrySession | null = null;
  let logs = '';
  const { report } = runScenario(parsed.scenario, req.seed, {
    progressStepUs: 1_000_000,
    observe: (w, s) => (session = TelemetrySession.attach(w, s, { seed: req.seed, recordScrapes: true, traces: true, logLine: (l) => (logs += l) })),
    onProgress: () => session?.scrape(),
  });
  const sess = session as unknown as TelemetrySession;
  sess.flushLogs();
  return {
    hash: report.traceHash,
    hasProcess: typeof (globalThis as { process?: unknown }).process !== 'undefined',
    openMetrics: await sess.openMetrics(),
    exposition: await sess.render('prometheus'),
    otlp: (await sess.otlpJson()).text,
    logs,
  };
}

self.onmessage = (e: MessageEvent<TelemetryCheckRequest>) => {
  check(e.data).then(
    (r) => self.postMessage({ ok: true, result: r }),
    (err: unknown) => self.postMessage({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
  );
};
