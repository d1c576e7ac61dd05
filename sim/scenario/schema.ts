// The scenario file schema (zod). A scenario is data: topology, workload, a fault
// timeline, checks and phases. Durations are human strings ("250ms", "1.5s", "10m").
//
// Contract: `parseScenario` either returns a fully defaulted, normalised Scenario or the
// complete list of problems, each with its path (`faults[2].at: expected a duration like
// "1.5s"`). Defaults are filled here and nowhere else.
import { z } from 'zod';

export { duration } from './durationSchema.ts';
import { duration } from './durationSchema.ts';
import { managerSchema, MANAGER_DEFAULTS } from '../mapek/schema.ts';

const probability = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const nodeIndex = z.number().int('must be an integer node index').min(0, 'must be a node index >= 0');

export const latencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), value: duration }).strict(),
  z.object({ kind: z.literal('uniform'), min: duration, max: duration }).strict(),
  z.object({ kind: z.literal('normal'), mean: duration, sd: duration }).strict(),
  z.object({ kind: z.literal('longtail'), min: duration, alpha: z.number().positive(), max: duration }).strict(),
]);

export const linkSchema = z.object({
  latency: latencySchema.optional(),
  loss: probability.optional(),
  duplicate: probability.optional(),
  reorder: probability.optional(),
  corrupt: probability.optional(),
  bandwidthBytesPerS: z.number().int().min(0).optional(),
}).strict();

/** Byzantine adversaries: see sim/faults/byzantine.ts for what each one does. */
export const BYZANTINE_MODES = ['corrupt', 'forge', 'replay', 'flood', 'malformed'] as const;
export const BYZANTINE_RATE_MAX = 10_000;
export const CPU_FACTOR_MAX = 10_000;

const at = { at: duration };
/** What a `leader` fault does to the node that leads when it starts. */
export const LEADER_ACTIONS = ['crash', 'shutdown', 'pause', 'isolate', 'throttle'] as const;

export const faultSchema = z.discriminatedUnion('kind', [
  z.object({ ...at, kind: z.literal('crash'), node: nodeIndex, duration: duration.optional() }).strict(),
  z.object({ ...at, kind: z.literal('restart'), node: nodeIndex }).strict(),
  z.object({ ...at, kind: z.literal('shutdown'), node: nodeIndex, duration: duration.optional() }).strict(),
  z.object({ ...at, kind: z.literal('pause'), node: nodeIndex, duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('partition'), groups: z.array(z.array(nodeIndex)).min(2), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('oneway'), from: z.array(nodeIndex).min(1), to: z.array(nodeIndex).min(1), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('bridge'), left: z.array(nodeIndex).min(1), right: z.array(nodeIndex).min(1), bridge: nodeIndex, duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('isolate'), nodes: z.array(nodeIndex).min(1), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('link'), from: z.array(nodeIndex).min(1), to: z.array(nodeIndex).min(1), set: linkSchema, duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('throttle'), node: nodeIndex, factor: z.number().min(1), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('memory'), node: nodeIndex, bytes: z.number().int().min(0), duration: duration.optional() }).strict(),
  z.object({ ...at, kind: z.literal('clock'), node: nodeIndex, step: z.number().int().optional(), driftPpm: z.number().gt(-1_000_000).optional() }).strict(),
  z.object({ ...at, kind: z.literal('diskFull'), node: nodeIndex, duration: duration }).strict(),
  // A process leaking `rate` bytes/s until it is restarted or killed (sim/faults/leak.ts).
  z.object({ ...at, kind: z.literal('leak'), node: nodeIndex, rate: z.number().int().min(1).max(1e12), duration: duration.optional() }).strict(),
  // The node crashes, stays down for `duration`, and its next start takes `startDelay` of CPU.
  z.object({ ...at, kind: z.literal('slowStart'), node: nodeIndex, duration: duration, startDelay: duration }).strict(),
  z.object({ ...at, kind: z.literal('fsyncLoss'), node: nodeIndex, duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('tornWrites'), node: nodeIndex, prob: probability.default(1), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('readErrors'), node: nodeIndex, prob: probability, duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('cpuSpike'), node: nodeIndex, factor: z.number().min(1).max(CPU_FACTOR_MAX).default(50), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('drift'), node: nodeIndex, ppm: z.number().int().gt(-1_000_000).lt(1_000_000), duration: duration.optional() }).strict(),
  // Aimed at whichever node leads when the fault starts (raft-kv only): the classic
  // "kill the leader" and "isolate the leader" nemeses, which a fixed node index cannot say.
  z.object({ ...at, kind: z.literal('leader'), do: z.enum(LEADER_ACTIONS), duration: duration.optional(), factor: z.number().min(1).max(CPU_FACTOR_MAX).optional() }).strict(),
  z.object({
    ...at,
    kind: z.literal('byzantine'),
    mode: z.enum(BYZANTINE_MODES),
    /** corrupt: the node whose outgoing messages are corrupted; other modes: the node attacked. */
    node: nodeIndex,
    duration: duration,
    /** corrupt: the fraction of the node's outgoing messages corrupted. */
    fraction: probability.default(0.5),
    /** forge, replay, flood, malformed: injected messages per second. */
    rate: z.number().int().min(1).max(BYZANTINE_RATE_MAX).default(50),
  }).strict(),
]);

/** A scenario lists at most this many faults (after swarm sampling too). */
export const FAULTS_MAX = 1_000;
export const SWARM_COUNT_MAX = 200;

/** The fault families swarm sampling can draw from; `link-*` pick one link property. */
export const SWARM_KINDS = [
  'crash', 'shutdown', 'pause', 'partition', 'oneway', 'bridge', 'isolate',
  'link-loss', 'link-delay', 'link-duplicate', 'link-reorder', 'link-corrupt', 'link-bandwidth',
  'throttle', 'cpuSpike', 'clock', 'drift', 'diskFull', 'slowStart', 'fsyncLoss', 'tornWrites', 'readErrors',
  'byzantine-corrupt', 'byzantine-forge', 'byzantine-replay', 'byzantine-flood', 'byzantine-malformed',
  // Faults a self-healing manager is measured on (the mapek scenarios).
  'leak', 'leader-crash', 'leader-throttle',
] as const;
export type SwarmKind = (typeof SWARM_KINDS)[number];

/** Splits "a..b" into its two ends; a single value is a range of one. */
function rangeParts(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string' && v.includes('..')) return v.split('..').map((x) => (/^\d+$/.test(x.trim()) ? Number(x.trim()) : x.trim()));
  return [v, v];
}

/** An inclusive range `lo..hi` given as "3..8", [3, 8] or a single value, checked lo <= hi. */
function rangeOf<T extends z.ZodType<number, unknown>>(inner: T, what: string) {
  return z.preprocess(rangeParts, z.tuple([inner, inner], { error: `expected a range like ${what}` })).superRefine((r, ctx) => {
    const [lo, hi] = r as [number, number];
    if (lo > hi) ctx.addIssue({ code: 'custom', message: `the range is empty: ${lo} > ${hi}` });
  });
}

export const swarmSchema = z.object({
  /** Which fault families are switched on; each sampled fault picks one uniformly. */
  kinds: z.array(z.enum(SWARM_KINDS)).min(1),
  /** How many faults to sample. */
  count: rangeOf(z.number().int().min(0).max(SWARM_COUNT_MAX), '"3..8" or [3, 8]'),
  /** When faults may start. */
  window: rangeOf(duration, '[1s, 8s] or "1s..8s"'),
  /** How long each timed fault lasts. */
  duration: rangeOf(duration, '"200ms..2s" or [200ms, 2s]'),
}).strict();

export const RAFT_BUGS = ['commitOldTermByCounting', 'voteWithoutLogCheck', 'skipFsync', 'readWithoutReadIndex'] as const;

export const raftSchema = z.object({
  /** One Raft tick of local time; election and heartbeat timeouts count ticks. */
  tick: duration.default(10_000),
  /** Election timeout is drawn from [electionTicks, 2 * electionTicks) ticks. */
  electionTicks: z.number().int().min(2).max(1000).default(15),
  heartbeatTicks: z.number().int().min(1).max(100).default(3),
  preVote: z.boolean().default(true),
  checkQuorum: z.boolean().default(true),
  readMode: z.enum(['safe', 'lease']).default('safe'),
  maxInflight: z.number().int().min(1).max(4096).default(64),
  maxEntriesPerMsg: z.number().int().min(1).max(4096).default(64),
  /** Take a snapshot and compact the log after this many applied entries. */
  snapshotEvery: z.number().int().min(1).default(500),
  /** Deliberately broken variants, to prove the checkers have teeth. */
  bugs: z.array(z.enum(RAFT_BUGS)).default([]),
}).strict();

export const clientsSchema = z.object({
  count: z.number().int().min(0).max(256).default(3),
  /** Think time between one client's operations. */
  interval: duration.default(20_000),
  /** How long a client waits for an answer before it retries (same session seq) elsewhere. */
  timeout: duration.default(300_000),
  /** Attempts per operation before the client gives up (outcome unknown). */
  attempts: z.number().int().min(1).max(100).default(10),
  keys: z.number().int().min(1).max(10_000).default(5),
  mix: z.object({
    get: z.number().min(0).default(4),
    put: z.number().min(0).default(3),
    append: z.number().min(0).default(2),
    cas: z.number().min(0).default(1),
    delete: z.number().min(0).default(0),
  }).strict().default({ get: 4, put: 3, append: 2, cas: 1, delete: 0 }),
  /** Stop issuing new operations this long before the end, so the last ones can finish. */
  quiesce: duration.default(1_000_000),
}).strict();

/** A node's CPU service times (sim/host/cpu.ts); unset fields keep the defaults. */
export const cpuSchema = z.object({
  message: duration.optional(),
  timer: duration.optional(),
  fsync: duration.optional(),
  /** Per message type (the message's `type` field), e.g. { kv.req: 300us }. */
  byType: z.record(z.string(), duration).optional(),
}).strict();

/** Bounds a load phase must keep (the load-kv workload's promises); unset means unchecked. */
export const loadExpectSchema = z.object({
  p50MsMax: z.number().positive().optional(),
  p99MsMax: z.number().positive().optional(),
  goodputPerSMin: z.number().min(0).optional(),
  errorRateMax: z.number().min(0).max(1).optional(),
  timeoutRateMax: z.number().min(0).max(1).optional(),
  rejectRateMax: z.number().min(0).max(1).optional(),
  rejectP99MsMax: z.number().positive().optional(),
  attemptsPerRequestMax: z.number().min(1).optional(),
}).strict();

/** The load-kv workload: open-loop clients through gateways to the Raft KV cluster. */
export const loadSchema = z.object({
  clients: z.number().int().min(1).max(256).default(4),
  gateways: z.number().int().min(1).max(16).default(1),
  /** Requests per second over all clients at factor 1. */
  rate: z.number().positive().max(1_000_000).default(1000),
  /** When the first phase starts (the cluster elects a leader before). */
  start: duration.default(1_000_000),
  /** Consecutive phases; each runs `factor` times the base rate. */
  phases: z.array(z.object({
    name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'use letters and digits, starting with a letter'),
    duration: duration,
    factor: z.number().min(0).max(1000).default(1),
  }).strict()).min(1).max(32).default([{ name: 'steady', duration: 10_000_000, factor: 1 }]),
  /** A client gives up on a request after this long (the gateway's deadline should be shorter). */
  timeout: duration.default(2_000_000),
  /** Open requests per client, at most. */
  pendingMax: z.number().int().min(1).max(1_000_000).default(100_000),
  serverCpu: cpuSchema.default({}),
  gatewayCpu: cpuSchema.default({}),
  /** Check Raft's safety invariants as the run goes (memory grows with the run). */
  raftChecks: z.boolean().default(true),
  /** Per phase name, the bounds that phase must keep; a broken bound is a violation. */
  expect: z.record(z.string(), loadExpectSchema).default({}),
}).strict();

const onOff = { enabled: z.boolean().default(false) };

/** The gateway in front of the KV cluster; every policy can be switched off to compare. */
export const gatewaySchema = z.object({
  /** A request's whole budget at the gateway, queueing included. */
  timeout: duration.default(1_000_000),
  /** One backend attempt's budget. */
  attemptTimeout: duration.default(250_000),
  rateLimit: z.object({ ...onOff, perClient: z.boolean().default(false), rate: z.number().positive().default(1000), burst: z.number().positive().default(100) }).strict().default({ enabled: false, perClient: false, rate: 1000, burst: 100 }),
  bulkhead: z.object({ ...onOff, concurrency: z.number().int().min(1).max(4096).default(64), queue: z.number().int().min(0).max(65_536).default(256) }).strict().default({ enabled: false, concurrency: 64, queue: 256 }),
  retry: z.object({
    enabled: z.boolean().default(true),
    attempts: z.number().int().min(1).max(100).default(3),
    backoff: z.object({ initial: duration.default(10_000), max: duration.default(200_000), jitter: z.enum(['none', 'full', 'equal']).default('full') }).strict().default({ initial: 10_000, max: 200_000, jitter: 'full' }),
    budget: z.object({ ...onOff, ratio: z.number().min(0).max(1000).default(0.1), minPerSec: z.number().min(0).default(10), ttl: duration.default(10_000_000) }).strict().default({ enabled: false, ratio: 0.1, minPerSec: 10, ttl: 10_000_000 }),
  }).strict().default({ enabled: true, attempts: 3, backoff: { initial: 10_000, max: 200_000, jitter: 'full' }, budget: { enabled: false, ratio: 0.1, minPerSec: 10, ttl: 10_000_000 } }),
  breaker: z.object({
    ...onOff,
    window: z.number().int().min(1).max(10_000).default(20),
    failureRatio: z.number().gt(0).max(1).default(0.5),
    /** A call at least this long counts as slow (0: none is). */
    slowCall: duration.default(0),
    slowCallRatio: z.number().gt(0).max(1).default(1),
    minimumCalls: z.number().int().min(1).default(10),
    open: duration.default(1_000_000),
    probes: z.number().int().min(1).max(100).default(3),
  }).strict().default({ enabled: false, window: 20, failureRatio: 0.5, slowCall: 0, slowCallRatio: 1, minimumCalls: 10, open: 1_000_000, probes: 3 }),
  healthInterval: duration.default(100_000),
}).strict();

export const scenarioSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  description: z.string().min(1),
  workload: z.enum(['heartbeat', 'raft-kv', 'load-kv']),
  topology: z.object({
    nodes: z.number().int().min(1).max(64),
    link: linkSchema.default({}),
    minLatency: duration.default(500),
  }).strict(),
  duration: duration,
  faults: z.array(faultSchema).max(FAULTS_MAX).default([]),
  swarm: swarmSchema.optional(),
  heartbeat: z.object({
    interval: duration.default(100_000),
    timeout: duration.default(500_000),
    /** Real CPU work per received heartbeat (hash rounds): makes a CPU-heavy scenario for worker benchmarks. */
    work: z.number().int().min(0).max(10_000_000).default(0),
  }).strict().default({ interval: 100_000, timeout: 500_000, work: 0 }),
  raft: raftSchema.default(raftSchema.parse({})),
  clients: clientsSchema.default(clientsSchema.parse({})),
  liveness: z.object({ within: duration }).strict().default({ within: 2_000_000 }),
  load: loadSchema.default(loadSchema.parse({})),
  gateway: gatewaySchema.default(gatewaySchema.parse({})),
  /** The MAPE-K self-healing manager (sim/mapek), off unless enabled. */
  manager: managerSchema.default(MANAGER_DEFAULTS),
}).strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type FaultSpec = z.output<typeof faultSchema>;
export type LinkSpec = z.output<typeof linkSchema>;
export type SwarmSpec = z.output<typeof swarmSchema>;
