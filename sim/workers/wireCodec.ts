// The lockstep channel's encoding: JSON-like values written straight into shared memory.
//
// Contract: `WireWriter.encode(v)` writes v into the channel's buffer (growing it as
// needed) and `WireReader.decode()` gives back a value that a node cannot tell from a
// structured clone of v: the same key order, undefined kept (as a value and as an array
// element), -0, NaN and ±Infinity kept, strings kept unit for unit (lone surrogates
// too, which UTF-8 codecs replace). The domain is what crosses the channel: the JSON-like
// messages the Sealer accepts (trace/canon.ts), plus the plain data of windows, commands
// and effects; a function, symbol, bigint, class instance (Map, typed array...) or a
// cycle is refused with an error naming it, never sent as something else. Object keys
// are numbered as they first appear, so a protocol's field names cross once per run;
// each direction of a channel has one writer and one reader, which stay in step because
// every encoded value is decoded once, in order. At most KEYS_MAX keys get a number (a
// protocol's field names are few); later ones are written out every time.

/** A SharedArrayBuffer that can grow (ES2024; Node 20 and Chromium have it). */
export interface GrowableShared extends SharedArrayBuffer {
  grow(byteLength: number): void;
  readonly maxByteLength: number;
}

export function growableShared(byteLength: number, maxByteLength: number): GrowableShared {
  const Ctor = SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => GrowableShared;
  return new Ctor(byteLength, { maxByteLength });
}

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_U8 = 4;
const T_I32 = 5;
const T_F64 = 6;
const T_STR8 = 7;
const T_STR16 = 8;
const T_ARRAY = 9;
const T_OBJECT = 10;

/** Key references inside an object: the end, a key numbered now, a key written out, or id + K_ID. */
const K_END = 0;
const K_NEW = 1;
const K_INLINE = 2;
const K_ID = 3;

export const KEYS_MAX = 4096;
/** Deeper nesting is refused (a cycle); messages are bounded far below (MESSAGE_DEPTH_MAX). */
const DEPTH_MAX = 100;

/** Thrown inside an encode when the primary buffer is full: the value is written again into the overflow. */
const FULL = new Error('lockstep channel: primary buffer full');

/**
 * Both buffers of one direction: a fixed one for the usual window (views over a growable
 * SharedArrayBuffer are several times slower in V8) and a growable one for the rare large
 * value.
 */
export interface WireBuffers {
  primary: SharedArrayBuffer;
  overflow: GrowableShared;
}

export function wireBuffers(primaryBytes = 1 << 20, overflowMaxBytes = 1 << 30): WireBuffers {
  return { primary: new SharedArrayBuffer(primaryBytes), overflow: growableShared(1024, overflowMaxBytes) };
}

export class WireWriter {
  private u8: Uint8Array;
  private dv: DataView;
  private pos = 0;
  private inOverflow = false;
  private readonly keys = new Map<string, number>();
  /** Keys numbered by the encode under way, unnumbered again if it fails. */
  private readonly added: string[] = [];

  constructor(private readonly bufs: WireBuffers) {
    this.u8 = new Uint8Array(bufs.primary);
    this.dv = new DataView(bufs.primary);
  }

  /**
   * Writes `v` from the start of the primary buffer, or of the overflow buffer when it does
   * not fit (then `overflowed` is true); returns the byte length written.
   */
  encode(v: unknown): number {
    if (this.added.length !== 0) this.added.length = 0;
    try {
      this.use(false);
      this.value(v, 0);
      return this.pos;
    } catch (e) {
      for (const k of this.added) this.keys.delete(k);
      this.added.length = 0;
      if (e !== FULL) throw e;
    }
    try {
      this.use(true);
      this.value(v, 0);
      return this.pos;
    } catch (e) {
      for (const k of this.added) this.keys.delete(k);
      throw e;
    }
  }

  get overflowed(): boolean {
    return this.inOverflow;
  }

  private use(overflow: boolean): void {
    if (overflow !== this.inOverflow) {
      this.inOverflow = overflow;
      const b = overflow ? this.bufs.overflow : this.bufs.primary;
      this.u8 = new Uint8Array(b);
      this.dv = new DataView(b);
    }
    this.pos = 0;
  }

  private room(n: number): void {
    const need = this.pos + n;
    if (need <= this.u8.length) return;
    if (!this.inOverflow) throw FULL;
    const buf = this.bufs.overflow;
    const max = buf.maxByteLength;
    if (need > max) throw new Error(`lockstep channel: a window's data needs more than ${max} bytes`);
    buf.grow(Math.min(max, Math.max(need, buf.byteLength * 2)));
    this.u8 = new Uint8Array(buf);
    this.dv = new DataView(buf);
  }

  private varuint(n: number): void {
    this.room(5);
    while (n >= 0x80) {
      this.u8[this.pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.u8[this.pos++] = n;
  }

  private value(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.room(1);
        this.string(v);
        return;
      case 'boolean':
        this.room(1);
        this.u8[this.pos++] = v ? T_TRUE : T_FALSE;
        return;
      case 'undefined':
        this.room(1);
        this.u8[this.pos++] = T_UNDEFINED;
        return;
      case 'object': {
        this.room(1);
        if (v === null) {
          this.u8[this.pos++] = T_NULL;
          return;
        }
        if (depth >= DEPTH_MAX) throw new Error(`lockstep channel: the value nests deeper than ${DEPTH_MAX} levels (a cycle?)`);
        if (Array.isArray(v)) {
          this.u8[this.pos++] = T_ARRAY;
          const n = v.length;
          this.varuint(n);
          for (let i = 0; i < n; i++) this.value(v[i], depth + 1);
          return;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) throw new Error(`lockstep channel: only JSON-like values cross to a worker; found a ${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'class instance'}`);
        this.u8[this.pos++] = T_OBJECT;
        for (const k in v) {
          this.key(k);
          this.value((v as Record<string, unknown>)[k], depth + 1);
        }
        this.room(1);
        this.u8[this.pos++] = K_END;
        return;
      }
      default:
        throw new Error(`lockstep channel: only JSON-like values cross to a worker; found a ${typeof v}`);
    }
  }

  private number(x: number): void {
    this.room(9);
    if ((x | 0) === x && !Object.is(x, -0)) {
      if (x >= 0 && x < 256) {
        this.u8[this.pos++] = T_U8;
        this.u8[this.pos++] = x;
      } else {
        this.u8[this.pos++] = T_I32;
        this.dv.setInt32(this.pos, x, true);
        this.pos += 4;
      }
      return;
    }
    this.u8[this.pos++] = T_F64;
    this.dv.setFloat64(this.pos, x, true);
    this.pos += 8;
  }

  private key(k: string): void {
    const id = this.keys.get(k);
    if (id !== undefined) {
      this.varuint(id + K_ID);
      return;
    }
    if (this.keys.size < KEYS_MAX) {
      this.keys.set(k, this.keys.size);
      this.added.push(k);
      this.varuint(K_NEW);
    } else {
      this.varuint(K_INLINE);
    }
    this.room(1);
    this.string(k);
  }

  /** A string: one byte a unit when every unit is below 256, else two. The caller made room for the tag. */
  private string(s: string): void {
    const n = s.length;
    const tagAt = this.pos++;
    this.varuint(n);
    this.room(n);
    const start = this.pos;
    const u8 = this.u8;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) break;
      u8[start + i] = c;
    }
    if (i === n) {
      u8[tagAt] = T_STR8;
      this.pos = start + n;
      return;
    }
    u8[tagAt] = T_STR16;
    this.room(2 * n);
    const w = this.u8;
    for (let j = 0; j < n; j++) {
      const c = s.charCodeAt(j);
      w[start + 2 * j] = c & 0xff;
      w[start + 2 * j + 1] = c >>> 8;
    }
    this.pos = start + 2 * n;
  }
}

/** Short one-byte strings are looked up in a cache of this many slots (a power of two) before one is built. */
const STRING_CACHE_SLOTS = 4096;
const STRING_CACHED_LENGTH_MAX = 64;

export class WireReader {
  private u8: Uint8Array;
  private dv: DataView;
  private pos = 0;
  private readonly keys: string[] = [];
  private readonly units: number[] = [];
  /**
   * Strings decoded before, by a hash of their units: a protocol's strings (message types,
   * effect kinds, telemetry names, keys and values) repeat, and the one built before is the
   * same value without allocating (a hit is checked unit by unit, so a collision only
   * costs a miss).
   */
  private readonly stringCache: (string | undefined)[] = new Array<string | undefined>(STRING_CACHE_SLOTS).fill(undefined);

  constructor(private readonly bufs: WireBuffers) {
    this.u8 = new Uint8Array(bufs.primary);
    this.dv = new DataView(bufs.primary);
  }

  /** Reads the value written from the start of the primary buffer, or of the overflow one. */
  decode(overflowed: boolean): unknown {
    if (overflowed) {
      // A view made now covers the overflow buffer as the writer grew it.
      this.u8 = new Uint8Array(this.bufs.overflow, 0, this.bufs.overflow.byteLength);
      this.dv = new DataView(this.bufs.overflow, 0, this.bufs.overflow.byteLength);
    } else if (this.u8.buffer !== this.bufs.primary) {
      this.u8 = new Uint8Array(this.bufs.primary);
      this.dv = new DataView(this.bufs.primary);
    }
    this.pos = 0;
    return this.value();
  }

  private varuint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8[this.pos++];
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  }

  private value(): unknown {
    const tag = this.u8[this.pos++];
    switch (tag) {
      case T_UNDEFINED: return undefined;
      case T_NULL: return null;
      case T_FALSE: return false;
      case T_TRUE: return true;
      case T_U8: return this.u8[this.pos++];
      case T_I32: {
        const x = this.dv.getInt32(this.pos, true);
        this.pos += 4;
        return x;
      }
      case T_F64: {
        const x = this.dv.getFloat64(this.pos, true);
        this.pos += 8;
        return x;
      }
      case T_STR8:
      case T_STR16:
        this.pos--;
        return this.string();
      case T_ARRAY: {
        const n = this.varuint();
        const a = new Array<unknown>(n);
        for (let i = 0; i < n; i++) a[i] = this.value();
        return a;
      }
      case T_OBJECT: {
        const o: Record<string, unknown> = {};
        for (;;) {
          const ref = this.varuint();
          if (ref === K_END) return o;
          let k: string;
          if (ref >= K_ID) k = this.keys[ref - K_ID];
          else {
            k = this.string();
            if (ref === K_NEW) this.keys.push(k);
          }
          // An own "__proto__" member (JSON.parse and structuredClone make one) is defined,
          // not assigned: assigning would set the object's prototype and lose the member.
          if (k === '__proto__') Object.defineProperty(o, k, { value: this.value(), writable: true, enumerable: true, configurable: true });
          else o[k] = this.value();
        }
      }
      default:
        throw new Error(`lockstep channel: unknown tag ${tag} at byte ${this.pos - 1} (the two sides are out of step)`);
    }
  }

  private string(): string {
    const wide = this.u8[this.pos++] === T_STR16;
    const n = this.varuint();
    const u8 = this.u8;
    const p = this.pos;
    this.pos += wide ? 2 * n : n;
    if (n === 0) return '';
    if (!wide && n <= STRING_CACHED_LENGTH_MAX) return this.shortString(u8, p, n);
    const units = this.units;
    units.length = n;
    if (wide) for (let i = 0; i < n; i++) units[i] = u8[p + 2 * i] | (u8[p + 2 * i + 1] << 8);
    else for (let i = 0; i < n; i++) units[i] = u8[p + i];
    if (n <= 4096) return String.fromCharCode.apply(null, units);
    let s = '';
    for (let i = 0; i < n; i += 4096) s += String.fromCharCode.apply(null, units.slice(i, i + 4096));
    return s;
  }

  /** A one-byte string of n units at p, from the cache when it was decoded before. */
  private shortString(u8: Uint8Array, p: number, n: number): string {
    let h = n;
    for (let i = 0; i < n; i++) h = Math.imul(h ^ u8[p + i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & (STRING_CACHE_SLOTS - 1);
    const hit = this.stringCache[slot];
    if (hit !== undefined && hit.length === n) {
      let i = 0;
      while (i < n && hit.charCodeAt(i) === u8[p + i]) i++;
      if (i === n) return hit;
    }
    const units = this.units;
    units.length = n;
    for (let i = 0; i < n; i++) units[i] = u8[p + i];
    const s = String.fromCharCode.apply(null, units);
    this.stringCache[slot] = s;
    return s;
  }
}
