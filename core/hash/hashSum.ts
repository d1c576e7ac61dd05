// An order-independent digest of a set of strings, kept up to date as members come and go.
//
// Contract: two FNV-1a lanes (fnv.ts) with different bases, summed modulo 2^32, so add and
// remove commute and the digest of a set does not depend on the order it was built in.
// Replicas compare their KV contents and session tables with it cheaply.
import { hex32 } from './digits.ts';
import { FNV_PRIME } from './fnv.ts';

const LANE_A_BASIS = 0x811c9dc5;
const LANE_B_BASIS = 0x050c5d1f;

/** A member's two lanes, kept beside it by a caller that will take it out again. */
export interface Lanes {
  a: number;
  b: number;
}

export class HashSum {
  private laneA = 0;
  private laneB = 0;

  /** Adds `text`; with `keep`, writes its lanes there, for removeLanes. */
  add(text: string, keep?: Lanes): void {
    this.mix(text, 1, keep);
  }

  remove(text: string): void {
    this.mix(text, -1);
  }

  /** Removes a member by the lanes its `add` kept: the same as remove(text), without building and hashing the text. */
  removeLanes(kept: Lanes): void {
    this.laneA = (this.laneA - kept.a) >>> 0;
    this.laneB = (this.laneB - kept.b) >>> 0;
  }

  /**
   * Adds (sign 1) or subtracts (sign -1) fnv1a32(text, LANE_A_BASIS) and
   * fnv1a32(text, LANE_B_BASIS), both lanes in one pass over the text: their multiplies are
   * independent, so they run side by side (every KV write adds and removes two members).
   */
  private mix(text: string, sign: 1 | -1, keep?: Lanes): void {
    let a = LANE_A_BASIS;
    let b = LANE_B_BASIS;
    for (let i = 0; i < text.length; i++) {
      const u = text.charCodeAt(i);
      a = Math.imul(a ^ u, FNV_PRIME);
      b = Math.imul(b ^ u, FNV_PRIME);
    }
    a >>>= 0;
    b >>>= 0;
    if (keep !== undefined) {
      keep.a = a;
      keep.b = b;
    }
    this.laneA = (this.laneA + sign * a) >>> 0;
    this.laneB = (this.laneB + sign * b) >>> 0;
  }

  hex(): string {
    return hex32(this.laneA) + hex32(this.laneB);
  }
}
