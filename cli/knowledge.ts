// The MAPE-K manager's knowledge file on the command line: `--knowledge FILE` starts a run
// from what an earlier run learned, `--save-knowledge FILE` keeps what this run learned.
//
// Contract: the file is the JSON the manager reports (core/mapek/knowledge.ts). Loading
// validates it and puts it in the scenario's `manager.knowledge`, so the run (and its
// replay command, which names the file) depends only on the scenario, the seed and the
// file. A bad file, or the flag on a scenario without a manager, is a UsageError naming
// the file and every problem; nothing runs.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseKnowledge } from '../core/mapek/knowledge.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { latestKnowledge } from '../sim/workloads/mapek.ts';
import type { World } from '../sim/world/world.ts';
import { UsageError } from './args.ts';

export function withKnowledge(s: Scenario, file: string): Scenario {
  const manager = s.manager as Record<string, unknown> | undefined;
  if (manager === undefined) throw new UsageError(`--knowledge: scenario ${s.name} has no manager (workload ${s.workload}); use a mapek scenario`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`--knowledge: cannot read ${file}: ${(e as Error).message}`);
  }
  const r = parseKnowledge(doc);
  if (!r.ok) throw new UsageError(`--knowledge: ${file} is not a knowledge file (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}):\n  ${r.problems.join('\n  ')}`);
  return { ...s, manager: { ...manager, knowledge: r.data } };
}

/** Writes what the run's manager learned; false when the run had no manager or learned nothing. */
export function saveKnowledge(world: World, file: string): boolean {
  const json = latestKnowledge(world);
  if (json === null) return false;
  writeFileSync(file, JSON.stringify(JSON.parse(json), null, 2) + '\n');
  return true;
}
