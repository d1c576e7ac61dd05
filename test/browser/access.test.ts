// Goal: the UI works on any screen and for any hand (issue 15): no sideways scrolling at
// 800x600 with the panels stacked; nodes and links operable by keyboard, beyond ten nodes
// too; proper tabs, headings and a live region for the verdict; prefers-reduced-motion
// honoured; and axe-core finds no serious or critical accessibility violation.
// Method: the production build and Debian's Chromium (test/browser/harness.ts), one browser
// for the file; axe-core (the pinned npm package) is injected into the page and run there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, openPage, serious, settled, shownHash, startUi, waitForTime, type Ui } from './harness.ts';

let ui: Ui;
beforeAll(async () => { ui = await startUi(); }, 120_000);
afterAll(async () => { await ui?.close(); });

describe('any screen, any hand', () => {
  it('has no serious or critical axe-core violation on each view, headings, and a live region for the verdict', async () => {
    const { page, errors } = await openPage(ui, '?scenario=raft-kv-basic&seed=42&t=2s');
    await shownHash(page);
    await settled(page);
    expect(await page.locator('h1').textContent()).toContain('faultline');
    expect(await page.locator('h2').count()).toBeGreaterThanOrEqual(3);
    const live = page.getByTestId('verdict-live');
    expect(await live.getAttribute('aria-live')).toBe('polite');
    await expect.poll(() => live.textContent()).toBe('Verdict: pass, every check holds');
    const found: string[] = serious(await axeViolations(page));
    for (const tab of ['replicated-log', 'metrics', 'session']) {
      await page.getByTestId(`${tab}-tab`).click();
      found.push(...serious(await axeViolations(page)));
    }
    await page.locator('g.node[data-node="1"] circle.body').click();
    await page.getByTestId('inspect-tab').click();
    found.push(...serious(await axeViolations(page)));
    expect(found).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits 800x600 with no sideways scrolling: the side panel stacks below the cluster', async () => {
    const { page, errors } = await openPage(ui, '?scenario=raft-kv-basic&seed=42&t=1s', { viewport: { width: 800, height: 600 } });
    await settled(page);
    const width = await page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth));
    expect(width).toBeLessThanOrEqual(800);
    const stage = await page.locator('section.stage').boundingBox();
    const side = await page.locator('aside.side').boundingBox();
    if (stage === null || side === null) throw new Error('the stage or the side panel is missing');
    expect(side.y).toBeGreaterThanOrEqual(stage.y + stage.height - 1);
    expect(side.x + side.width).toBeLessThanOrEqual(800);
    for (const n of [0, 1, 2, 3, 4]) {
      const b = await page.locator(`g.node[data-node="${n}"] circle.body`).boundingBox();
      expect(b !== null && b.x >= 0 && b.x + b.width <= 800).toBe(true);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('selects nodes and links by keyboard in a ten-node cluster, and the tabs follow the arrow keys', async () => {
    const { page, errors } = await openPage(ui, '?scenario=load-2x&seed=1&t=500ms');
    await settled(page);
    expect(await page.locator('g.node[tabindex="0"][role="button"]').count()).toBe(10);
    // Node 9 has no number key; Tab reaches it, and Enter selects it.
    await page.locator('g.node[data-node="8"]').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-node'))).toBe('9');
    await page.keyboard.press('Enter');
    await page.getByTestId('node-popover').waitFor();
    expect(await page.locator('g.node[data-node="9"]').getAttribute('aria-pressed')).toBe('true');
    // With n9 selected, Shift+Enter on another node picks the link between them.
    await page.locator('g.node[data-node="3"]').focus();
    await page.keyboard.press('Shift+Enter');
    await page.getByTestId('link-popover').waitFor();
    expect(await page.getByTestId('link-popover').textContent()).toContain('n3 ↔ n9');
    // The inspector picks a link from a selected node too.
    await page.locator('g.node[data-node="0"]').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('link-picker').selectOption('4');
    expect(await page.getByTestId('link-popover').textContent()).toContain('n0 ↔ n4');
    // Tabs: arrow keys move the selection, and the panel follows.
    await page.getByTestId('inspect-tab').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByTestId('replicated-log-tab').getAttribute('aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('replicated-log-tab');
    expect(await page.locator('[role="tabpanel"]').getAttribute('aria-labelledby')).toBe('tab-replicated-log');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('honours prefers-reduced-motion: a tour step jumps to its end instead of playing', async () => {
    const { page, errors } = await openPage(ui, '?scenario=raft-kv-basic&seed=42', { reducedMotion: 'reduce' });
    await settled(page);
    await page.getByTestId('tour-start').selectOption('election');
    await page.getByTestId('tour').waitFor();
    await page.getByTestId('tour-next').click();
    expect(await waitForTime(page, 't === 166000')).toBe(166_000);
    expect(await page.getByTestId('play').textContent()).toContain('Play');
    const transition = await page.locator('g.link line.traffic').first().evaluate((e) => getComputedStyle(e).transitionDuration);
    expect(transition).toBe('0s');
    expect(errors).toEqual([]);
    await page.close();
  });
});
