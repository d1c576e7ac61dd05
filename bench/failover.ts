// Failover in virtual time: over many seeds, the time from a leader crash to the first
// client write committed (applied) under a new leader, with 150-300 ms election timeouts
// (tick 10 ms, electionTicks 15). The Raft paper's Figure 16 is the anchor: with 150-300 ms
// timeouts the worst case was about 513 ms.
import { parseScenarioText } from '../sim/scenario/parse.ts';
import { buildRun } from '../sim/run/runScenario.ts';
import { median } from './kernel.ts';
import { LeaderTracker } from '../sim/workloads/leaderTracker.ts';

const SEEDS = 200;
const CRASH_AT_US = 2_000_000;

const SCENARIO = `name: failover
description: leader crash at 2s under a steady client load
workload: raft-kv
topology: { nodes: 5, link: { latency: { kind: uniform, min: 1ms, max: 5ms } } }
duration: 4s
raft: { tick: 10ms, electionTicks: 15, heartbeatTicks: 3 }
clients: { count: 4, interval: 5ms, timeout: 100ms, keys: 8, quiesce: 0ms }
`;

/** Failover time in µs for one seed, or null if no write committed under a new leader. */
export function failoverUs(seed: number): number | null {
  const p = parseScenarioText(SCENARIO, 'failover.yaml');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  const { world, leaders } = buildRun(p.scenario, seed, false);
  if (!(leaders instanceof LeaderTracker)) throw new Error('failover: not a run of Raft servers');
  let crashedTerm = -1;
  let firstWriteUs = -1;
  world.at(CRASH_AT_US, 'crash leader', () => {
    const lead = leaders.current();
    if (lead < 0) return;
    crashedTerm = leaders.termOf(lead);
    world.crashNode(lead);
  });
  world.onTelemetry((t, _node, name, f) => {
    if (name === 'raft.apply' && crashedTerm >= 0 && firstWriteUs < 0 && (f.term as number) > crashedTerm && f.data !== '') firstWriteUs = t;
  });
  world.run({ timeUs: p.scenario.duration });
  return firstWriteUs < 0 ? null : firstWriteUs - CRASH_AT_US;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export async function run(): Promise<Record<string, number | string>> {
  const xs: number[] = [];
  let missing = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const us = failoverUs(seed);
    if (us === null) missing++;
    else xs.push(us);
  }
  xs.sort((a, b) => a - b);
  return {
    seeds: SEEDS,
    electionTimeout: '150-300ms',
    failoverMsP50: median(xs) / 1000,
    failoverMsP95: percentile(xs, 0.95) / 1000,
    failoverMsMax: xs[xs.length - 1] / 1000,
    failoverMsMin: xs[0] / 1000,
    seedsWithoutFailover: missing,
    figure16WorstCaseMs: 513,
  };
}
