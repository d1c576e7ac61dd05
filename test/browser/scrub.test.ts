// Goal: in the real page, once the worker's seek cache is full, scrubbing backward and
// forward through a ten-minute Raft run shows exactly the moment a straight run shows, and
// stepping on from a moment reached backward is the straight run's step.
// Method: Chromium on the production build (harness.ts) opens raft-idle seed 1, waits until
// the page says the seek cache is ready, then scrubs with End, Home and clicks on the
// timeline; at each stop it reads what the page shows (time, the trace hash so far, each
// node's role and status) and compares it with a LiveSession in Node that seeks straight to
// the same time. No timing is asserted (see `npm run ui:measure -- --scrub` for that).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import { LiveSession } from '../../ui/sim/liveSession.ts';
import type { FrameAction } from '../../ui/sim/protocol.ts';
import { clickTimeline, openPage, REPO_ROOT, settled, startUi, type Ui } from './harness.ts';

const parsed = parseScenarioText(readFileSync(`${REPO_ROOT}scenarios/raft-idle.yaml`, 'utf8'), 'raft-idle.yaml');
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const scenario = parsed.scenario;
const END = scenario.duration;

interface Shown { tUs: number; hash: string; nodes: string[] }

async function shown(page: Page): Promise<Shown> {
  const tUs = await settled(page);
  const hash = (await page.getByTestId('hash-so-far').textContent()) ?? '';
  const nodes = await page.locator('g.node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-node')}:${e.getAttribute('data-status')}:${e.getAttribute('data-role')}`));
  return { tUs, hash, nodes };
}

/** What a new session shows after seeking straight to `tUs` (then `then`). */
function straight(tUs: number, then: FrameAction[] = []): Shown {
  const s = new LiveSession({ scenario, seed: 1, interventions: [] }, () => 0);
  let f = s.frame({ action: { kind: 'seek', toUs: tUs }, selected: null, log: null });
  for (const a of then) f = s.frame({ action: a, selected: null, log: null });
  return { tUs: f.tUs, hash: f.hashSoFar, nodes: f.hosts.map((h) => `${h.id}:${h.status}:${h.role}`) };
}

describe('scrubbing a ten-minute run from the seek cache', () => {
  let ui: Ui;

  beforeAll(async () => {
    ui = await startUi();
  });

  afterAll(async () => {
    await ui?.close();
  });

  it('shows at each stop, backward and forward, what a straight run to it shows', async () => {
    const { page, errors } = await openPage(ui, '?scenario=raft-idle&seed=1');
    await settled(page);
    await page.waitForSelector('[data-testid="keyframes"][data-ready]', { timeout: 60_000 });
    expect(await page.getByTestId('keyframes').textContent()).toMatch(/^cache \d+$/);
    await page.locator('h1').click();
    await page.keyboard.press('End');
    await page.waitForFunction((end) => document.querySelector('[data-testid="time"]')?.getAttribute('data-us') === String(end), END);
    const atEnd = await shown(page);
    expect(atEnd).toEqual(straight(END));
    for (const pct of [30, 70, 45]) {
      const before = atEnd.tUs;
      await clickTimeline(page, (END * pct) / 100, END);
      await page.waitForFunction((b) => document.querySelector('[data-testid="time"]')?.getAttribute('data-us') !== String(b), before);
      const here = await shown(page);
      expect(Math.abs(here.tUs - (END * pct) / 100)).toBeLessThan(END / 50);
      expect(here).toEqual(straight(here.tUs));
    }
    // Back to the start, then a step forward: the straight run's first traced event.
    await page.locator('h1').click();
    await page.keyboard.press('Home');
    await page.waitForFunction(() => document.querySelector('[data-testid="time"]')?.getAttribute('data-us') === '0');
    const here = await shown(page);
    await page.getByTestId('step').click();
    await page.waitForFunction((h) => document.querySelector('[data-testid="hash-so-far"]')?.textContent !== h, here.hash);
    expect(await shown(page)).toEqual(straight(0, [{ kind: 'step' }]));
    expect(errors).toEqual([]);
    await page.close();
  });
});
