// The simulated network: per directed link latency, loss, duplication, reordering,
// bandwidth with queueing, corruption, and partitions of every shape.
//
// Contract: `transmit` decides, from the link's own seeded stream, what becomes of one
// message and returns its deliveries (zero, one or two arrival times, each possibly with a
// corrupted payload). It never schedules anything itself; the world does. Partitions are
// reference-counted cuts of directed pairs, so overlapping partitions heal independently.
// A cut is checked once, when a message is sent: a message already on the wire when a
// partition starts still arrives, as a packet past the failed switch would (world.test.ts
// pins this).
import type { Micros, NodeId } from '../../core/env.ts';
import { Layered, overlay } from '../kernel/layered.ts';
import type { Streams, Stream } from '../kernel/random.ts';
import { corruptMessage } from './corrupt.ts';
import { sampleLatency } from './latency.ts';
import { DEFAULT_LINK, type LinkProfile, type LinkState } from './link.ts';

export interface Delivery {
  arrivalUs: Micros;
  msg: unknown;
  corrupted: boolean;
}

export type DropReason = 'partition' | 'loss' | 'queue-full';
/** transmitFast's negative results, in order: -1 partition, -2 loss, -3 queue-full. */
export const DROP_REASONS: readonly DropReason[] = ['partition', 'loss', 'queue-full'];

export type TransmitResult = { ok: true; deliveries: Delivery[] } | { ok: false; reason: DropReason };

export type PartitionShape =
  | { shape: 'groups'; groups: NodeId[][] }
  | { shape: 'oneway'; from: NodeId[]; to: NodeId[] }
  | { shape: 'bridge'; left: NodeId[]; right: NodeId[]; bridge: NodeId }
  | { shape: 'isolate'; nodes: NodeId[] };

/**
 * A change to the links' state other than a transmission (a fault layer added or removed,
 * a partition made or healed), as plain data: a lockstep runner that transmits its own
 * nodes' messages replays the kernel's changes on its copy of the network (sim/workers).
 */
export type NetOp =
  | { op: 'addLayer'; id: number; pairs: [NodeId, NodeId][]; change: Partial<LinkProfile> }
  | { op: 'removeLayer'; id: number; pairs: [NodeId, NodeId][] }
  | { op: 'partition'; shape: PartitionShape }
  | { op: 'heal'; id: number };

export class Network {
  /** Told of every change to the links (see NetOp); null when nothing mirrors this network. */
  mirror: ((op: NetOp) => void) | null = null;

  private readonly links: LinkState[];
  private readonly streams: Stream[];
  private readonly cuts: Uint16Array;
  private readonly partitions = new Map<number, [NodeId, NodeId][]>();
  /** Fault layers by link index, made when a link first gets one. */
  private readonly layers = new Map<number, Layered<LinkProfile, Partial<LinkProfile>>>();
  private partitionIdNext = 1;

  constructor(
    readonly nodeCount: number,
    readonly latencyFloorUs: Micros,
    streams: Streams,
    /** Every link's profile before any fault. */
    readonly baseProfile: LinkProfile = DEFAULT_LINK,
  ) {
    const profile = baseProfile;
    if (!(latencyFloorUs > 0)) throw new Error('Network: the minimum link latency L must be > 0');
    this.links = [];
    this.streams = [];
    for (let from = 0; from < nodeCount; from++) {
      for (let to = 0; to < nodeCount; to++) {
        this.links.push({ profile: { ...profile }, lastArrivalUs: 0, busyUntilUs: 0 });
        this.streams.push(streams.get(`net/${from}->${to}`));
      }
    }
    this.cuts = new Uint16Array(nodeCount * nodeCount);
  }

  private at(from: NodeId, to: NodeId): number {
    if (!(from >= 0 && from < this.nodeCount && to >= 0 && to < this.nodeCount)) throw noLinkError(from, to);
    return from * this.nodeCount + to;
  }

  profile(from: NodeId, to: NodeId): Readonly<LinkProfile> {
    return this.links[this.at(from, to)].profile;
  }

  /**
   * Puts fault layer `id`, a partial profile (latency injection, loss, bandwidth...), over
   * the directed links `pairs`. A link's profile is its base with every active layer applied
   * in the order they were added (sim/kernel/layered.ts), so overlapping faults heal in any
   * order; removing the last layer restores the base exactly.
   */
  addLayer(id: number, pairs: readonly (readonly [NodeId, NodeId])[], change: Partial<LinkProfile>): void {
    this.mirror?.({ op: 'addLayer', id, pairs: pairs.map(([a, b]) => [a, b]), change });
    for (const [a, b] of pairs) {
      const i = this.at(a, b);
      let l = this.layers.get(i);
      if (l === undefined) {
        l = new Layered<LinkProfile, Partial<LinkProfile>>(this.links[i].profile, overlay);
        this.layers.set(i, l);
      }
      this.links[i].profile = l.add(id, change);
    }
  }

  removeLayer(id: number, pairs: readonly (readonly [NodeId, NodeId])[]): void {
    this.mirror?.({ op: 'removeLayer', id, pairs: pairs.map(([a, b]) => [a, b]) });
    for (const [a, b] of pairs) {
      const i = this.at(a, b);
      const l = this.layers.get(i);
      if (l === undefined) throw new Error(`Network: link ${a}->${b} has no layer ${id}`);
      this.links[i].profile = l.remove(id);
    }
  }

  isCut(from: NodeId, to: NodeId): boolean {
    return this.cuts[this.at(from, to)] > 0;
  }

  transmit(nowUs: Micros, from: NodeId, to: NodeId, msg: unknown, sizeBytes: number): TransmitResult {
    const n = this.transmitFast(nowUs, from, to, msg, sizeBytes);
    if (n < 0) return { ok: false, reason: DROP_REASONS[-1 - n] };
    const deliveries: Delivery[] = [];
    for (let c = 0; c < n; c++) deliveries.push({ arrivalUs: this.arrivalUs[c], msg: this.deliveredMsg[c], corrupted: this.corrupted[c] });
    return { ok: true, deliveries };
  }

  /**
   * transmit without allocating (the world's hot path): returns the number of deliveries
   * (1 or 2), written to arrivalUs/deliveredMsg/corrupted[0..n), or -1 - the index of the
   * drop reason in DROP_REASONS. The same draws in the same order as transmit.
   */
  transmitFast(nowUs: Micros, from: NodeId, to: NodeId, msg: unknown, sizeBytes: number): number {
    const i = this.at(from, to);
    if (this.cuts[i] > 0) return -1;
    const link = this.links[i];
    const p = link.profile;
    const r = this.streams[i];
    if (r.chance(p.loss)) return -2;
    let departUs = nowUs;
    if (p.bandwidthBytesPerS > 0) {
      const startUs = Math.max(nowUs, link.busyUntilUs);
      if (startUs - nowUs > p.queueUsMax) return -3;
      departUs = startUs + Math.ceil((sizeBytes * 1_000_000) / p.bandwidthBytesPerS);
      link.busyUntilUs = departUs;
    }
    const copies = r.chance(p.duplicate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      let arrivalUs = departUs + p.extraUs + sampleLatency(p.latency, r, this.latencyFloorUs);
      const reordered = r.chance(p.reorder);
      if (!reordered) arrivalUs = Math.max(arrivalUs, link.lastArrivalUs);
      if (arrivalUs > link.lastArrivalUs) link.lastArrivalUs = arrivalUs;
      const corrupted = r.chance(p.corrupt);
      this.arrivalUs[c] = arrivalUs;
      this.deliveredMsg[c] = corrupted ? corruptMessage(msg, r) : msg;
      this.corrupted[c] = corrupted;
    }
    return copies;
  }

  /** The deliveries of the last transmitFast (valid until the next call). */
  readonly arrivalUs: Micros[] = [0, 0];
  readonly deliveredMsg: unknown[] = [null, null];
  readonly corrupted: boolean[] = [false, false];

  /** Installs a partition and returns its id for `heal`. */
  partition(shape: PartitionShape): number {
    this.mirror?.({ op: 'partition', shape });
    const pairs = this.pairsOf(shape);
    for (const [a, b] of pairs) this.cuts[this.at(a, b)]++;
    const id = this.partitionIdNext++;
    this.partitions.set(id, pairs);
    return id;
  }

  heal(id: number): boolean {
    this.mirror?.({ op: 'heal', id });
    const pairs = this.partitions.get(id);
    if (pairs === undefined) return false;
    for (const [a, b] of pairs) this.cuts[this.at(a, b)]--;
    this.partitions.delete(id);
    return true;
  }

  healAll(): void {
    for (const id of [...this.partitions.keys()].sort((a, b) => a - b)) this.heal(id);
  }

  activePartitions(): number[] {
    return [...this.partitions.keys()].sort((a, b) => a - b);
  }

  private pairsOf(s: PartitionShape): [NodeId, NodeId][] {
    const pairs = partitionPairs(s, this.nodeCount);
    for (const [a, b] of pairs) this.at(a, b);
    return pairs;
  }
}

/** Replays a change recorded by another network's mirror (the same changes in the same order give the same state). */
export function applyNetOp(net: Network, o: NetOp): void {
  switch (o.op) {
    case 'addLayer': net.addLayer(o.id, o.pairs, o.change); break;
    case 'removeLayer': net.removeLayer(o.id, o.pairs); break;
    case 'partition': net.partition(o.shape); break;
    case 'heal': net.heal(o.id); break;
  }
}

/** The directed pairs a partition of `shape` cuts, among nodes 0..nodeCount-1. */
export function partitionPairs(s: PartitionShape, nodeCount: number): [NodeId, NodeId][] {
  const pairs: [NodeId, NodeId][] = [];
  const both = (a: NodeId[], b: NodeId[]): void => {
    for (const x of a) for (const y of b) if (x !== y) pairs.push([x, y], [y, x]);
  };
  switch (s.shape) {
    case 'groups':
      for (let g = 0; g < s.groups.length; g++) for (let h = g + 1; h < s.groups.length; h++) both(s.groups[g], s.groups[h]);
      break;
    case 'oneway':
      for (const x of s.from) for (const y of s.to) if (x !== y) pairs.push([x, y]);
      break;
    case 'bridge':
      both(s.left.filter((n) => n !== s.bridge), s.right.filter((n) => n !== s.bridge));
      break;
    case 'isolate': {
      const rest = [];
      for (let n = 0; n < nodeCount; n++) if (!s.nodes.includes(n)) rest.push(n);
      both(s.nodes, rest);
      break;
    }
  }
  return pairs;
}

/** Out of line, so the link look-up stays small enough to inline (see Kernel's pastTimeError). */
function noLinkError(from: NodeId, to: NodeId): Error {
  return new Error(`Network: no link ${from}->${to}`);
}
