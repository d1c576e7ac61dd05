// Zod's own wording ("Invalid input: expected object, received string", "Too small: expected
// number to be >=2", "Unrecognized key") in the words a person fixing a scenario file needs:
// what the field takes, what the file gave, and the fix (the values or fields it allows, and
// the closest one when the file's looks like a typo).
//
// Contract: `issueText` only rewords zod's built-in issues; a message a schema wrote itself
// (code "custom", or any issue whose text is not zod's default) is kept as it is. The fields a
// mapping allows come from walking the schema along the issue's path, following the file's
// own values through unions (a fault's `kind` picks its schema); where the walk cannot tell,
// the message says what it can without them.
import type { z } from 'zod';

type Def = { type: string; [k: string]: unknown };
type Schema = { _zod: { def: Def } };

const defOf = (s: unknown): Def | null => (s !== null && typeof s === 'object' && '_zod' in s ? (s as Schema)._zod.def : null);

/** A value as a message shows it: short, by kind for mappings and lists, text with anything outside printable ASCII escaped (see shownKey). */
export function shownInput(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return `a list of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return shownKey(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  return JSON.stringify(v);
}

/** The value at `path` in the document, or undefined. */
export function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let v = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The schema under wrappers (defaults, optionals, preprocess and transform pipes, lazies). */
function unwrap(s: unknown): unknown {
  for (let i = 0; i < 32; i++) {
    const d = defOf(s);
    if (d === null) return s;
    if (['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional', 'success'].includes(d.type)) s = d.innerType;
    else if (d.type === 'pipe') s = defOf(d.in)?.type === 'transform' ? d.out : d.in;
    else if (d.type === 'lazy') s = (d.getter as () => unknown)();
    else return s;
  }
  return s;
}

/** The option of a union the file's value `v` is meant for: by discriminator, else the only mapping. */
function unionOption(d: Def, v: unknown): unknown {
  const options = (d.options as unknown[]) ?? [];
  const disc = d.discriminator as string | undefined;
  if (disc !== undefined && v !== null && typeof v === 'object') {
    const tag = (v as Record<string, unknown>)[disc];
    const hit = options.find((o) => literalValues(shapeOf(o)?.[disc]).includes(tag));
    if (hit !== undefined) return hit;
  }
  const mappings = options.filter((o) => shapeOf(o) !== null);
  return mappings.length === 1 ? mappings[0] : null;
}

function shapeOf(s: unknown): Record<string, unknown> | null {
  const d = defOf(unwrap(s));
  return d?.type === 'object' ? (d.shape as Record<string, unknown>) : null;
}

function literalValues(s: unknown): unknown[] {
  const d = defOf(unwrap(s));
  if (d?.type === 'literal') return d.values as unknown[];
  if (d?.type === 'enum') return Object.values(d.entries as Record<string, unknown>);
  return [];
}

/** The schema at `path`, following the document's values through unions; null when it cannot tell. */
function schemaAt(root: unknown, doc: unknown, path: readonly PropertyKey[]): unknown {
  let s = root;
  for (let i = 0; i <= path.length; i++) {
    s = unwrap(s);
    const d = defOf(s);
    if (d === null) return null;
    const here = valueAt(doc, path.slice(0, i));
    // At the end of the path a union is the answer unless the file's value picks an option.
    if (d.type === 'union' && i === path.length && (here === null || typeof here !== 'object')) return s;
    if (d.type === 'union') {
      s = unionOption(d, here);
      if (s === null) return null;
      i--;
      continue;
    }
    if (i === path.length) return s;
    const k = path[i];
    if (d.type === 'object') s = (d.shape as Record<string, unknown>)[String(k)];
    else if (d.type === 'array') s = d.element;
    else if (d.type === 'tuple') s = (d.items as unknown[])[Number(k)];
    else if (d.type === 'record') s = d.valueType;
    else return null;
    if (s === undefined) return null;
  }
  return s;
}

/** The fields the mapping at `path` takes, or null when the schema cannot tell. */
function fieldsAt(root: unknown, doc: unknown, path: readonly PropertyKey[]): string[] | null {
  const s = schemaAt(root, doc, path);
  const shape = s === null ? null : shapeOf(s);
  return shape === null ? null : Object.keys(shape);
}

/** The allowed word closest to `word` when it looks like a typo of it (a few edits away), else null. */
/** A key as a message shows it: quoted, with every character outside printable ASCII as \uXXXX (a zero-width space is otherwise invisible, a Cyrillic о reads as o). */
export function shownKey(key: string): string {
  return JSON.stringify(key).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** For a key holding a character outside printable ASCII: which, where, and the fix; else empty. */
export function nonAsciiNote(key: string): string {
  const at = key.search(/[^\x20-\x7e]/);
  if (at < 0) return '';
  return `; it holds U+${key.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at character ${at + 1}, which is not a plain letter (an invisible character, or one that looks like a Latin letter): field names are plain ASCII, so retype the name`;
}

export function closest(word: string, allowed: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = editDistance(word.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(Math.min(word.length, best.length) / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Infinity;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur.push(Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = cur;
  }
  return prev[b.length];
}

const listed = (xs: readonly unknown[]): string => xs.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');

function didYouMean(v: unknown, allowed: readonly unknown[]): string {
  if (typeof v !== 'string') return '';
  const c = closest(v, allowed.filter((x): x is string => typeof x === 'string'));
  return c === null ? '' : ` (did you mean ${c}?)`;
}

function typeWords(expected: string, fields: string[] | null, disc: { key: string; options: unknown[] } | null): string {
  switch (expected) {
    case 'object':
      if (disc !== null) return `a mapping with ${disc.key}: one of ${listed(disc.options)} (e.g. { ${disc.key}: ${String(disc.options[0])}, ... })`;
      return fields === null || fields.length === 0 ? 'a mapping of fields ({ field: value })' : `a mapping of fields (${fields.join(', ')})`;
    case 'array': return 'a list ([a, b], or one "- item" line each)';
    case 'int': return 'a whole number';
    case 'number': return 'a number';
    case 'string': return 'text';
    case 'boolean': return 'true or false';
    default: return expected;
  }
}

const bound = (i: { inclusive?: boolean }, at: string, beyond: string): string => (i.inclusive === false ? beyond : at);

/**
 * The words for one of zod's issues on a scenario document (`root` is the schema it was
 * checked against). Issues whose path is missing from the document are the caller's.
 */
export function issueText(i: z.core.$ZodIssue, doc: unknown, root: unknown): string {
  const v = valueAt(doc, i.path);
  switch (i.code) {
    case 'invalid_type': {
      if (!i.message.startsWith('Invalid input')) return i.message;
      const s = schemaAt(root, doc, i.path);
      const d = defOf(unwrap(s));
      const disc = d?.type === 'union' && typeof d.discriminator === 'string' ? { key: d.discriminator, options: (d.options as unknown[]).flatMap((o) => literalValues(shapeOf(o)?.[d.discriminator as string])) } : null;
      const fields = i.expected === 'object' ? fieldsAt(root, doc, i.path) : null;
      return `expected ${typeWords(i.expected, fields, disc)}, got ${shownInput(v)}`;
    }
    case 'invalid_union': {
      const u = i as z.core.$ZodIssueInvalidUnion & { discriminator?: string; options?: unknown[]; note?: string };
      if (u.note === 'No matching discriminator' && Array.isArray(u.options)) {
        const key = u.discriminator ?? String(i.path[i.path.length - 1] ?? 'kind');
        if (v === undefined) return `is required: add ${key}, one of ${listed(u.options)}`;
        return `${shownInput(v)} is not a ${key} this field knows${didYouMean(v, u.options)}; expected one of ${listed(u.options)}`;
      }
      return i.message;
    }
    case 'invalid_value': {
      if (!i.message.startsWith('Invalid option') && !i.message.startsWith('Invalid input')) return i.message;
      return `expected one of ${listed(i.values)}, got ${shownInput(v)}${didYouMean(v, i.values)}`;
    }
    case 'too_small':
    case 'too_big': {
      if (!i.message.startsWith('Too small') && !i.message.startsWith('Too big')) return i.message;
      const n = Number(i.code === 'too_small' ? i.minimum : i.maximum);
      const small = i.code === 'too_small';
      if (i.origin === 'array' || i.origin === 'set') {
        const have = Array.isArray(v) ? v.length : 0;
        return small ? `needs at least ${n} item${n === 1 ? '' : 's'}, got ${have}` : `holds at most ${n} item${n === 1 ? '' : 's'}, got ${have}`;
      }
      if (i.origin === 'string') return small ? (n === 1 ? 'must not be empty' : `needs at least ${n} characters`) : `holds at most ${n} characters, got ${typeof v === 'string' ? v.length : '?'}`;
      return `must be ${small ? bound(i, 'at least', 'more than') : bound(i, 'at most', 'less than')} ${n}, got ${shownInput(v)}`;
    }
    case 'unrecognized_keys': {
      const fields = fieldsAt(root, doc, i.path);
      const s = i.keys.length === 1 ? '' : 's';
      const hints = fields === null ? [] : i.keys.map((k) => [k, closest(k, fields)] as const).filter(([, c]) => c !== null).map(([k, c]) => `${shownKey(k) === JSON.stringify(k) ? k : shownKey(k)}: did you mean ${c}?`);
      return `unknown field${s} ${listed(i.keys.map(shownKey))}${fields === null ? '' : `: this mapping takes ${fields.join(', ')}`}${hints.length === 0 ? '' : ` (${hints.join('; ')})`}${i.keys.map(nonAsciiNote).join('')}`;
    }
    default:
      return i.message;
  }
}
