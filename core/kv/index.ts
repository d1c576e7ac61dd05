// The replicated key-value store: public surface of core/kv.
export type { KvCommand, KvEntry, KvOp, KvOpName, KvRegister, KvResult } from './types.ts';
export { KV_OP_NAMES, isRegister } from './types.ts';
export type { KvStep } from './applyOp.ts';
export { applyKvOp, kvOpWrites, kvResultsEqual } from './applyOp.ts';
export type { KvStateMachineOptions } from './stateMachine.ts';
export { FIRST_SEQ, KvStateMachine, MAX_SESSIONS_DEFAULT } from './stateMachine.ts';
export { decodeEntry, encodeCommand, encodeRegister } from './commandCodec.ts';
export { KEY_LENGTH_MAX, VALUE_LENGTH_MAX } from './validate.ts';
export { SNAPSHOT_VERSION } from './snapshotCodec.ts';
