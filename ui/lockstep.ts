// The lockstep check page: the same scenario and seed in one thread and across Web Workers;
// the hashes must match (issue: determinism across threads, in the browser too).
import { runScenario } from '../sim/run/runScenario.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import { spawnWebPool } from '../sim/workers/webPool.ts';
import { prepareScenario } from '../sim/workloads/registry.ts';
import { runScenarioLockstep } from '../sim/workers/runLockstep.ts';
import { bundledCatalogue } from './lib/catalogue.ts';
import { showCheck } from './lib/checkPage.ts';
import { loadUserWorkloads } from './lib/userBundle.ts';

interface Result {
  scenario: string;
  seed: number;
  workers: number;
  inProcessHash: string;
  workersHash: string;
  events: number;
  eventsPerCall: number;
  equal: boolean;
}

async function check(): Promise<Result> {
  await loadUserWorkloads();
  const q = new URLSearchParams(location.search);
  const name = q.get('scenario') ?? 'raft-kv-basic';
  const seed = Number(q.get('seed') ?? '1');
  const workers = Number(q.get('workers') ?? '2');
  const entry = bundledCatalogue().find((c) => c.name === name);
  if (entry === undefined) throw new Error(`no catalogue scenario ${name}`);
  const parsed = parseScenarioText(entry.text, entry.fileName);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  await prepareScenario(parsed.scenario);
  const base = runScenario(parsed.scenario, seed).report;
  const ls = await runScenarioLockstep(parsed.scenario, seed, workers, spawnWebPool);
  return { scenario: name, seed, workers, inProcessHash: base.traceHash, workersHash: ls.report.traceHash, events: base.events, eventsPerCall: ls.lockstep.eventsPerCall, equal: base.traceHash === ls.report.traceHash && base.events === ls.report.events };
}

showCheck(check());
