// JSON text a user hands faultline (a JSON scenario, a sweep or report file, a knowledge
// file), read to the standard its YAML files meet.
//
// Contract: parseJson(text) gives what JSON.parse gives, except that a leading byte order
// mark is skipped, a syntax error is placed by line and column (found by a plain scan where
// V8's message names no position) and, for the errors a hand-edited file has (a comment, a
// comma after the last item, NaN, single quotes, a second value), given its fix; a key given twice in one object is an error (JSON.parse
// would keep the last value and drop the other without a word), and so is nesting deeper than
// DEPTH_MAX (no file faultline reads nests more than a few levels, and a deeper one would
// overflow the stack of whatever reads it next). With `exactIntegers`, an integer written
// beyond 2^53 is an error too (JSON.parse would round it, and two different ids or values
// would compare equal). The scan is one linear pass over the text,
// so a results file of hundreds of megabytes costs about what parsing it does.

export type JsonParse = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string } | { ok: false; line: null; column: null; reason: string };

/** Line and column (from 1) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** What a scan found: nothing, a syntax error at an offset, a key given twice, or nesting too deep. */
type ScanResult = { kind: 'ok' } | { kind: 'error'; at: number } | { kind: 'duplicate'; at: number; key: string } | { kind: 'deep'; at: number } | { kind: 'inexact'; at: number; token: string };

/** Options of parseJson. */
export interface JsonOptions {
  /** Refuse an integer literal that a double cannot hold exactly (beyond 2^53 in magnitude). */
  exactIntegers?: boolean;
}

/** Nesting levels a file may have: far more than any faultline file has, far fewer than overflow the stack. */
export const DEPTH_MAX = 1_000;

/** Thrown inside a scan to end it with a result. */
class Stop {
  constructor(readonly result: ScanResult) {}
}

/** An object's keys, compared in a list while they are few (most objects hold a handful). */
const KEYS_LISTED_MAX = 16;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** The characters a backslash may escape besides u: " \ / b f n r t. */
function isEscape(c: number): boolean {
  return c === 34 || c === 92 || c === 47 || c === 98 || c === 102 || c === 110 || c === 114 || c === 116;
}

/**
 * One pass over a text as the JSON grammar reads it (see `scan`). A class with its state in
 * fields rather than closures: parseJson runs once per line of a JSON Lines history, and
 * closures made per call, a Set per object and a regular expression per number were most
 * of the garbage of reading one.
 */
class Scanner {
  private i = 0;
  private readonly n: number;

  constructor(
    private readonly text: string,
    private readonly exactIntegers: boolean,
  ) {
    this.n = text.length;
  }

  run(): ScanResult {
    try {
      this.value(0);
      this.ws();
      return this.i < this.n ? { kind: 'error', at: this.i } : { kind: 'ok' };
    } catch (e) {
      if (e instanceof Stop) return e.result;
      throw e;
    }
  }

  private fail(at: number): never {
    throw new Stop({ kind: 'error', at: Math.min(at, this.n) });
  }

  private ws(): void {
    const t = this.text;
    let i = this.i;
    while (i < this.n) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
    this.i = i;
  }

  /** Skips the string starting at text[i] === '"'; says whether it holds an escape. */
  private str(): boolean {
    const t = this.text;
    const n = this.n;
    let i = this.i + 1;
    let escaped = false;
    for (;;) {
      if (i >= n) this.fail(i);
      const c = t.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) this.fail(i);
      if (c === 92) {
        escaped = true;
        i++;
        const e = t.charCodeAt(i);
        if (e === 117) {
          if (!(isHex(t.charCodeAt(i + 1)) && isHex(t.charCodeAt(i + 2)) && isHex(t.charCodeAt(i + 3)) && isHex(t.charCodeAt(i + 4)))) this.fail(i);
          i += 4;
        } else if (!isEscape(e)) this.fail(i);
      }
      i++;
    }
    this.i = i + 1;
    return escaped;
  }

  private value(depth: number): void {
    if (depth > DEPTH_MAX) throw new Stop({ kind: 'deep', at: this.i });
    this.ws();
    const t = this.text;
    const c = t.charCodeAt(this.i);
    if (c === 123) return this.object(depth);
    if (c === 91) {
      this.i++;
      this.ws();
      if (t.charCodeAt(this.i) === 93) {
        this.i++;
        return;
      }
      for (;;) {
        this.value(depth + 1);
        this.ws();
        const d = t.charCodeAt(this.i);
        if (d === 44) this.i++;
        else if (d === 93) {
          this.i++;
          return;
        } else this.fail(this.i);
      }
    }
    if (c === 34) {
      this.str();
      return;
    }
    this.scalar();
  }

  private object(depth: number): void {
    const t = this.text;
    this.i++;
    this.ws();
    if (t.charCodeAt(this.i) === 125) {
      this.i++;
      return;
    }
    // Keys as JSON.parse decodes them ("a" and "\u0061" are one key): a list while few, then a set.
    const listed: string[] = [];
    let set: Set<string> | null = null;
    for (;;) {
      this.ws();
      const at = this.i;
      if (t.charCodeAt(at) !== 34) this.fail(at);
      const escaped = this.str();
      const key = escaped ? (JSON.parse(t.slice(at, this.i)) as string) : t.slice(at + 1, this.i - 1);
      if (set === null) {
        if (listed.includes(key)) throw new Stop({ kind: 'duplicate', at, key });
        listed.push(key);
        if (listed.length > KEYS_LISTED_MAX) set = new Set(listed);
      } else {
        if (set.has(key)) throw new Stop({ kind: 'duplicate', at, key });
        set.add(key);
      }
      this.ws();
      if (t.charCodeAt(this.i) !== 58) this.fail(this.i);
      this.i++;
      this.value(depth + 1);
      this.ws();
      const d = t.charCodeAt(this.i);
      if (d === 44) this.i++;
      else if (d === 125) {
        this.i++;
        return;
      } else this.fail(this.i);
    }
  }

  /** A number, true, false or null at text[i], as /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null/y matches. */
  private scalar(): void {
    const t = this.text;
    const start = this.i;
    let i = start;
    if (t.charCodeAt(i) === 45) i++;
    const first = t.charCodeAt(i);
    if (first === 48) i++;
    else if (first >= 49 && first <= 57) {
      while (isDigit(t.charCodeAt(i))) i++;
    } else {
      for (const word of ['true', 'false', 'null']) {
        if (t.startsWith(word, start)) {
          this.i = start + word.length;
          return;
        }
      }
      this.fail(start);
    }
    const intEnd = i;
    if (t.charCodeAt(i) === 46 && isDigit(t.charCodeAt(i + 1))) {
      i += 2;
      while (isDigit(t.charCodeAt(i))) i++;
    }
    const e = t.charCodeAt(i);
    if (e === 101 || e === 69) {
      let j = i + 1;
      const sign = t.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (isDigit(t.charCodeAt(j))) {
        i = j + 1;
        while (isDigit(t.charCodeAt(i))) i++;
      }
    }
    // Fifteen digits always fit a double exactly; only a longer integer needs the test.
    if (this.exactIntegers && i === intEnd && intEnd - start > 15) {
      const token = t.slice(start, i);
      if (!Number.isSafeInteger(Number(token))) throw new Stop({ kind: 'inexact', at: start, token });
    }
    this.i = i;
  }
}

/**
 * One pass over `text` as the JSON grammar reads it: the offset of the first syntax error,
 * or the first key that an object already holds (keys compared as JSON.parse decodes
 * them, so "a" and "\u0061" are the same key).
 */
function scan(text: string, exactIntegers = false): ScanResult {
  return new Scanner(text, exactIntegers).run();
}

function tooDeep(body: string, at: number): JsonParse {
  return { ok: false, ...lineColumn(body, at), reason: `nested more than ${DEPTH_MAX} levels deep; a faultline file nests a few levels, so this is not one` };
}

/**
 * The fix for the syntax error at `offset`, where the error is one a hand-edited file has:
 * a comment, a comma after the last item, NaN or Infinity, single quotes, or a second value
 * after the first. Empty when it is none of these (V8's own words then stand alone).
 */
function syntaxFix(body: string, offset: number, message: string): string {
  const rest = body.slice(offset, offset + 9);
  if (/^\/[/*]/.test(rest)) return '; JSON has no comments: remove it (a YAML file may have # comments)';
  if (/^[}\]]/.test(rest) && /,\s*$/.test(body.slice(Math.max(0, offset - 200), offset))) return '; JSON allows no comma after the last item of an object or list: remove the comma';
  if (/^(NaN|-?Infinity)/.test(rest)) return '; NaN and Infinity are not JSON numbers: write a finite number';
  if (rest.startsWith("'")) return '; JSON strings and keys take double quotes ("..."), not single ones';
  if (/after JSON/.test(message)) return '; a JSON file holds one value, and this follows the end of the first: remove it (or the first)';
  if (body.slice(offset).trim() === '') return '; the JSON ends before every { and [ is closed (a cut file?)';
  return '';
}

/** Parses `text` as JSON, held to the contract above. */
export function parseJson(text: string, opts: JsonOptions = {}): JsonParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const message = (e as Error).message;
    const reason = message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '').replace(/ (in JSON )?at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'the JSON ends too early (a cut file?)');
    const pos = /at position (\d+)/.exec(message);
    const found = pos === null ? scan(body) : null;
    if (found?.kind === 'deep') return tooDeep(body, found.at);
    const offset = pos !== null ? Number(pos[1]) : found?.kind === 'error' ? found.at : null;
    if (offset === null) return { ok: false, line: null, column: null, reason };
    return { ok: false, ...lineColumn(body, offset), reason: reason + syntaxFix(body, offset, message) };
  }
  // Only an object can hold a key twice; any value can hold a number.
  if ((value !== null && typeof value === 'object') || (opts.exactIntegers === true && typeof value === 'number')) {
    const found = scan(body, opts.exactIntegers);
    if (found.kind === 'deep') return tooDeep(body, found.at);
    if (found.kind === 'inexact') return { ok: false, ...lineColumn(body, found.at), reason: `the integer ${found.token} is too large to compare exactly (at most ${Number.MAX_SAFE_INTEGER} in magnitude); write it as a string` };
    if (found.kind === 'duplicate') return { ok: false, ...lineColumn(body, found.at), reason: `${JSON.stringify(found.key)} is given twice in one object (JSON.parse would keep only the last); keep one` };
  }
  return { ok: true, value };
}
