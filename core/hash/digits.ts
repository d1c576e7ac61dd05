// Unsigned 32-bit values as text: the hex of every checksum, digest and id, and base 36.
//
// Contract: hex32(n) === (n >>> 0).toString(16).padStart(8, '0') and
// base36(n) === (n >>> 0).toString(36), for every number n (its low 32 bits, unsigned).
// Number.prototype.toString with a radix goes through V8's general double-to-radix runtime
// call for any value beyond a small integer: about 300 ns a call here against about 13 ns
// for hex32, and every disk record (its CRC), client request (its trace ids) and appended
// entry (its hash for the log checks) makes one or more. digits.test.ts holds both equal to
// toString on arbitrary values.

/** The digits '0'-'9' and 'a'-'z', by value, and their character codes. */
const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
const DIGIT_CODES = Array.from(DIGITS, (c) => c.charCodeAt(0));

/** The low 32 bits of `n`, unsigned, as 8 lowercase hex digits. */
export function hex32(n: number): string {
  const d = DIGIT_CODES;
  return String.fromCharCode(
    d[(n >>> 28) & 15], d[(n >>> 24) & 15], d[(n >>> 20) & 15], d[(n >>> 16) & 15],
    d[(n >>> 12) & 15], d[(n >>> 8) & 15], d[(n >>> 4) & 15], d[n & 15],
  );
}

/** The low 32 bits of `n`, unsigned, in base 36 (lowercase, no leading zeros). */
export function base36(n: number): string {
  let x = n >>> 0;
  let out = DIGITS[x % 36];
  x = Math.floor(x / 36);
  while (x > 0) {
    out = DIGITS[x % 36] + out;
    x = Math.floor(x / 36);
  }
  return out;
}
