// Feeds the metric store from what a run reports: the modules' telemetry events (by name,
// registered in EVENT_FEEDS), the trace (deliveries, drops, crashes), the send tap and,
// at scrape time, the simulator's own state.
//
// Contract: a feed only reads what it is given and writes the store; it never touches the
// world, so observing cannot change a run. Cumulative figures that modules report (a
// process's counters in raft.stats or gw.stats) become counter increments; a crash starts
// a new process whose counters restart from zero, so the feed folds the old ones in first.
// Everything here is cheap per event: map lookups and additions, no allocation per message.
import type { Micros, NodeId } from '../../core/env.ts';
import { CAMPAIGN_KINDS, CHECKS, CRASH_CAUSES, FAULT_KINDS, MAPEK_ACTIONS, MAPEK_OUTCOMES, MAPEK_SYMPTOMS, RAFT_ROLES, bounded, nodeName } from '../../core/telemetry/labels.ts';
import { METRICS } from '../../core/telemetry/metrics.ts';
import type { TelemetryFields } from '../../core/telemetry/sink.ts';
import { healUs } from '../faults/schedule.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { TraceKind } from '../trace/trace.ts';
import { typeOf, type World } from '../world/world.ts';
import type { Cell, Family, MetricStore } from './store.ts';

const US_PER_S = 1_000_000;

/** Requests remembered per node while waiting for their answer; older ones are forgotten. */
export const PENDING_MAX = 8192;

const ID_SPAN = 0x8000_0000; // 2^31

/** A number key for (node, request id) in a node's pending map; ids stay below 2^31. */
function pendingKey(node: number, rid: number): number {
  return node * ID_SPAN + (rid % ID_SPAN);
}

interface Pending {
  t: Micros;
  op: string;
}

/** What the feeds know about one node. */
export class NodeState {
  raftRole = '';
  term = 0;
  commit = 0;
  applied = 0;
  lead = -1;
  /** Last time the node received a message from the leader it knows, or -1. */
  lastContactUs = -1;
  up = true;
  /** Last cumulative value per key reported by the current process (reset by a crash). */
  readonly last = new Map<string, number>();
  /** Last cumulative value per key reported by the host (never reset). */
  readonly hostLast = new Map<string, number>();
  /** Requests awaiting their answer, by pendingKey(peer, rid). */
  readonly pending = new Map<number, Pending>();
  constructor(readonly role: string) {}
}

function remember(m: Map<number, Pending>, key: number, p: Pending): void {
  if (m.size >= PENDING_MAX) m.delete(m.keys().next().value as number);
  m.set(key, p);
}

/** `{"op":"put",...}` -> put, without parsing the whole operation. */
function opOf(input: unknown): string {
  const m = /"op":"([a-z]+)"/.exec(String(input));
  return m === null ? '' : m[1];
}

const GATEWAY_OUTCOME_BY_CODE = ['ok', 'rejected', 'timeout', 'error'];

type EventFeed = (m: MetricFeeds, t: Micros, node: NodeId, f: TelemetryFields) => void;

/**
 * The feeds of telemetry events, by event name. A new metric fed by an event registers
 * here; the observer dispatches by name and never branches on it.
 */
export const EVENT_FEEDS: Readonly<Record<string, EventFeed>> = {
  'raft.role': (m, t, node, f) => m.onRole(node, String(f.role), Number(f.term)),
  'raft.term': (m, _t, node, f) => m.setTerm(node, Number(f.term)),
  'raft.lead': (m, _t, node, f) => {
    m.nodes[node].lead = Number(f.lead);
    m.add('faultline_raft_leader_changes_total', node);
  },
  'raft.campaign': (m, _t, node, f) => m.add('faultline_raft_elections_started_total', node, 1, f.pre === true ? 'pre' : 'election'),
  'raft.vote': (m, _t, node, f) => m.add('faultline_raft_votes_received_total', node, 1, f.pre === true ? 'pre' : 'election', f.granted === true ? 'granted' : 'rejected'),
  'raft.stats': (m, _t, node, f) => m.onRaftStats(node, f),
  'raft.snapshot_sent': (m, _t, node) => m.add('faultline_raft_snapshots_sent_total', node),
  'raft.snapshot_applied': (m, _t, node, f) => {
    m.add('faultline_raft_snapshots_installed_total', node);
    m.set('faultline_raft_applied_index', node, Number(f.index));
    m.nodes[node].applied = Number(f.index);
  },
  'raft.recovered': (m, _t, node) => m.add('faultline_raft_recoveries_total', node, 1, 'ok'),
  'raft.recover_failed': (m, _t, node) => m.add('faultline_raft_recoveries_total', node, 1, 'failed'),
  'raft.disk_error': (m, _t, node) => m.add('faultline_node_disk_errors_total', node),
  'fd.disk_error': (m, _t, node) => m.add('faultline_node_disk_errors_total', node),
  'msg.rejected': (m, _t, node, f) => m.add('faultline_messages_rejected_total', node, 1, String(f.what)),
  'fd.rejected': (m, _t, node) => m.add('faultline_messages_rejected_total', node, 1, 'hb'),
  'fd.suspect': (m, _t, node) => m.add('faultline_fd_transitions_total', node, 1, 'suspect'),
  'fd.trust': (m, _t, node) => m.add('faultline_fd_transitions_total', node, 1, 'trust'),
  'kv.request': (m, t, node, f) => remember(m.nodes[node].pending, pendingKey(Number(f.client), Number(f.rid)), { t, op: String(f.op) }),
  'kv.reply': (m, t, node, f) => m.onKvReply(t, node, f),
  'kv.invoke': (m, t, node, f) => remember(m.nodes[node].pending, pendingKey(node, Number(f.rid)), { t, op: opOf(f.input) }),
  'kv.attempt': (m, _t, node) => m.add('faultline_kv_client_attempts_total', node),
  'kv.complete': (m, t, node, f) => m.onKvComplete(t, node, f),
  'gw.request': (m, t, node, f) => remember(m.nodes[node].pending, pendingKey(Number(f.client), Number(f.rid)), { t, op: String(f.op) }),
  'gw.attempt': (m, _t, node, f) => {
    m.add('faultline_gateway_attempts_total', node);
    if (Number(f.attempt) > 1) m.add('faultline_gateway_retries_total', node);
  },
  'gw.reply': (m, t, node, f) => m.onGatewayReply(t, node, f),
  'gw.breaker': (m, _t, node, f) => m.onBreaker(node, nodeName(Number(f.server)), String(f.from), String(f.to)),
  'gw.health': (m, _t, node, f) => m.set('faultline_gateway_ready', node, f.ready === true ? 1 : 0),
  'gw.stats': (m, _t, node, f) => m.onGatewayStats(node, f),
  'mapek.symptom': (m, _t, node, f) => {
    if (f.state === 'raised') m.add('faultline_mapek_symptoms_raised_total', node, 1, bounded(MAPEK_SYMPTOMS, String(f.kind)));
  },
  'mapek.action': (m, _t, node, f) => m.add('faultline_mapek_actions_total', node, 1, bounded(MAPEK_ACTIONS, String(f.action)), f.ok === true ? 'ok' : 'failed'),
  'mapek.outcome': (m, _t, node, f) => {
    const outcome = bounded(MAPEK_OUTCOMES, String(f.outcome));
    m.add('faultline_mapek_episodes_total', node, 1, outcome);
    if (outcome === 'recovered' && Number(f.ttrUs) >= 0) m.observe('faultline_mapek_time_to_recover_seconds', node, Number(f.ttrUs) / US_PER_S);
  },
  'mapek.lease': (m, _t, node, f) => m.set('faultline_mapek_lease_active', node, f.active === true ? 1 : 0),
  'load.done': (m, _t, node, f) => {
    const outcome = GATEWAY_OUTCOME_BY_CODE[Number(f.outcome)] ?? 'other';
    m.add('faultline_load_requests_total', node, 1, outcome);
    m.observe('faultline_load_request_duration_seconds', node, Number(f.latencyUs) / US_PER_S, outcome);
  },
  'host.stats': (m, _t, node, f) => m.onHostStats(node, f),
};

/** Cumulative raft.stats fields that are counters, by metric. */
const RAFT_STAT_COUNTERS: readonly [string, string][] = [
  ['appendsSent', 'faultline_raft_appends_sent_total'], ['heartbeatsSent', 'faultline_raft_heartbeats_sent_total'],
  ['appendsRejected', 'faultline_raft_appends_rejected_total'], ['heartbeatsRejected', 'faultline_raft_heartbeats_rejected_total'],
  ['proposalsDropped', 'faultline_raft_proposals_dropped_total'], ['duplicates', 'faultline_kv_duplicates_suppressed_total'],
];

const GATEWAY_STAT_COUNTERS: readonly [string, string, string?][] = [
  ['rateLimited', 'faultline_gateway_rate_limited_total'], ['shed', 'faultline_gateway_shed_total'],
  ['budgetRefused', 'faultline_gateway_retry_budget_refusals_total'], ['attemptTimeouts', 'faultline_gateway_attempt_timeouts_total'],
  ['breakerRefusals', 'faultline_breaker_refusals_total'], ['malformed', 'faultline_messages_rejected_total', 'gw'],
];

export class MetricFeeds {
  readonly nodes: NodeState[];
  private readonly fams = new Map<string, Family>();
  /** Cells on the hot path, resolved once per node. */
  private readonly sentBytes: Cell[];
  private readonly sentByType: Family;
  private readonly deliveredByType: Family;

  constructor(readonly store: MetricStore, roles: readonly string[]) {
    for (const spec of METRICS) this.fams.set(spec.name, store.family(spec.name));
    this.nodes = roles.map((r) => new NodeState(r));
    this.sentByType = this.fam('faultline_net_messages_sent_total');
    this.deliveredByType = this.fam('faultline_net_messages_delivered_total');
    this.sentBytes = roles.map((_, id) => this.fam('faultline_net_sent_bytes_total').at(id));
    this.initialise(roles);
  }

  private fam(name: string): Family {
    return this.fams.get(name) as Family;
  }

  /** Zero-label series of every node's metrics exist from the start (at 0), as Prometheus prefers. */
  private initialise(roles: readonly string[]): void {
    const servers = roles.flatMap((r, id) => (r === 'server' ? [nodeName(id)] : []));
    roles.forEach((role, id) => {
      for (const f of this.fams.values()) {
        const s = f.spec;
        if (s.scope === 'node' && f.labelNames.length === 0 && (s.roles === undefined || s.roles.includes(role))) f.at(id);
      }
      this.set('faultline_node_up', id, 1);
      // Counters that PromQL's increase() must see rise from 0 start there.
      for (const cause of CRASH_CAUSES) this.add('faultline_node_crashes_total', id, 0, cause);
      if (role === 'server') {
        for (const r of RAFT_ROLES) this.set('faultline_raft_role', id, 0, r);
        for (const c of CAMPAIGN_KINDS) this.add('faultline_raft_elections_started_total', id, 0, c);
      }
      if (role === 'gateway') {
        this.set('faultline_gateway_ready', id, 1);
        for (const server of servers) this.set('faultline_breaker_state', id, 1, server, 'closed');
      }
    });
    for (const f of this.fams.values()) if (f.spec.scope === 'sim' && f.labelNames.length === 0) f.at(this.store.simSlot);
  }

  // ---- small helpers ----

  add(name: string, node: NodeId, by = 1, ...labels: string[]): void {
    this.store.inc(this.fam(name).at(node, ...labels), by);
  }

  set(name: string, node: number, v: number, ...labels: string[]): void {
    this.store.set(this.fam(name).at(node, ...labels), v);
  }

  observe(name: string, node: NodeId, v: number, ...labels: string[]): void {
    const f = this.fam(name);
    this.store.observe(f, f.at(node, ...labels), v);
  }

  /** A counter fed by a cumulative report: adds what grew since the last report. */
  private cumulative(last: Map<string, number>, key: string, v: number, name: string, node: NodeId, scale = 1, ...labels: string[]): void {
    const before = last.get(key) ?? 0;
    if (v > before) this.add(name, node, (v - before) * scale, ...labels);
    last.set(key, v);
  }

  // ---- event feeds ----

  onRole(node: NodeId, role: string, term: number): void {
    const st = this.nodes[node];
    st.raftRole = role;
    for (const r of RAFT_ROLES) this.set('faultline_raft_role', node, r === role ? 1 : 0, r);
    this.setTerm(node, term);
    this.set('faultline_raft_leader_term', node, role === 'leader' ? term : 0);
    if (role === 'leader') this.add('faultline_raft_elections_won_total', node);
  }

  setTerm(node: NodeId, term: number): void {
    this.nodes[node].term = term;
    this.set('faultline_raft_term', node, term);
  }

  onRaftStats(node: NodeId, f: TelemetryFields): void {
    const st = this.nodes[node];
    st.commit = Number(f.commit);
    st.applied = Number(f.applied);
    this.setTerm(node, Number(f.term));
    this.set('faultline_raft_commit_index', node, st.commit);
    this.set('faultline_raft_applied_index', node, st.applied);
    this.set('faultline_raft_last_index', node, Number(f.lastIndex));
    this.set('faultline_kv_sessions', node, Number(f.sessions));
    for (const [field, metric] of RAFT_STAT_COUNTERS) this.cumulative(st.last, field, Number(f[field]), metric, node);
  }

  onGatewayStats(node: NodeId, f: TelemetryFields): void {
    const st = this.nodes[node];
    for (const [field, metric, label] of GATEWAY_STAT_COUNTERS) this.cumulative(st.last, field, Number(f[field]), metric, node, 1, ...(label === undefined ? [] : [label]));
    this.set('faultline_gateway_bulkhead_in_use', node, Number(f.inFlight));
    this.set('faultline_gateway_bulkhead_queued', node, Number(f.queued));
  }

  onHostStats(node: NodeId, f: TelemetryFields): void {
    const st = this.nodes[node];
    this.cumulative(st.hostLast, 'cpuBusyUs', Number(f.cpuBusyUs), 'faultline_node_cpu_busy_seconds_total', node, 1 / US_PER_S);
    this.cumulative(st.hostLast, 'fsyncs', Number(f.fsyncs), 'faultline_node_fsyncs_total', node);
    this.set('faultline_node_cpu_queue', node, Number(f.cpuQueue));
    this.set('faultline_node_memory_bytes', node, Number(f.memoryBytes));
  }

  onKvReply(t: Micros, node: NodeId, f: TelemetryFields): void {
    const pending = this.nodes[node].pending;
    const key = pendingKey(Number(f.client), Number(f.rid));
    const p = pending.get(key);
    if (p === undefined) return;
    pending.delete(key);
    this.add('faultline_kv_requests_total', node, 1, p.op, String(f.outcome));
    this.observe('faultline_kv_request_duration_seconds', node, (t - p.t) / US_PER_S, p.op);
    const readIndexUs = Number(f.readIndexUs);
    if (readIndexUs >= 0) this.observe('faultline_raft_read_index_seconds', node, readIndexUs / US_PER_S);
  }

  onKvComplete(t: Micros, node: NodeId, f: TelemetryFields): void {
    const pending = this.nodes[node].pending;
    const key = pendingKey(node, Number(f.rid));
    const p = pending.get(key);
    if (p === undefined) return;
    pending.delete(key);
    const out = String(f.output);
    const outcome = out === '' ? 'unknown' : out.startsWith('{"ok":true') ? 'ok' : 'failed';
    this.add('faultline_kv_client_operations_total', node, 1, p.op, outcome);
    this.observe('faultline_kv_client_operation_duration_seconds', node, (t - p.t) / US_PER_S, p.op);
  }

  onGatewayReply(t: Micros, node: NodeId, f: TelemetryFields): void {
    const pending = this.nodes[node].pending;
    const key = pendingKey(Number(f.client), Number(f.rid));
    const p = pending.get(key);
    if (p !== undefined) pending.delete(key);
    const outcome = String(f.outcome);
    this.add('faultline_gateway_requests_total', node, 1, outcome);
    this.observe('faultline_gateway_request_duration_seconds', node, p === undefined ? 0 : (t - p.t) / US_PER_S, outcome);
  }

  onBreaker(node: NodeId, server: string, from: string, to: string): void {
    this.set('faultline_breaker_state', node, 0, server, from);
    this.set('faultline_breaker_state', node, 1, server, to);
    this.add('faultline_breaker_transitions_total', node, 1, server, to);
  }

  // ---- the trace and the network ----

  onTrace(t: Micros, node: NodeId, kind: TraceKind, from: NodeId, tag: string): void {
    if (node < 0) return;
    switch (kind) {
      case 'msg': {
        this.store.inc(this.deliveredByType.at1(node, tag));
        const st = this.nodes[node];
        if (from === st.lead) st.lastContactUs = t;
        return;
      }
      case 'drop': return this.add('faultline_net_messages_dropped_total', node, 1, tag);
      case 'crash':
      case 'oom': return this.onDown(node, kind);
      case 'restart':
        this.add('faultline_node_restarts_total', node);
        this.onUp(node);
        return;
      case 'pause':
        this.add('faultline_node_pauses_total', node);
        this.nodes[node].up = false;
        this.set('faultline_node_up', node, 0);
        return;
      case 'resume':
        this.nodes[node].up = true;
        this.set('faultline_node_up', node, 1);
        return;
      default: return;
    }
  }

  private onDown(node: NodeId, cause: 'crash' | 'oom'): void {
    const st = this.nodes[node];
    this.add('faultline_node_crashes_total', node, 1, cause);
    st.up = false;
    st.raftRole = '';
    st.lead = -1;
    this.set('faultline_node_up', node, 0);
    if (st.role === 'server') {
      for (const r of RAFT_ROLES) this.set('faultline_raft_role', node, 0, r);
      this.set('faultline_raft_leader_term', node, 0);
    }
    // The next process counts from zero; requests in flight on this node are gone.
    st.last.clear();
    st.pending.clear();
  }

  private onUp(node: NodeId): void {
    const st = this.nodes[node];
    st.up = true;
    this.set('faultline_node_up', node, 1);
    if (st.role === 'gateway') {
      this.set('faultline_gateway_ready', node, 1);
      for (const c of this.fam('faultline_breaker_state').cells(node)) this.store.set(c, c.labels.state === 'closed' ? 1 : 0);
    }
  }

  onSend(from: NodeId, msg: unknown, sizeBytes: number): void {
    this.store.inc(this.sentByType.at1(from, typeOf(msg) ?? 'other'));
    this.store.inc(this.sentBytes[from], sizeBytes);
  }

  // ---- the simulator, at scrape time ----

  /** Updates the simulator's registry from the world at time `t`. */
  sampleSim(world: World, faults: readonly FaultSpec[]): void {
    const slot = this.store.simSlot;
    this.set('faultline_sim_events_total', slot, world.executed);
    this.set('faultline_sim_trace_events_total', slot, world.trace.count);
    this.set('faultline_sim_queue_depth', slot, world.kernel.queue.size + (world.actions?.size ?? 0));
    this.set('faultline_sim_time_seconds', slot, world.nowUs / US_PER_S);
    const t = world.nowUs;
    const active = new Map<string, number>();
    const injected = new Map<string, number>();
    for (const f of faults) {
      if (f.at > t) continue;
      const kind = bounded(FAULT_KINDS, f.kind);
      injected.set(kind, (injected.get(kind) ?? 0) + 1);
      active.set(kind, (active.get(kind) ?? 0) + (t < healUs(f) ? 1 : 0));
    }
    for (const [kind, n] of active) this.set('faultline_sim_faults_active', slot, n, kind);
    for (const [kind, n] of injected) this.set('faultline_sim_faults_injected_total', slot, n, kind);
    const byCheck = new Map<string, number>();
    for (const v of world.violations) {
      const check = bounded(CHECKS, v.check);
      byCheck.set(check, (byCheck.get(check) ?? 0) + 1);
    }
    for (const [check, n] of byCheck) this.set('faultline_check_violations_total', slot, n, check);
  }
}
