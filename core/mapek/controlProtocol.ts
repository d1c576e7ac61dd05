// The control plane's API: what an infrastructure controller (a cloud API, a kubelet)
// offers the manager. The simulator implements the other side (sim/mapek/controlPlane.ts),
// where each operation takes modelled time before it answers.
//
// Contract: requests and answers are sealed and parsed from `unknown`; anything malformed
// is null. `describe` reports every host's state; `restart` stops a node (if up) and boots
// it again; `provision` boots an idle spare; `decommission` stops a node for good;
// `quarantine` cuts a node off at the network and `release` undoes it; `resync-clock`
// steps a node's clock back onto true time. The answer comes when the operation is done
// (or refused) and carries the hosts' states after it.
import type { NodeId } from '../env.ts';
import { seal, unseal } from '../kv/integrity.ts';
import { isCount } from '../kv/validate.ts';

export const CONTROL_OPS = ['describe', 'restart', 'provision', 'decommission', 'quarantine', 'release', 'resync-clock'] as const;
export type ControlOp = (typeof CONTROL_OPS)[number];

export const HOST_STATES = ['up', 'down', 'paused'] as const;
export type HostState = (typeof HOST_STATES)[number];

export interface HostInfo {
  node: NodeId;
  state: HostState;
  quarantined: boolean;
  decommissioned: boolean;
}

export interface ControlRequest {
  type: 'cp.req';
  rid: number;
  op: ControlOp;
  /** The node operated on; -1 for describe. */
  node: NodeId;
  /** resync-clock: the step to apply to the node's clock, µs (the measured offset, negated); else 0. */
  arg: number;
}

export interface ControlAnswer {
  type: 'cp.resp';
  rid: number;
  op: ControlOp;
  ok: boolean;
  reason: string;
  hosts: HostInfo[];
}

const HOSTS_MAX = 4096;

export function controlRequest(rid: number, op: ControlOp, node: NodeId, arg = 0): ControlRequest & { sum: number } {
  return seal({ type: 'cp.req', rid, op, node, arg });
}

export function parseControlRequest(raw: unknown): ControlRequest | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'cp.req' || !isCount(m.rid)) return null;
  if (!(CONTROL_OPS as readonly unknown[]).includes(m.op) || !(Number.isSafeInteger(m.node) && (m.node as number) >= -1) || !Number.isSafeInteger(m.arg)) return null;
  return { type: 'cp.req', rid: m.rid as number, op: m.op as ControlOp, node: m.node as number, arg: m.arg as number };
}

export function parseControlAnswer(raw: unknown): ControlAnswer | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'cp.resp' || !isCount(m.rid) || typeof m.ok !== 'boolean' || typeof m.reason !== 'string') return null;
  if (!(CONTROL_OPS as readonly unknown[]).includes(m.op) || !Array.isArray(m.hosts) || m.hosts.length > HOSTS_MAX) return null;
  const hosts: HostInfo[] = [];
  for (const h of m.hosts as unknown[]) {
    if (h === null || typeof h !== 'object') return null;
    const o = h as Record<string, unknown>;
    if (!isCount(o.node) || !(HOST_STATES as readonly unknown[]).includes(o.state) || typeof o.quarantined !== 'boolean' || typeof o.decommissioned !== 'boolean') return null;
    hosts.push({ node: o.node as number, state: o.state as HostState, quarantined: o.quarantined, decommissioned: o.decommissioned });
  }
  return { type: 'cp.resp', rid: m.rid as number, op: m.op as ControlOp, ok: m.ok, reason: m.reason, hosts };
}
