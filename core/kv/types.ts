// The vocabulary of the replicated key-value store: operations, commands and results.
//
// Contract: these are plain data, safe to encode in a log entry and to compare across
// replicas. A command carries a client session (clientId, seq) so that a retried command
// can be recognised and answered from the session cache instead of being applied twice.

/** One key-value operation. Keys and values are strings; a missing key reads as null. */
export type KvOp =
  | { op: 'get'; key: string }
  | { op: 'put'; key: string; value: string }
  | { op: 'append'; key: string; value: string }
  | { op: 'cas'; key: string; expected: string | null; value: string }
  | { op: 'delete'; key: string };

/** The operation names, in a fixed order for validation and generators. */
export const KV_OP_NAMES = ['get', 'put', 'append', 'cas', 'delete'] as const;

export type KvOpName = KvOp['op'];

/**
 * A command as it travels through the log. `seq` starts at 1 and increases by one for
 * each new operation of a client; a retried command reuses its seq.
 */
export interface KvCommand {
  clientId: number;
  seq: number;
  op: KvOp;
}

/**
 * The answer to a command.
 * - get returns the value or null; put and append return the new value; delete returns
 *   the old value or null; cas returns the new value or `cas-mismatch` with the value it
 *   found in `current`.
 * - `session-expired` means the store no longer knows whether this request was applied
 *   (its session was evicted or it is older than the client's latest request); it was not
 *   applied now, and a history checker must treat its outcome as unknown.
 */
export type KvResult =
  | { ok: true; value: string | null }
  | { ok: false; error: 'cas-mismatch'; current: string | null }
  | { ok: false; error: 'session-expired' };
