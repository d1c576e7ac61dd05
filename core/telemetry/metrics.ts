// The metric taxonomy: every metric faultline exports, with its type, unit, labels (each
// from a bounded set), the registry it lives in and the events that feed it.
//
// Contract: names follow Prometheus conventions: the `faultline_` prefix, `_total` on
// counters, the unit last (`_seconds`, `_bytes`). Node-scope metrics live in one registry
// per virtual node (labelled node="nK"); sim-scope metrics in the simulator's registry. A
// new metric is added here and fed by a handler registered in sim/telemetry/metricFeeds.ts;
// docs/telemetry.md is generated from this table (npm run docs:telemetry).
import {
  BREAKER_STATES, CAMPAIGN_KINDS, CHECKS, CLIENT_OUTCOMES, CRASH_CAUSES, DROP_CAUSES, FAULT_KINDS, FD_TRANSITIONS,
  GATEWAY_OUTCOMES, KV_OPS, KV_OUTCOMES, MAPEK_ACTIONS, MAPEK_OUTCOMES, MAPEK_SYMPTOMS, MESSAGE_TYPES, NODE_NAMES, OTHER, RAFT_ROLES, RECOVERY_RESULTS, REJECTED_KINDS,
  VOTE_RESULTS, type LabelSet,
} from './labels.ts';

export type MetricKind = 'counter' | 'gauge' | 'histogram';
export type Unit = 'seconds' | 'bytes' | '';

export interface MetricSpec {
  readonly name: string;
  readonly kind: MetricKind;
  readonly unit: Unit;
  readonly help: string;
  /** Label name -> its bounded values (OTHER is always allowed besides them). */
  readonly labels: Readonly<Record<string, LabelSet>>;
  readonly scope: 'node' | 'sim';
  /** Node roles (NodeSpec.role) whose registries carry it; absent means every node. */
  readonly roles?: readonly string[];
  readonly buckets?: readonly number[];
  /** Where the values come from (event names or simulator state), for the docs. */
  readonly from: string;
}

/** Histogram buckets for simulated latencies: a link takes 0.5-500 ms, a request up to seconds. */
export const LATENCY_BUCKETS_S: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const SERVER = ['server'] as const;
const CLIENT = ['client'] as const;
const GATEWAY = ['gateway'] as const;
const MANAGER = ['manager'] as const;
/** Recovery times of the MAPE-K loop: from under a second to minutes. */
const RECOVERY_BUCKETS_S: readonly number[] = [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120];
const none = {} as const;

function m(name: string, kind: MetricKind, help: string, from: string, more: Partial<Pick<MetricSpec, 'labels' | 'scope' | 'roles' | 'buckets'>> = {}): MetricSpec {
  const unit: Unit = /_seconds(_total)?$/.test(name) ? 'seconds' : /_bytes(_total)?$/.test(name) ? 'bytes' : '';
  return { name, kind, unit, help, from, labels: more.labels ?? none, scope: more.scope ?? 'node', ...(more.roles ? { roles: more.roles } : {}), ...(kind === 'histogram' ? { buckets: more.buckets ?? LATENCY_BUCKETS_S } : {}) };
}

export const METRICS: readonly MetricSpec[] = [
  // ---- Raft (servers) ----
  m('faultline_raft_term', 'gauge', 'Current Raft term of this node.', 'raft.term, raft.role, raft.stats', { roles: SERVER }),
  m('faultline_raft_role', 'gauge', 'Raft role of this node: 1 for its current role, 0 for the others (all 0 while down).', 'raft.role, node crash', { roles: SERVER, labels: { role: RAFT_ROLES } }),
  m('faultline_raft_leader_term', 'gauge', 'The term this node leads, or 0 when it does not lead.', 'raft.role, node crash', { roles: SERVER }),
  m('faultline_raft_commit_index', 'gauge', 'Highest log index known committed.', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_applied_index', 'gauge', 'Highest log index applied to the state machine.', 'raft.stats, raft.snapshot_applied', { roles: SERVER }),
  m('faultline_raft_last_index', 'gauge', 'Index of the last entry in the log.', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_leader_changes_total', 'counter', 'Changes of the leader this node knows (including to no leader).', 'raft.lead', { roles: SERVER }),
  m('faultline_raft_elections_started_total', 'counter', 'Campaigns this node started: pre-vote rounds and real elections.', 'raft.campaign', { roles: SERVER, labels: { campaign: CAMPAIGN_KINDS } }),
  m('faultline_raft_elections_won_total', 'counter', 'Elections this node won (it became leader).', 'raft.role', { roles: SERVER }),
  m('faultline_raft_votes_received_total', 'counter', 'Vote responses this node received as a (pre-)candidate.', 'raft.vote', { roles: SERVER, labels: { campaign: CAMPAIGN_KINDS, vote: VOTE_RESULTS } }),
  m('faultline_raft_appends_sent_total', 'counter', 'MsgApp messages sent (log replication).', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_heartbeats_sent_total', 'counter', 'MsgHeartbeat messages sent.', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_appends_rejected_total', 'counter', 'Appends this node rejected because its log did not match.', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_heartbeats_rejected_total', 'counter', 'Heartbeats this node refused because they carried a stale term.', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_snapshots_sent_total', 'counter', 'Snapshots sent to lagging followers (MsgSnap).', 'raft.snapshot_sent', { roles: SERVER }),
  m('faultline_raft_snapshots_installed_total', 'counter', 'Snapshots received from a leader and installed.', 'raft.snapshot_applied', { roles: SERVER }),
  m('faultline_raft_proposals_dropped_total', 'counter', 'Proposals Raft refused (not leader, transfer pending, too much uncommitted).', 'raft.stats', { roles: SERVER }),
  m('faultline_raft_read_index_seconds', 'histogram', 'Time from a ReadIndex request to its confirmed read point, local clock.', 'kv.reply (readIndexUs)', { roles: SERVER }),
  m('faultline_raft_recoveries_total', 'counter', 'Starts that rebuilt the state from disk, by result.', 'raft.recovered, raft.recover_failed', { roles: SERVER, labels: { result: RECOVERY_RESULTS } }),
  // ---- KV service ----
  m('faultline_kv_requests_total', 'counter', 'Client requests a server answered, by operation and outcome.', 'kv.request, kv.reply', { roles: SERVER, labels: { op: KV_OPS, outcome: KV_OUTCOMES } }),
  m('faultline_kv_request_duration_seconds', 'histogram', 'Time from a request reaching a server to its answer, by operation.', 'kv.request, kv.reply', { roles: SERVER, labels: { op: KV_OPS } }),
  m('faultline_kv_sessions', 'gauge', 'Client sessions held by the state machine.', 'raft.stats', { roles: SERVER }),
  m('faultline_kv_duplicates_suppressed_total', 'counter', 'Retried writes answered from the session cache instead of applied again.', 'raft.stats', { roles: SERVER }),
  m('faultline_kv_client_operations_total', 'counter', 'Operations a KV client completed, by operation and outcome.', 'kv.invoke, kv.complete', { roles: CLIENT, labels: { op: KV_OPS, outcome: CLIENT_OUTCOMES } }),
  m('faultline_kv_client_operation_duration_seconds', 'histogram', 'Time from invoking an operation to its completion, by operation.', 'kv.invoke, kv.complete', { roles: CLIENT, labels: { op: KV_OPS } }),
  m('faultline_kv_client_attempts_total', 'counter', 'Requests a KV client sent, retries included.', 'kv.attempt', { roles: CLIENT }),
  m('faultline_messages_rejected_total', 'counter', 'Malformed, forged or corrupted messages a process refused, by protocol.', 'msg.rejected, fd.rejected, gw.stats', { labels: { protocol: REJECTED_KINDS } }),
  // ---- Gateway and resilience ----
  m('faultline_gateway_requests_total', 'counter', 'Requests the gateway answered, by outcome.', 'gw.reply', { roles: GATEWAY, labels: { outcome: GATEWAY_OUTCOMES } }),
  m('faultline_gateway_request_duration_seconds', 'histogram', 'Time from a request reaching the gateway to its answer, by outcome.', 'gw.request, gw.reply', { roles: GATEWAY, labels: { outcome: GATEWAY_OUTCOMES } }),
  m('faultline_gateway_attempts_total', 'counter', 'Calls the gateway made to the cluster, retries included.', 'gw.attempt', { roles: GATEWAY }),
  m('faultline_gateway_retries_total', 'counter', 'Retries the gateway made after a failed attempt.', 'gw.attempt', { roles: GATEWAY }),
  m('faultline_gateway_retry_budget_refusals_total', 'counter', 'Retries the retry budget refused.', 'gw.stats', { roles: GATEWAY }),
  m('faultline_gateway_rate_limited_total', 'counter', 'Requests the rate limiter refused at the door.', 'gw.stats', { roles: GATEWAY }),
  m('faultline_gateway_shed_total', 'counter', 'Requests shed because the bulkhead and its queue were full.', 'gw.stats', { roles: GATEWAY }),
  m('faultline_gateway_attempt_timeouts_total', 'counter', 'Attempts that timed out.', 'gw.stats', { roles: GATEWAY }),
  m('faultline_gateway_bulkhead_in_use', 'gauge', 'Bulkhead permits in use (requests calling the cluster).', 'gw.stats', { roles: GATEWAY }),
  m('faultline_gateway_bulkhead_queued', 'gauge', 'Requests waiting for a bulkhead permit.', 'gw.stats', { roles: GATEWAY }),
  m('faultline_gateway_ready', 'gauge', 'Gateway readiness: 1 ready, 0 not ready.', 'gw.health', { roles: GATEWAY }),
  m('faultline_breaker_state', 'gauge', 'Circuit breaker state per backend server: 1 for the current state.', 'gw.breaker', { roles: GATEWAY, labels: { server: NODE_NAMES, state: BREAKER_STATES } }),
  m('faultline_breaker_transitions_total', 'counter', 'Circuit breaker transitions per backend server, by the state entered.', 'gw.breaker', { roles: GATEWAY, labels: { server: NODE_NAMES, state: BREAKER_STATES } }),
  m('faultline_breaker_refusals_total', 'counter', 'Calls an open breaker refused.', 'gw.stats', { roles: GATEWAY }),
  m('faultline_load_requests_total', 'counter', 'Requests an open-loop load client saw end, by outcome.', 'load.done', { roles: CLIENT, labels: { outcome: GATEWAY_OUTCOMES } }),
  m('faultline_load_request_duration_seconds', 'histogram', 'Latency a load client saw, by outcome.', 'load.done', { roles: CLIENT, labels: { outcome: GATEWAY_OUTCOMES } }),
  m('faultline_fd_transitions_total', 'counter', 'Failure detector verdict changes about peers.', 'fd.suspect, fd.trust', { labels: { to: FD_TRANSITIONS } }),
  // ---- Node (host) ----
  m('faultline_node_up', 'gauge', 'Whether the node runs: 1 up, 0 down or paused.', 'node start, crash, pause, resume'),
  m('faultline_node_crashes_total', 'counter', 'Crashes of this node, by cause.', 'node crash, oom', { labels: { cause: CRASH_CAUSES } }),
  m('faultline_node_restarts_total', 'counter', 'Restarts of this node after a crash.', 'node restart'),
  m('faultline_node_pauses_total', 'counter', 'Times this node was paused (stopped process).', 'node pause'),
  m('faultline_node_cpu_busy_seconds_total', 'counter', 'Simulated CPU time spent serving events.', 'host.stats'),
  m('faultline_node_cpu_queue', 'gauge', 'Events waiting for the CPU.', 'host.stats'),
  m('faultline_node_memory_bytes', 'gauge', 'Memory in use: the process estimate plus any ballast.', 'host.stats'),
  m('faultline_node_fsyncs_total', 'counter', 'fsync calls on this node\'s disk.', 'host.stats'),
  m('faultline_node_disk_errors_total', 'counter', 'Disk operations that failed (ENOSPC, EIO) as seen by the process.', 'raft.disk_error, fd.disk_error'),
  // ---- Network ----
  m('faultline_net_messages_sent_total', 'counter', 'Messages this node sent, by type.', 'network', { labels: { type: MESSAGE_TYPES } }),
  m('faultline_net_sent_bytes_total', 'counter', 'Bytes this node sent (canonical encoding).', 'network'),
  m('faultline_net_messages_delivered_total', 'counter', 'Messages delivered to this node\'s process, by type.', 'network', { labels: { type: MESSAGE_TYPES } }),
  m('faultline_net_messages_dropped_total', 'counter', 'Messages to this node that were lost, by cause.', 'network, host', { labels: { cause: DROP_CAUSES } }),
  // ---- MAPE-K manager ----
  m('faultline_mapek_symptoms_raised_total', 'counter', 'Symptoms the manager\'s Analyze phase raised, by kind.', 'mapek.symptom', { roles: MANAGER, labels: { kind: MAPEK_SYMPTOMS } }),
  m('faultline_mapek_actions_total', 'counter', 'Actions the manager executed, by kind and result.', 'mapek.action', { roles: MANAGER, labels: { action: MAPEK_ACTIONS, result: RECOVERY_RESULTS } }),
  m('faultline_mapek_episodes_total', 'counter', 'Healing episodes that ended, by outcome.', 'mapek.outcome', { roles: MANAGER, labels: { outcome: MAPEK_OUTCOMES } }),
  m('faultline_mapek_time_to_recover_seconds', 'histogram', 'Time from a diagnosis to the end of its episode, for recovered episodes (the manager\'s own view, local clock).', 'mapek.outcome', { roles: MANAGER, buckets: RECOVERY_BUCKETS_S }),
  m('faultline_mapek_lease_active', 'gauge', 'Whether this manager instance holds the lease (1) or stands by (0).', 'mapek.lease', { roles: MANAGER }),
  // ---- Simulator and checkers ----
  m('faultline_sim_events_total', 'counter', 'Events the simulator executed.', 'kernel', { scope: 'sim' }),
  m('faultline_sim_trace_events_total', 'counter', 'Events recorded in the canonical trace.', 'trace', { scope: 'sim' }),
  m('faultline_sim_queue_depth', 'gauge', 'Events pending in the kernel queue (with workers: messages and actions on the kernel side).', 'kernel', { scope: 'sim' }),
  m('faultline_sim_time_seconds', 'gauge', 'Simulated time.', 'kernel', { scope: 'sim' }),
  m('faultline_sim_faults_active', 'gauge', 'Faults of the nemesis in effect now, by kind.', 'fault schedule', { scope: 'sim', labels: { kind: FAULT_KINDS } }),
  m('faultline_sim_faults_injected_total', 'counter', 'Faults the nemesis injected, by kind.', 'fault schedule', { scope: 'sim', labels: { kind: FAULT_KINDS } }),
  m('faultline_check_violations_total', 'counter', 'Violations reported by the checks, by check.', 'World.violate', { scope: 'sim', labels: { check: CHECKS } }),
];

/** The metric named `name`; throws if it is not in the taxonomy (a typo is a bug). */
export function metricSpec(name: string): MetricSpec {
  const s = METRICS.find((x) => x.name === name);
  if (s === undefined) throw new Error(`telemetry: no metric ${name} in the taxonomy`);
  return s;
}

/**
 * The most series `spec` can have on one registry, for a run with `nodeCount` nodes
 * (each label's set plus OTHER; histograms count their bucket, sum and count series).
 */
export function seriesBound(spec: MetricSpec, nodeCount: number): number {
  let n = 1;
  for (const set of Object.values(spec.labels)) n *= (set === NODE_NAMES ? nodeCount : set.length) + 1;
  return spec.kind === 'histogram' ? n * ((spec.buckets?.length ?? 0) + 3) : n;
}

export { OTHER };
