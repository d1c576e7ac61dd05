// Turns scenario text (YAML or JSON) into a validated Scenario or a full list of problems.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { healUs, lastHealUs } from '../faults/schedule.ts';
import { formatDuration } from './duration.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

export interface Problem {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(root)' : out;
}

/** Checks semantic rules the schema cannot see: node indices in range, ordering. */
function semanticProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const n = s.topology.nodes;
  s.faults.forEach((f, i) => {
    const nodes: [string, number][] = [];
    if ('node' in f) nodes.push(['node', f.node]);
    if ('bridge' in f) nodes.push(['bridge', f.bridge]);
    for (const key of ['groups', 'from', 'to', 'left', 'right', 'nodes'] as const) {
      const v = (f as Record<string, unknown>)[key];
      if (Array.isArray(v)) v.flat().forEach((x: number, j: number) => nodes.push([`${key}[${j}]`, x]));
    }
    for (const [where, x] of nodes) {
      if (x >= n) problems.push({ path: `faults[${i}].${where}`, message: `node ${x} is out of range: the topology has ${n} nodes (0..${n - 1})` });
    }
    if (f.at > s.duration) problems.push({ path: `faults[${i}].at`, message: `is after the end of the run (duration ${s.duration} µs)` });
    if (f.kind === 'leader') problems.push(...leaderProblems(s, f, `faults[${i}]`));
  });
  return [...problems, ...phaseProblems(s)];
}

function leaderProblems(s: Scenario, f: Extract<Scenario['faults'][number], { kind: 'leader' }>, path: string): Problem[] {
  const out: Problem[] = [];
  if (s.workload !== 'raft-kv' && s.workload !== 'load-kv') out.push({ path: `${path}.kind`, message: `a leader fault needs a workload with a leader (raft-kv or load-kv), not ${s.workload}` });
  if ((f.do === 'pause' || f.do === 'isolate' || f.do === 'throttle') && f.duration === undefined) out.push({ path: `${path}.duration`, message: `leader ${f.do} needs a duration like "2s"` });
  if (f.do === 'throttle' && f.factor === undefined) out.push({ path: `${path}.factor`, message: 'leader throttle needs a factor >= 1, e.g. 20' });
  return out;
}

/**
 * The liveness phase starts when the last fault heals and needs `liveness.within` before
 * the run ends; a scenario that leaves no room for it could never be judged, so it is
 * rejected rather than silently checked at the wrong time. A fault that lasts exactly
 * until the end of the run (as the UI exports an intervention "until the end") is never
 * healed inside the run, so it asks for no liveness phase of its own.
 */
function phaseProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const within = s.liveness.within;
  const heal = lastHealUs(s.faults.filter((f) => healUs(f) !== s.duration || !('duration' in f) || f.duration === undefined));
  if (heal + within > s.duration) {
    problems.push({ path: 'duration', message: `leaves no room for the liveness phase: the last fault heals at ${formatDuration(heal)} and liveness.within is ${formatDuration(within)}, so the run must last at least ${formatDuration(heal + within)} (it lasts ${formatDuration(s.duration)})` });
  }
  const sw = s.swarm;
  if (sw !== undefined) {
    const swarmHeal = sw.window[1] + sw.duration[1];
    if (swarmHeal + within > s.duration) {
      problems.push({ path: 'swarm.window', message: `leaves no room for the liveness phase: swarm faults may heal as late as ${formatDuration(swarmHeal)} (window end + longest duration) and liveness.within is ${formatDuration(within)}, so the run must last at least ${formatDuration(swarmHeal + within)} (it lasts ${formatDuration(s.duration)})` });
    }
    if (sw.kinds.includes('bridge') && s.topology.nodes < 3) problems.push({ path: 'swarm.kinds', message: 'bridge needs at least 3 nodes' });
  }
  return problems;
}

export function validateScenario(doc: unknown): ParseResult {
  const r = scenarioSchema.safeParse(doc);
  if (!r.success) return { ok: false, problems: r.error.issues.map((i: z.core.$ZodIssue) => ({ path: formatPath(i.path), message: i.message })) };
  const problems = semanticProblems(r.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, scenario: r.data };
}

export function parseScenarioText(text: string, fileName: string): ParseResult {
  let doc: unknown;
  try {
    doc = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(syntax)';
    return { ok: false, problems: [{ path: where, message: `not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}` }] };
  }
  return validateScenario(doc);
}
