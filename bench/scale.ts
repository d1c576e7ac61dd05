// Scale benchmark: how the cost of a run grows with cluster size. An idle Raft cluster
// (raft-idle: one election, then heartbeats, every check on) of 5, 9, 25 and 101 nodes
// runs about the same number of events (SIM_NODE_SECONDS / n simulated seconds: a
// heartbeating cluster makes events at a rate proportional to n); for each size: the
// simulated seconds, events, events/s (wall and CPU),
// time compression, and memory (the process's RSS, and the V8 heap in use after a full
// garbage collection while the finished world is still held). Sizes run smallest first,
// so RSS, which rarely shrinks, is an upper bound for each size. A heartbeat-only leader
// sends n - 1 messages per heartbeat, so events per simulated second grow about linearly
// with n; events/s staying flat as n grows is what "the per-event cost does not depend on
// cluster size" looks like.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadScenarioFile, locateScenario } from '../cli/catalog.ts';
import { cpuNowMs, wallNowMs } from '../cli/wallclock.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import type { Scenario } from '../sim/scenario/schema.ts';

const SIZES = [5, 9, 25, 101];
/** Simulated seconds times nodes: 1,200 s for 5 nodes, about 60 s for 101 (some 400,000 events each). */
const SIM_NODE_SECONDS = 6_000;

/** A full garbage collection (V8's gc(), reached without --expose-gc at start). */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function simSecondsOf(nodes: number): number {
  return Math.round(SIM_NODE_SECONDS / nodes);
}

function scenarioOf(nodes: number): Scenario {
  const loc = locateScenario('raft-idle');
  if (!loc.ok) throw new Error(loc.message);
  const p = loadScenarioFile(loc.file);
  if (!p.ok) throw new Error('raft-idle invalid');
  return { ...p.scenario, name: `raft-idle-${nodes}`, topology: { ...p.scenario.topology, nodes }, duration: simSecondsOf(nodes) * 1_000_000 };
}

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  runScenario(scenarioOf(5), 1); // warm-up
  for (const n of SIZES) {
    const s = scenarioOf(n);
    collect();
    const t0 = wallNowMs();
    const c0 = cpuNowMs();
    const { report, world } = runScenario(s, 1);
    const wallS = (wallNowMs() - t0) / 1000;
    const cpuS = (cpuNowMs() - c0) / 1000;
    collect();
    const heap = process.memoryUsage();
    out[`n${n}.simulatedSeconds`] = simSecondsOf(n);
    out[`n${n}.verdict`] = report.verdict;
    out[`n${n}.events`] = report.events;
    out[`n${n}.eventsPerS`] = Math.round(report.events / wallS);
    out[`n${n}.eventsPerCpuS`] = Math.round(report.events / cpuS);
    out[`n${n}.timeCompression`] = Math.round(simSecondsOf(n) / wallS);
    out[`n${n}.rssMB`] = Math.round(heap.rss / 2 ** 20);
    out[`n${n}.heapUsedMB`] = +(heap.heapUsed / 2 ** 20).toFixed(1);
    if (world.nodeCount !== n) throw new Error('unreachable');
  }
  return out;
}
