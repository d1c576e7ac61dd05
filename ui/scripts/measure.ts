// Measures the UI in Chromium: the frame rate while animating the nine-node cluster, and
// how long a scrub to the end of a ten-minute simulated run takes (a full replay).
//
// Run: npx tsx ui/scripts/measure.ts   (needs /usr/bin/chromium; see test/browser/harness.ts)
import type { Page } from 'playwright-core';
import { openPage, shownHash, shownTimeUs, startUi, waitForTime } from '../../test/browser/harness.ts';

/** Counts animation frames and long frames (> 50 ms) in the page for `ms`. */
// The counter is sent as source text: tsx rewrites functions it compiles (adding helpers
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

/** Counts animation frames and long frames (> 50 ms) in the page for `ms`. */
async function frameRate(page: Page, ms: number): Promise<{ fps: number; longFrames: number; worstMs: number }> {
  return page.evaluate(`(${FRAME_COUNTER})(${ms})`);
}

async function fpsShown(page: Page): Promise<string> {
  return (await page.locator('.transport .stats span').nth(2).textContent()) ?? '';
}

const ui = await startUi();
try {
  const { page, errors } = await openPage(ui, '?scenario=heartbeat-nine&seed=1&t=4s');
  await waitForTime(page, 't === 4000000');
  await shownHash(page);
  for (const [label, presses] of [['0.05×', 0], ['1×', 3]] as const) {
    for (let i = 0; i < presses; i++) await page.keyboard.press(']');
    await page.keyboard.press(' ');
    await page.waitForTimeout(500);
    const r = await frameRate(page, 3_000);
    const worker = await fpsShown(page);
    await page.keyboard.press(' ');
    console.log(`heartbeat-nine at ${label}: ${r.fps.toFixed(1)} animation frames/s, worker frames ${worker}, ${r.longFrames} frames > 50 ms, worst ${r.worstMs.toFixed(0)} ms`);
    await page.keyboard.press('Home');
    await waitForTime(page, 't === 0');
  }
  await page.close();

  const { page: p2, errors: e2 } = await openPage(ui, '?scenario=raft-idle&seed=1');
  const hash = await shownHash(p2, 60_000);
  for (let i = 0; i < 2; i++) {
    await p2.keyboard.press('Home');
    await waitForTime(p2, 't === 0');
    const t0 = Date.now();
    await p2.keyboard.press('End');
    await waitForTime(p2, 't === 600000000', 60_000);
    const wall = Date.now() - t0;
    const seekMs = await p2.locator('.transport .stats span').nth(3).textContent();
    console.log(`raft-idle (10 min simulated): scrub to the end took ${wall} ms wall (worker says: ${seekMs}); hash ${hash}`);
  }
  await p2.keyboard.press('Home');
  await waitForTime(p2, 't === 0');
  for (let i = 0; i < 20; i++) await p2.keyboard.press(']');
  await p2.keyboard.press(' ');
  await p2.waitForTimeout(300);
  const sim0 = await shownTimeUs(p2);
  const r = await frameRate(p2, 3_000);
  const sim1 = await shownTimeUs(p2);
  await p2.keyboard.press(' ');
  console.log(`raft-idle at max speed: ${r.fps.toFixed(1)} animation frames/s, ${r.longFrames} frames > 50 ms, ${((sim1 - sim0) / 1e6 / 3).toFixed(1)} simulated s per wall s`);
  console.log('console errors:', [...errors, ...e2]);
  await p2.close();
} finally {
  await ui.close();
}
