// Writes a Scenario back as a scenario file (YAML) that parses to the same Scenario: the
// one writer behind `faultline shrink`'s output and the UI's "Export". (It replaces
// cli/scenarioYaml.ts and sim/scenario/humanize.ts, which wrote every default.)
//
// Contract: parseScenarioText(scenarioToYaml(s)) gives back s (minus a swarm section,
// which must be materialized first). The file says only what differs from the defaults
// the schema fills in (a value equal to its field's default is left out, however deep),
// and every duration is written in human units ("1.5s"), never as raw µs. Defaults are
// read from the schemas themselves, so a workload's own sections need no list of keys.
// Each fault is one flow-style line, as in the catalogue.
import { Document, isMap, isSeq, Scalar, visit } from 'yaml';
import type { z } from 'zod';
import { workloadOf } from '../workloads/registry.ts';
import { formatDuration } from './duration.ts';
import { scenarioSchemaFor } from './parse.ts';
import type { Scenario } from './schema.ts';
import { isDurationSchema } from './schema.ts';

type Doc = Record<string, unknown>;

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Doc)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Doc)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Doc)[k], (b as Doc)[k]));
}

/** The value a field takes when a file leaves it out, or `absent` when it must be written. */
const absent = Symbol('absent');
function defaultOf(schema: z.ZodType): unknown {
  const r = schema.safeParse(undefined);
  return r.success ? r.data : absent;
}

/** The object schema of a discriminated union's member that `value` belongs to. */
function unionMember(def: Def, value: unknown): z.ZodType | undefined {
  if (def.discriminator === undefined || value === null || typeof value !== 'object') return undefined;
  const tag = (value as Doc)[def.discriminator];
  return def.options?.find((o) => {
    const field = defOf(o).shape?.[def.discriminator as string];
    return field !== undefined && field.safeParse(tag).success;
  });
}

/**
 * `value` as a file would say it: durations as "1.5s", and inside objects only the fields
 * whose value differs from the field's default. Walks the schema and the value together.
 */
export function writtenValue(schema: z.ZodType, value: unknown): unknown {
  if (isDurationSchema(schema)) return typeof value === 'number' ? formatDuration(value) : value;
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return value === undefined || value === null ? value : writtenValue(def.innerType as z.ZodType, value);
    case 'pipe':
      // A preprocess (in: a transform) checks its value against `out`; a transform's result is `out`'s too.
      return writtenValue((defOf(def.out as z.ZodType).type === 'transform' ? def.in : def.out) as z.ZodType, value);
    case 'object':
      return writtenObject(def.shape as Record<string, z.ZodType>, value);
    case 'union': {
      const member = unionMember(def, value);
      return member === undefined ? value : writtenValue(member, value);
    }
    case 'record':
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, writtenValue(def.valueType as z.ZodType, v)]));
    case 'array':
      return Array.isArray(value) ? value.map((v) => writtenValue(def.element as z.ZodType, v)) : value;
    default:
      return value;
  }
}

function writtenObject(shape: Record<string, z.ZodType>, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Doc = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const field = shape[k];
    if (field === undefined) { out[k] = v; continue; }
    const d = defaultOf(field);
    if (d !== absent && deepEqual(d, v)) continue;
    out[k] = writtenValue(field, v);
  }
  return out;
}

/** The scenario as the plain object a file holds (see the contract above). */
export function scenarioToDoc(s: Scenario): Doc {
  if (s.swarm !== undefined) throw new Error('scenarioToDoc: materialize the swarm section first');
  const written = writtenValue(scenarioSchemaFor(workloadOf(s)), s) as Doc;
  // The catalogue's order: what it is, where it runs, how long, what goes wrong, its settings, then the checks.
  const first = ['name', 'description', 'workload', 'topology', 'duration', 'faults'];
  const doc: Doc = {};
  for (const k of first) if (k in written) doc[k] = written[k];
  for (const [k, v] of Object.entries(written)) if (!first.includes(k) && k !== 'liveness') doc[k] = v;
  if ('liveness' in written) doc.liveness = written.liveness;
  return doc;
}

/** The scenario as YAML, after a `#` comment made of `header`'s lines. */
export function scenarioToYaml(s: Scenario, header: string): string {
  const doc = new Document(scenarioToDoc(s));
  const description = doc.get('description', true);
  if (description instanceof Scalar && String(description.value).length > 70) description.type = Scalar.BLOCK_FOLDED;
  const faults = doc.get('faults', true);
  if (isSeq(faults)) for (const item of faults.items) if (isMap(item)) item.flow = true;
  // Small flat maps (no nested maps or lists), at any depth, read best on one line.
  visit(doc, {
    Map(_, node) {
      if (node.items.length <= 5 && node.items.every((p) => !isMap(p.value) && !isSeq(p.value))) node.flow = true;
    },
  });
  const comment = header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');
  return `${comment}\n${doc.toString({ lineWidth: 90, flowCollectionPadding: false })}`;
}
