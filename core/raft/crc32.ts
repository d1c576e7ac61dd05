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

const encoder = new TextEncoder();

export function crc32(text: string): number {
  const bytes = encoder.encode(text);
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

export function crc32Hex(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}
