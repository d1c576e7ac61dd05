// Goal: the MAPE-K panel shows a user what the manager did: the loop's phases, the actions
// with their outcomes, and the MTTR of the run split into M/A/P/E/K, with the figures the
// CLI reports for the same scenario and seed; the timeline carries the manager's actions.
// Method: the Vite dev server and Chromium (harness.ts); the page is driven by clicks (the
// manager's row in the overview, the timeline) and read through what it displays. The
// expected figures come from runScenario in Node.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogScenario } from '../../cli/catalog.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { clickTimeline, openPage, shownHash, startUi, waitForTime, type Ui } from './harness.ts';

describe('the MAPE-K panel', () => {
  let ui: Ui;
  const scenario = catalogScenario('mapek-crash');
  const cli = runScenario(scenario, 1).report;

  beforeAll(async () => {
    ui = await startUi();
  });

  afterAll(async () => {
    await ui?.close();
  });

  it('shows the loop, the restart it chose with its outcome, and the run\'s MTTR as the CLI measures it', async () => {
    const { page, errors } = await openPage(ui, '?scenario=mapek-crash&seed=1');
    expect(await shownHash(page, 60_000)).toBe(cli.traceHash);
    await clickTimeline(page, 9_000_000, scenario.duration);
    await waitForTime(page, 't > 8000000 && t < 10000000');
    // The manager is the node after the servers, spares and clients: n10.
    await page.locator('table.overview tr').filter({ has: page.locator('td.mono', { hasText: /^n10$/ }) }).click();
    const panel = page.getByTestId('mapek-panel');
    await expect.poll(() => panel.isVisible()).toBe(true);
    expect(await page.getByTestId('mapek-phase').count()).toBe(1);
    await expect.poll(() => page.getByTestId('mapek-actions').textContent()).toMatch(/restart\s+n2\s+recovered/);
    const mttr = page.getByTestId('mapek-mttr');
    const expected = (cli.stats['mapek.fault0.mttrMs'] as number) / 1000;
    const row = (await mttr.locator('tbody tr').first().textContent()) ?? '';
    expect(row).toContain('crash n2');
    expect(row).toContain(`${expected.toFixed(2)} s`);
    expect(row).toContain(`${Math.round(cli.stats['mapek.fault0.M'] as number)} ms`);
    expect(row).toContain('restart');
    expect(await page.locator('[data-testid="timeline"] line.ev.action').count()).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
