// The canonical form of a message: frozen, hashed and sized in one walk.
//
// Contract: `sealMessage` deep-freezes a JSON-like value (so no node can mutate what
// another node holds: a mutation throws, and the world reports it) and computes a 64-bit
// digest over its canonical encoding: each value's type, object keys in insertion order
// (which the sender's code fixes), array lengths and elements. Equal encodings give
// equal digests in every runtime; structured clone across workers preserves key order.
// The size is an estimate of the JSON length, for bandwidth caps.
// Values that are not JSON-like (functions, symbols, cycles, class instances) are
// rejected with an error, because they cannot cross a real network or a worker.

let h1 = 0;
let h2 = 0;
let size = 0;
let depth = 0;
const DEPTH_MAX = 64;

function mix(c: number): void {
  h1 = Math.imul(h1 ^ c, 2654435761);
  h2 = Math.imul(h2 ^ c, 1597334677);
}

function mixString(s: string): void {
  let a = h1;
  let b = h2;
  const n = s.length;
  a = Math.imul(a ^ n, 2654435761);
  b = Math.imul(b ^ n, 1597334677);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 2654435761);
    b = Math.imul(b ^ c, 1597334677);
  }
  h1 = a;
  h2 = b;
  size += n + 2;
}

function mixNumber(x: number): void {
  if (Number.isInteger(x) && x >= -2147483648 && x <= 4294967295) {
    mix(0x6e);
    mix(x | 0);
    size += x < 10 && x >= 0 ? 1 : 6;
  } else {
    mix(0x66);
    mixString(String(x));
  }
}

function walk(v: unknown): void {
  switch (typeof v) {
    case 'string':
      mix(0x73);
      mixString(v);
      return;
    case 'number':
      mixNumber(v);
      return;
    case 'boolean':
      mix(v ? 0x74 : 0x46);
      size += 5;
      return;
    case 'undefined':
      mix(0x75);
      return;
    case 'object':
      if (v === null) {
        mix(0x30);
        size += 4;
        return;
      }
      if (++depth > DEPTH_MAX) throw new Error(`message nests deeper than ${DEPTH_MAX} levels (a cycle?)`);
      if (Array.isArray(v)) {
        mix(0x5b);
        mix(v.length);
        for (let i = 0; i < v.length; i++) walk(v[i]);
        size += 2 + v.length;
      } else {
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) throw new Error('messages must be plain JSON-like objects, not class instances');
        mix(0x7b);
        for (const k in v) {
          mixString(k);
          walk((v as Record<string, unknown>)[k]);
        }
        size += 2;
      }
      Object.freeze(v);
      depth--;
      return;
    default:
      throw new Error(`messages must be JSON-like; found a ${typeof v}`);
  }
}

export interface Seal {
  d1: number;
  d2: number;
  sizeBytes: number;
}

/** Deep-freezes `msg` and returns its digest and approximate encoded size. */
export function sealMessage(msg: unknown): Seal {
  h1 = 0x9e3779b9;
  h2 = 0x85ebca6b;
  size = 0;
  depth = 0;
  walk(msg);
  return { d1: h1 >>> 0, d2: h2 >>> 0, sizeBytes: size };
}
