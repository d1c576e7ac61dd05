// Goal: `faultline ui --workload FILE --scenario FILE` shows a user's workload in the page,
// in one thread and across Web Workers, with the hash the CLI computes. Method: serve the
// UI through the CLI's serveUi with the gossip fixture, open the scenario in Chromium,
// and compare the page's full-run hash and the lockstep page's two hashes with Node's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi } from '../../cli/serve.ts';
import { loadWorkloadFiles } from '../../cli/workloadFlag.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import { openPage, REPO_ROOT, shownHash, startUi, type Ui } from './harness.ts';

const DIR = join(REPO_ROOT, 'test/fixtures/workloads');
const MODULE = join(DIR, 'gossip.ts');
const SCENARIO = join(DIR, 'gossip.yaml');

let ui: Ui;
let nodeHash: string;
beforeAll(async () => {
  await loadWorkloadFiles([MODULE], REPO_ROOT);
  const text = readFileSync(SCENARIO, 'utf8');
  const parsed = parseScenarioText(text, 'gossip.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  nodeHash = runScenario(parsed.scenario, 3).report.traceHash;
  const server = await serveUi({
    port: 0, host: '127.0.0.1', query: '',
    user: { workloads: [{ file: MODULE, arg: './gossip.ts' }], scenarios: [{ fileName: 'gossip.yaml', text, ref: './gossip.yaml' }] },
  }, () => {});
  ui = await startUi(server);
}, 60_000);
afterAll(async () => { await ui?.close(); });

describe("a user's workload in the browser", () => {
  it('the page runs it with the CLI hash, its role colour and metric, and a replay command naming the module', async () => {
    const { page, errors } = await openPage(ui, '?scenario=gossip&seed=3');
    expect(await shownHash(page)).toBe(nodeHash);
    await page.getByTestId('session-tab').click();
    await expect.poll(() => page.locator('code.replay').textContent()).toBe('npx faultline run --workload ./gossip.ts --scenario ./gossip.yaml --seed 3');
    expect(await page.locator('select.metric').inputValue()).toBe('best');
    await expect.poll(() => page.locator('g.node[data-role="gossiper"] circle.body').first().getAttribute('stroke')).toBe('#23895b');
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 60_000);

  it('the lockstep page gives the same hash across two Web Workers', async () => {
    const { page, errors } = await openPage(ui, 'lockstep.html?scenario=gossip&seed=3&workers=2');
    const out = page.locator('#out');
    await out.and(page.locator('[data-result], [data-error]')).waitFor({ timeout: 40_000 });
    expect(await out.getAttribute('data-error')).toBeNull();
    const r = JSON.parse((await out.getAttribute('data-result')) as string);
    expect([r.inProcessHash, r.workersHash]).toEqual([nodeHash, nodeHash]);
    expect(errors, errors.join('\n')).toEqual([]);
    await page.close();
  }, 60_000);
});
