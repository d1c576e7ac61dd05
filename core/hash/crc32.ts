// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320) over the UTF-8 bytes of a string.
//
// Contract: crc32(s) returns an unsigned 32-bit integer; crc32Hex pads it to 8 lowercase
// hex digits. It detects torn and bit-flipped records; it is not a cryptographic hash.

const TABLE: Uint32Array = buildTable();

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

/**
 * Encodes UTF-8 on the fly from the string's code units, with no intermediate buffer:
 * a TextEncoder per call was most of the cost of checksumming every message.
 */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  const n = text.length;
  for (let i = 0; i < n; i++) {
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
  return crc32(text).toString(16).padStart(8, '0');
}
