// YAML text a user hands faultline (a scenario file), read to the standard its JSON files
// meet (jsonText.ts): one document of plain values, every problem placed by line and column.
//
// Contract: parseYamlText(text) gives the value of the text's one YAML document (null for an
// empty file), or every problem found, each with its place: a syntax error (the reader's
// first), a second document (a `---` line after the first), a tag other than YAML's core
// ones (!!js/function, !custom, !!binary, !!timestamp), a core tag that does not fit its
// value (`!!float 5s`), a merge key (`<<`, which YAML 1.2 does not have: it would be read as
// a field named "<<"), a %YAML directive for another version than 1.2 (1.1 reads 010 as 8
// and yes as true), a key that is a list, a mapping or null, aliases that expand past the
// reader's limit, or nesting deeper than the reader's stack. Nothing is printed: the YAML reader's own warnings (which `parse`
// sends to the console, leaving the value as plain text) come back as problems here.
import { isAlias, isMap, isNode, isPair, isScalar, LineCounter, parseAllDocuments, visit, type Document, type YAMLError } from 'yaml';
import type { Problem } from './schema.ts';

export type YamlParse = { ok: true; value: unknown } | { ok: false; problems: Problem[] };

const CORE = 'tag:yaml.org,2002:';
/** The tags of YAML 1.2's core schema: a scenario holds these kinds of value and no others. */
const CORE_TAGS: ReadonlySet<string> = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq'].map((t) => CORE + t));

const PLAIN = 'a scenario holds plain YAML values (text, numbers, true or false, lists, mappings)';

/** A tag as a file writes it: `!!binary` for YAML's own, else as given. */
function shownTag(tag: string): string {
  return tag.startsWith(CORE) ? `!!${tag.slice(CORE.length)}` : tag;
}

/** Where the tag of the node whose value starts at `valueOffset` begins (a tag is written before its value). */
function tagOffset(text: string, valueOffset: number): number {
  let i = text.lastIndexOf('!', valueOffset);
  while (i > 0 && !/[\s[\]{},]/.test(text[i - 1])) i--;
  return Math.max(0, i);
}

function deepProblem(path: string): Problem {
  return { path, message: 'nested too deeply for the YAML reader (hundreds of levels); a scenario nests a few levels, so this is not one' };
}

/** Each key given a second time in one mapping, with the offset of its first. */
function duplicateKeys(doc: Document.Parsed): { offset: number; key: string; first: number }[] {
  const found: { offset: number; key: string; first: number }[] = [];
  visit(doc, (_key, node) => {
    if (!isMap(node)) return;
    const seen = new Map<unknown, number>();
    for (const pair of node.items) {
      if (!isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) continue;
      const first = seen.get(pair.key.value);
      if (first === undefined) seen.set(pair.key.value, pair.key.range[0]);
      else found.push({ offset: pair.key.range[0], key: String(pair.key.value), first });
    }
  });
  return found;
}

/** Where an alias bomb starts: the first alias of a value that holds aliases itself (else the first alias). */
function aliasBombOffset(doc: Document.Parsed): number {
  let first: number | null = null;
  let nested: number | null = null;
  visit(doc, {
    Alias(_key, alias) {
      const offset = alias.range?.[0] ?? 0;
      first ??= offset;
      const target = alias.resolve(doc);
      if (target === undefined) return undefined;
      let holds = false;
      visit(target, { Alias: () => { holds = true; return visit.BREAK; } });
      if (!holds) return undefined;
      nested = offset;
      return visit.BREAK;
    },
  });
  return nested ?? first ?? 0;
}

/** The fix for a YAML syntax error, by the reader's error code, where one fix fits every case of it. */
const SYNTAX_FIX: Readonly<Record<string, string>> = {
  TAB_AS_INDENT: 'indent with spaces: YAML takes no tabs in indentation',
  BAD_SCALAR_START: 'quote the value (e.g. "@name"): a plain value may not start with @ or `',
  BAD_DQ_ESCAPE: 'in double quotes a backslash starts an escape (\\n, \\t, \\"): write \\\\ for a backslash, or use single quotes',
  BLOCK_AS_IMPLICIT_KEY: 'a value holding ": " reads as a mapping inside a mapping: quote the value, or put the inner mapping on lines of its own',
};

/** An alias (*name) whose anchor (&name) is not set before it, if any: its offset and name. */
function unresolvedAlias(doc: Document.Parsed): { offset: number; name: string } | null {
  const anchors = new Set<string>();
  let found: { offset: number; name: string } | null = null;
  visit(doc, (_key, node) => {
    if (isNode(node) && 'anchor' in node && typeof node.anchor === 'string') anchors.add(node.anchor);
    if (isAlias(node) && !anchors.has(node.source)) {
      found = { offset: node.range?.[0] ?? 0, name: node.source };
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

const ALIAS_BOMB = 'aliases expand past the YAML reader\'s limit from here: an alias (*name) of a value that holds aliases itself repeats all of them, so a few lines can stand for billions of values (a "billion laughs" file); a scenario repeats nothing on that scale: write the values out, or alias plain values rather than lists of aliases';

export function parseYamlText(text: string): YamlParse {
  const lines = new LineCounter();
  const at = (offset: number): string => {
    const p = lines.linePos(offset);
    return `line ${p.line}, column ${p.col}`;
  };
  // The reader takes LF and CRLF as line ends, not a CR alone: such a file reads as one
  // line, and its first error names a "compact mapping" the user never wrote.
  const cr = /\r(?!\n)/.exec(text);
  if (cr !== null) {
    const before = text.slice(0, cr.index);
    const line = (before.match(/\n/g)?.length ?? 0) + 1;
    const column = cr.index - before.lastIndexOf('\n');
    return { ok: false, problems: [{ path: `line ${line}, column ${column}`, message: 'a carriage return (CR) ends a line here without a line feed (old Mac OS line ends); the YAML reader takes only LF or CRLF as a line end, so the file would read as other lines than it shows: save it with LF (Unix) or CRLF (Windows) line ends' }] };
  }
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  if (docs.length === 0) return { ok: true, value: null };
  const doc = docs[0];
  const error: YAMLError | undefined = doc.errors[0];
  if (error !== undefined) {
    // The YAML reader recurses per level and reports running out of stack as a parse error.
    if (/Maximum call stack size exceeded/.test(error.message)) return { ok: false, problems: [deepProblem(at(error.pos[0]))] };
    // Keys given twice are listed each at its place, with the other place and the fix.
    if (doc.errors.every((e) => e.code === 'DUPLICATE_KEY')) {
      const twice = duplicateKeys(doc);
      if (twice.length > 0) {
        return { ok: false, problems: twice.sort((a, b) => a.offset - b.offset).map((d) => ({ path: at(d.offset), message: `the key ${JSON.stringify(d.key)} is given twice in one mapping (first at ${at(d.first)}); a field has one value: keep the one you mean and remove the other` })) };
      }
    }
    const fix = SYNTAX_FIX[error.code];
    return { ok: false, problems: [{ path: at(error.pos[0]), message: `not valid YAML: ${error.message}${fix === undefined ? '' : `; ${fix}`}` }] };
  }
  const found: { offset: number; message: string }[] = [];
  if (docs.length > 1) {
    found.push({ offset: docs[1].range[0], message: 'a second YAML document starts here (after a `---` line); a scenario file holds one document: remove the `---` line and what follows it, or put each scenario in a file of its own' });
  }
  // A %YAML 1.1 directive switches the reader to YAML 1.1's rules: 010 is 8, 1:30 is 90,
  // yes is true and << merges, so the file would say other than what it reads as in 1.2.
  if (doc.directives?.yaml.explicit === true && doc.directives.yaml.version !== '1.2') {
    const directive = /^%YAML[ \t]/m.exec(text);
    found.push({ offset: directive?.index ?? 0, message: `the directive %YAML ${doc.directives.yaml.version} asks for YAML ${doc.directives.yaml.version}, whose rules read 010 as 8, 1:30 as 90, yes as true and << as a merge; faultline reads YAML 1.2: remove the line` });
  }
  for (const w of doc.warnings) {
    const tag = /^Unresolved tag: (\S+)/.exec(w.message)?.[1];
    // Tags outside the core schema are named by the walk below, once each.
    if (tag !== undefined && !CORE_TAGS.has(tag)) continue;
    const message = tag === undefined ? `not valid YAML: ${w.message}` : `the tag ${shownTag(tag)} does not fit the value it is on (the YAML reader would keep the value as text): remove the tag`;
    found.push({ offset: w.pos[0], message });
  }
  visit(doc, (_key, node) => {
    if (isPair(node) && isScalar(node.key) && (node.key.value === '<<' || typeof node.key.value === 'symbol') && node.key.range !== undefined && node.key.range !== null) {
      found.push({ offset: node.key.range[0], message: 'a merge key (<<) is not YAML 1.2, which faultline reads: it would be a field named "<<". Write the fields out (an alias such as *name can stand for a whole value)' });
    } else if (isPair(node) && (!isScalar(node.key) || node.key.value === null || node.key.value === undefined)) {
      // A list or mapping as a key (`? [a, b]`) was turned into text with a Node warning, and
      // an empty or null key (`~:`) into a field with no name.
      const what = isScalar(node.key) || node.key === null ? 'an empty key (null)' : 'a key that is a list or mapping';
      const place = isNode(node.key) && node.key.range !== undefined && node.key.range !== null ? node.key.range[0] : isNode(node.value) && node.value.range !== undefined && node.value.range !== null ? node.value.range[0] : 0;
      found.push({ offset: place, message: `${what}: every key of a scenario is a field name such as duration; name the field` });
    } else if (isNode(node) && node.tag !== undefined && !CORE_TAGS.has(node.tag) && node.range !== undefined && node.range !== null) {
      found.push({ offset: tagOffset(text, node.range[0]), message: `the tag ${shownTag(node.tag)} is not one faultline reads: ${PLAIN}; remove the tag` });
    }
  });
  if (found.length > 0) return { ok: false, problems: found.sort((a, b) => a.offset - b.offset).map((f) => ({ path: at(f.offset), message: f.message })) };
  try {
    return { ok: true, value: doc.toJS() };
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, problems: [deepProblem('(syntax)')] };
    // An alias expanded past the reader's limit (a billion-laughs file) is refused here.
    if (/Excessive alias count/.test((e as Error).message)) return { ok: false, problems: [{ path: at(aliasBombOffset(doc)), message: ALIAS_BOMB }] };
    const alias = unresolvedAlias(doc);
    if (alias !== null) return { ok: false, problems: [{ path: at(alias.offset), message: `the alias *${alias.name} names no anchor set before it: put &${alias.name} on a value above this line, or write the value out` }] };
    return { ok: false, problems: [{ path: '(syntax)', message: `not valid YAML: ${(e as Error).message}` }] };
  }
}
