// Goal: the retrieval panel shows what a user needs to see of a rag run, and looking at it
// never changes the run. Method: the page opens rag-replica-crash-ingest at 2 s (replica
// 2 is down), the Retrieval tab is clicked, a question is picked by typing words of a
// title; the panel must show each replica's index state, the cache's verdict, each up
// replica's results with the asked document first at score 1.000, and the run's latest
// answers. Then the page steps on, and its trace hash so far must equal Node's after the
// same number of events (peeking ran searches inside the WebAssembly indexes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogScenario } from '../../cli/catalog.ts';
import { buildRun } from '../../sim/run/runScenario.ts';
import { openPage, startUi, waitForTime, type Ui } from './harness.ts';

let ui: Ui;
beforeAll(async () => { ui = await startUi(); }, 60_000);
afterAll(async () => { await ui?.close(); });

describe('the retrieval panel', () => {
  it('shows replicas, the cache, results with scores and latest answers, without changing the run', async () => {
    const { page, errors } = await openPage(ui, '?scenario=rag-replica-crash-ingest&seed=1&t=2s');
    await waitForTime(page, 't >= 2000000', 90_000);
    await page.getByTestId('retrieval-tab').click();
    const replicas = page.getByTestId('rag-replicas');
    await replicas.locator('tbody tr').nth(2).waitFor({ timeout: 30_000 });
    const rows = await replicas.locator('tbody tr').allTextContents();
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/n2\s*down/);
    expect(rows[0]).toMatch(/n0\s*up/);

    await page.getByTestId('rag-query-input').fill('deploy cloud foundry');
    const first = page.getByTestId('rag-suggestion').first();
    const label = /^#(\d+)/.exec((await first.textContent()) ?? '')?.[1];
    expect(label).toBeDefined();
    await first.click();
    await page.getByTestId('rag-question').getByText(`#${label}`).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('rag-cache').textContent()).toMatch(/cache (hit|miss)/);
    const results = page.getByTestId('rag-results');
    expect(await results.locator('thead').textContent()).toMatch(/n2 · down/);
    const top = await results.locator('tbody tr').first().textContent();
    expect(top).toContain(`1.000 #${label} `);
    expect(await results.locator('tbody tr').count()).toBe(10);
    const recent = await page.getByTestId('rag-recent').locator('tbody tr').allTextContents();
    expect(recent.length).toBeGreaterThan(3);
    expect(recent.some((r) => /cache \(n\d\)|n\d @ \d+/.test(r))).toBe(true);

    for (let i = 0; i < 3; i++) await page.getByTestId('step').click();
    await page.waitForTimeout(500);
    const executed = Number(((await page.getByText(/ events$/).first().textContent()) ?? '').replace(/[^0-9]/g, ''));
    const shown = await page.getByTestId('hash-so-far').textContent();
    const { world } = buildRun(catalogScenario('rag-replica-crash-ingest'), 1, false);
    world.run({ timeUs: Infinity, eventsMax: executed });
    expect(world.kernel.executed).toBe(executed);
    expect(shown).toBe(world.trace.digest());
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 150_000);
});
