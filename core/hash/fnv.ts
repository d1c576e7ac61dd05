// FNV-1a, 32 bits: the small hash for short keys and fixed fields (a heartbeat's sender,
// epoch and sequence; a KV entry in an order-independent digest; an idempotency key; a
// colour for a message type).
//
// Contract: the same input gives the same unsigned 32-bit value in every engine (Math.imul
// is exact). It is not cryptographic and, at 32 bits, not for naming whole runs (Hash64 is).
import { hex32 } from './digits.ts';

export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** Mixes one 16-bit unit (a UTF-16 code unit, or half of a 32-bit word) into `h`. */
export function fnvUnit(h: number, unit: number): number {
  return Math.imul(h ^ unit, FNV_PRIME);
}

/** FNV-1a over a string's UTF-16 code units from `basis`; an unsigned 32-bit value. */
export function fnv1a32(text: string, basis: number = FNV_OFFSET): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h >>> 0;
}

/** fnv1a32 as 8 lowercase hex digits. */
export function fnv1a32Hex(text: string): string {
  return hex32(fnv1a32(text));
}
