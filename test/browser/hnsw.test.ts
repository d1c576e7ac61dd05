// Goal: the WebAssembly HNSW index builds the same graph and gives the same answers in
// Chromium (page thread and Web Worker, bundled by Vite) as in Node. Method: the check page
// ui/hnsw.html runs the probe script in both browser contexts; its digests must equal each
// other and the digests Node computes for the same seed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hnsw } from '../../wasm/hnsw/load.ts';
import { runProbe } from '../../wasm/hnsw/probe.ts';
import { openPage, startUi, type Ui } from './harness.ts';

let ui: Ui;
beforeAll(async () => { ui = await startUi(); }, 60_000);
afterAll(async () => { await ui?.close(); });

describe('HNSW in Chromium', () => {
  it('the page thread and a Web Worker give the digests Node gives', async () => {
    const { page, errors } = await openPage(ui, 'hnsw.html?seed=11');
    const out = page.locator('#out');
    await out.and(page.locator('[data-result], [data-error]')).waitFor({ timeout: 40_000 });
    expect(await out.getAttribute('data-error')).toBeNull();
    const r = JSON.parse((await out.getAttribute('data-result')) as string);
    const node = runProbe(hnsw(), 11);
    expect(r.page).toEqual(node);
    expect(r.worker).toEqual(node);
    expect(r.equal).toBe(true);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 60_000);
});
