// The MAPE-K manager's knowledge file on the command line: `--knowledge FILE` starts a run
// from what an earlier run learned, `--save-knowledge FILE` keeps what this run learned.
//
// Contract: the file is the JSON the manager reports (core/mapek/knowledge.ts). Loading
// validates it and puts it in the scenario's `manager.knowledge`, so the run (and its
// replay command, which names the file) depends only on the scenario, the seed and the
// file. A bad file, or the flag on a scenario without a manager, is a UsageError naming
// the file and every problem by path; nothing runs. Beyond parseKnowledge's checks, the
// file is held to what the manager of this scenario can have written: no field it does
// not write, baselines and thresholds only of the series it keeps (the canary's, and each
// gateway's), episodes whose cause, action and outcome it knows and whose target is -1
// (the cluster) or one of the nodes it looks after. Anything else would be silently unused.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { EPISODES_MAX, parseKnowledge } from '../core/mapek/knowledge.ts';
import { ACTION_KINDS, CAUSES, type Outcome } from '../core/mapek/types.ts';
import type { MapekScenario } from '../sim/mapek/schema.ts';
import type { Scenario } from '../sim/scenario/schema.ts';
import { latestKnowledge, mapekLayout } from '../sim/workloads/mapek.ts';
import { nodeSpecs } from '../sim/workloads/registry.ts';
import type { World } from '../sim/world/world.ts';
import { UsageError } from './args.ts';
import { parseJsonText, problemsMessage, readTextFile, zodProblems, type FieldProblem } from './sweepFile.ts';

const KNOWLEDGE_KEYS = ['version', 'runs', 'actions', 'baselines', 'thresholds', 'episodes'];
const OUTCOMES = ['recovered', 'failed', 'no-effect', 'aborted'] as const satisfies readonly Outcome[];
/** The series whose threshold factor the manager learns (core/mapek/manager.ts). */
const THRESHOLD_SERIES = ['canary.latency', 'gw.p99'];

const episodeSchema = z.object({
  cause: z.enum(CAUSES),
  target: z.number().int().min(-1),
  action: z.enum(ACTION_KINDS),
  outcome: z.enum(OUTCOMES),
  ttrUs: z.number().min(0),
  atUs: z.number().min(0),
  run: z.number().int().min(0),
}).strict();

/** The problems parseKnowledge does not look for, given the scenario the file is loaded into. */
function scenarioProblems(doc: Record<string, unknown>, s: Scenario): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const k of Object.keys(doc)) if (!KNOWLEDGE_KEYS.includes(k)) problems.push({ path: k, message: `unknown field: a knowledge file has ${KNOWLEDGE_KEYS.join(', ')}; remove it` });
  const layout = s.workload === 'mapek' ? mapekLayout(s as unknown as MapekScenario, nodeSpecs(s).length) : null;
  const watched = layout === null ? null : [...layout.servers, ...layout.spares, ...layout.gateways];
  const series = ['canary.latency', ...(layout?.gateways ?? []).flatMap((g) => [`gw.p99/${g}`, `gw.demand/${g}`])];
  const baselines = doc.baselines;
  if (baselines !== null && typeof baselines === 'object' && !Array.isArray(baselines)) {
    for (const k of Object.keys(baselines)) {
      if (!series.includes(k)) problems.push({ path: `baselines.${k}`, message: `unknown series: the manager of ${s.name} keeps baselines of ${series.join(', ')}` });
    }
  }
  const thresholds = doc.thresholds;
  if (thresholds !== null && typeof thresholds === 'object' && !Array.isArray(thresholds)) {
    for (const k of Object.keys(thresholds)) {
      if (!THRESHOLD_SERIES.includes(k)) problems.push({ path: `thresholds.${k}`, message: `unknown series: the manager learns thresholds of ${THRESHOLD_SERIES.join(', ')}` });
    }
  }
  if (Array.isArray(doc.episodes) && doc.episodes.length <= EPISODES_MAX) {
    doc.episodes.forEach((e: unknown, i) => {
      const r = episodeSchema.safeParse(e);
      if (!r.success) {
        if (e === null || typeof e !== 'object' || Array.isArray(e)) problems.push({ path: `episodes[${i}]`, message: `expected an episode object, got ${JSON.stringify(e)}` });
        else problems.push(...zodProblems(r.error.issues, e, `episodes[${i}]`));
        return;
      }
      const t = r.data.target;
      if (watched !== null && t !== -1 && !watched.includes(t)) {
        problems.push({ path: `episodes[${i}].target`, message: `node ${t} is not one the manager of ${s.name} looks after: expected -1 (the cluster) or one of ${watched.join(', ')} (was the file saved from another scenario?)` });
      }
      if (typeof doc.runs === 'number' && r.data.run > doc.runs) problems.push({ path: `episodes[${i}].run`, message: `is ${r.data.run}, but the file counts ${doc.runs} runs` });
    });
  }
  return problems;
}

/**
 * The scenario's manager, for `flag` (--knowledge or --save-knowledge): a scenario without
 * one, or with it off (`manager.enabled: false`, the catalogue's "-without" scenarios), is
 * refused: the knowledge would go unread, or none would be learned to save.
 */
export function managerFor(s: Scenario, flag: '--knowledge' | '--save-knowledge'): Record<string, unknown> {
  const manager = s.manager as Record<string, unknown> | undefined;
  const use = flag === '--knowledge' ? 'no manager would read the file' : 'no manager learns anything to save';
  if (manager === undefined) throw new UsageError(`${flag}: scenario ${s.name} has no manager (workload ${s.workload}), so ${use}; use a mapek scenario, or drop ${flag}`);
  if (manager.enabled === false) throw new UsageError(`${flag}: scenario ${s.name} turns its manager off (manager.enabled: false), so ${use}; use a scenario with the manager on, or drop ${flag}`);
  return manager;
}

export function withKnowledge(s: Scenario, file: string): Scenario {
  const manager = managerFor(s, '--knowledge');
  let text: string;
  try {
    text = readTextFile(file);
  } catch (e) {
    const msg = (e as Error).message;
    throw new UsageError(`--knowledge: ${msg.startsWith('cannot read ') ? msg : `cannot read ${msg}`}`);
  }
  let doc: unknown;
  try {
    doc = parseJsonText(text, file);
  } catch (e) {
    throw new UsageError(`--knowledge: ${(e as Error).message}`);
  }
  const r = parseKnowledge(doc);
  const problems: FieldProblem[] = r.ok ? [] : r.problems.map((p) => ({ path: p.slice(0, p.indexOf(': ')), message: p.slice(p.indexOf(': ') + 2) }));
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) problems.push(...scenarioProblems(doc as Record<string, unknown>, s));
  if (!r.ok || problems.length > 0) {
    throw new UsageError(problemsMessage(`--knowledge: ${file} is not a knowledge file`, problems, 'A knowledge file is what `faultline run --save-knowledge FILE` wrote for a mapek scenario; fix or remove the fields named, or save it again.'));
  }
  return { ...s, manager: { ...manager, knowledge: r.data } };
}

/** Writes what the run's manager learned; false when the run had no manager or learned nothing. */
export function saveKnowledge(world: World, file: string): boolean {
  const json = latestKnowledge(world);
  if (json === null) return false;
  writeFileSync(file, JSON.stringify(JSON.parse(json), null, 2) + '\n');
  return true;
}
