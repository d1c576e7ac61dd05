// The structural digest of a JSON-like value, in one walk: 64 bits over its typed encoding,
// an estimate of its JSON size, and (when asked) a deep freeze.
//
// Contract: the encoding feeds two 32-bit multiply-xor lanes (hash64.ts) one word at a
// time: each value's type tag, with a string's or array's length packed into the tag's
// word; integers that fit 32 bits as a tag saying which half of [-2^31, 2^32) they are in,
// then the word; other safe integers as a tag and two words; other numbers by their exact
// shortest text; object members in insertion order, closed by an end tag. So equal encodings give
// equal digests in every engine, and different JSON values hash differently unless 64 bits
// collide (4294967295 and -1, or {a:{b:1},c:2} and {a:{b:1,c:2}}, are different values and
// hash differently; the walk sim/trace/canon.ts used before confused both pairs).
//
// Two users: the simulator seals every message with a structuralWalker at send (freeze,
// digest for the trace, size for bandwidth caps: sim/trace/canon.ts), and the KV service's
// integrity checksum is lane 1 of the same encoding over the message without its top-level
// `sum` (structuralChecksum below, core/kv/integrity.ts). A walker keeps its state in its
// own fields, so each owner (a node runtime, the world) has its own and nothing carries
// between runs. The lanes' multipliers are hash64.ts's LANE1_MUL and LANE2_MUL, written
// as literals in the hot loops (hash.test.ts checks they agree).

export const STRUCTURAL_SEED1 = 0x9e3779b9;
export const STRUCTURAL_SEED2 = 0x85ebca6b;
/** Lengths below this share one word with their type tag. */
const SHORT_MAX = 1 << 23;
const TWO_32 = 4294967296;

// Tags, low byte of a word. Strings, arrays and numbers that do not fit the short forms
// take a tag word of their own followed by the length or the value.
const T_STRING = 0x73; // | length << 8
const T_STRING_LONG = 0x53;
const T_ARRAY = 0x5b; // | length << 8
const T_ARRAY_LONG = 0x41;
const T_INT32 = 0x6e; // [-2^31, 2^31), then the word
const T_UINT32 = 0x77; // [2^31, 2^32), then the word (checksums, hashes)
const T_SAFE_INT = 0x6c; // low word, high word
const T_FLOAT = 0x66; // | text length << 8, then the text
const T_TRUE = 0x74;
const T_FALSE = 0x46;
const T_NULL = 0x30;
const T_UNDEFINED = 0x75;
const T_OBJECT = 0x7b;
const T_OBJECT_END = 0x7d;

export interface Digest {
  /** The two 32-bit lanes, unsigned. */
  d1: number;
  d2: number;
  /** About the length of the value's JSON text. */
  sizeBytes: number;
}

/** Walks values one at a time. Reusable; each owner makes its own (structuralWalker). */
export interface StructuralWalker {
  /**
   * The digest of `v`. Throws, naming the problem, for what cannot cross a network or a
   * worker: functions, symbols, bigints, class instances, nesting beyond depthMax.
   */
  digest(v: unknown): Digest;
  /** The same digest written into `out` (no allocation on a hot path); returns `out`. */
  digestInto<D extends Digest>(v: unknown, out: D): D;
}

/**
 * The hand-off from a message's seal (core/kv/integrity.ts) to the simulator's Sealer
 * (sim/trace/canon.ts): `obj`, deep-frozen, and the digest a freezing walker gives it.
 * Sealing already walks the message for its checksum; the same walk, carried on over
 * the `sum` member it appends, is the digest the simulator would walk it again for, so
 * the Sealer takes it from here when it is handed that very object. The object cannot
 * have changed in between (it was frozen before it was recorded), so the slot holds no
 * state that could make any answer differ from a fresh walk, in this run or another.
 */
export interface SealHandoff extends Digest {
  obj: object | null;
}

export const sealHandoff: SealHandoff = { obj: null, d1: 0, d2: 0, sizeBytes: 0 };

/** Hands `obj` (deep-frozen) over with its digest: what the simulator's Sealer takes instead of a walk. */
export function handOff(obj: object, d1: number, d2: number, sizeBytes: number): void {
  sealHandoff.d1 = d1;
  sealHandoff.d2 = d2;
  sealHandoff.sizeBytes = sizeBytes;
  sealHandoff.obj = obj;
}

/**
 * One walk for a seal: the checksum of a plain object's members, given as parallel arrays
 * of keys and values in for-in order (read once by the caller; no `sum` among them): lane 1
 * of the structural encoding closed as structuralChecksum closes it, every nested array
 * and object deep-frozen as a freezing walker freezes them, and the two lanes and size
 * left open so that `close` gives the digest of the object once `sum` is appended as its
 * last member. Throws the walker's refusal for a value it refuses.
 */
export interface SealWalker {
  members(keys: readonly string[], vals: readonly unknown[], n: number): number;
  /** The digest of the walked object with `sum` appended, written into sealHandoff for `obj`. */
  close(obj: object, sum: number): void;
}

export function sealWalker(depthMax: number): SealWalker {
  return new Walker(true, depthMax);
}

/**
 * A walker that deep-freezes what it walks when `freeze` is set and refuses nesting deeper
 * than `depthMax`. Its running state lives in its own fields, one set per walker, so it is
 * never shared between owners or runs.
 */
export function structuralWalker(freeze: boolean, depthMax: number): StructuralWalker {
  return new Walker(freeze, depthMax);
}

// The walker's refusals, built out of line: a template literal in walk() grows it past what
// V8 inlines (sim/kernel/kernel.ts, pastTimeError).
function tooDeepError(depthMax: number): Error {
  return new Error(`the value nests deeper than ${depthMax} levels (a cycle?)`);
}

function notJsonError(v: unknown): Error {
  return new Error(`the value must be JSON-like; found a ${typeof v}`);
}

/**
 * The walker keeps the two lanes in local variables while it hashes, so each step is an
 * xor and a multiply in registers. (With the lanes in fields, every step stored a lane and
 * loaded it back, and that store-to-load round trip, not the arithmetic, set the pace:
 * 2.1x slower on a Raft heartbeat.) Lane 1 travels as the return value of each method and
 * lane 2 through `b2`, written once per call; the size is added to `size` once per value.
 * `h1`/`h2` hold the lanes only between members() and close().
 */
class Walker implements StructuralWalker, SealWalker {
  private h1 = 0;
  private h2 = 0;
  /** Lane 2 as left by the last call that fed a value (value, str, other, array, object). */
  private b2 = 0;
  private size = 0;

  constructor(private readonly freeze: boolean, private readonly depthMax: number) {}

  digest(v: unknown): Digest {
    return this.digestInto(v, { d1: 0, d2: 0, sizeBytes: 0 });
  }

  digestInto<D extends Digest>(v: unknown, out: D): D {
    this.size = 0;
    const a = this.value(STRUCTURAL_SEED1, STRUCTURAL_SEED2, v, 0);
    out.d1 = a >>> 0;
    out.d2 = this.b2 >>> 0;
    out.sizeBytes = this.size;
    return out;
  }

  members(keys: readonly string[], vals: readonly unknown[], n: number): number {
    this.size = 0;
    let a = Math.imul(STRUCTURAL_SEED1 ^ T_OBJECT, 2654435761);
    let b = Math.imul(STRUCTURAL_SEED2 ^ T_OBJECT, 1597334677);
    for (let i = 0; i < n; i++) {
      a = this.str(a, b, keys[i]);
      a = this.value(a, this.b2, vals[i], 1);
      b = this.b2;
    }
    this.h1 = a;
    this.h2 = b;
    return Math.imul(a ^ T_OBJECT_END, 2654435761) >>> 0;
  }

  close(obj: object, sum: number): void {
    let a = this.str(this.h1, this.h2, 'sum');
    a = this.value(a, this.b2, sum, 0);
    handOff(obj, Math.imul(a ^ T_OBJECT_END, 2654435761) >>> 0, Math.imul(this.b2 ^ T_OBJECT_END, 1597334677) >>> 0, this.size + 2);
  }

  /**
   * Feeds `v` (at nesting `depth`) to lanes `a` and `b`: returns lane 1 and leaves lane 2 in
   * `b2`. Kept small so that V8 inlines it (and str) into the loops below: strings and
   * 32-bit integers, most of every message, are then hashed without leaving registers.
   */
  private value(a: number, b: number, v: unknown, depth: number): number {
    if (typeof v === 'string') return this.str(a, b, v);
    if (typeof v === 'number' && v >= -2147483648 && v < TWO_32 && Math.floor(v) === v) {
      // An integer that fits 32 bits: its tag says which half of the range, then the word.
      const tag = v < 2147483648 ? T_INT32 : T_UINT32;
      this.b2 = Math.imul(Math.imul(b ^ tag, 1597334677) ^ (v | 0), 1597334677);
      this.size += v < 10 && v >= 0 ? 1 : 6;
      return Math.imul(Math.imul(a ^ tag, 2654435761) ^ (v | 0), 2654435761);
    }
    return this.other(a, b, v, depth);
  }

  private str(a: number, b: number, s: string): number {
    const n = s.length;
    if (n < SHORT_MAX) {
      a = Math.imul(a ^ ((n << 8) | T_STRING), 2654435761);
      b = Math.imul(b ^ ((n << 8) | T_STRING), 1597334677);
    } else {
      a = Math.imul(Math.imul(a ^ T_STRING_LONG, 2654435761) ^ n, 2654435761);
      b = Math.imul(Math.imul(b ^ T_STRING_LONG, 1597334677) ^ n, 1597334677);
    }
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 2654435761);
      b = Math.imul(b ^ c, 1597334677);
    }
    this.size += n + 2;
    this.b2 = b;
    return a;
  }

  /** Every value but a string and a 32-bit integer. */
  private other(a: number, b: number, v: unknown, depth: number): number {
    switch (typeof v) {
      case 'number':
        return this.numberWide(a, b, v);
      case 'boolean': {
        const tag = v ? T_TRUE : T_FALSE;
        a = Math.imul(a ^ tag, 2654435761);
        b = Math.imul(b ^ tag, 1597334677);
        this.size += 5;
        break;
      }
      case 'undefined':
        a = Math.imul(a ^ T_UNDEFINED, 2654435761);
        b = Math.imul(b ^ T_UNDEFINED, 1597334677);
        break;
      case 'object':
        if (v === null) {
          a = Math.imul(a ^ T_NULL, 2654435761);
          b = Math.imul(b ^ T_NULL, 1597334677);
          this.size += 4;
          break;
        }
        if (depth >= this.depthMax) throw tooDeepError(this.depthMax);
        a = Array.isArray(v) ? this.array(a, b, v, depth + 1) : this.object(a, b, v, depth + 1);
        if (this.freeze) Object.freeze(v);
        return a;
      default:
        throw notJsonError(v);
    }
    this.b2 = b;
    return a;
  }

  /** A number beyond 32-bit integers: a safe integer as two words, anything else by its text. */
  private numberWide(a: number, b: number, x: number): number {
    if (Number.isSafeInteger(x)) {
      const hi = Math.floor(x / TWO_32) | 0;
      a = Math.imul(Math.imul(Math.imul(a ^ T_SAFE_INT, 2654435761) ^ (x | 0), 2654435761) ^ hi, 2654435761);
      b = Math.imul(Math.imul(Math.imul(b ^ T_SAFE_INT, 1597334677) ^ (x | 0), 1597334677) ^ hi, 1597334677);
      this.size += 16;
    } else {
      const s = String(x);
      a = Math.imul(a ^ ((s.length << 8) | T_FLOAT), 2654435761);
      b = Math.imul(b ^ ((s.length << 8) | T_FLOAT), 1597334677);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        a = Math.imul(a ^ c, 2654435761);
        b = Math.imul(b ^ c, 1597334677);
      }
      this.size += s.length;
    }
    this.b2 = b;
    return a;
  }

  private array(a: number, b: number, v: readonly unknown[], depth: number): number {
    const n = v.length;
    if (n < SHORT_MAX) {
      a = Math.imul(a ^ ((n << 8) | T_ARRAY), 2654435761);
      b = Math.imul(b ^ ((n << 8) | T_ARRAY), 1597334677);
    } else {
      a = Math.imul(Math.imul(a ^ T_ARRAY_LONG, 2654435761) ^ n, 2654435761);
      b = Math.imul(Math.imul(b ^ T_ARRAY_LONG, 1597334677) ^ n, 1597334677);
    }
    for (let i = 0; i < n; i++) {
      a = this.value(a, b, v[i], depth);
      b = this.b2;
    }
    this.size += 2 + n;
    this.b2 = b;
    return a;
  }

  private object(a: number, b: number, v: object, depth: number): number {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new Error('the value must be a plain JSON-like object, not a class instance');
    a = Math.imul(a ^ T_OBJECT, 2654435761);
    b = Math.imul(b ^ T_OBJECT, 1597334677);
    for (const k in v) {
      a = this.str(a, b, k);
      a = this.value(a, this.b2, (v as Record<string, unknown>)[k], depth);
      b = this.b2;
    }
    this.size += 2;
    this.b2 = Math.imul(b ^ T_OBJECT_END, 1597334677);
    return Math.imul(a ^ T_OBJECT_END, 2654435761);
  }
}

// ---- Lane 1 alone, for checksums: the same encoding, walked without allocating ----
//
// A 32-bit checksum needs one lane, and threading it through return values keeps it in
// registers: several times cheaper than the two-lane walker, which matters because the KV
// service checksums every message twice (seal and check). hash.test.ts checks that it
// equals the walker's d1 on arbitrary JSON values, so the two cannot drift apart.

/** Thrown (and caught in structuralChecksum) when the walk meets what it refuses. */
const REFUSED = { refused: true } as const;

function laneString(h: number, s: string): number {
  const n = s.length;
  h = n < SHORT_MAX ? Math.imul(h ^ ((n << 8) | T_STRING), 2654435761) : Math.imul(Math.imul(h ^ T_STRING_LONG, 2654435761) ^ n, 2654435761);
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 2654435761);
  return h;
}

function laneNumber(h: number, x: number): number {
  if (x >= -2147483648 && x < TWO_32 && Math.floor(x) === x) return Math.imul(Math.imul(h ^ (x < 2147483648 ? T_INT32 : T_UINT32), 2654435761) ^ (x | 0), 2654435761);
  if (Number.isSafeInteger(x)) {
    h = Math.imul(Math.imul(h ^ T_SAFE_INT, 2654435761) ^ (x | 0), 2654435761);
    return Math.imul(h ^ (Math.floor(x / TWO_32) | 0), 2654435761);
  }
  const s = String(x);
  h = Math.imul(h ^ ((s.length << 8) | T_FLOAT), 2654435761);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 2654435761);
  return h;
}

function laneValue(h: number, v: unknown, depth: number, depthMax: number): number {
  switch (typeof v) {
    case 'string': return laneString(h, v);
    case 'number': return laneNumber(h, v);
    case 'boolean': return Math.imul(h ^ (v ? T_TRUE : T_FALSE), 2654435761);
    case 'undefined': return Math.imul(h ^ T_UNDEFINED, 2654435761);
    case 'object': return v === null ? Math.imul(h ^ T_NULL, 2654435761) : laneContainer(h, v, depth + 1, depthMax, null);
    default: throw REFUSED;
  }
}

function laneContainer(h: number, v: object, depth: number, depthMax: number, skip: string | null): number {
  if (depth > depthMax) throw REFUSED;
  if (Array.isArray(v)) {
    const n = v.length;
    h = n < SHORT_MAX ? Math.imul(h ^ ((n << 8) | T_ARRAY), 2654435761) : Math.imul(Math.imul(h ^ T_ARRAY_LONG, 2654435761) ^ n, 2654435761);
    for (let i = 0; i < n; i++) h = laneValue(h, v[i], depth, depthMax);
    return h;
  }
  h = Math.imul(h ^ T_OBJECT, 2654435761);
  for (const k in v) {
    if (k === skip) continue;
    h = laneValue(laneString(h, k), (v as Record<string, unknown>)[k], depth, depthMax);
  }
  return Math.imul(h ^ T_OBJECT_END, 2654435761);
}

/**
 * The walker's d1 for `v` (with the top-level member `skipTopKey` left out, if given) as
 * an unsigned 32-bit value, computed without allocating; -1 for what the walker would
 * refuse by depth or type (nesting beyond `depthMax`, a function, a symbol, a bigint).
 * Class instances are walked as plain objects here: every message a process receives was
 * sealed by the simulator, which refuses them.
 */
export function structuralChecksum(v: unknown, depthMax: number, skipTopKey: string | null = null): number {
  try {
    const h = skipTopKey !== null && v !== null && typeof v === 'object'
      ? laneContainer(STRUCTURAL_SEED1, v, 1, depthMax, skipTopKey)
      : laneValue(STRUCTURAL_SEED1, v, 0, depthMax);
    return h >>> 0;
  } catch (e) {
    if (e === REFUSED) return -1;
    throw e;
  }
}
