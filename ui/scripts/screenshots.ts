// Takes the UI screenshots in docs/ at 1280x800 (and one at 800x600): an election with its
// timers and votes, the aligned logs with an overwritten entry, a narrated tour step, a
// violation opened where it happened, the metrics of a retry storm, a session with
// interventions, the MAPE-K tab, and the stacked layout of a small screen.
//
// Run: npm run ui:screenshots   (needs /usr/bin/chromium; see test/browser/harness.ts)
import type { Page } from 'playwright-core';
import { openPage, REPO_ROOT, settled, shownHash, startUi, waitForTime, type Ui } from '../../test/browser/harness.ts';

const out = (name: string): string => `${REPO_ROOT}docs/${name}`;
const written: string[] = [];

async function shot(ui: Ui, name: string, search: string, act?: (page: Page) => Promise<void>, viewport?: { width: number; height: number }): Promise<void> {
  const { page, errors } = await openPage(ui, search, viewport === undefined ? {} : { viewport });
  await settled(page);
  await shownHash(page, 60_000);
  if (act !== undefined) await act(page);
  await page.mouse.move(2, 2);
  await page.waitForTimeout(300);
  await page.screenshot({ path: out(name) });
  if (errors.length > 0) throw new Error(`${name}: console errors: ${errors.join('; ')}`);
  written.push(name);
  await page.close();
}

const ui = await startUi();
try {
  await shot(ui, 'ui-raft.png', '?scenario=raft-kv-basic&seed=42&t=169ms', async (page) => {
    await page.locator('g.node[data-node="1"] circle.body').click();
    await page.getByTestId('node-popover').waitFor();
  });
  await shot(ui, 'ui-logs.png', '?scenario=raft-figure8&seed=1&t=2100ms', async (page) => {
    await page.getByTestId('replicated-log-tab').click();
    await page.locator('h1').click();
    for (let i = 0; i < 3; i++) await page.keyboard.press('[');
    await page.keyboard.press(' ');
    await waitForTime(page, 't >= 2125000');
    await page.keyboard.press(' ');
    await page.getByTestId('overwritten').first().waitFor();
  });
  await shot(ui, 'ui-tour.png', '?scenario=net-leader-isolated&seed=1', async (page) => {
    await page.getByTestId('tour-start').selectOption('check-quorum');
    await page.getByTestId('tour').waitFor();
    await page.getByTestId('tour-next').click();
    await page.getByTestId('tour-next').click();
    await waitForTime(page, 't === 3168000', 60_000);
  });
  await shot(ui, 'ui-violation.png', '?scenario=teeth-vote-without-log-check&seed=2', async (page) => {
    await page.getByTestId('verdict').click();
    await page.getByTestId('violation').waitFor();
    await settled(page);
  });
  await shot(ui, 'ui-metrics.png', '?scenario=retry-storm&seed=1&t=3600ms', async (page) => {
    await page.getByTestId('metrics-tab').click();
  });
  await shot(ui, 'ui-interventions.png', '?scenario=raft-kv-basic&seed=7&t=1500ms', async (page) => {
    await page.locator('g.node[data-node="4"] circle.body').click();
    await page.getByTestId('node-popover').locator('[data-action="crash"]').click();
    await settled(page);
    await page.locator('g.node[data-node="0"] circle.body').click();
    await page.locator('g.node[data-node="3"] circle.body').click({ modifiers: ['Shift'] });
    await page.getByTestId('link-popover').locator('[data-action="cut"]').click();
    await settled(page);
    await page.getByTestId('session-tab').click();
    await shownHash(page, 60_000);
  });
  await shot(ui, 'ui-mapek.png', '?scenario=mapek-crash&seed=1&t=9s', async (page) => {
    await page.getByTestId('mapek-tab').click();
    await page.getByTestId('mapek-mttr').waitFor();
  });
  await shot(ui, 'ui-small.png', '?scenario=raft-kv-basic&seed=42&t=2s', undefined, { width: 800, height: 600 });
  console.log(`wrote ${written.map((n) => `docs/${n}`).join(', ')}`);
} finally {
  await ui.close();
}
