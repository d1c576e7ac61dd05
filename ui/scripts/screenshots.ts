// Takes the UI screenshots in docs/ at 1280x800: the cluster view, a Raft node's panel,
// the guided tour, a session with interventions, and the nine-node cluster.
//
// Run: npx tsx ui/scripts/screenshots.ts   (needs /usr/bin/chromium; see test/browser/harness.ts)
import type { Page } from 'playwright-core';
import { openPage, REPO_ROOT, shownHash, startUi, waitForTime } from '../../test/browser/harness.ts';

const out = (name: string): string => `${REPO_ROOT}docs/${name}`;

async function settle(page: Page): Promise<void> {
  await shownHash(page);
  await page.waitForTimeout(400);
}

const ui = await startUi();
try {
  {
    const { page } = await openPage(ui, '?scenario=heartbeat-crash&seed=42&t=3602500us');
    await waitForTime(page, 't === 3602500');
    await settle(page);
    await page.screenshot({ path: out('ui-cluster.png') });
    await page.close();
  }
  {
    const { page } = await openPage(ui, '?scenario=raft-kv-basic&seed=42&t=2s');
    await waitForTime(page, 't === 2000000');
    await settle(page);
    const leader = page.locator('g.node[data-role="leader"] circle.body').first();
    await leader.click();
    await page.keyboard.press('Escape');
    await leader.click();
    await page.mouse.move(5, 790);
    await page.waitForTimeout(300);
    await page.screenshot({ path: out('ui-raft.png') });
    await page.close();
  }
  {
    const { page } = await openPage(ui, '?scenario=heartbeat-crash&seed=42');
    await settle(page);
    await page.getByRole('button', { name: 'Guided tour' }).click();
    for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Next ›' }).click();
    await waitForTime(page, 't === 3600000');
    await page.waitForTimeout(400);
    await page.screenshot({ path: out('ui-tour.png') });
    await page.close();
  }
  {
    const { page } = await openPage(ui, '?scenario=heartbeat-crash&seed=42&t=1500ms');
    await waitForTime(page, 't === 1500000');
    await settle(page);
    await page.locator('g.node[data-node="1"] circle.body').click();
    await page.getByTestId('node-popover').locator('[data-action="pause"]').click();
    await waitForTime(page, 't === 1500000');
    await page.locator('g.link[data-link="0-3"] line.hit').click({ force: true });
    await page.getByTestId('link-popover').locator('[data-action="cut"]').click();
    await page.locator('g.link[data-link="3-4"] line.hit').click({ force: true });
    await page.getByTestId('link-popover').locator('[data-action="slow"]').click();
    await page.getByTestId('session-tab').click();
    await settle(page);
    await page.screenshot({ path: out('ui-interventions.png') });
    await page.close();
  }
  {
    const { page } = await openPage(ui, '?scenario=heartbeat-nine&seed=1&t=5400ms');
    await waitForTime(page, 't === 5400000');
    await settle(page);
    await page.getByTestId('play').click();
    await page.waitForTimeout(1_200);
    await page.screenshot({ path: out('ui-nine.png') });
    await page.close();
  }
  console.log('wrote docs/ui-cluster.png, ui-raft.png, ui-tour.png, ui-interventions.png, ui-nine.png');
} finally {
  await ui.close();
}
