// Turns scenario text (YAML or JSON) into a validated Scenario or a full list of problems.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
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
  });
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
