// An order-independent digest of a set of strings, kept up to date as members come and go.
//
// Contract: two FNV-1a lanes (fnv.ts) with different bases, summed modulo 2^32, so add and
// remove commute and the digest of a set does not depend on the order it was built in.
// Replicas compare their KV contents and session tables with it cheaply.
import { fnv1a32 } from './fnv.ts';

const LANE_A_BASIS = 0x811c9dc5;
const LANE_B_BASIS = 0x050c5d1f;

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
