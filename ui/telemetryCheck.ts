// The telemetry check page: runs a scenario with metrics, traces and logs in a Web Worker
// and shows what it produced, for the browser test that compares it with Node's bytes.
import type { TelemetryCheckResult } from './telemetryCheck.worker.ts';

const out = document.getElementById('out') as HTMLElement;
const q = new URLSearchParams(location.search);
const worker = new Worker(new URL('./telemetryCheck.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (e: MessageEvent<{ ok: true; result: TelemetryCheckResult } | { ok: false; error: string }>) => {
  if (!e.data.ok) {
    out.className = 'bad';
    out.textContent = `error: ${e.data.error}`;
    out.dataset.error = e.data.error;
    return;
  }
  const r = e.data.result;
  out.className = 'ok';
  out.textContent = `trace ${r.hash} · ${r.openMetrics.length} bytes of OpenMetrics · ${r.otlp.length} bytes of OTLP/JSON · ${r.logs.split('\n').length - 1} log lines`;
  (window as unknown as { telemetryResult: TelemetryCheckResult }).telemetryResult = r;
  out.dataset.done = 'true';
};
worker.onerror = (e) => {
  out.className = 'bad';
  out.textContent = `error: ${e.message}`;
  out.dataset.error = e.message;
};
worker.postMessage({ scenario: q.get('scenario') ?? 'raft-kv-basic', seed: Number(q.get('seed') ?? '1') });
