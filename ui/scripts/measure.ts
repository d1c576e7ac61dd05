// Measures the UI in Chromium and prints one JSON object: for raft-kv-basic (the default
// scenario) the time from navigation to the first drawn frame and to the verdict (the
// median of three loads after a first, cold one, which is reported too), the
// animation frame rate while playing at 1x (requestAnimationFrame in the page) and the
// worker frames per second behind it, how long a scrub to the end of a ten-minute run
// takes right after load and how long scrubs backward and forward within it take once
// the run has been simulated, and axe-core's findings by impact. `--scrub` measures the
// scrubs only.
//
// Run: npm run ui:measure   (needs /usr/bin/chromium; see test/browser/harness.ts)
// Times are wall-clock on a shared machine: compare runs made back to back, not across days.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { clickTimeline, openPage, settled, shownHash, startUi, type Ui } from '../../test/browser/harness.ts';

// Page-side code is sent as source text: tsx rewrites functions it compiles (adding helpers
// the page does not have), so a compiled function cannot be passed to page.evaluate.
const FRAME_COUNTER = `(span) => new Promise((resolve) => {
  let frames = 0, long = 0, worst = 0;
  const t0 = performance.now();
  let last = t0;
  const tick = (now) => {
    frames++;
    const d = now - last;
    if (d > 50) long++;
    worst = Math.max(worst, d);
    last = now;
    if (now - t0 < span) requestAnimationFrame(tick);
    else resolve({ fps: (frames * 1000) / (now - t0), longFrames: long, worstMs: worst });
  };
  requestAnimationFrame(tick);
})`;

async function frameRate(page: Page, ms: number): Promise<{ fps: number; longFrames: number; worstMs: number }> {
  return page.evaluate(`(${FRAME_COUNTER})(${ms})`);
}

/** Navigation to the first frame with every node drawn, and to the verdict, in page time (ms). */
async function loadTimes(ui: Ui): Promise<{ firstFrameMs: number; verdictMs: number }> {
  const { page } = await openPage(ui, '?scenario=raft-kv-basic&seed=1');
  await page.waitForFunction('document.querySelectorAll("g.node[data-status=up]").length === 8', null, { polling: 'raf', timeout: 30_000 });
  const firstFrameMs = await page.evaluate('performance.now()') as number;
  await page.waitForFunction('document.querySelector("[data-testid=verdict]") !== null', null, { polling: 'raf', timeout: 60_000 });
  const verdictMs = await page.evaluate('performance.now()') as number;
  await page.close();
  return { firstFrameMs: Math.round(firstFrameMs), verdictMs: Math.round(verdictMs) };
}

async function playback(ui: Ui): Promise<{ fps: number; longFrames: number; worstMs: number; workerFramesPerS: number; simulatedSPerS: number }> {
  const { page } = await openPage(ui, '?scenario=raft-kv-basic&seed=1&t=1s');
  await settled(page);
  await shownHash(page);
  await page.locator('h1').click();
  for (let i = 0; i < 4; i++) await page.keyboard.press(']');
  const speed = await page.locator('.speed .val').textContent();
  if (speed?.trim() !== '1×') throw new Error(`expected 1× after four presses of ], got ${speed}`);
  await page.keyboard.press(' ');
  await page.waitForTimeout(500);
  const t0 = Number(await page.getByTestId('time').getAttribute('data-us'));
  const r = await frameRate(page, 3_000);
  const t1 = Number(await page.getByTestId('time').getAttribute('data-us'));
  const worker = Number((await page.locator('.transport .stats span').nth(2).textContent())?.replace(/[^\d.]/g, '') ?? 0);
  await page.keyboard.press(' ');
  await page.close();
  return { fps: +r.fps.toFixed(1), longFrames: r.longFrames, worstMs: Math.round(r.worstMs), workerFramesPerS: worker, simulatedSPerS: +((t1 - t0) / 1e6 / 3).toFixed(2) };
}

/** How long the page takes from an action to showing a settled moment that satisfies `ok` (an expression in t, µs), ms. */
async function timed(page: Page, act: () => Promise<void>, ok: string): Promise<number> {
  const t0 = Date.now();
  await act();
  await page.waitForFunction((expr) => {
    const el = document.querySelector('[data-testid="time"]');
    if (el === null || el.hasAttribute('data-seeking') || document.querySelector('[data-testid="seek-progress"]') !== null) return false;
    return new Function('t', `return ${expr};`)(Number(el.getAttribute('data-us'))) as boolean;
  }, ok, { polling: 'raf', timeout: 120_000 });
  return Date.now() - t0;
}

/**
 * raft-idle seed 1 (ten minutes): End right after load (the run not yet simulated), then,
 * once the worker has simulated the run (the seek cache is full, when the page has one),
 * scrubs backward and forward to 0, 25 %, 50 %, 75 % and the end, by key and by clicks on
 * the timeline.
 */
async function scrub(ui: Ui): Promise<{ scrubToEndMs: number; preparedMs: number | null; scrubs: { to: string; from: string; ms: number; pageMs: number; workerMs: number }[]; worstScrubMs: number }> {
  const END = 600_000_000;
  const { page } = await openPage(ui, '?scenario=raft-idle&seed=1');
  await settled(page);
  await page.locator('h1').click();
  const scrubToEndMs = await timed(page, () => page.keyboard.press('End'), `t === ${END}`);
  // The run has now been simulated once; a page with a seek cache fills it while idle.
  const t0 = Date.now();
  const cache = page.getByTestId('keyframes');
  let preparedMs: number | null = null;
  if (await cache.count() > 0) {
    await page.waitForSelector('[data-testid="keyframes"][data-ready]', { timeout: 120_000 });
    preparedMs = Date.now() - t0;
  }
  const at = (pct: number): number => (END * pct) / 100;
  const near = (pct: number): string => `Math.abs(t - ${at(pct)}) < ${END / 100}`;
  const click = (pct: number) => async (): Promise<void> => { await clickTimeline(page, at(pct), END); };
  const plan: [string, () => Promise<void>, string][] = [
    ['0', () => page.keyboard.press('Home'), 't === 0'],
    ['25%', click(25), near(25)],
    ['75%', click(75), near(75)],
    ['50%', click(50), near(50)],
    ['end', () => page.keyboard.press('End'), `t === ${END}`],
    ['25%', click(25), near(25)],
    ['50%', click(50), near(50)],
    ['0', () => page.keyboard.press('Home'), 't === 0'],
    ['75%', click(75), near(75)],
    ['end', () => page.keyboard.press('End'), `t === ${END}`],
  ];
  const scrubs: { to: string; from: string; ms: number; pageMs: number; workerMs: number }[] = [];
  let from = 'end';
  for (const [to, act, ok] of plan) {
    await page.locator('h1').click();
    const ms = await timed(page, act, ok);
    // The page's own figures (the stats line, "12.3 ms · seek 45 ms"): the worker's time on the
    // seek's last frame, and the time from the seek to its frame's arrival in the page.
    const stats = (await page.locator('.transport .stats span').nth(3).textContent()) ?? '';
    const workerMs = Number(/^([\d.]+) ms/.exec(stats)?.[1] ?? NaN);
    const pageMs = Number(/seek (\d+) ms/.exec(stats)?.[1] ?? NaN);
    scrubs.push({ to, from, ms, pageMs, workerMs });
    from = to;
  }
  await page.close();
  return { scrubToEndMs, preparedMs, scrubs, worstScrubMs: Math.max(...scrubs.map((s) => s.ms)) };
}

async function axe(ui: Ui): Promise<Record<string, number | string[]>> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const { page } = await openPage(ui, '?scenario=raft-kv-basic&seed=42&t=2s');
  await settled(page);
  await shownHash(page);
  await page.addScriptTag({ content: source });
  const counts: Record<string, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  const rules = new Set<string>();
  for (const tab of ['inspect', 'replicated-log', 'metrics', 'session']) {
    await page.getByTestId(`${tab}-tab`).click();
    const found = await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact })))`) as { id: string; impact: string }[];
    for (const v of found) {
      counts[v.impact] = (counts[v.impact] ?? 0) + 1;
      rules.add(`${v.id} (${v.impact})`);
    }
  }
  await page.close();
  return { ...counts, views: 4, rules: [...rules] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function full(ui: Ui): Promise<object> {
  // The first load is cold (the browser compiles the bundle); the next ones are what a reload costs.
  const cold = await loadTimes(ui);
  const warm = [await loadTimes(ui), await loadTimes(ui), await loadTimes(ui)];
  const load = { firstFrameMs: median(warm.map((w) => w.firstFrameMs)), verdictMs: median(warm.map((w) => w.verdictMs)) };
  const play = await playback(ui);
  const sc = await scrub(ui);
  const a11y = await axe(ui);
  return {
    scenario: 'raft-kv-basic',
    firstFrameMs: load.firstFrameMs,
    verdictMs: load.verdictMs,
    coldLoad: cold,
    warmLoads: warm,
    targets: { firstFrameMs: 1500, verdictMs: 3000, fpsAt1x: 50, scrubMs: 200 },
    playbackAt1x: play,
    raftIdle: sc,
    axe: a11y,
  };
}

const ui = await startUi();
try {
  const out = process.argv.includes('--scrub') ? { raftIdle: await scrub(ui) } : await full(ui);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await ui.close();
}
