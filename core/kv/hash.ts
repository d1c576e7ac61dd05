// A small, stable string hash for digests: two independent 32-bit FNV-1a lanes.
//
// Contract: the same string gives the same pair on every platform and run. It is not
// cryptographic; it exists so that replicas can compare contents cheaply and so that an
// order-independent sum of entry hashes can be maintained incrementally.

export const FNV_PRIME = 0x01000193;
export const LANE_A_BASIS = 0x811c9dc5;
export const LANE_B_BASIS = 0x050c5d1f;

/** FNV-1a over UTF-16 code units, from a given basis; returns an unsigned 32-bit value. */
export function fnv1a32(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** Two lanes of hash, summed modulo 2^32 so that add and remove commute. */
export class HashSum {
  private laneA = 0;
  private laneB = 0;

  add(text: string): void {
    this.laneA = (this.laneA + fnv1a32(text, LANE_A_BASIS)) >>> 0;
    this.laneB = (this.laneB + fnv1a32(text, LANE_B_BASIS)) >>> 0;
  }

  remove(text: string): void {
    this.laneA = (this.laneA - fnv1a32(text, LANE_A_BASIS)) >>> 0;
    this.laneB = (this.laneB - fnv1a32(text, LANE_B_BASIS)) >>> 0;
  }

  hex(): string {
    return this.laneA.toString(16).padStart(8, '0') + this.laneB.toString(16).padStart(8, '0');
  }
}
