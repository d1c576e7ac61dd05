// The heartbeat workload: every node runs the failure detector, and one check holds it to
// its promise once the faults have healed (the liveness phase): within the bound, every
// up node trusts every other up node and suspects every node that is down.
import { z } from 'zod';
import { FailureDetector } from '../../core/heartbeat/failureDetector.ts';
import type { Micros, NodeId } from '../../core/env.ts';
import { notApplicable } from '../check/verdict.ts';
import { formatMicros } from '../kernel/time.ts';
import { formatDuration } from '../scenario/duration.ts';
import { duration, outlastsRun, positiveDuration } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { defineWorkload, type ScenarioOf } from './workload.ts';

const heartbeatSchema = z.object({
  interval: positiveDuration.default(100_000),
  timeout: duration.default(500_000),
  /** Real CPU work per received heartbeat (hash rounds): makes a CPU-heavy scenario for worker benchmarks. */
  work: z.number().int().min(0).max(10_000_000).default(0),
}).strict().refine((h) => h.timeout > h.interval, {
  path: ['timeout'],
  message: 'must be longer than heartbeat.interval: a peer is suspected when no heartbeat came for this long, so a timeout of one interval or less suspects every peer; e.g. interval 100ms, timeout 500ms',
});

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
 * Checks the detectors' views at healUs + liveWithinUs (the last fault's heal plus the
 * liveness bound) against the nodes' true status. The views are mirrored from telemetry
 * ('fd.suspect', 'fd.trust'), so the check never reaches into a node and works wherever
 * the nodes run. A bound after the run's end cannot be checked: judging earlier would
 * hold the detectors to a promise they were never given, so the check is inconclusive
 * (scenario validation refuses such files; built scenarios can still have one). One node
 * has no peer to watch, and a fault lasting until the end leaves no liveness phase: then
 * the check does not apply. Returns the stats for the report.
 */
export function installHeartbeatCheck(world: World, healUs: Micros, liveWithinUs: Micros, durationUs: Micros): () => Record<string, string> {
  const boundUs = healUs + liveWithinUs;
  const n = world.nodeCount;
  if (n < 2) {
    const liveness = notApplicable('a single node has no peer to watch');
    return () => ({ liveness });
  }
  if (healUs >= durationUs) {
    const liveness = notApplicable('the last fault lasts until the end of the run, so there is no liveness phase');
    return () => ({ liveness });
  }
  if (boundUs > durationUs) {
    world.cannotDecide('liveness', `the liveness bound (${formatMicros(boundUs)}: the last fault heals, plus liveness.within) falls after the run ends at ${formatMicros(durationUs)}; lengthen duration or shorten liveness.within`);
    return () => ({ liveness: 'inconclusive' });
  }
  const suspects: Set<NodeId>[] = Array.from({ length: n }, () => new Set<NodeId>());
  world.onTelemetry((_t, node, name, f) => {
    if (name === 'fd.suspect') suspects[node].add(f.peer as number);
    else if (name === 'fd.trust') suspects[node].delete(f.peer as number);
    else if (name === 'fd.boot') suspects[node].clear();
  });
  let liveness = 'not run';
  world.checkAt(boundUs, 'liveness', () => {
    const before = world.violations.length;
    for (let id = 0; id < n; id++) {
      if (world.status[id] !== 'up') continue;
      for (let other = 0; other < n; other++) {
        if (other === id) continue;
        const up = world.status[other] === 'up';
        if (up && suspects[id].has(other)) world.violate('fd-accuracy', id, `node ${id} still suspects node ${other}, which is up and reachable, after the liveness bound`);
        if (!up && !suspects[id].has(other)) world.violate('fd-completeness', id, `node ${id} does not suspect node ${other}, which is ${world.status[other]}, after the liveness bound`);
      }
    }
    liveness = world.violations.length === before ? 'pass' : 'fail';
  });
  return () => ({ liveness });
}

/**
 * Settings under which the detector could never act, so its check would judge nothing: a
 * node alone has no peer to watch, and a timeout as long as the run suspects no peer before
 * the end (timeout 240h in a 10s run with a crash passed: every node trusted the crashed
 * one throughout, and the liveness check found nothing to fault).
 */
function heartbeatProblems(s: ScenarioOf<typeof sections>): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (s.topology.nodes < 2) problems.push({ path: 'topology.nodes', message: 'is 1: a heartbeat failure detector watches the other nodes, and a single node has none, so nothing would be checked and the run would pass as if it had been tested; give at least 2 nodes' });
  problems.push(...outlastsRun('heartbeat.timeout', s.heartbeat.timeout, s.duration, 'no peer could be suspected before the run ends, so the detector would never act and the run would pass untested', 'give a timeout of a few heartbeat intervals (e.g. interval 100ms, timeout 500ms)'));
  return problems;
}

export const heartbeatWorkload = defineWorkload({
  name: 'heartbeat',
  description: 'Every node runs a heartbeat failure detector; after the faults heal, up nodes must trust each other and suspect the nodes that are down.',
  sections,
  validate: heartbeatProblems,
  kvHistory: () => 'the heartbeat workload has no key-value clients',
  nodes: heartbeatNodes,
  install(world, s, ctx) {
    // The faults are scheduled before the liveness check, so that at equal times they run first.
    ctx.scheduleFaults();
    return { finish: installHeartbeatCheck(world, ctx.healUs, s.liveness.within, s.duration) };
  },
  ui: { metric: '#suspects', roleColors: { detector: '#2563c9' }, messageColors: { hb: '#2563c9' } },
});
