// Prints the trace hash of every catalogue scenario for the given seeds, one line each
// ("name seed hash"), so a refactor that must change no run can be checked before and
// after: `npx tsx test/support/catalogueHashes.ts 1 2 > before.txt`, change, run again,
// `diff before.txt after.txt`. Scenarios named in FAULTLINE_SKIP (comma-separated) are
// left out (e.g. the hour-long load run, when time is short).
import { catalogFiles, loadScenarioFile, scenarioNameOf } from '../../cli/catalog.ts';
import { materialize } from '../../sim/faults/swarm.ts';
import { runScenario } from '../../sim/run/runScenario.ts';

const seeds = process.argv.slice(2).map(Number);
const skip = new Set((process.env.FAULTLINE_SKIP ?? '').split(',').filter((x) => x !== ''));
for (const file of catalogFiles()) {
  const name = scenarioNameOf(file);
  if (skip.has(name)) continue;
  const parsed = loadScenarioFile(file);
  if (!parsed.ok) {
    console.log(`${name} invalid ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    continue;
  }
  for (const seed of seeds.length === 0 ? [1] : seeds) {
    const { report } = runScenario(materialize(parsed.scenario, seed), seed);
    console.log(`${name} ${seed} ${report.traceHash} ${report.violations.length}`);
  }
}
