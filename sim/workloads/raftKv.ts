// The raft-kv workload: `topology.nodes` Raft servers running the replicated KV store and
// `clients.count` client nodes issuing a seeded mix of operations with timeouts and
// retries. Checks: Raft invariants as the run goes, linearizability of the client history
// at the end, and liveness: after the last fault heals, a write completes within the bound.
import type { Micros, NodeId, Random } from '../../core/env.ts';
import { KvClient } from '../../core/kv/client.ts';
import { KvServer } from '../../core/kv/server.ts';
import type { KvOp } from '../../core/kv/types.ts';
import { HistoryRecorder } from '../check/historyRecorder.ts';
import { checkKvHistory } from '../check/linearizability.ts';
import { RaftInvariants } from '../check/raftInvariants.ts';
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

/**
 * The KV servers: `topology.nodes` voters (ids 0..n-1), then the manager's idle spares
 * (server nodes outside the configuration that a replace brings in; they do not boot).
 * Every server starts from the same bootstrap configuration, so a spare replaying the log
 * from the start applies the membership changes on top of it, as the others did.
 */
export function kvServerSpecs(s: Scenario, cpu?: NodeSpec['cpu']): { specs: NodeSpec[]; servers: NodeId[] } {
  const n = s.topology.nodes;
  const voters: NodeId[] = Array.from({ length: n }, (_, i) => i);
  const spares = s.manager.enabled ? s.manager.spares : 0;
  const servers: NodeId[] = Array.from({ length: n + spares }, (_, i) => i);
  const bugs = Object.fromEntries(s.raft.bugs.map((b) => [b, true]));
  const specs: NodeSpec[] = servers.map((id) => ({
    role: 'server',
    ...(cpu === undefined ? {} : { cpu }),
    ...(id >= n ? { boot: false } : {}),
    factory: () => new KvServer({
      voters, learners: [], tickUs: s.raft.tick, electionTicks: s.raft.electionTicks, heartbeatTicks: s.raft.heartbeatTicks,
      preVote: s.raft.preVote, checkQuorum: s.raft.checkQuorum, readMode: s.raft.readMode, maxInflight: s.raft.maxInflight,
      maxEntriesPerMsg: s.raft.maxEntriesPerMsg, snapshotEvery: s.raft.snapshotEvery, bugs,
    }),
  }));
  return { specs, servers };
}

export function raftKvNodes(s: Scenario): NodeSpec[] {
  const { specs, servers } = kvServerSpecs(s);
  const nextOp = opGenerator(s);
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

export interface RaftKvChecks {
  invariants: RaftInvariants;
  leaders: LeaderTracker;
  history: HistoryRecorder;
  /** Runs the end-of-run checks and returns statistics for the report. */
  finish(): Record<string, number | string>;
}

export function installRaftKvChecks(world: World, s: Scenario, healUs: Micros): RaftKvChecks {
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
  return {
    invariants,
    history,
    leaders,
    finish() {
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
