// The data that crosses the worker boundary: what the page asks the simulation worker for
// and the frames and summaries it gets back.
//
// Contract: every type here is plain structured-clonable data (no functions, no class
// instances), because comlink copies it with postMessage. One request returns one whole
// frame: the page never makes a round trip per node, per message or per event.
import type { Micros, NodeId } from '../../core/env.ts';
import type { InFlight } from '../../sim/world/world.ts';
import type { FaultSpec, Scenario } from '../../sim/scenario/schema.ts';
import type { Violation } from '../../sim/world/world.ts';
import type { Inconclusive } from '../../sim/check/verdict.ts';

/** The side-panel view the retrieval data is for: workloads that name it in ui.panels get it. */
export const RETRIEVAL_PANEL = 'retrieval';

/** One simulation to show: the scenario as loaded, the seed, and the user's interventions. */
export interface SessionSpec {
  scenario: Scenario;
  seed: number;
  /** Interventions recorded in the page; they run after the scenario's own faults. */
  interventions: FaultSpec[];
}

/** What to do before the frame is taken. */
export type FrameAction =
  | { kind: 'none' }
  | { kind: 'run'; toUs: Micros }
  | { kind: 'budget'; wallMs: number }
  | { kind: 'step' }
  /** Move to `toUs` (replaying from zero when it lies behind); with `wallMs`, for at most about that long. */
  | { kind: 'seek'; toUs: Micros; wallMs?: number };

export interface LogFilter {
  /** Only these nodes (null: all). */
  nodes: NodeId[] | null;
  /** Only these trace kinds (null: all). */
  kinds: string[] | null;
  limit: number;
}

export interface FrameRequest {
  action: FrameAction;
  /** The node whose full details the frame should carry, or null. */
  selected: NodeId | null;
  /** The log to return, or null to leave it out (the page keeps its last one while playing). */
  log: LogFilter | null;
  /** The retrieval panel's view (rag sessions only), or null to leave it out. */
  rag?: RagRequest | null;
}

/** What the retrieval panel asks for: the document titles once, and a question (a document's embedding), if any. */
export interface RagRequest {
  titles: boolean;
  ask: number | null;
}

export interface RagReplicaView {
  node: NodeId;
  status: string;
  applied: number | null;
  docs: number | null;
  searches: number | null;
  restores: number | null;
  freshWaiting: number | null;
  refused: number | null;
  memoryKiB: number | null;
  crashes: number;
}

export interface RagAnswerView {
  t: Micros;
  client: number;
  qid: number;
  mode: string;
  ok: boolean;
  cached: boolean;
  replica: number;
  applied: number;
  latencyMs: number;
  /** The first three labels of the answer. */
  top: number[];
  error: string;
}

export interface RagHitView {
  label: number;
  /** Cosine similarity (1 - distance). */
  score: number;
}

export interface RagAskView {
  doc: number;
  k: number;
  ef: number;
  /** What the frontend's semantic cache would answer (stale queries), or null: a miss. */
  cache: { similarity: number; replica: number; applied: number; hits: RagHitView[] } | null;
  /** The replica the frontend would send the next batch to. */
  nextReplica: NodeId;
  perReplica: { node: NodeId; up: boolean; applied: number | null; docs: number | null; hits: RagHitView[] }[];
}

export interface RagView {
  corpus: string;
  /** Every document's title, by label (sent when asked). */
  titles: string[] | null;
  replicas: RagReplicaView[];
  frontend: { queries: number; cacheHits: number; cacheSize: number; batchesSent: number; writesAcked: number } | null;
  recent: RagAnswerView[];
  ask: RagAskView | null;
}

/** One trace event as the page shows it (the payload text is left out). */
export interface LogEvent {
  /** The event's position in the trace (0-based). */
  index: number;
  t: Micros;
  node: NodeId;
  kind: string;
  from: NodeId;
  tag: string;
}

export interface HostView {
  id: NodeId;
  /** The node's place in the topology ('server' or 'client'), fixed for the run. */
  place: string;
  status: 'up' | 'down' | 'paused';
  /** The process's own role from inspect(), or the status when it has none. */
  role: string;
  summary: string;
  throttle: number;
  incarnation: number;
  crashes: number;
  /** The workload's timer on this node (ui.timer): ticks elapsed and the timeout, or null. */
  timer: [number, number] | null;
  /** Whom this node voted for (ui.vote) and in which term, or null. */
  vote: { for: NodeId; term: number } | null;
  /** A candidate's votes so far, by voter: granted or refused; null when it is not collecting votes. */
  votes: Record<number, boolean> | null;
  /**
   * Where the node's own configuration (ui.membership) puts it: a voter, a learner, or
   * outside (removed, or not yet added); null when the workload has none or the node is down.
   */
  member: 'voter' | 'learner' | 'outside' | null;
  /** CPU busy so far and memory in use (for the metrics). */
  cpuBusyUs: Micros;
  memoryBytes: number;
}

export interface NodeDetails {
  id: NodeId;
  host: Record<string, number | string>;
  /** inspect().details of the running process, or null when the node is down. */
  process: Record<string, unknown> | null;
}

/** A message in flight, as the world reports it, with what the page reads of its payload. */
export interface FlightView extends InFlight {
  /** The workload's refusal field (ui.refusalField) is true: a vote refused, an append rejected. */
  refused: boolean;
  /** The payload's readable fields ("term 3", "entries 2"), for hover and click. */
  fields: [string, string][];
}

/** One node's replicated log around its tail, for the side-by-side log view. */
export interface LogView {
  node: NodeId;
  /** [index, term] of the entries shown, in index order. */
  entries: [number, number][];
  commit: number;
  applied: number;
  snapshotIndex: number;
  lastIndex: number;
  /** Entries this view saw replaced by an entry of another term: [index, old term, new term, when]. */
  overwritten: [number, number, number, Micros][];
}

export interface LinkView {
  a: NodeId;
  b: NodeId;
  /** Messages from a to b are cut / from b to a are cut. */
  cutAB: boolean;
  cutBA: boolean;
  /** A short description of a changed profile ("+40ms · 20% loss"), or ''. */
  changed: string;
}

export interface Frame {
  tUs: Micros;
  endUs: Micros;
  /** Kernel events executed so far, and trace events recorded so far. */
  executed: number;
  traced: number;
  /** The trace hash of the events run so far (equals the full run's at the end). */
  hashSoFar: string;
  hosts: HostView[];
  inFlight: FlightView[];
  inFlightTotal: number;
  links: LinkView[];
  /** Drops recorded since the previous frame (capped). */
  drops: LogEvent[];
  /** Deliveries since the previous frame, per link: [from, to, type, count]. */
  pulses: [NodeId, NodeId, string, number][];
  /** The events the log filter selects, newest last; null when the request asked for none. */
  log: LogEvent[] | null;
  /** The last event a step ran, or null. */
  stepped: LogEvent | null;
  /** When the next event is due, or null when nothing is left before the end. */
  nextEventUs: Micros | null;
  violations: Violation[];
  details: NodeDetails | null;
  /** The retrieval panel's view, when asked for (rag sessions). */
  rag: RagView | null;
  /** True when this frame came from a rebuilt world (a seek backwards or a new session). */
  replayed: boolean;
  /** Where an unfinished seek is going (ask again to go on), or null. */
  seekingToUs: Micros | null;
  /** Replicated logs of the nodes whose details carry one (a `log` of {index, term}), by node. */
  logs: LogView[];
  /** Why playback should slow down now (the workload's ui.slowMotion: "election"), or null. */
  slow: string | null;
  /** Wall time the worker spent on this request, ms. */
  workMs: number;
}

/** Client operations per chart bucket (a workload's ui.operations), and over the whole run. */
export interface OperationSeries {
  done: number[];
  refused: number[];
  errors: number[];
  /** Latency percentiles of the successful operations that ended in each bucket, µs (null: none ended). */
  p50Us: (number | null)[];
  p99Us: (number | null)[];
  totals: { done: number; refused: number; errors: number; p50Us: number | null; p99Us: number | null };
}

export type MarkerKind = 'fault' | 'heal' | 'crash' | 'restart' | 'pause' | 'resume' | 'oom' | 'role' | 'suspect' | 'trust' | 'violation' | 'intervention' | 'action';

export interface Marker {
  t: Micros;
  kind: MarkerKind;
  node: NodeId | null;
  label: string;
  /** A role change's new role. */
  role?: string;
}

export interface Series {
  bucketUs: Micros;
  /** Per bucket: delivered messages, drops, executed events, timers fired. */
  messages: number[];
  drops: number[];
  events: number[];
  timers: number[];
  /** Numeric inspect() fields sampled at each bucket's end, per node: metric -> node -> values. */
  metrics: Record<string, (number | null)[][]>;
  /** Per node and bucket: CPU busy share (0..1) and memory in use, bytes. */
  cpu: number[][];
  memory: number[][];
  /** Per bucket: 1 when no node was up in the workload's leader role at the bucket's end (ui.leaderRole), else 0; empty without one. */
  leaderless: number[];
  /** Client operations (a workload's ui.operations), or null when the workload names none. */
  operations: OperationSeries | null;
}

export interface Summary {
  scenario: string;
  seed: number;
  traceHash: string;
  events: number;
  traced: number;
  simulatedUs: Micros;
  violations: Violation[];
  /** Checks that could not decide, and why: the run is inconclusive when there is no violation. */
  inconclusive: Inconclusive[];
  stats: Record<string, number | string>;
  markers: Marker[];
  markersDropped: number;
  series: Series;
  wallMs: number;
}
