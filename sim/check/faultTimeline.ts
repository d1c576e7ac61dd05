// What the faults and the hosts' status changes did to each node and link over a run, for the
// checks that judge only the part of a cluster that runs free of faults (quorum-liveness,
// leader-commits-term).
//
// Contract: it keeps every fault's reach (sim/faults/reach.ts, as the schedule announces
// it) and every status change of the nodes below `nodesKept`; `points` lists the instants at
// which either may change, and `at(t)` says, for that instant, which nodes are up, paused or
// touched by a fault (their process, host, clock or disk), and which links are cut or under a
// link fault. A fault that touches every node (`all`) touches each of them. Memory: the
// reaches and the status changes, one record each.
import type { Micros, NodeId } from '../../core/env.ts';
import type { HostStatus } from '../host/host.ts';
import type { FaultReach, World } from '../world/world.ts';

/** The faults and statuses at one instant. */
export interface FaultState {
  /** Up, not paused and touched by no fault. */
  healthy(x: NodeId): boolean;
  up(x: NodeId): boolean;
  /** No cut and no link fault between a and b, in either direction. */
  clean(a: NodeId, b: NodeId): boolean;
  /** Cut in both directions. */
  severed(a: NodeId, b: NodeId): boolean;
}

export class FaultTimeline {
  private readonly reaches: FaultReach[] = [];
  private readonly statusLog: { t: Micros; node: NodeId; up: boolean; paused: boolean }[] = [];

  constructor(private readonly world: Pick<World, 'nodeCount' | 'nowUs' | 'onFaultReach' | 'onStatusChange'>, private readonly nodesKept: number) {
    world.onFaultReach((r) => this.reaches.push(r));
    world.onStatusChange((node, status: HostStatus) => {
      if (node < nodesKept) this.statusLog.push({ t: world.nowUs, node, up: status !== 'down', paused: status === 'paused' });
    });
  }

  /** Every instant before `stopUs` at which a status or a reach changes, and 0, in order. */
  points(stopUs: Micros): Micros[] {
    const times = new Set<number>([0]);
    for (const s of this.statusLog) times.add(s.t);
    for (const r of this.reaches) {
      times.add(r.fromUs);
      if (Number.isFinite(r.toUs)) times.add(r.toUs);
    }
    return [...times].filter((t) => t < stopUs).sort((a, b) => a - b);
  }

  /** The state at `t` (status changes at `t` included; a reach acts on [fromUs, toUs)). */
  at(t: Micros): FaultState {
    const kept = this.nodesKept;
    const upNow = new Array<boolean>(kept).fill(false);
    const pausedNow = new Array<boolean>(kept).fill(false);
    for (const s of this.statusLog) {
      if (s.t > t) break;
      upNow[s.node] = s.up;
      pausedNow[s.node] = s.paused;
    }
    const touched = new Array<boolean>(kept).fill(false);
    const n = this.world.nodeCount;
    const cut = new Set<number>();
    const faulty = new Set<number>();
    for (const r of this.reaches) {
      if (!(r.fromUs <= t && t < r.toUs)) continue;
      if (r.all) touched.fill(true);
      for (const x of r.nodes) if (x < kept) touched[x] = true;
      for (const [a, b] of r.cuts) cut.add(a * n + b);
      for (const [a, b] of r.links) faulty.add(a * n + b);
    }
    const up = (x: NodeId): boolean => x < kept && upNow[x];
    return {
      up,
      healthy: (x) => up(x) && !pausedNow[x] && !touched[x],
      clean: (a, b) => !cut.has(a * n + b) && !faulty.has(a * n + b) && !cut.has(b * n + a) && !faulty.has(b * n + a),
      severed: (a, b) => cut.has(a * n + b) && cut.has(b * n + a),
    };
  }
}
