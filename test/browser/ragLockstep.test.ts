// Goal: the retrieval workload runs in Chromium too, with its WebAssembly index and the real
// corpus loaded in the page and in each Web Worker, and gives the Node hash. Method: the
// lockstep check page runs teeth-rag-skip-tail (3 simulated seconds, 400 documents) in the
// page's thread and across two Web Workers; both hashes must equal Node's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogScenario } from '../../cli/catalog.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { openPage, startUi, type Ui } from './harness.ts';

let ui: Ui;
beforeAll(async () => { ui = await startUi(); }, 60_000);
afterAll(async () => { await ui?.close(); });

describe('rag in Chromium', () => {
  it('a rag scenario in the page and across two Web Workers gives the Node hash', async () => {
    const { page, errors } = await openPage(ui, 'lockstep.html?scenario=teeth-rag-skip-tail&seed=1&workers=2');
    const out = page.locator('#out');
    await out.and(page.locator('[data-result], [data-error]')).waitFor({ timeout: 90_000 });
    expect(await out.getAttribute('data-error')).toBeNull();
    const r = JSON.parse((await out.getAttribute('data-result')) as string);
    expect(r.workersHash).toBe(r.inProcessHash);
    expect(r.inProcessHash).toBe(runScenario(catalogScenario('teeth-rag-skip-tail'), 1).report.traceHash);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 120_000);
});
