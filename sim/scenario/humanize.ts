// Writes a parsed value back in the units a person would type: every number that a schema
// reads as a duration becomes "1.5s"-style text again, wherever it sits in the value.
//
// Contract: `schema.parse(humanizeDurations(schema, v))` equals `v` for any `v` the schema
// produced: only numbers in duration positions change, and formatDuration is exact. It
// walks the schema and the value together (objects, records, arrays, defaults, optionals),
// so a workload's own sections are written readably with no list of keys to maintain.
import type { z } from 'zod';
import { formatDuration } from './duration.ts';
import { isDurationSchema } from './schema.ts';

interface Def {
  type: string;
  innerType?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

export function humanizeDurations(schema: z.ZodType, value: unknown): unknown {
  if (isDurationSchema(schema)) return typeof value === 'number' ? formatDuration(value) : value;
  const def = defOf(schema);
  switch (def.type) {
    case 'default':
    case 'prefault':
    case 'optional':
    case 'nullable':
      return value === undefined || value === null ? value : humanizeDurations(def.innerType as z.ZodType, value);
    case 'pipe':
      return humanizeDurations(def.out as z.ZodType, value);
    case 'object': {
      if (value === null || typeof value !== 'object') return value;
      const shape = def.shape as Record<string, z.ZodType>;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, Object.hasOwn(shape, k) ? humanizeDurations(shape[k], v) : v]));
    }
    case 'record':
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, humanizeDurations(def.valueType as z.ZodType, v)]));
    case 'array':
      return Array.isArray(value) ? value.map((v) => humanizeDurations(def.element as z.ZodType, v)) : value;
    default:
      return value;
  }
}
