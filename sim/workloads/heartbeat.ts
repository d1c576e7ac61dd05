// The heartbeat workload: every node runs the failure detector, and one check holds it to
// its promise once the faults have healed (the liveness phase): within the bound, every
// up node trusts every other up node and suspects every node that is down.
import { z } from 'zod';
import { FailureDetector } from '../../core/heartbeat/failureDetector.ts';
import type { Micros, NodeId } from '../../core/env.ts';
import { duration, positiveDuration } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { defineWorkload, type ScenarioOf } from './workload.ts';

const heartbeatSchema = z.object({
  interval: positiveDuration.default(100_000),
  timeout: duration.default(500_000),
  /** Real CPU work per received heartbeat (hash rounds): makes a CPU-heavy scenario for worker benchmarks. */
  work: z.number().int().min(0).max(10_000_000).default(0),
}).strict();

const sections = { heartbeat: heartbeatSchema.default({ interval: 100_000, timeout: 500_000, work: 0 }) };
export type HeartbeatScenario = ScenarioOf<typeof sections>;

export function heartbeatNodes(s: HeartbeatScenario): NodeSpec[] {
  const n = s.topology.nodes;
  const specs: NodeSpec[] = [];
  for (let id = 0; id < n; id++) {
    const peers: NodeId[] = [];
    for (let p = 0; p < n; p++) if (p !== id) peers.push(p);
    specs.push({ role: 'server', factory: () => new FailureDetector({ peers, intervalUs: s.heartbeat.interval, timeoutUs: s.heartbeat.timeout, workRounds: s.heartbeat.work }) });
  }
  return specs;
}

/**
 * Checks the detectors' views at `checkAtUs` against the nodes' true status. The views are
 * mirrored from telemetry ('fd.suspect', 'fd.trust'), so the check never reaches into a
 * node and works wherever the nodes run.
 */
export function installHeartbeatCheck(world: World, checkAtUs: Micros): void {
  const n = world.nodeCount;
  const suspects: Set<NodeId>[] = Array.from({ length: n }, () => new Set<NodeId>());
  world.onTelemetry((_t, node, name, f) => {
    if (name === 'fd.suspect') suspects[node].add(f.peer as number);
    else if (name === 'fd.trust') suspects[node].delete(f.peer as number);
    else if (name === 'fd.boot') suspects[node].clear();
  });
  world.at(checkAtUs, 'check liveness', () => {
    for (let id = 0; id < n; id++) {
      if (world.status[id] !== 'up') continue;
      for (let other = 0; other < n; other++) {
        if (other === id) continue;
        const up = world.status[other] === 'up';
        if (up && suspects[id].has(other)) world.violate('fd-accuracy', id, `node ${id} still suspects node ${other}, which is up and reachable, after the liveness bound`);
        if (!up && !suspects[id].has(other)) world.violate('fd-completeness', id, `node ${id} does not suspect node ${other}, which is ${world.status[other]}, after the liveness bound`);
      }
    }
  });
}

export const heartbeatWorkload = defineWorkload({
  name: 'heartbeat',
  description: 'Every node runs a heartbeat failure detector; after the faults heal, up nodes must trust each other and suspect the nodes that are down.',
  sections,
  nodes: heartbeatNodes,
  install(world, s, ctx) {
    // The faults are scheduled before the liveness check, so that at equal times they run first.
    ctx.scheduleFaults();
    installHeartbeatCheck(world, Math.min(s.duration, ctx.healUs + s.liveness.within));
    return {};
  },
  ui: { metric: '#suspects', roleColors: { detector: '#2563c9' }, messageColors: { hb: '#2563c9' } },
});
