// The manager's belief about the cluster: members, leader, and which voters are healthy.
//
// Contract: built by Analyze from the latest round; read by Plan and Execute. A voter is
// `healthy` when the manager heard from it during the latest round and, if a leader reports
// on its followers, the leader counts it active: a node the manager cannot reach but the
// leader can is healthy (the manager's own link is the problem), and a node that answers
// the manager but not the leader is not. `down` comes from the control plane (the host is
// stopped), which is a fact rather than a guess.
import type { NodeId } from '../env.ts';
import type { HostInfo } from './controlProtocol.ts';
import type { ServerStatus } from '../kv/admin.ts';

export interface ClusterView {
  voters: NodeId[];
  learners: NodeId[];
  /** -1 when no leader is agreed on. */
  leader: NodeId;
  term: number;
  commit: number;
  healthy: Set<NodeId>;
  hosts: Map<NodeId, HostInfo>;
  status: Map<NodeId, ServerStatus>;
  /** The leader's view of each member: log position and whether it heard from it lately. */
  progress: Map<NodeId, { match: number; active: boolean }>;
}

export function quorum(voterCount: number): number {
  return Math.floor(voterCount / 2) + 1;
}

export function emptyView(voters: readonly NodeId[]): ClusterView {
  return { voters: [...voters], learners: [], leader: -1, term: 0, commit: 0, healthy: new Set(), hosts: new Map(), status: new Map(), progress: new Map() };
}

/** Healthy voters in the view. */
export function healthyVoters(v: ClusterView): NodeId[] {
  return v.voters.filter((n) => v.healthy.has(n));
}

export function hostDown(v: ClusterView, n: NodeId): boolean {
  const h = v.hosts.get(n);
  return h !== undefined && (h.state === 'down' || h.decommissioned);
}
