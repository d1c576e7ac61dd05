// Shared setup for the browser tests and the screenshot script: a Vite dev server for the
// UI on a free port and Debian's Chromium driven by playwright-core.
//
// Contract: `startUi` fails loudly (never skips) when /usr/bin/chromium is missing, with the
// command that installs it. Every page opened through `openPage` records console errors and
// uncaught page errors, so a test can assert there were none.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const VIEWPORT = { width: 1280, height: 800 };

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Ui {
  server: ViteDevServer;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

export interface OpenedPage {
  page: Page;
  /** Console errors and uncaught exceptions seen so far. */
  errors: string[];
}

/** Starts the UI's dev server (or takes one already listening, e.g. the CLI's serveUi) and Chromium. */
export async function startUi(started?: ViteDevServer): Promise<Ui> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium`);
  }
  const server = started ?? await createServer({ configFile: `${REPO_ROOT}vite.config.ts`, logLevel: 'error', server: { port: 0, host: '127.0.0.1' } });
  if (started === undefined) await server.listen();
  const port = (server.httpServer?.address() as AddressInfo).port;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  return {
    server, browser, baseUrl: `http://127.0.0.1:${port}/`,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function openPage(ui: Ui, search: string): Promise<OpenedPage> {
  const page = await ui.browser.newPage({ viewport: VIEWPORT, acceptDownloads: true });
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

/** Clicks the timeline at simulated time `us` (the plot spans the width right of the lane labels). */
export async function clickTimeline(page: Page, us: number, endUs: number): Promise<void> {
  const box = await page.getByTestId('timeline').boundingBox();
  if (box === null) throw new Error('the timeline is not on screen');
  const gutter = 92;
  const right = 14;
  const x = box.x + gutter + ((box.width - gutter - right) * us) / endUs;
  await page.mouse.click(x, box.y + box.height - 20);
}
