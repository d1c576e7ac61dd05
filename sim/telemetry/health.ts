// Health of a running cluster for `faultline serve`: liveness, readiness and a detailed
// view, computed from what telemetry has seen (never by reaching into a node).
//
// Contract: ready means a leader exists (an up server that believes it leads, with the
// highest such term) and every up server, or the one asked about, is caught up: it knows a
// leader and has applied within READY_LAG_MAX entries of the leader's commit index. A
// workload without Raft is ready when a node is up. Indexes come from the periodic
// raft.stats events, so they may lag the truth by up to 100 ms of simulated time.
import type { Micros } from '../../core/env.ts';
import { nodeName } from '../../core/telemetry/labels.ts';
import { describe, healUs } from '../faults/schedule.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import type { NodeState } from './metricFeeds.ts';

/** Entries a server may trail the leader's commit index by and still count as caught up. */
export const READY_LAG_MAX = 100;

export interface Readiness {
  ready: boolean;
  reason: string;
  leader: string | null;
}

export interface NodeHealth {
  node: string;
  role: string;
  status: string;
  raftRole: string | null;
  term: number | null;
  commitIndex: number | null;
  appliedIndex: number | null;
  /** Simulated ms since the node last heard from the leader it knows (0 for the leader), or null. */
  lastContactMs: number | null;
}

export interface DetailedHealth extends Readiness {
  status: 'ok' | 'degraded';
  simulatedMs: number;
  nodes: NodeHealth[];
  activeFaults: { index: number; kind: string; sinceMs: number; untilMs: number; fault: string }[];
  violations: number;
}

function leaderOf(world: World, nodes: readonly NodeState[]): number {
  let best = -1;
  for (let id = 0; id < nodes.length; id++) {
    if (world.status[id] === 'up' && nodes[id].raftRole === 'leader' && (best < 0 || nodes[id].term > nodes[best].term)) best = id;
  }
  return best;
}

/** Readiness of the cluster, or of node `only` when given. */
export function readiness(world: World, nodes: readonly NodeState[], only: number | null = null): Readiness {
  const raft = nodes.some((n) => n.role === 'server' && n.term > 0);
  if (!raft) {
    const up = only === null ? nodes.some((_, id) => world.status[id] === 'up') : world.status[only] === 'up';
    return { ready: up, reason: up ? 'a node is up' : 'no node is up', leader: null };
  }
  const leader = leaderOf(world, nodes);
  if (leader < 0) return { ready: false, reason: 'no leader', leader: null };
  const commit = nodes[leader].commit;
  const ids = only === null ? nodes.map((_, id) => id).filter((id) => nodes[id].role === 'server' && world.status[id] === 'up') : [only];
  for (const id of ids) {
    const n = nodes[id];
    if (world.status[id] !== 'up') return { ready: false, reason: `${nodeName(id)} is ${world.status[id]}`, leader: nodeName(leader) };
    if (n.role !== 'server') continue;
    if (n.lead < 0 && id !== leader) return { ready: false, reason: `${nodeName(id)} knows no leader`, leader: nodeName(leader) };
    if (n.applied < commit - READY_LAG_MAX) return { ready: false, reason: `${nodeName(id)} has applied ${n.applied}, ${commit - n.applied} behind the leader's commit ${commit}`, leader: nodeName(leader) };
  }
  return { ready: true, reason: 'a leader exists and the servers are caught up', leader: nodeName(leader) };
}

export function detailedHealth(world: World, nodes: readonly NodeState[], faults: readonly FaultSpec[]): DetailedHealth {
  const r = readiness(world, nodes);
  const t: Micros = world.nowUs;
  return {
    status: r.ready ? 'ok' : 'degraded',
    ...r,
    simulatedMs: t / 1000,
    nodes: nodes.map((n, id) => {
      const server = n.role === 'server' && n.term > 0;
      return {
        node: nodeName(id), role: n.role, status: world.status[id],
        raftRole: server ? (n.raftRole === '' ? null : n.raftRole) : null,
        term: server ? n.term : null, commitIndex: server ? n.commit : null, appliedIndex: server ? n.applied : null,
        lastContactMs: n.lead === id && world.status[id] === 'up' ? 0 : n.lastContactUs < 0 ? null : (t - n.lastContactUs) / 1000,
      };
    }),
    activeFaults: faults.flatMap((f, index) => (f.at <= t && t < healUs(f) ? [{ index, kind: f.kind, sinceMs: f.at / 1000, untilMs: healUs(f) / 1000, fault: describe(f) }] : [])),
    violations: world.violations.length,
  };
}
