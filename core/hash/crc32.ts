// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) over the UTF-8 bytes of a string.
//
// Contract: crc32(s) returns an unsigned 32-bit integer; crc32Hex pads it to 8 lowercase
// hex digits. It detects torn and bit-flipped records; it is not a cryptographic hash.
import { hex32 } from './digits.ts';

const TABLE: Uint32Array = buildTable();
// Slice-by-4: T1..T3 advance a byte through one, two and three more table steps, so four
// ASCII characters cost four look-ups and one shift chain instead of four dependent steps.
const T1: Uint32Array = nextTable(TABLE);
const T2: Uint32Array = nextTable(T1);
const T3: Uint32Array = nextTable(T2);

function buildTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
}

function nextTable(prev: Uint32Array): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) table[n] = ((prev[n] >>> 8) ^ TABLE[prev[n] & 0xff]) >>> 0;
  return table;
}

/**
 * Encodes UTF-8 on the fly from the string's code units, with no intermediate buffer:
 * a TextEncoder per call was most of the cost of checksumming every message.
 */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    if (i + 4 <= n) {
      const c0 = text.charCodeAt(i);
      const c1 = text.charCodeAt(i + 1);
      const c2 = text.charCodeAt(i + 2);
      const c3 = text.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 0x80) {
        // Four ASCII characters are four UTF-8 bytes: one slice-by-4 step.
        crc ^= c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
        crc = T3[crc & 0xff] ^ T2[(crc >>> 8) & 0xff] ^ T1[(crc >>> 16) & 0xff] ^ TABLE[crc >>> 24];
        i += 3;
        continue;
      }
    }
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      crc = TABLE[(crc ^ c) & 0xff] ^ (crc >>> 8);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      c = 0xfffd; // A lone surrogate encodes as U+FFFD, as TextEncoder does.
    }
    if (c < 0x800) {
      crc = TABLE[(crc ^ (0xc0 | (c >> 6))) & 0xff] ^ (crc >>> 8);
    } else if (c < 0x10000) {
      crc = TABLE[(crc ^ (0xe0 | (c >> 12))) & 0xff] ^ (crc >>> 8);
      crc = TABLE[(crc ^ (0x80 | ((c >> 6) & 0x3f))) & 0xff] ^ (crc >>> 8);
    } else {
      crc = TABLE[(crc ^ (0xf0 | (c >> 18))) & 0xff] ^ (crc >>> 8);
      crc = TABLE[(crc ^ (0x80 | ((c >> 12) & 0x3f))) & 0xff] ^ (crc >>> 8);
      crc = TABLE[(crc ^ (0x80 | ((c >> 6) & 0x3f))) & 0xff] ^ (crc >>> 8);
    }
    crc = TABLE[(crc ^ (0x80 | (c & 0x3f))) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32Hex(text: string): string {
  return hex32(crc32(text));
}
