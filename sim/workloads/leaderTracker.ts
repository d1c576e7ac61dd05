// Who leads a Raft cluster, mirrored from the servers' 'raft.role' telemetry and the world's
// status mirror, so leader-targeted faults and measurements work wherever the nodes run
// (in this thread or in lockstep workers). Used by the workloads that run Raft servers.
import type { NodeId } from '../../core/env.ts';
import type { World } from '../world/world.ts';
import type { LeaderSource } from './workload.ts';

export class LeaderTracker implements LeaderSource {
  private readonly roles: { role: string; term: number }[];
  /** The highest term any server has entered (from 'raft.role' and 'raft.term'), for reports. */
  finalTerm = 0;

  constructor(private readonly world: World) {
    this.roles = Array.from({ length: world.nodeCount }, () => ({ role: 'follower', term: 0 }));
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'raft.role') this.roles[node] = { role: f.role as string, term: f.term as number };
      if ((name === 'raft.role' || name === 'raft.term') && (f.term as number) > this.finalTerm) this.finalTerm = f.term as number;
    });
  }

  /** The up server that believes it leads with the highest term, or -1. */
  current(): NodeId {
    let best = -1;
    let bestTerm = -1;
    this.roles.forEach((r, id) => {
      if (this.world.status[id] === 'up' && r.role === 'leader' && r.term > bestTerm) {
        best = id;
        bestTerm = r.term;
      }
    });
    return best;
  }

  termOf(node: NodeId): number {
    return this.roles[node].term;
  }
}
