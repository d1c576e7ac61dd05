// What a fault touches: the servers and links it changes, and for how long, for checks
// that judge only the part of a cluster that runs free of faults (sim/check/quorumLiveness.ts).
//
// Contract: faultReach(f, nodeCount) is the reach of one concrete fault (a `leader` fault has
// none until it finds its leader; scheduleFault reports the concrete fault it becomes).
// Conservative: a fault whose targets are chosen as it runs (aimed nemeses, byzantine
// adversaries) touches every node; one without an end (a crash for good, a clock fault, a
// leak or a drift without a duration) touches its node to the end of the run.
import type { Micros, NodeId } from '../../core/env.ts';
import { partitionPairs } from '../net/network.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { FaultReach } from '../world/world.ts';

export function faultReach(f: FaultSpec, nodeCount: number): FaultReach | null {
  const end = (d: number | undefined): number => (d === undefined ? Infinity : f.at + d);
  const node = (n: NodeId, toUs: number): FaultReach => ({ fromUs: f.at, toUs, nodes: [n], all: false, cuts: [], links: [] });
  const cut = (pairs: [NodeId, NodeId][], toUs: number): FaultReach => ({ fromUs: f.at, toUs, nodes: [], all: false, cuts: pairs, links: [] });
  switch (f.kind) {
    case 'leader':
      return null;
    case 'crash':
    case 'shutdown':
    case 'memory':
    case 'leak':
    case 'drift':
      return node(f.node, end(f.duration));
    case 'restart':
      return node(f.node, f.at);
    case 'clock':
      return node(f.node, Infinity);
    case 'pause':
    case 'throttle':
    case 'diskFull':
    case 'fsyncLoss':
    case 'tornWrites':
    case 'readErrors':
    case 'slowDisk':
    case 'cpuSpike':
    case 'slowStart':
      return node(f.node, healUs(f));
    case 'partition':
      return cut(partitionPairs({ shape: 'groups', groups: f.groups }, nodeCount), end(f.duration));
    case 'oneway':
      return cut(partitionPairs({ shape: 'oneway', from: f.from, to: f.to }, nodeCount), end(f.duration));
    case 'bridge':
      return cut(partitionPairs({ shape: 'bridge', left: f.left, right: f.right, bridge: f.bridge }, nodeCount), end(f.duration));
    case 'isolate':
      return cut(partitionPairs({ shape: 'isolate', nodes: f.nodes }, nodeCount), end(f.duration));
    case 'link':
      return { fromUs: f.at, toUs: end(f.duration), nodes: [], all: false, cuts: [], links: linkPairs(f) };
    case 'byzantine':
    case 'crashOn':
    case 'deafenOn':
    case 'figure8':
    case 'diverge':
    case 'leaseEdge':
    case 'staleWrite':
      return { fromUs: f.at, toUs: Math.max(healUs(f), end(f.duration)), nodes: [], all: true, cuts: [], links: [] };
    default: {
      const unknown: never = f;
      return unknown;
    }
  }
}

/** The directed links a `link` fault changes: every from -> to pair of two different nodes. */
export function linkPairs(f: { from: readonly NodeId[]; to: readonly NodeId[] }): [NodeId, NodeId][] {
  const pairs: [NodeId, NodeId][] = [];
  for (const a of f.from) for (const b of f.to) if (a !== b) pairs.push([a, b]);
  return pairs;
}

/** When one fault is over: its heal, or the moment it happens for an instant fault. */
export function healUs(f: FaultSpec): Micros {
  const d = 'duration' in f && f.duration !== undefined ? f.duration : 0;
  return f.at + d + (f.kind === 'slowStart' ? f.startDelay : f.kind === 'crashOn' || f.kind === 'deafenOn' ? f.down : 0);
}
