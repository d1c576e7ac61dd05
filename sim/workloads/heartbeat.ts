// The heartbeat workload: every node runs the failure detector, and one check holds it to
// its promise once the faults have healed (the liveness phase): within the bound, every
// up node trusts every other up node and suspects every node that is down.
import { FailureDetector } from '../../core/heartbeat/failureDetector.ts';
import type { Micros, NodeId } from '../../core/env.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';

export function heartbeatNodes(s: Scenario): NodeSpec[] {
  const n = s.topology.nodes;
  const specs: NodeSpec[] = [];
  for (let id = 0; id < n; id++) {
    const peers: NodeId[] = [];
    for (let p = 0; p < n; p++) if (p !== id) peers.push(p);
    specs.push({ role: 'server', factory: () => new FailureDetector({ peers, intervalUs: s.heartbeat.interval, timeoutUs: s.heartbeat.timeout }) });
  }
  return specs;
}

/** Checks the detector's view at `checkAtUs` against the hosts' true status. */
export function installHeartbeatCheck(world: World, checkAtUs: Micros): void {
  world.at(checkAtUs, 'check liveness', () => {
    for (const h of world.hosts) {
      if (h.status !== 'up' || !(h.process instanceof FailureDetector)) continue;
      const suspects = new Set(h.process.suspects());
      for (const other of world.hosts) {
        if (other.id === h.id) continue;
        const up = other.status === 'up';
        if (up && suspects.has(other.id)) world.violate('fd-accuracy', h.id, `node ${h.id} still suspects node ${other.id}, which is up and reachable, after the liveness bound`);
        if (!up && !suspects.has(other.id)) world.violate('fd-completeness', h.id, `node ${h.id} does not suspect node ${other.id}, which is ${other.status}, after the liveness bound`);
      }
    }
  });
}
