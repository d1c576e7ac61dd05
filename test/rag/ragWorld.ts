// Test helper: a rag scenario from a few overrides (small corpus slices, short runs),
// validated like a scenario file and run with runScenario, as `faultline run` does.
import { runScenario, type RunReport } from '../../sim/run/runScenario.ts';
import { validateScenario } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import type { World } from '../../sim/world/world.ts';

export interface RagRun {
  world: World;
  report: RunReport;
  hash: string;
  stats: Record<string, number | string>;
  checks: string[];
}

export function ragScenario(rag: Record<string, unknown>, extra: Record<string, unknown> = {}): Scenario {
  const doc = {
    name: 'rag-test', description: 'a rag test', workload: 'rag',
    topology: { nodes: 3, link: { latency: { kind: 'uniform', min: 1000, max: 3000 } } },
    duration: 4_000_000, liveness: { within: 800_000 }, rag, ...extra,
  };
  const r = validateScenario(doc);
  if (!r.ok) throw new Error(r.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  return r.scenario;
}

export function runRag(s: Scenario, seed: number): RagRun {
  const { report, world } = runScenario(s, seed);
  return { world, report, hash: report.traceHash, stats: report.stats, checks: report.violations.map((v) => v.check) };
}
