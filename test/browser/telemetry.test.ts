// Goal: telemetry works in the browser as in Node: prom-client (through its lib/ files) and
// the OpenTelemetry SDK and transformer run in a Chromium Web Worker, which has no
// `process`, and give the same bytes as Node. Method: the telemetry check page
// (ui/telemetry.html) runs raft-kv-basic seed 2 with metrics, traces and logs in a module
// Web Worker bundled by Vite; the test runs the same in Node and compares everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioRef } from '../../cli/scenarioRef.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { TelemetrySession } from '../../sim/telemetry/session.ts';
import type { TelemetryCheckResult } from '../../ui/telemetryCheck.worker.ts';
import { readFileSync } from 'node:fs';
import { openPage, shownHash, startUi, type Ui } from './harness.ts';

let ui: Ui;
beforeAll(async () => { ui = await startUi(); }, 60_000);
afterAll(async () => { await ui?.close(); });

async function inNode(seed = 2): Promise<Omit<TelemetryCheckResult, 'hasProcess'>> {
  let session: TelemetrySession | null = null;
  let logs = '';
  const { report } = runScenario(loadScenarioRef('raft-kv-basic').scenario, seed, {
    progressStepUs: 1_000_000,
    observe: (w, s) => (session = TelemetrySession.attach(w, s, { seed, recordScrapes: true, traces: true, logLine: (l) => (logs += l) })),
    onProgress: () => session?.scrape(),
  });
  const sess = session as unknown as TelemetrySession;
  sess.flushLogs();
  return { hash: report.traceHash, openMetrics: await sess.openMetrics(), exposition: await sess.render('prometheus'), otlp: (await sess.otlpJson()).text, logs };
}

describe('telemetry in a Chromium Web Worker', () => {
  it('gives the metrics, spans and logs Node gives, byte for byte', async () => {
    const { page, errors } = await openPage(ui, 'telemetry.html?scenario=raft-kv-basic&seed=2');
    const out = page.locator('#out');
    await out.and(page.locator('[data-done], [data-error]')).waitFor({ timeout: 60_000 });
    expect(await out.getAttribute('data-error')).toBeNull();
    const browser = (await page.evaluate(() => (window as unknown as { telemetryResult: TelemetryCheckResult }).telemetryResult));
    expect(browser.hasProcess).toBe(false);
    const node = await inNode();
    expect(browser.hash).toBe(node.hash);
    expect(browser.exposition === node.exposition, 'the prom-client exposition differs').toBe(true);
    expect(browser.openMetrics === node.openMetrics, 'the OpenMetrics file differs').toBe(true);
    expect(browser.otlp === node.otlp, 'the OTLP/JSON differs').toBe(true);
    expect(browser.logs === node.logs, 'the logs differ').toBe(true);
    expect(browser.openMetrics).toContain('faultline_raft_term{node="n0"}');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 120_000);

  it('the UI charts registry metrics and downloads the session\'s metrics, traces and logs as the CLI writes them', async () => {
    const { page, errors } = await openPage(ui, '?scenario=raft-kv-basic&seed=1');
    await shownHash(page);
    const node = await inNode(1);
    for (const [kind, expected] of [['metrics', node.openMetrics], ['traces', node.otlp], ['logs', node.logs]] as const) {
      const download = page.waitForEvent('download', { timeout: 60_000 });
      await page.getByTestId('telemetry-download').selectOption(kind);
      const d = await download;
      const text = readFileSync(await d.path(), 'utf8');
      expect(text === expected, `the downloaded ${kind} differ from Node's`).toBe(true);
    }
    const metricOptions = await page.locator('option').allTextContents();
    expect(metricOptions).toContain('faultline_raft_commit_index');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 180_000);
});
