// The vocabulary of the replicated key-value store: operations, commands and results.
//
// Contract: these are plain data, safe to encode in a log entry and to compare across
// replicas. A command carries a client session (clientId, seq) so that a retried command
// can be recognised and answered from the session cache instead of being applied twice.
// Sessions are opened by a registration entry in the log (Raft thesis §6.3), never by a
// command: a command on a session the state machine does not know is not applied.

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
 * A command as it travels through the log. `clientId` is the session id the client got by
 * registering; `seq` starts at 1 in each session and increases with each new write (it may
 * skip numbers); a retried command reuses its seq.
 */
export interface KvCommand {
  clientId: number;
  seq: number;
  op: KvOp;
}

/**
 * A session registration as it travels through the log. Applying it opens `count`
 * sessions with consecutive ids, the first of which is returned to the client (a gateway
 * multiplexing many calls registers a block at once; a plain client registers one).
 * `nonce` is chosen by the client, so the server that proposed the entry can tell whom to
 * answer when it commits.
 */
export interface KvRegister {
  register: string;
  count: number;
}

/** Sessions one registration may open at most. */
export const REGISTER_COUNT_MAX = 64;

/** What a KV log entry carries: a command or a registration. */
export type KvEntry = KvCommand | KvRegister;

export function isRegister(e: KvEntry): e is KvRegister {
  return 'register' in e;
}

/**
 * The answer to a command.
 * - get returns the value or null; put and append return the new value; delete returns
 *   the old value or null; cas returns the new value or `cas-mismatch` with the value it
 *   found in `current`.
 * - `session-expired` means the store no longer knows whether this request was applied
 *   (its session was never registered, was evicted, or the request is older than the
 *   client's latest); it was not applied now, and a history checker must treat its outcome
 *   as unknown. The client must register a new session.
 */
export type KvResult =
  | { ok: true; value: string | null }
  | { ok: false; error: 'cas-mismatch'; current: string | null }
  | { ok: false; error: 'session-expired' };
