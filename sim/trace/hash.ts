// A streaming 64-bit hash for the canonical trace.
//
// Contract: the digest depends only on the sequence of values fed in, and each value's
// type is part of the encoding (a number 1 and a string "1" hash differently; field
// boundaries are marked), so two traces hash equal only if their canonical encodings
// are equal. Two independent 32-bit multiply-xor lanes with a final avalanche (in the
// spirit of cyrb53, widened to 64 bits). Not cryptographic: it names a trace, it does
// not defend against an adversary.

export class Hash64 {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  private mix(c: number): void {
    this.h1 = Math.imul(this.h1 ^ c, 2654435761);
    this.h2 = Math.imul(this.h2 ^ c, 1597334677);
  }

  /** Feeds a 53-bit safe integer (or any double, by its exact bits). */
  number(x: number): this {
    if (Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER) {
      this.mix(0x6e);
      this.mix(x | 0);
      this.mix(Math.floor(x / 4294967296) | 0);
    } else {
      this.mix(0x66);
      const s = String(x);
      for (let i = 0; i < s.length; i++) this.mix(s.charCodeAt(i));
    }
    return this;
  }

  string(s: string): this {
    this.mix(0x73);
    this.mix(s.length);
    // Locals instead of fields in the hot loop: this is most of the hashing time of a run.
    let h1 = this.h1;
    let h2 = this.h2;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
    this.h1 = h1;
    this.h2 = h2;
    return this;
  }

  /** The 64-bit digest as 16 lowercase hex digits. Does not reset the state. */
  hex(): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}

/** One-shot hash of a string. */
export function hashString(s: string): string {
  return new Hash64().string(s).hex();
}
