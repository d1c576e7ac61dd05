// The raft-kv workload: `topology.nodes` Raft servers running the replicated KV store and
// `clients.count` client nodes issuing a seeded mix of operations with timeouts and
// retries. Checks: Raft invariants as the run goes, linearizability of the client history
// at the end, and liveness: after the last fault heals, a write completes within the bound.
import type { Micros, NodeId, Random } from '../../core/env.ts';
import { KvClient } from '../../core/kv/client.ts';
import { KvServer } from '../../core/kv/server.ts';
import type { KvOp } from '../../core/kv/types.ts';
import type { Operation } from '../check/history.ts';
import { HISTORY_OPS_MAX, HistoryRecorder } from '../check/historyRecorder.ts';
import { checkKvHistory } from '../check/linearizability.ts';
import { RaftInvariants } from '../check/raftInvariants.ts';
import { notApplicable } from '../check/verdict.ts';
import { formatMicros } from '../kernel/time.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';

/** Search steps the end-of-run linearizability check may spend before answering unknown. */
export const LINEARIZABILITY_STEPS_MAX = 20_000_000;

export function opGenerator(s: Scenario): (r: Random, clientId: number, seq: number) => KvOp {
  const m = s.clients.mix;
  const weights: [KvOp['op'], number][] = [['get', m.get], ['put', m.put], ['append', m.append], ['cas', m.cas], ['delete', m.delete]];
  const total = weights.reduce((a, [, w]) => a + w, 0);
  const keys = s.clients.keys;
  return (r, clientId, seq) => {
    let x = r.next() * total;
    let kind: KvOp['op'] = 'get';
    for (const [k, w] of weights) {
      if (x < w) { kind = k; break; }
      x -= w;
    }
    const key = `k${r.int(keys)}`;
    const value = `c${clientId}s${seq}`;
    switch (kind) {
      case 'get': return { op: 'get', key };
      case 'put': return { op: 'put', key, value };
      case 'append': return { op: 'append', key, value: `${value};` };
      case 'delete': return { op: 'delete', key };
      case 'cas': return { op: 'cas', key, expected: r.next() < 0.5 ? null : `c${r.int(Math.max(1, clientId + 1))}s${Math.max(1, seq - 1 - r.int(3))}`, value };
    }
  };
}

export function raftKvNodes(s: Scenario): NodeSpec[] {
  const n = s.topology.nodes;
  const voters: NodeId[] = Array.from({ length: n }, (_, i) => i);
  const bugs = Object.fromEntries(s.raft.bugs.map((b) => [b, true]));
  const specs: NodeSpec[] = voters.map(() => ({
    role: 'server',
    factory: () => new KvServer({
      voters, learners: [], tickUs: s.raft.tick, electionTicks: s.raft.electionTicks, heartbeatTicks: s.raft.heartbeatTicks,
      preVote: s.raft.preVote, checkQuorum: s.raft.checkQuorum, readMode: s.raft.readMode, maxInflight: s.raft.maxInflight,
      maxEntriesPerMsg: s.raft.maxEntriesPerMsg, snapshotEvery: s.raft.snapshotEvery, bugs,
    }),
  }));
  const nextOp = opGenerator(s);
  for (let c = 0; c < s.clients.count; c++) {
    specs.push({
      role: 'client',
      factory: () => new KvClient({
        clientId: c + 1, servers: voters, thinkUs: s.clients.interval, timeoutUs: s.clients.timeout,
        attemptsMax: s.clients.attempts, stopAtUs: Math.max(0, s.duration - s.clients.quiesce), nextOp,
      }),
    });
  }
  return specs;
}

export interface RaftKvChecks {
  invariants: RaftInvariants;
  leaders: LeaderTracker;
  history: HistoryRecorder;
  /** Runs the end-of-run checks and returns statistics for the report. */
  finish(): Record<string, number | string>;
}

/** Budgets of the end-of-run checks (sim/run/runScenario.ts CheckLimits). */
export interface RaftKvCheckLimits {
  linearizabilityStepsMax?: number;
  historyOpsMax?: number;
}

export function installRaftKvChecks(world: World, s: Scenario, healUs: Micros, limits: RaftKvCheckLimits = {}): RaftKvChecks {
  const invariants = new RaftInvariants(world);
  const history = new HistoryRecorder(world, limits.historyOpsMax ?? HISTORY_OPS_MAX);
  const leaders = new LeaderTracker(world);
  // Counts of what the servers refused or could not do: byzantine scenarios must show
  // their bad input rejected (and nothing worse).
  const refusals = { rejectedMessages: 0, diskErrors: 0, recoverFailures: 0 };
  world.onTelemetry((_t, _node, name) => {
    if (name === 'msg.rejected') refusals.rejectedMessages++;
    else if (name === 'raft.disk_error') refusals.diskErrors++;
    else if (name === 'raft.recover_failed') refusals.recoverFailures++;
  });
  const liveness = installLivenessCheck(world, s, healUs, history);
  return {
    invariants,
    history,
    leaders,
    finish() {
      const ops = history.history();
      const linearizability = checkLinearizability(world, history, limits.linearizabilityStepsMax ?? LINEARIZABILITY_STEPS_MAX);
      const okOps = ops.filter((o) => o.output !== null && o.output.ok).length;
      return {
        linearizability,
        liveness: liveness.state,
        operations: ops.length,
        operationsOk: okOps,
        operationsUnknown: ops.filter((o) => o.return === Infinity).length,
        elections: invariants.elections.length,
        writesApplied: invariants.writesApplied.length,
        ...refusals,
      };
    },
  };
}

/**
 * Mirrors who leads from the servers' 'raft.role' telemetry and the world's status mirror,
 * so leader-targeted faults work wherever the nodes run.
 */
export class LeaderTracker {
  private readonly roles: { role: string; term: number }[];

  constructor(private readonly world: World) {
    this.roles = Array.from({ length: world.nodeCount }, () => ({ role: 'follower', term: 0 }));
    world.onTelemetry((_t, node, name, f) => {
      if (name === 'raft.role') this.roles[node] = { role: f.role as string, term: f.term as number };
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

/**
 * Liveness: after the last fault heals, a write completes within the bound. With no
 * clients, or when the last fault lasts until the end of the run (as the UI exports an
 * intervention "until the end"), there is nothing to judge (not applicable). A bound that
 * falls after the clients stop issuing operations cannot be judged (inconclusive; scenario
 * validation only asks for room before the end of the run), nor can "no write completed"
 * when the recorder had overflowed and stopped recording.
 */
function installLivenessCheck(world: World, s: Scenario, healUs: Micros, history: HistoryRecorder): { state: string } {
  const out = { state: 'not run' };
  const boundUs = healUs + s.liveness.within;
  const clientsStopUs = s.duration - s.clients.quiesce;
  if (s.clients.count === 0) {
    out.state = notApplicable('the scenario has no clients');
  } else if (healUs >= s.duration) {
    out.state = notApplicable('the last fault lasts until the end of the run, so there is no liveness phase');
  } else if (boundUs > clientsStopUs) {
    out.state = 'inconclusive';
    world.cannotDecide('liveness', `the liveness bound (${formatMicros(boundUs)}: the last fault heals at ${formatMicros(healUs)}, plus liveness.within) falls after the clients stop issuing operations at ${formatMicros(clientsStopUs)} (duration minus clients.quiesce); lengthen duration or shorten liveness.within`);
  } else {
    world.checkAt(boundUs, 'liveness', () => {
      if (history.writesCompletedBetween(healUs, boundUs) > 0) {
        out.state = 'pass';
      } else if (history.overflow) {
        out.state = 'inconclusive';
        world.cannotDecide('liveness', `no write completion was recorded within ${formatMicros(s.liveness.within)} after the faults healed, but the history recorder had stopped at ${history.history().length.toLocaleString('en-US')} operations, so completions may have gone unrecorded`);
      } else {
        out.state = 'fail';
        world.violate('liveness', null, `no write completed within ${s.liveness.within / 1000} ms after the faults healed at ${healUs / 1000} ms`);
      }
    });
  }
  return out;
}

/**
 * Linearizability of the client history at the end of the run. A search that runs out of
 * its step budget, or a history the recorder truncated (a truncated history can look
 * illegal when it is not: a read may return a write that was not recorded), is
 * inconclusive. Returns the checker's verdict, or 'inconclusive' for a truncated history.
 */
function checkLinearizability(world: World, history: HistoryRecorder, maxSteps: number): string {
  const ops: Operation[] = history.history();
  if (history.overflow) {
    world.cannotDecide('linearizability', `the history recorder keeps at most ${history.opsMax.toLocaleString('en-US')} client operations and this run issued more, so the history is incomplete; shorten the run or use fewer clients`);
    return 'inconclusive';
  }
  const r = checkKvHistory(ops, { maxSteps });
  if (r.verdict === 'illegal' && r.illegal !== undefined) world.violate('linearizability', null, `history is not linearizable on key ${r.illegal.key}:\n${r.illegal.explanation}`);
  if (r.verdict === 'unknown') {
    world.cannotDecide('linearizability', `the search spent its budget of ${maxSteps.toLocaleString('en-US')} steps with ${r.checkedOps.toLocaleString('en-US')} of ${ops.length.toLocaleString('en-US')} operations (over ${r.partitions} keys) decided; use more keys or fewer clients so each key's history is shorter`);
  }
  return r.verdict;
}
