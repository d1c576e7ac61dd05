// Public surface of the Raft module: re-exports only.

export type {
  ConfState,
  Entry,
  EntryType,
  HardState,
  LogIndex,
  Message,
  MessageType,
  ReadState,
  Ready,
  Role,
  Snapshot,
  SnapshotMeta,
  SoftState,
  Term,
} from './types.ts';
export { NONE, MESSAGE_TYPES } from './types.ts';
export type { RaftBugs, RaftConfig } from './config.ts';
export { LIMITS, validateConfig } from './config.ts';
export type { ConfChange } from './confChange.ts';
export { applyConfChange, decodeConfChange, encodeConfChange } from './confChange.ts';
export type { RaftRestore } from './raft.ts';
export type { ProgressStatus, RaftStatus } from './rawNode.ts';
export { RawNode } from './rawNode.ts';
export { TRANSFER_CONTEXT } from './election.ts';
export { RaftCounters } from './counters.ts';
export { MESSAGE_LIMITS, validateDelivered, validateMessage } from './validate.ts';
export { crc32, crc32Hex } from '../hash/crc32.ts';
export type { RecoverResult } from './storage.ts';
export { RAFT_FILES, RaftStorageCorruption, persistReady, recover, recoverResult } from './storage.ts';
