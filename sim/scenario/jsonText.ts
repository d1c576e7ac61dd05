// JSON text a user hands faultline (a JSON scenario, a sweep or report file, a knowledge
// file), read to the standard its YAML files meet.
//
// Contract: parseJson(text) gives what JSON.parse gives, except that a leading byte order
// mark is skipped, a syntax error is placed by line and column (found by a plain scan where
// V8's message names no position), and a key given twice in one object is an error (JSON.parse
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

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
/** Nesting levels a file may have: far more than any faultline file has, far fewer than overflow the stack. */
export const DEPTH_MAX = 1_000;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * One pass over `text` as the JSON grammar reads it: the offset of the first syntax error,
 * or the first key that an object already holds (keys compared as JSON.parse decodes
 * them, so "a" and "\u0061" are the same key).
 */
function scan(text: string, exactIntegers = false): ScanResult {
  let i = 0;
  const n = text.length;
  class Stop {
    constructor(readonly result: ScanResult) {}
  }
  const fail = (): never => {
    throw new Stop({ kind: 'error', at: Math.min(i, n) });
  };
  const ws = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  /** A string starting at text[i] === '"'; returns its raw text (quotes included). */
  const str = (): string => {
    const start = i;
    i++;
    for (;;) {
      if (i >= n) fail();
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 0x20) fail();
      if (c === 92) {
        i++;
        const e = text[i];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail();
      }
      i++;
    }
    i++;
    return text.slice(start, i);
  };
  const value = (depth: number): void => {
    if (depth > DEPTH_MAX) throw new Stop({ kind: 'deep', at: i });
    ws();
    const c = text.charCodeAt(i);
    if (c === 123) {
      i++;
      ws();
      if (text.charCodeAt(i) === 125) {
        i++;
        return;
      }
      const keys = new Set<string>();
      for (;;) {
        ws();
        if (text.charCodeAt(i) !== 34) fail();
        const at = i;
        const raw = str();
        const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) throw new Stop({ kind: 'duplicate', at, key });
        keys.add(key);
        ws();
        if (text.charCodeAt(i) !== 58) fail();
        i++;
        value(depth + 1);
        ws();
        const d = text.charCodeAt(i);
        if (d === 44) i++;
        else if (d === 125) {
          i++;
          return;
        } else fail();
      }
    } else if (c === 91) {
      i++;
      ws();
      if (text.charCodeAt(i) === 93) {
        i++;
        return;
      }
      for (;;) {
        value(depth + 1);
        ws();
        const d = text.charCodeAt(i);
        if (d === 44) i++;
        else if (d === 93) {
          i++;
          return;
        } else fail();
      }
    } else if (c === 34) {
      str();
    } else {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (m === null) fail();
      else {
        if (exactIntegers && /^-?\d+$/.test(m[0]) && !Number.isSafeInteger(Number(m[0]))) throw new Stop({ kind: 'inexact', at: i, token: m[0] });
        i += m[0].length;
      }
    }
  };
  try {
    value(0);
    ws();
    return i < n ? { kind: 'error', at: i } : { kind: 'ok' };
  } catch (e) {
    if (e instanceof Stop) return e.result;
    throw e;
  }
}

function tooDeep(body: string, at: number): JsonParse {
  return { ok: false, ...lineColumn(body, at), reason: `nested more than ${DEPTH_MAX} levels deep; a faultline file nests a few levels, so this is not one` };
}

/** Parses `text` as JSON, held to the contract above. */
export function parseJson(text: string, opts: JsonOptions = {}): JsonParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    const message = (e as Error).message;
    const reason = message.replace(/, ".*"(\.\.\.)? is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').replace(/^Unexpected end of JSON input$/, 'the JSON ends too early (a cut file?)');
    const pos = /at position (\d+)/.exec(message);
    const found = pos === null ? scan(body) : null;
    if (found?.kind === 'deep') return tooDeep(body, found.at);
    const offset = pos !== null ? Number(pos[1]) : found?.kind === 'error' ? found.at : null;
    if (offset === null) return { ok: false, line: null, column: null, reason };
    return { ok: false, ...lineColumn(body, offset), reason };
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
