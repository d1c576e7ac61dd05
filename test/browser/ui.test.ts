// Goal: the page a user opens works end to end in a real browser: it loads without
// console errors, runs a scenario to its end, shows the CLI's trace hash for the same seed,
// pauses, steps and scrubs, crashes a clicked node, and exports a session that the CLI's
// code path replays to the hash the page shows.
// Method: a Vite dev server started in-process and Debian's Chromium driven by
// playwright-core (test/browser/harness.ts). Expected hashes are computed here in Node
// with the CLI's own functions (parseScenarioText, runScenario); the page is driven only
// through what a user can click or press, and read through what it displays.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/runScenario.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { clickTimeline, openPage, REPO_ROOT, shownHash, shownTimeUs, startUi, waitForTime, type Ui } from './harness.ts';

function load(name: string): Scenario {
  const r = parseScenarioText(readFileSync(`${REPO_ROOT}scenarios/${name}.yaml`, 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  return r.scenario;
}

/** The time on screen once two reads 150 ms apart agree (at most ~3 s). */
async function settledTimeUs(page: Page): Promise<number> {
  let last = await shownTimeUs(page);
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(150);
    const now = await shownTimeUs(page);
    if (now === last) return now;
    last = now;
  }
  return last;
}

describe('the browser UI', () => {
  let ui: Ui;
  const crashScenario = load('heartbeat-crash');
  const cliHash42 = runScenario(crashScenario, 42).report.traceHash;

  beforeAll(async () => {
    ui = await startUi();
  });

  afterAll(async () => {
    await ui?.close();
  });

  it('loads without console errors, runs to the end, and shows the CLI hash for the seed', async () => {
    const { page, errors } = await openPage(ui, '?scenario=heartbeat-crash&seed=42');
    expect(await shownHash(page)).toBe(cliHash42);
    await page.locator('body').click({ position: { x: 5, y: 795 } });
    for (let i = 0; i < 20; i++) await page.keyboard.press(']');
    await expect.poll(() => page.getByTestId('speed').inputValue()).toBe('16');
    await page.keyboard.press(' ');
    expect(await waitForTime(page, `t === ${crashScenario.duration}`)).toBe(crashScenario.duration);
    expect(await page.getByTestId('hash-so-far').textContent()).toBe(cliHash42);
    expect(await page.getByTestId('verdict').textContent()).toBe('PASS');
    expect(await page.getByTestId('play').textContent()).toContain('Play');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('pauses, steps to the next event and scrubs to any moment', async () => {
    const { page, errors } = await openPage(ui, '?scenario=heartbeat-crash&seed=42&t=1s');
    await waitForTime(page, 't === 1000000');
    await page.getByTestId('play').click();
    const playing = await waitForTime(page, 't > 1002000');
    await page.getByTestId('play').click();
    // A frame the worker was already computing when pause was clicked still lands (and the
    // URL follows it): read the time once it has stopped moving, then hold it to that.
    const paused = await settledTimeUs(page);
    expect(paused).toBeGreaterThanOrEqual(playing);
    await page.waitForTimeout(300);
    expect(await shownTimeUs(page)).toBe(paused);

    await page.getByTestId('step').click();
    const stepped = await waitForTime(page, `t > ${paused}`);
    expect(stepped - paused).toBeLessThan(100_000);
    await page.keyboard.press('ArrowRight');
    expect(await waitForTime(page, `t >= ${stepped}`)).toBeGreaterThanOrEqual(stepped);

    await clickTimeline(page, 7_500_000, crashScenario.duration);
    const late = await waitForTime(page, 't > 7000000');
    expect(Math.abs(late - 7_500_000)).toBeLessThan(100_000);
    await clickTimeline(page, 3_500_000, crashScenario.duration);
    const early = await waitForTime(page, 't < 4000000');
    expect(Math.abs(early - 3_500_000)).toBeLessThan(100_000);
    await expect.poll(() => page.locator('g.node[data-node="2"]').getAttribute('data-status')).toBe('down');
    expect(page.url()).toContain(`t=${early / 1000}ms`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('crashes a clicked node, and the exported session replays in the CLI to the hash on the page', async () => {
    const { page, errors } = await openPage(ui, '?scenario=heartbeat-crash&seed=42&t=1s');
    await waitForTime(page, 't === 1000000');
    expect(await shownHash(page)).toBe(cliHash42);
    await page.locator('g.node[data-node="3"] circle.body').click();
    await page.getByTestId('node-popover').locator('[data-action="crash"]').click();
    await expect.poll(() => page.locator('g.node[data-node="3"]').getAttribute('data-status')).toBe('down');
    await expect.poll(() => page.getByTestId('node-status').textContent()).toBe('down');
    await page.waitForFunction((old) => {
      const h = document.querySelector('[data-testid="trace-hash"]')?.textContent ?? '';
      return /^[0-9a-f]{16}$/.test(h) && h !== old;
    }, cliHash42);
    const shown = await shownHash(page);
    expect(page.url()).toContain('i=');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export').click()]);
    expect(download.suggestedFilename()).toBe('heartbeat-crash-session.yaml');
    const text = readFileSync(await download.path(), 'utf8');
    const parsed = parseScenarioText(text, download.suggestedFilename());
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.scenario.faults.at(-1)).toEqual({ at: 1_000_000, kind: 'crash', node: 3 });
    expect(runScenario(parsed.scenario, 42).report.traceHash).toBe(shown);

    // The exported file, uploaded back into the page, runs to the same hash.
    await page.getByTestId('upload').setInputFiles(await download.path().then((p) => ({ name: 'my-session.yaml', mimeType: 'application/yaml', buffer: Buffer.from(readFileSync(p)) })));
    await expect.poll(() => page.getByTestId('scenario').inputValue()).toBe('my-session');
    await page.waitForFunction(() => /^[0-9a-f]{16}$/.test(document.querySelector('[data-testid="trace-hash"]')?.textContent ?? ''));
    expect(await shownHash(page)).toBe(shown);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('reproduces a shared link: scenario, seed, time and interventions', async () => {
    const search = '?scenario=heartbeat-crash&seed=42&t=2500ms&i=' + encodeURIComponent(JSON.stringify([{ at: 1_000_000, kind: 'crash', node: 3 }]));
    const { page, errors } = await openPage(ui, search);
    expect(await waitForTime(page, 't === 2500000')).toBe(2_500_000);
    const expected = runScenario({ ...crashScenario, faults: [...crashScenario.faults, { at: 1_000_000, kind: 'crash', node: 3 }] }, 42).report.traceHash;
    expect(await shownHash(page)).toBe(expected);
    expect(await page.locator('g.node[data-node="3"]').getAttribute('data-status')).toBe('down');
    expect(await page.locator('g.node[data-node="2"]').getAttribute('data-status')).toBe('down');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a run whose check could not decide as INCONCLUSIVE (not a pass), with the reason, as the CLI does', async () => {
    // raft-kv-basic cut to 8 s with a liveness bound after the clients stop: liveness cannot decide.
    const text = readFileSync(`${REPO_ROOT}scenarios/raft-kv-basic.yaml`, 'utf8')
      .replace(/^name: .*$/m, 'name: kv-late-liveness').replace(/^duration: .*$/m, 'duration: 8s')
      .replace(/^ {2}- \{ at: 6s.*\n/m, '').replace(/^liveness: .*$/m, 'liveness: { within: 3s }');
    const parsed = parseScenarioText(text, 'kv-late-liveness.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const cli = runScenario(parsed.scenario, 1).report;
    expect(cli.verdict).toBe('inconclusive');
    const { page, errors } = await openPage(ui, '?scenario=heartbeat-crash&seed=1');
    await shownHash(page);
    await page.getByTestId('upload').setInputFiles({ name: 'kv-late-liveness.yaml', mimeType: 'application/yaml', buffer: Buffer.from(text) });
    await expect.poll(() => page.getByTestId('scenario').inputValue()).toBe('kv-late-liveness');
    await expect.poll(() => page.getByTestId('verdict').textContent(), { timeout: 30_000 }).toBe('INCONCLUSIVE');
    expect(await shownHash(page)).toBe(cli.traceHash);
    expect(await page.getByTestId('verdict').getAttribute('title')).toMatch(/^liveness: the liveness bound .* falls after the clients stop/);
    expect(await page.getByTestId('verdict-live').textContent()).toBe('Verdict: inconclusive, 1 check could not decide');
    await page.getByTestId('session-tab').click();
    expect(await page.getByTestId('inconclusive').textContent()).toContain('liveness inconclusive: the liveness bound');
    expect(errors).toEqual([]);
    await page.close();
  });
});
