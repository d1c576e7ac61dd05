// Loads a raft-kv fixture scenario with one built-in bug flag (or none), and the checks a
// seed of it violates (run in-process, as `faultline run` does). Shared by the teeth tests
// of the aimed nemeses and of disk time.
import { readFileSync } from 'node:fs';
import { materialize } from '../../sim/faults/swarm.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import type { RaftSpec } from '../../sim/workloads/kvSections.ts';
import type { RaftKvScenario } from '../../sim/workloads/raftKv.ts';

export function raftFixture(file: string, bug: RaftSpec['bugs'][number] | null): Scenario {
  const p = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!p.ok) throw new Error(`${file}: ${JSON.stringify(p.problems)}`);
  const s = p.scenario as RaftKvScenario;
  return { ...s, raft: { ...s.raft, bugs: bug === null ? [] : [bug] } } as Scenario;
}

/** The distinct checks seed `seed` of `s` violates. */
export function violatedChecks(s: Scenario, seed: number): string[] {
  return [...new Set(runScenario(materialize(s, seed), seed).report.violations.map((v) => v.check))];
}
