// A streaming 64-bit hash: two independent 32-bit multiply-xor lanes with a final avalanche
// (in the spirit of cyrb53, widened to 64 bits). It names a run (the trace hash), an
// idempotency key, and, through structural.ts, a message.
//
// Contract: the digest depends only on the sequence of values fed in, and each value's type
// and length are part of the encoding (a number 1 and a string "1" hash differently; the
// boundary between two strings is fixed), so two streams hash equal only if their
// encodings are equal. Math.imul is exact, so every engine gives the same digest. Not
// cryptographic: it names things, it does not defend against an adversary.
import { hex32 } from './digits.ts';

/** The lanes' multipliers (odd, from the golden ratio and a prime). */
export const LANE1_MUL = 2654435761;
export const LANE2_MUL = 1597334677;

// Type tags that start each value's encoding.
const T_INT32 = 0x6e; // an integer in [-2^31, 2^31): one word
const T_UINT32 = 0x77; // an integer in [2^31, 2^32): one word (digests, checksums)
const T_SAFE_INT = 0x6c; // any other safe integer: low word, then high word
const T_FLOAT = 0x66; // any other number: its shortest decimal text (exact by ECMAScript)
const T_STRING = 0x73;

export class Hash64 {
  private h1: number;
  private h2: number;

  constructor(seed1 = 0xdeadbeef, seed2 = 0x41c6ce57) {
    this.h1 = seed1;
    this.h2 = seed2;
  }

  /** Mixes one 32-bit word. */
  word(c: number): this {
    this.h1 = Math.imul(this.h1 ^ c, LANE1_MUL);
    this.h2 = Math.imul(this.h2 ^ c, LANE2_MUL);
    return this;
  }

  /** Feeds a number: a tagged 32-bit (signed or unsigned) or 53-bit integer, or any other double by its exact text. */
  number(x: number): this {
    if (x >= -2147483648 && x < 4294967296 && Math.floor(x) === x) {
      // The tag word, then the value's word: each lane read and written once (not per word).
      const tag = x < 2147483648 ? T_INT32 : T_UINT32;
      this.h1 = Math.imul(Math.imul(this.h1 ^ tag, LANE1_MUL) ^ (x | 0), LANE1_MUL);
      this.h2 = Math.imul(Math.imul(this.h2 ^ tag, LANE2_MUL) ^ (x | 0), LANE2_MUL);
      return this;
    }
    return this.numberWide(x);
  }

  private numberWide(x: number): this {
    if (Number.isSafeInteger(x)) return this.word(T_SAFE_INT).word(x | 0).word(Math.floor(x / 4294967296) | 0);
    const s = String(x);
    this.word(T_FLOAT).word(s.length);
    for (let i = 0; i < s.length; i++) this.word(s.charCodeAt(i));
    return this;
  }

  string(s: string): this {
    const n = s.length;
    // The lanes stay in locals for the tag, the length and every character.
    let h1 = Math.imul(Math.imul(this.h1 ^ T_STRING, LANE1_MUL) ^ n, LANE1_MUL);
    let h2 = Math.imul(Math.imul(this.h2 ^ T_STRING, LANE2_MUL) ^ n, LANE2_MUL);
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, LANE1_MUL);
      h2 = Math.imul(h2 ^ c, LANE2_MUL);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** The 64-bit digest as 16 lowercase hex digits. Does not reset the state. */
  hex(): string {
    const [low, high] = this.words();
    return hex32(high) + hex32(low);
  }

  /** The 64-bit digest as its low and high 32-bit words, unsigned (hex() is high, then low). */
  words(): [number, number] {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return [h1 >>> 0, h2 >>> 0];
  }
}

/** One-shot 64-bit hash of a string, as 16 hex digits. */
export function hashString(s: string): string {
  return new Hash64().string(s).hex();
}

/** MurmurHash3's 32-bit finalizer: a bijective mix of one word (Zobrist keys, buckets). */
export function fmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}
