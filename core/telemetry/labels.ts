// Bounded label values: every label of every metric takes its values from a fixed set, so
// the number of series of a run is bounded by the taxonomy and the node count, however
// long the run lasts (cardinality control).
//
// Contract: a value outside its set is reported as OTHER, never as itself. `NODE_NAMES` is
// the one set that depends on the run: the node names n0..n(N-1) of its topology.

/** The value a label takes when the observed value is not in its set. */
export const OTHER = 'other';

export { ACTION_KINDS as MAPEK_ACTIONS, SYMPTOM_KINDS as MAPEK_SYMPTOMS } from '../mapek/types.ts';
/** How a MAPE-K episode ended (core/mapek/types.ts Outcome). */
export const MAPEK_OUTCOMES = ['recovered', 'failed', 'no-effect', 'aborted'] as const;

export const RAFT_ROLES = ['leader', 'candidate', 'precandidate', 'follower'] as const;
export const CAMPAIGN_KINDS = ['pre', 'election'] as const;
export const VOTE_RESULTS = ['granted', 'rejected'] as const;
export const KV_OPS = ['get', 'put', 'append', 'cas', 'delete'] as const;
/** How a server answered a request: a result, a failed compare-and-set, an expired session, a redirect. */
export const KV_OUTCOMES = ['ok', 'failed', 'expired', 'redirect'] as const;
/** How a client operation ended: ok, failed (cas mismatch) or unknown (no answer it can trust). */
export const CLIENT_OUTCOMES = ['ok', 'failed', 'unknown'] as const;
export const GATEWAY_OUTCOMES = ['ok', 'rejected', 'timeout', 'error'] as const;
export const BREAKER_STATES = ['closed', 'open', 'half-open', 'forced-open', 'disabled'] as const;
export const RECOVERY_RESULTS = ['ok', 'failed'] as const;
export const CRASH_CAUSES = ['crash', 'oom'] as const;
export const REJECTED_KINDS = ['raft', 'kv', 'gw', 'hb'] as const;
export const FD_TRANSITIONS = ['suspect', 'trust'] as const;
/** Why a message did not reach its process: the network's reasons, then the host's. */
export const DROP_CAUSES = ['partition', 'loss', 'queue-full', 'down', 'paused-overflow', 'cpu-queue-full'] as const;
/** Message types on the wire (the `type` field). */
export const MESSAGE_TYPES = [
  'MsgApp', 'MsgAppResp', 'MsgVote', 'MsgVoteResp', 'MsgPreVote', 'MsgPreVoteResp', 'MsgHeartbeat', 'MsgHeartbeatResp',
  'MsgSnap', 'MsgReadIndex', 'MsgReadIndexResp', 'MsgTimeoutNow', 'MsgTransferLeader', 'MsgProp',
  'kv.req', 'kv.resp', 'kv.redirect', 'kv.register', 'kv.registered', 'gw.req', 'gw.resp', 'hb',
] as const;
/** Fault kinds of the nemesis (scenario `faults[].kind`). */
export const FAULT_KINDS = [
  'crash', 'restart', 'shutdown', 'pause', 'partition', 'oneway', 'bridge', 'isolate', 'link', 'throttle', 'memory', 'clock',
  'diskFull', 'slowStart', 'fsyncLoss', 'tornWrites', 'readErrors', 'cpuSpike', 'drift', 'leader', 'byzantine', 'leak', 'crashOn', 'figure8', 'diverge', 'deafenOn', 'slowDisk', 'leaseEdge', 'staleWrite',
] as const;
/** Checks that report violations (World.violate). */
export const CHECKS = [
  'election-safety', 'state-machine-safety', 'leader-completeness', 'linearizability', 'liveness', 'fd-accuracy',
  'fd-completeness', 'load-slo', 'load-phases', 'process-threw', 'event-limit', 'rag-read-your-writes', 'rag-replicas-diverge', 'rag-recall',
  'mapek-quorum-guard', 'mapek-recovery',
  'log-matching', 'committed-entries', 'commit-monotonic', 'commit-within-log', 'match-monotonic', 'match-sound', 'ack-sound', 'vote-once', 'durability', 'leader-churn', 'read-index-sound', 'vote-sound', 'read-leader-sound', 'term-sound', 'conf-one-at-a-time', 'term-adopt', 'leader-sticky', 'vote-up-to-date', 'campaign-voter', 'check-quorum', 'membership', 'read-basis', 'quorum-liveness', 'state-agreement', 'answer-sound', 'vote-due', 'transfer-completes', 'snapshot-sound', 'exactly-once', 'leader-commits-term', 'fail-sound', 'lead-sound', 'transfer-bounded', 'replication-progress', 'campaign-due', 'executed-once', 'session-bound', 'candidate-persists',
] as const;

/** Marks a label whose values are the run's node names (n0, n1, ...). */
export const NODE_NAMES = '$nodes';

export type LabelSet = readonly string[] | typeof NODE_NAMES;

/** The name of node `id` in labels, resources and logs. */
export function nodeName(id: number): string {
  return `n${id}`;
}

/** `value` if it is in `set`, else OTHER. */
export function bounded(set: readonly string[], value: string): string {
  return set.includes(value) ? value : OTHER;
}
