// Shared setup for the browser tests and the UI scripts: the UI's production build (what
// `faultline ui` serves; built once per change of the sources, see cli/uiBuild.ts) on a
// free port, and Debian's Chromium driven by playwright-core. One browser and one served
// build per test file.
//
// Contract: `startUi` fails loudly (never skips) when /usr/bin/chromium is missing, with the
// command that installs it. Every page opened through `openPage` records console errors and
// uncaught page errors, so a test can assert there were none.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveUiBuild, type UiServer } from '../../cli/uiBuild.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VIEWPORT = { width: 1280, height: 800 };

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Ui {
  server: UiServer;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/** Serves the production build (or takes a server already listening, e.g. the CLI's serveUi) and starts Chromium. */
export async function startUi(started?: UiServer): Promise<Ui> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium`);
  }
  const server = started ?? await serveUiBuild({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    server, browser, baseUrl: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  reducedMotion?: 'reduce' | 'no-preference';
}

export async function openPage(ui: Ui, search: string, opts: PageOptions = {}): Promise<OpenedPage> {
  const page = await ui.browser.newPage({ viewport: opts.viewport ?? VIEWPORT, acceptDownloads: true, reducedMotion: opts.reducedMotion ?? 'no-preference' });
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${ui.baseUrl}${search}`);
  return { page, errors };
}

/** Waits until the full-run hash is shown and returns it. */
export async function shownHash(page: Page, timeoutMs = 20_000): Promise<string> {
  const el = page.getByTestId('trace-hash');
  await page.waitForFunction(() => /^[0-9a-f]{16}$/.test(document.querySelector('[data-testid="trace-hash"]')?.textContent ?? ''), null, { timeout: timeoutMs });
  return (await el.textContent()) ?? '';
}

/** The simulated time on screen, µs. */
export async function shownTimeUs(page: Page): Promise<number> {
  return Number(await page.getByTestId('time').getAttribute('data-us'));
}

/** Waits until the time on screen satisfies `ok`. */
export async function waitForTime(page: Page, ok: string, timeoutMs = 15_000): Promise<number> {
  await page.waitForFunction((expr) => {
    const us = Number(document.querySelector('[data-testid="time"]')?.getAttribute('data-us'));
    return new Function('t', `return ${expr};`)(us) as boolean;
  }, ok, { timeout: timeoutMs });
  return shownTimeUs(page);
}

/** Waits until no seek is under way (its progress bar is gone) and returns the time on screen. */
export async function settled(page: Page, timeoutMs = 30_000): Promise<number> {
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-testid="time"]');
    return t !== null && !t.hasAttribute('data-seeking') && document.querySelector('[data-testid="seek-progress"]') === null;
  }, null, { timeout: timeoutMs });
  return shownTimeUs(page);
}

/** Whether two boxes overlap (by more than a pixel each way). */
export function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x + 1 < b.x + b.width && b.x + 1 < a.x + a.width && a.y + 1 < b.y + b.height && b.y + 1 < a.y + a.height;
}

/** Clicks the timeline at simulated time `us` (the plot spans the width right of the lane labels). */
export async function clickTimeline(page: Page, us: number, endUs: number): Promise<void> {
  const box = await page.getByTestId('timeline').boundingBox();
  if (box === null) throw new Error('the timeline is not on screen');
  const gutter = 92;
  const right = 14;
  const x = box.x + gutter + ((box.width - gutter - right) * us) / endUs;
  await page.mouse.click(x, box.y + box.height - 20);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

/** Runs axe-core in the page (WCAG 2.x A and AA rules) and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}

/** The serious and critical ones, one line each. */
export const serious = (vs: AxeViolation[]): string[] => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
