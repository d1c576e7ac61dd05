// A strict reader for the part of EDN that test histories use (Jepsen's history.edn and the
// operation maps of Porcupine's data sets).
//
// Contract: readEdn(text) returns the top-level forms in order, or throws EdnError with the
// line and column of the first thing it cannot read. Read: nil, true, false, integers and
// decimals (an integer too large to hold exactly, or a decimal of more than 15 significant
// digits, is an error, not a rounded number; a BigDecimal such as 1M or 1.5M, or a double
// with a whole value such as 1.0, is an EdnDecimal, apart from the integer 1 and the double
// 1.5, as in Clojure),
// strings with EDN's escapes, keywords (as Keyword), symbols (as EdnSymbol), vectors and
// lists (as arrays), sets (as arrays, a repeated element an error), maps (as a Map keyed by
// a keyword's or string's name, or a number; a repeated key an error), tagged forms
// (`#inst "..."`, `#jepsen.history.Op{...}`, as EdnTagged: the tag and the form; readers
// that compare values must not take `#inst "x"` for `"x"`, which Clojure holds unequal), `#_`
// (discards the next form), `;` comments and commas as whitespace. Not read, with an error
// naming the construct: characters (`\a`), ratios, regular expressions, keys other than
// keywords, strings and numbers, nesting deeper than DEPTH_MAX.
//
// Why not a library: the EDN readers on npm (edn-data 1.2.2, tried) accept malformed input
// without a word: an unclosed map reads as nothing, a stray `}` is skipped, a map with an
// odd number of forms drops its last key, bytes that are not EDN vanish. A history reader
// that silently drops operations would let a checker pass a history it never saw.

export class Keyword {
  constructor(readonly name: string) {}
}

export class EdnSymbol {
  constructor(readonly name: string) {}
}

/**
 * A BigDecimal (1M, 1.5M) or a double with a whole value (1.0, 1e2): kept apart from the
 * integer or double of the same value, which Clojure holds unequal to it ((= 1 1M) and
 * (= 1.5 1.5M) are false), so a history reader can refuse a file that writes one value both
 * ways instead of checking the two as one. Other doubles (1.5) read as plain numbers.
 */
export class EdnDecimal {
  constructor(readonly value: number, readonly text: string) {}
}

/** A tagged form (`#inst "2020-01-01"`): the tag's name and the form it tags. */
export class EdnTagged {
  constructor(readonly tag: string, readonly form: EdnValue) {}
}

/** The form under any tags (`#jepsen.history.Op{...}` is an event map). */
export function untagged(v: EdnValue): EdnValue {
  return v instanceof EdnTagged ? untagged(v.form) : v;
}

export type EdnValue = null | boolean | number | string | Keyword | EdnSymbol | EdnDecimal | EdnTagged | EdnValue[] | EdnMap;
export type EdnMap = Map<string | number, EdnValue>;

export class EdnError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/** Where a form began: the line of a top-level form names it in messages about its content. */
export interface EdnForm {
  value: EdnValue;
  line: number;
}

/** Nesting levels a history may have: far more than any has, far fewer than overflow the stack. */
export const EDN_DEPTH_MAX = 256;

/** Significant digits every decimal of at most this many reads back exactly (IEEE 754 double). */
const DECIMAL_DIGITS_MAX = 15;

/** The significant digits of a decimal token (sign, point, exponent and suffix aside). */
function significantDigits(token: string): number {
  const mantissa = token.replace(/^[+-]/, '').replace(/M$/, '').replace(/[eE].*$/, '').replace('.', '');
  return mantissa.replace(/^0+/, '').replace(/0+$/, '').length;
}

const INTEGER = /^[+-]?\d+N?$/;
const DECIMAL = /^[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?M?$/;

/** Whitespace (commas included) and the characters that end a token: ( ) [ ] { } " ; by char code. */
const ENDS_TOKEN = new Uint8Array(128);
for (const c of ' \t\n\r\f,()[]{}";') ENDS_TOKEN[c.charCodeAt(0)] = 1;

function isWhitespace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === '\f';
}

/**
 * The top-level forms of `text`, in order; with `onForm`, each is handed over as it is read
 * and none is kept (a long history is then never held as EDN and as events at once).
 */
export function readEdn(text: string, onForm?: (form: EdnForm) => void): EdnForm[] {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  const fail = (reason: string, at = i): never => {
    // Counted again from the start: this runs once, for the error.
    let l = 1;
    let ls = 0;
    for (let k = 0; k < at && k < n; k++) {
      if (text.charCodeAt(k) === 10) {
        l++;
        ls = k + 1;
      }
    }
    throw new EdnError(l, at - ls + 1, reason);
  };
  const skipSpace = (): void => {
    while (i < n) {
      const c = text[i];
      if (c === '\n') {
        i++;
        line++;
      } else if (isWhitespace(c)) {
        i++;
      } else if (c === ';') {
        while (i < n && text[i] !== '\n') i++;
      } else if (c === '#' && text[i + 1] === '_') {
        // `#_` discards the form after it.
        i += 2;
        readForm();
      } else {
        return;
      }
    }
  };
  const readString = (): string => {
    const start = i;
    i++;
    let out = '';
    for (;;) {
      if (i >= n) fail('a string is not closed (no matching ")', start);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          i += 2;
          continue;
        }
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        fail(`unknown escape \\${e ?? ''} in a string (EDN knows \\n \\t \\r \\" \\\\ \\b \\f \\uXXXX)`);
      }
      if (c === '\n') line++;
      out += c;
      i++;
    }
  };
  const readToken = (): string => {
    const start = i;
    for (;;) {
      const c = i < n ? text.charCodeAt(i) : 32;
      if (c < 128 && ENDS_TOKEN[c] === 1) break;
      i++;
    }
    return text.slice(start, i);
  };
  // Keywords repeat on every event (:process, :type, :invoke...): one object per name.
  const keywords = new Map<string, Keyword>();
  const atom = (token: string, at: number): EdnValue => {
    if (token.charCodeAt(0) === 58 /* : */ && token.length > 1 && token.charCodeAt(1) !== 58) {
      let k = keywords.get(token);
      if (k === undefined) {
        k = new Keyword(token.slice(1));
        keywords.set(token, k);
      }
      return k;
    }
    if (token === 'nil') return null;
    if (token === 'true') return true;
    if (token === 'false') return false;
    if (INTEGER.test(token)) {
      const digits = token.endsWith('N') ? token.slice(0, -1) : token;
      const v = Number(digits);
      if (!Number.isSafeInteger(v)) fail(`the integer ${token} is too large to compare exactly (at most ${Number.MAX_SAFE_INTEGER} in magnitude)`, at);
      return v;
    }
    if (DECIMAL.test(token)) {
      const v = Number(token.endsWith('M') ? token.slice(0, -1) : token);
      if (!Number.isFinite(v)) fail(`the number ${token} is out of range`, at);
      // Beyond 15 significant digits two different decimals may read as one number.
      const digits = significantDigits(token);
      if (digits > DECIMAL_DIGITS_MAX) fail(`the decimal ${token} has ${digits} significant digits; a number holds ${DECIMAL_DIGITS_MAX} exactly, so it could compare equal to a different decimal: write at most ${DECIMAL_DIGITS_MAX}`, at);
      return Number.isInteger(v) || token.endsWith('M') ? new EdnDecimal(v, token) : v;
    }
    if (/^[+-]?\d+\/\d+$/.test(token)) fail(`ratios such as ${token} are not read; write the value as a decimal`, at);
    if (/^[+-]?\d/.test(token)) fail(`"${token}" is not a number EDN knows`, at);
    if (token.startsWith(':')) {
      if (token.length === 1 || token.startsWith('::')) fail(`"${token}" is not a keyword (a keyword is a colon followed by a name, such as :read)`, at);
      return new Keyword(token.slice(1));
    }
    return new EdnSymbol(token);
  };
  const mapKey = (k: EdnValue, at: number): string | number => {
    if (k instanceof Keyword || k instanceof EdnSymbol) return k.name;
    if (typeof k === 'string' || typeof k === 'number') return k;
    if (k instanceof EdnDecimal) return k.value;
    return fail('a map key must be a keyword, a string or a number', at);
  };
  // Nesting so far: collections, tags and discards all count, so no input can overflow the stack.
  let depth = 0;
  const readForm = (): EdnValue => {
    if (++depth > EDN_DEPTH_MAX) fail(`nested deeper than ${EDN_DEPTH_MAX} levels; a history nests a few`);
    // Not restored on a throw: an error ends the whole read.
    const v = readFormAt();
    depth--;
    return v;
  };
  const readFormAt = (): EdnValue => {
    skipSpace();
    if (i >= n) fail('the text ends where a value was expected');
    const at = i;
    const c = text[i];
    if (c === '"') return readString();
    if (c === '[' || c === '(') return readSeq(c === '[' ? ']' : ')', at);
    if (c === '{') return readMap(at);
    if (c === ')' || c === ']' || c === '}') fail(`"${c}" closes nothing here`);
    if (c === '#') {
      const next = text[i + 1];
      if (next === '{') {
        i++;
        const items = readSeq('}', at);
        const seen = new Set<string>();
        for (const x of items) {
          const key = JSON.stringify(x instanceof Keyword ? { kw: x.name } : x instanceof EdnSymbol ? { sym: x.name } : x);
          if (seen.has(key)) fail('a set holds the same element twice', at);
          seen.add(key);
        }
        return items;
      }
      if (next === '"') fail('regular expressions (#"...") are not read in a history', at);
      i++;
      const tag = readToken();
      if (tag === '' || !/^[A-Za-z]/.test(tag)) fail(`"#${tag}" is not a tag EDN knows (a tag is # followed by a name, such as #inst)`, at);
      return new EdnTagged(tag, readForm());
    }
    if (c === '\\') fail('character literals (\\a) are not read in a history; write a string', at);
    const token = readToken();
    if (token === '') fail(`unexpected character ${JSON.stringify(c)}`, at);
    return atom(token, at);
  };
  const readSeq = (close: string, at: number): EdnValue[] => {
    i++;
    const items: EdnValue[] = [];
    for (;;) {
      skipSpace();
      if (i >= n) fail(`"${text[at]}" is not closed (no matching "${close}")`, at);
      if (text[i] === close) {
        i++;
        return items;
      }
      if (text[i] === ')' || text[i] === ']' || text[i] === '}') fail(`"${text[i]}" does not close "${text[at] === '#' ? '#{' : text[at]}" (expected "${close}")`);
      items.push(readForm());
    }
  };
  const readMap = (at: number): EdnMap => {
    const items = readSeq('}', at);
    if (items.length % 2 !== 0) fail(`a map holds ${items.length} forms; a map needs a value for every key`, at);
    const m: EdnMap = new Map();
    for (let k = 0; k < items.length; k += 2) {
      const key = mapKey(items[k], at);
      if (m.has(key)) fail(`the map gives the key ${typeof key === 'number' ? key : `:${key}`} twice`, at);
      m.set(key, items[k + 1]);
    }
    return m;
  };

  const forms: EdnForm[] = [];
  for (;;) {
    skipSpace();
    if (i >= n) return forms;
    const formLine = line;
    const form = { value: readForm(), line: formLine };
    if (onForm === undefined) forms.push(form);
    else onForm(form);
  }
}

/** A short EDN-like rendering of a value for messages. */
export function showEdn(v: EdnValue): string {
  if (v === null) return 'nil';
  if (v instanceof Keyword) return `:${v.name}`;
  if (v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnDecimal) return v.text;
  if (v instanceof EdnTagged) return `#${v.tag} ${showEdn(v.form)}`;
  if (Array.isArray(v)) return `[${v.map(showEdn).join(' ')}]`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${typeof k === 'number' ? k : `:${k}`} ${showEdn(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}
