// Raft data types shared by the state machine, the host and the persistence codec.
//
// Contract: every value here is plain data (JSON-serialisable, no classes), so a host can
// send it over a simulated network or write it to a DiskPort unchanged. Entries handed out
// in a Ready or carried by a Message are shared by reference and must be treated as
// immutable by everyone who receives them.

import type { NodeId } from '../env.ts';

export type Term = number;
export type LogIndex = number;

/** The id used for "no node" in `vote` and `leader`. */
export const NONE: NodeId = -1;

export type EntryType = 'normal' | 'conf';

/** One log entry. `data` is an opaque command string; for 'conf' it is a JSON ConfChange. */
export interface Entry {
  term: Term;
  index: LogIndex;
  type: EntryType;
  data: string;
}

/** What must survive a crash besides the log: the current term, the vote in it, the commit. */
export interface HardState {
  term: Term;
  /** NodeId voted for in `term`, or -1. */
  vote: number;
  commit: LogIndex;
}

/** A cluster configuration. Joint consensus (`votersOutgoing`) is not supported and must be absent or empty. */
export interface ConfState {
  voters: number[];
  learners: number[];
  votersOutgoing?: number[];
}

export interface SnapshotMeta {
  index: LogIndex;
  term: Term;
  conf: ConfState;
}

/** A state machine image taken by the application at `meta.index`. */
export interface Snapshot {
  meta: SnapshotMeta;
  data: string;
}

export type MessageType =
  | 'MsgApp'
  | 'MsgAppResp'
  | 'MsgVote'
  | 'MsgVoteResp'
  | 'MsgPreVote'
  | 'MsgPreVoteResp'
  | 'MsgHeartbeat'
  | 'MsgHeartbeatResp'
  | 'MsgSnap'
  | 'MsgReadIndex'
  | 'MsgReadIndexResp'
  | 'MsgTimeoutNow'
  | 'MsgTransferLeader'
  | 'MsgProp';

export const MESSAGE_TYPES: readonly MessageType[] = [
  'MsgApp', 'MsgAppResp', 'MsgVote', 'MsgVoteResp', 'MsgPreVote', 'MsgPreVoteResp',
  'MsgHeartbeat', 'MsgHeartbeatResp', 'MsgSnap', 'MsgReadIndex', 'MsgReadIndexResp',
  'MsgTimeoutNow', 'MsgTransferLeader', 'MsgProp',
];

/**
 * A message between two Raft nodes. Field meaning follows etcd-io/raft:
 * MsgApp: `index`/`logTerm` are the previous entry, `entries` follow it, `commit` is the leader's.
 * MsgAppResp: `index` is the last matching index, or on `reject` the rejected prev index with
 * `rejectHint`/`logTerm` pointing at where the follower's log may match.
 * MsgVote/MsgPreVote: `index`/`logTerm` describe the candidate's last entry; `context`
 * 'transfer' marks a leadership transfer that may override a leader lease.
 * MsgHeartbeat(Resp), MsgReadIndex(Resp): `context` carries a read request id; in lease
 * mode a heartbeat also carries its `round` (lease.ts), which the answer echoes.
 * MsgProp, MsgReadIndex and MsgTransferLeader are forwarded requests and carry term 0;
 * MsgProp carries `entries` (only their type and data are used).
 */
export interface Message {
  type: MessageType;
  from: number;
  to: number;
  term: Term;
  logTerm?: Term;
  index?: LogIndex;
  entries?: Entry[];
  commit?: LogIndex;
  reject?: boolean;
  rejectHint?: LogIndex;
  snapshot?: Snapshot;
  context?: string;
  /** MsgTransferLeader: the node that should become leader. */
  transferee?: number;
  /** MsgHeartbeat(Resp) in lease mode: the leader's heartbeat round, echoed in the answer. */
  round?: number;
}

/** A linearizable read point: serve `requestCtx` once the local apply index reaches `index`. */
export interface ReadState {
  index: LogIndex;
  requestCtx: string;
}

export type Role = 'follower' | 'candidate' | 'precandidate' | 'leader';

export interface SoftState {
  /** The known leader, or -1 if none. */
  leader: number;
  role: Role;
}

/**
 * A batch of effects for the host. The host must, in this order: persist `snapshot`,
 * `entries`, `hardState` (and `compaction`) durably (see storage.ts persistReady); apply
 * `snapshot` then `committedEntries` to the state machine; send `messages`; then call
 * RawNode.advance(rd). If persisting fails the host must not send the messages nor call
 * advance: the next Ready then carries the same durable effects again.
 */
export interface Ready {
  softState?: SoftState;
  hardState?: HardState;
  /** Entries to append durably before any message is sent. May overwrite a suffix. */
  entries: Entry[];
  /** A snapshot received from the leader: persist it and load it into the state machine. */
  snapshot?: Snapshot;
  /** A snapshot the application itself took with compact(): persist it, do not apply it. */
  compaction?: Snapshot;
  /** Committed entries to apply, in index order. */
  committedEntries: Entry[];
  messages: Message[];
  readStates: ReadState[];
  /** True when term, vote, entries or a snapshot changed and must hit the disk with fsync. */
  mustSync: boolean;
}
