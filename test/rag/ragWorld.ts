// Test helper: runs the rag workload on a World built by hand (small corpora slices, short
// runs), with faults as world actions.
import type { World } from '../../sim/world/world.ts';
import { World as SimWorld } from '../../sim/world/world.ts';
import { raftSchema } from '../../sim/scenario/schema.ts';
import { installRag } from '../../sim/workloads/rag/installRag.ts';
import { ragNodes } from '../../sim/workloads/rag/ragNodes.ts';
import { ragSchema } from '../../sim/workloads/rag/ragSection.ts';
import type { RagScenario } from '../../sim/workloads/rag/ragScenario.ts';

export interface RagRun {
  world: World;
  hash: string;
  stats: Record<string, number | string>;
  checks: string[];
}

export function ragScenario(rag: Record<string, unknown>, raft: Record<string, unknown> = {}, durationUs = 4_000_000): RagScenario {
  return { name: 'rag-test', topology: { nodes: 3 }, duration: durationUs, liveness: { within: 800_000 }, raft: raftSchema.parse(raft), rag: ragSchema.parse(rag) };
}

export function runRag(s: RagScenario, seed: number, faults: (w: World) => void = () => {}): RagRun {
  const world = new SimWorld({ seed: `${s.name}/${seed}`, nodes: ragNodes(s), link: { latency: { kind: 'uniform', minUs: 1000, maxUs: 3000 } }, latencyFloorUs: 500 });
  world.boot();
  const inst = installRag(world, s, 0);
  faults(world);
  world.run({ timeUs: s.duration, eventsMax: 20_000_000 });
  const stats = inst.finish();
  return { world, hash: world.trace.digest(), stats, checks: world.violations.map((v) => v.check) };
}
