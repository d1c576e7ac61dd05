// Goal: the determinism promise holds in the browser too. Method: the lockstep check page
// (ui/lockstep.html) runs a scenario in the page's thread and across Web Workers bundled by
// Vite; its two hashes must match each other and the hash Node computes in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, locateScenario } from '../../cli/catalog.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { openPage, shownHash, startUi, type Ui } from './harness.ts';

let ui: Ui;
beforeAll(async () => { ui = await startUi(); }, 60_000);
afterAll(async () => { await ui?.close(); });

function nodeHash(name: string, seed: number): string {
  const loc = locateScenario(name);
  if (!loc.ok) throw new Error(loc.message);
  const p = loadScenarioFile(loc.file);
  if (!p.ok) throw new Error('invalid');
  return runScenario(p.scenario, seed).report.traceHash;
}

describe('lockstep in Chromium', () => {
  for (const [name, workers] of [['raft-kv-basic', 2], ['heartbeat-chaos', 3]] as const) {
    it(`${name} with ${workers} Web Workers gives the in-page and the Node hash`, async () => {
      const { page, errors } = await openPage(ui, `lockstep.html?scenario=${name}&seed=3&workers=${workers}`);
      const out = page.locator('#out');
      await out.and(page.locator('[data-result], [data-error]')).waitFor({ timeout: 40_000 });
      expect(await out.getAttribute('data-error')).toBeNull();
      const r = JSON.parse((await out.getAttribute('data-result')) as string);
      expect(r.workers).toBe(workers);
      expect(r.workersHash).toBe(r.inProcessHash);
      expect(r.inProcessHash).toBe(nodeHash(name, 3));
      expect(r.eventsPerCall).toBeGreaterThan(1);
      expect(errors, errors.join("\n")).toEqual([]);
      await page.close();
    }, 60_000);
  }

  it('the UI setting runs the session across Web Workers and shows the same trace', async () => {
    const { page, errors } = await openPage(ui, '?scenario=heartbeat-crash&seed=4');
    const hash = await shownHash(page);
    await page.getByTestId('session-tab').click();
    await page.locator('[data-testid="workers-count"] option').nth(2).waitFor({ state: 'attached' });
    await page.getByTestId('workers-count').selectOption({ label: '3' });
    await page.getByTestId('workers-check').click();
    const result = page.getByTestId('workers-result');
    await result.getByText('same trace as one thread').waitFor({ timeout: 40_000 });
    expect(await result.textContent()).toContain(hash);
    expect(await result.textContent()).toMatch(/3 workers/);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 60_000);
});
