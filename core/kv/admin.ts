// The KV service's admin API, as an operator (or the MAPE-K manager) uses it: a status
// query, Raft membership changes, leadership transfer and compaction on demand. It plays
// the part of etcd's maintenance and cluster APIs (Status, MemberAddAsLearner,
// MemberPromote, MemberRemove, MoveLeader, Compact).
//
// Contract: requests and answers are sealed (integrity.ts) like every KV message and
// parsed from `unknown`; anything malformed yields null and is dropped by the receiver.
// Membership and transfer requests must reach the leader: another server answers
// `not-leader` with the leader it knows. An accepted membership change has only been
// proposed; the caller learns that it took effect from a later status (its `voters` and
// `learners`). Every answer carries the server's status, so one round trip tells the
// caller the outcome and the state it left.
import type { NodeId } from '../env.ts';
import { unseal } from './integrity.ts';
import { isCount } from './validate.ts';

export const ADMIN_OPS = ['status', 'addLearner', 'addVoter', 'remove', 'transfer', 'compact'] as const;
export type AdminOpName = (typeof ADMIN_OPS)[number];

export interface AdminRequest {
  type: 'kv.admin';
  rid: number;
  op: AdminOpName;
  /** The member to add, promote or remove, or the transfer's target; -1 when unused. */
  node: NodeId;
}

/** A member's replication progress as the leader sees it. */
export interface MemberProgress {
  node: NodeId;
  match: number;
  /** The leader heard from it within the last election timeout. */
  active: boolean;
}

/** What a server says about itself. Host figures are -1 when its host offers none. */
export interface ServerStatus {
  id: NodeId;
  role: string;
  term: number;
  lead: NodeId;
  commit: number;
  applied: number;
  lastIndex: number;
  voters: NodeId[];
  learners: NodeId[];
  /** Leader only: every member's progress, by node id. */
  progress: MemberProgress[];
  diskErrors: number;
  /** Messages refused as malformed or forged, per claimed sender, sorted by sender. */
  rejectedFrom: [NodeId, number][];
  /** The server's local clock, µs. */
  nowUs: number;
  memoryBytes: number;
  memoryBytesMax: number;
  diskBytesUsed: number;
  diskBytesMax: number;
  cpuBusyUs: number;
}

export interface AdminAnswer {
  type: 'kv.admin.resp';
  rid: number;
  op: AdminOpName;
  ok: boolean;
  /** Why a request was refused ('' when ok). */
  reason: string;
  status: ServerStatus;
}

/** Senders listed in `rejectedFrom` at most (the most refused first). */
export const REJECTED_FROM_MAX = 64;
const MEMBERS_MAX = 4096;

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

function isNode(x: unknown): x is NodeId {
  return isInt(x) && x >= -1;
}

function nodeList(x: unknown): NodeId[] | null {
  if (!Array.isArray(x) || x.length > MEMBERS_MAX || !x.every((v) => isNode(v) && v >= 0)) return null;
  return x as NodeId[];
}

export function parseAdminRequest(raw: unknown): AdminRequest | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'kv.admin' || !isCount(m.rid) || !isNode(m.node)) return null;
  if (!(ADMIN_OPS as readonly unknown[]).includes(m.op)) return null;
  return { type: 'kv.admin', rid: m.rid as number, op: m.op as AdminOpName, node: m.node as number };
}

function parseProgress(x: unknown): MemberProgress[] | null {
  if (!Array.isArray(x) || x.length > MEMBERS_MAX) return null;
  const out: MemberProgress[] = [];
  for (const p of x) {
    if (p === null || typeof p !== 'object') return null;
    const o = p as Record<string, unknown>;
    if (!isNode(o.node) || !isInt(o.match) || typeof o.active !== 'boolean') return null;
    out.push({ node: o.node, match: o.match, active: o.active });
  }
  return out;
}

function parseRejected(x: unknown): [NodeId, number][] | null {
  if (!Array.isArray(x) || x.length > REJECTED_FROM_MAX) return null;
  for (const p of x) if (!Array.isArray(p) || p.length !== 2 || !isNode(p[0]) || !isCount(p[1])) return null;
  return x as [NodeId, number][];
}

const NUMBER_FIELDS = ['id', 'term', 'lead', 'commit', 'applied', 'lastIndex', 'diskErrors', 'nowUs', 'memoryBytes', 'memoryBytesMax', 'diskBytesUsed', 'diskBytesMax', 'cpuBusyUs'] as const;

export function parseServerStatus(x: unknown): ServerStatus | null {
  if (x === null || typeof x !== 'object') return null;
  const o = x as Record<string, unknown>;
  for (const f of NUMBER_FIELDS) if (!isInt(o[f])) return null;
  if (typeof o.role !== 'string' || o.role.length > 32) return null;
  const voters = nodeList(o.voters);
  const learners = nodeList(o.learners);
  const progress = parseProgress(o.progress);
  const rejectedFrom = parseRejected(o.rejectedFrom);
  if (voters === null || learners === null || progress === null || rejectedFrom === null) return null;
  const n = (f: (typeof NUMBER_FIELDS)[number]): number => o[f] as number;
  return {
    id: n('id'), role: o.role, term: n('term'), lead: n('lead'), commit: n('commit'), applied: n('applied'), lastIndex: n('lastIndex'),
    voters, learners, progress, diskErrors: n('diskErrors'), rejectedFrom, nowUs: n('nowUs'), memoryBytes: n('memoryBytes'),
    memoryBytesMax: n('memoryBytesMax'), diskBytesUsed: n('diskBytesUsed'), diskBytesMax: n('diskBytesMax'), cpuBusyUs: n('cpuBusyUs'),
  };
}

export function parseAdminAnswer(raw: unknown): AdminAnswer | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'kv.admin.resp' || !isCount(m.rid) || typeof m.ok !== 'boolean') return null;
  if (!(ADMIN_OPS as readonly unknown[]).includes(m.op) || typeof m.reason !== 'string' || m.reason.length > 200) return null;
  const status = parseServerStatus(m.status);
  if (status === null) return null;
  return { type: 'kv.admin.resp', rid: m.rid as number, op: m.op as AdminOpName, ok: m.ok, reason: m.reason, status };
}
