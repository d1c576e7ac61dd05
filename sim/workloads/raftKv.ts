// The raft-kv workload: `topology.nodes` Raft servers running the replicated KV store and
// `clients.count` client nodes issuing a seeded mix of operations with timeouts and
// retries. Checks: Raft invariants as the run goes, linearizability of the client history
// at the end, and liveness: after the last fault heals, a write completes within the bound.
import type { Micros } from '../../core/env.ts';
import { KvClient } from '../../core/kv/client.ts';
import { HistoryRecorder } from '../check/historyRecorder.ts';
import { checkKvHistory } from '../check/linearizability.ts';
import { RaftInvariants } from '../check/raftInvariants.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { clientsSection, kvServerSpecs, opGenerator, raftSection } from './kvSections.ts';
import { LeaderTracker } from './leaderTracker.ts';
import { RAFT_UI } from './raftUi.ts';
import { defineWorkload, type ScenarioOf } from './workload.ts';

/** Search steps the end-of-run linearizability check may spend before answering unknown. */
export const LINEARIZABILITY_STEPS_MAX = 20_000_000;

const sections = { raft: raftSection, clients: clientsSection };
export type RaftKvScenario = ScenarioOf<typeof sections>;

export function raftKvNodes(s: RaftKvScenario): NodeSpec[] {
  const { specs, servers } = kvServerSpecs(s.topology, s.raft);
  const nextOp = opGenerator(s.clients);
  for (let c = 0; c < s.clients.count; c++) {
    specs.push({
      role: 'client',
      factory: () => new KvClient({
        clientId: c + 1, servers, thinkUs: s.clients.interval, timeoutUs: s.clients.timeout,
        attemptsMax: s.clients.attempts, stopAtUs: Math.max(0, s.duration - s.clients.quiesce), nextOp,
      }),
    });
  }
  return specs;
}

/** Installs the checks; the run schedules the faults after them, aimed by the leader tracker. */
function installRaftKv(world: World, s: RaftKvScenario, healUs: Micros): { finish(): Record<string, number | string>; leaders: LeaderTracker } {
  const invariants = new RaftInvariants(world);
  const history = new HistoryRecorder(world);
  const leaders = new LeaderTracker(world);
  // Counts of what the servers refused or could not do: byzantine scenarios must show
  // their bad input rejected (and nothing worse).
  const refusals = { rejectedMessages: 0, diskErrors: 0, recoverFailures: 0 };
  world.onTelemetry((_t, _node, name) => {
    if (name === 'msg.rejected') refusals.rejectedMessages++;
    else if (name === 'raft.disk_error') refusals.diskErrors++;
    else if (name === 'raft.recover_failed') refusals.recoverFailures++;
  });
  const boundUs = healUs + s.liveness.within;
  if (s.clients.count > 0 && boundUs <= s.duration - s.clients.quiesce) {
    world.at(boundUs, 'check liveness', () => {
      if (history.writesCompletedBetween(healUs, boundUs) === 0) {
        world.violate('liveness', null, `no write completed within ${s.liveness.within / 1000} ms after the faults healed at ${healUs / 1000} ms`);
      }
    });
  }
  const finish = (): Record<string, number | string> => {
    const ops = history.history();
    const r = checkKvHistory(ops, { maxSteps: LINEARIZABILITY_STEPS_MAX });
    if (r.verdict === 'illegal' && r.illegal !== undefined) world.violate('linearizability', null, `history is not linearizable on key ${r.illegal.key}:\n${r.illegal.explanation}`);
    const okOps = ops.filter((o) => o.output !== null && o.output.ok).length;
    return {
      linearizability: r.verdict,
      operations: ops.length,
      operationsOk: okOps,
      operationsUnknown: ops.filter((o) => o.return === Infinity).length,
      elections: invariants.elections.length,
      finalTerm: leaders.finalTerm,
      writesApplied: invariants.writesApplied.length,
      ...refusals,
    };
  };
  return { finish, leaders };
}

export const raftKvWorkload = defineWorkload({
  name: 'raft-kv',
  description: 'Raft servers replicate a key-value store for closed-loop clients; checks Raft safety, linearizability and recovery after the faults heal.',
  sections,
  leader: true,
  nodes: raftKvNodes,
  install: (world, s, ctx) => installRaftKv(world, s, ctx.healUs),
  ui: RAFT_UI,
});
