// The one hashing module: every digest, checksum and hash in core/, sim/ and ui/ comes from
// here. Re-exports only.
export { crc32, crc32Hex } from './crc32.ts';
export { base36, hex32 } from './digits.ts';
export { FNV_OFFSET, FNV_PRIME, fnv1a32, fnv1a32Hex, fnvUnit } from './fnv.ts';
export { fmix32, Hash64, hashString, LANE1_MUL, LANE2_MUL } from './hash64.ts';
export { HashSum } from './hashSum.ts';
export { structuralChecksum, structuralWalker, type Digest, type StructuralWalker } from './structural.ts';
