// The scenario file schema (zod). A scenario is data: topology, workload, a fault
// timeline, checks and phases. Durations are human strings ("250ms", "1.5s", "10m").
//
// Contract: this file holds what every scenario has (topology, faults, swarm, durations,
// the liveness phase); each workload contributes its own sections (sim/workloads), and
// sim/scenario/parse.ts joins them into one schema. Parsing either returns a fully
// defaulted, normalised Scenario or the complete list of problems, each with its path
// (`faults[2].at: expected a duration like "1.5s"`). Defaults are filled by the schemas
// and nowhere else.
import { z } from 'zod';
import { formatDuration, fractionOfMicrosecond, parseDuration } from './duration.ts';

const DURATION_HINT = 'expected a non-negative duration like "1.5s", "250ms" or "10m"';

/**
 * The longest duration a scenario may name anywhere: 30 days. A longer one is a typo or a
 * unit mistake (a 10^20 µs run went on silently for minutes), never a run anyone waits for.
 */
export const DURATION_US_MAX = 30 * 24 * 3_600_000_000;

const durationSchemas = new WeakSet<z.ZodType>();

/** A value as a message shows it: NaN and Infinity by name (JSON would print them as null). */
function shownValue(v: unknown): string {
  return typeof v === 'number' && !Number.isFinite(v) ? String(v) : JSON.stringify(v);
}

/** What is wrong with a bare number of µs that is not whole (1e-3, 2.5), or null for any other number. */
function fractionalMicros(v: number): string | null {
  if (!Number.isFinite(v) || v < 0 || Number.isInteger(v)) return null;
  return `${v} is a bare number, read as µs, and the simulated clock counts whole microseconds: write ${Math.floor(v)} or ${Math.ceil(v)}, or a duration with its unit such as "1ms"`;
}

/** A duration in integer µs of at least `minUs`, from "1.5s"-style text or a number of µs. */
export function durationAtLeast(minUs: number, why: string) {
  const schema = z.union([z.string(), z.number()], { error: (iss) => (iss.input === undefined ? `is required: add it (${DURATION_HINT.replace(/^expected /, '')})` : `${DURATION_HINT}, got ${shownValue(iss.input)}`) }).transform((v, ctx) => {
    const us = typeof v === 'number' ? (v >= 0 && Number.isInteger(v) ? v : null) : parseDuration(v);
    if (us === null) {
      ctx.addIssue({ code: 'custom', message: (typeof v === 'string' ? fractionOfMicrosecond(v) : fractionalMicros(v)) ?? `${DURATION_HINT}, got ${shownValue(v)}` });
      return z.NEVER;
    }
    if (us > DURATION_US_MAX) {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)} is longer than 30 days, the longest duration a scenario may name; check the unit (a bare number is µs)` });
      return z.NEVER;
    }
    if (us < minUs) {
      ctx.addIssue({ code: 'custom', message: minUs <= 1 ? `must be longer than 0: ${why}` : `must be at least ${formatDuration(minUs)}: ${why}` });
      return z.NEVER;
    }
    return us;
  });
  durationSchemas.add(schema);
  return schema;
}

/** A duration: zero or more, at most DURATION_US_MAX. */
export const duration = durationAtLeast(0, '');
/** A duration that must not be zero, for periods that a timer repeats (a zero period would never let time advance). */
export const positiveDuration = durationAtLeast(1, 'a period of 0 would repeat forever without time advancing');

/** The network's floor on any message's latency: a message never arrives the instant it was sent. */
const minLatencyDuration = durationAtLeast(1, 'every message takes at least this long (at least 1us); a message may not arrive the instant it is sent');

/**
 * The period of an aimed nemesis's rounds (figure8, diverge, leaseEdge, staleWrite): each round cuts links,
 * crashes and restarts servers and waits for an election, so a period under 1ms does
 * nothing a longer one would not, and at 1us a few seconds are millions of rounds.
 */
const roundPeriod = durationAtLeast(1000, 'a round needs time for an election (the defaults are 1-1.2s)');
/** Disk time a fault adds to every fsync (slowDisk) or to one write (staleWrite). */
const addedDiskTime = durationAtLeast(1, 'this is the time the fault adds to an fsync, so 0 would leave the disk as it is; remove the fault, or give the time to add (e.g. 50ms)');

/** Whether a schema is one of the duration schemas above (so a writer can print "1.5s" again). */
export function isDurationSchema(schema: z.ZodType): boolean {
  return durationSchemas.has(schema);
}

const probability = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const nodeIndex = z.number().int('must be an integer node index').min(0, 'must be a node index >= 0');

function minNotAboveMax(l: { min: number; max: number }, ctx: z.RefinementCtx): void {
  if (l.min > l.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `is above max (${formatDuration(l.min)} > ${formatDuration(l.max)}): a latency range needs min <= max` });
}

/**
 * A refinement for relative weights a run draws from in proportion (a client's operation
 * mix, an operator's actions): they must add up to a finite number above 0. With every
 * weight 0, or weights whose sum overflows to Infinity (1e308 twice), a draw falls through
 * to its last case every time: clients that were meant to write only read, and an operator
 * whose compact weighed 0 only compacted, silently. `what` names one draw ("a client could
 * draw no operation"), `example` a sensible set of weights.
 */
export function drawableWeights(what: string, example: string) {
  return (m: Readonly<Record<string, number>>, ctx: z.RefinementCtx): void => {
    const names = Object.keys(m);
    const total = names.reduce((a, k) => a + m[k], 0);
    if (total === 0) ctx.addIssue({ code: 'custom', message: `every weight is 0, so ${what}: give at least one of ${names.join(', ')} a weight above 0 (${example})` });
    else if (!Number.isFinite(total)) ctx.addIssue({ code: 'custom', message: `the weights add up to more than a number can hold; they are proportions (${example}), so use small numbers` });
  };
}

export const latencySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), value: duration }).strict(),
  z.object({ kind: z.literal('uniform'), min: duration, max: duration }).strict().superRefine(minNotAboveMax),
  z.object({ kind: z.literal('normal'), mean: duration, sd: duration }).strict(),
  z.object({ kind: z.literal('longtail'), min: duration, alpha: z.number().positive(), max: duration }).strict().superRefine(minNotAboveMax),
]);

export const linkSchema = z.object({
  latency: latencySchema.optional(),
  loss: probability.optional(),
  duplicate: probability.optional(),
  reorder: probability.optional(),
  corrupt: probability.optional(),
  /** A cap on the link's throughput; left out, no cap. */
  bandwidthBytesPerS: z.number().int().min(1, 'must be at least 1 byte per second: leave it out for no cap (0 is not "no bandwidth"; to cut a link use loss: 1 or a partition)').optional(),
}).strict();

/** Byzantine adversaries: see sim/faults/byzantine.ts for what each one does. */
export const BYZANTINE_MODES = ['corrupt', 'forge', 'replay', 'flood', 'malformed'] as const;
export const BYZANTINE_RATE_MAX = 10_000;
export const CPU_FACTOR_MAX = 10_000;

const at = { at: duration };
const CLOCK_STEP_HINT = 'a clock step is a number of µs (5000000 is 5s; negative steps back), at most 30 days either way';
/** How far a clock fault moves a clock, in µs either way: bounded as every duration is. */
const clockStep = z.number().int(CLOCK_STEP_HINT).min(-DURATION_US_MAX, CLOCK_STEP_HINT).max(DURATION_US_MAX, CLOCK_STEP_HINT);
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
  z.object({ ...at, kind: z.literal('throttle'), node: nodeIndex, factor: z.number().min(1).max(CPU_FACTOR_MAX), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('memory'), node: nodeIndex, bytes: z.number().int().min(0), duration: duration.optional() }).strict(),
  z.object({ ...at, kind: z.literal('clock'), node: nodeIndex, step: clockStep.optional(), driftPpm: z.number().gt(-1_000_000).lt(1_000_000).optional() }).strict(),
  z.object({ ...at, kind: z.literal('diskFull'), node: nodeIndex, duration: duration }).strict(),
  // A process leaking `rate` bytes/s until it is restarted or killed (sim/faults/leak.ts).
  z.object({ ...at, kind: z.literal('leak'), node: nodeIndex, rate: z.number().int().min(1).max(1e12), duration: duration.optional() }).strict(),
  // The node crashes, stays down for `duration`, and its next start takes `startDelay` of CPU.
  z.object({ ...at, kind: z.literal('slowStart'), node: nodeIndex, duration: duration, startDelay: duration }).strict(),
  z.object({ ...at, kind: z.literal('fsyncLoss'), node: nodeIndex, duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('tornWrites'), node: nodeIndex, prob: probability.default(1), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('readErrors'), node: nodeIndex, prob: probability, duration: duration }).strict(),
  // A slow disk: every fsync of the node takes `fsync` longer until at + duration (disk time,
  // sends wait for it); with `down`, the node crashes at `at` and restarts `down` later on it.
  z.object({ ...at, kind: z.literal('slowDisk'), node: nodeIndex, duration: duration, fsync: addedDiskTime, down: duration.optional() }).strict(),
  z.object({ ...at, kind: z.literal('cpuSpike'), node: nodeIndex, factor: z.number().min(1).max(CPU_FACTOR_MAX).default(50), duration: duration }).strict(),
  z.object({ ...at, kind: z.literal('drift'), node: nodeIndex, ppm: z.number().int().gt(-1_000_000).lt(1_000_000), duration: duration.optional() }).strict(),
  // Aimed at whichever node leads when the fault starts (workloads with `leader: true`): the classic
  // "kill the leader" and "isolate the leader" nemeses, which a fixed node index cannot say.
  z.object({ ...at, kind: z.literal('leader'), do: z.enum(LEADER_ACTIONS), duration: duration.optional(), factor: z.number().min(1).max(CPU_FACTOR_MAX).optional() }).strict(),
  // Aimed nemeses (sim/faults/aimed.ts): crash a server the instant it made a vote or a new
  // term durable; generate Figure 8 schedules; build divergent logs across terms.
  z.object({ ...at, kind: z.literal('crashOn'), on: z.enum(['vote', 'term', 'persist', 'write', 'truncate']), duration: duration, down: duration.default(200_000), prob: probability.default(1), count: z.number().int().min(1).max(1000).default(10) }).strict(),
  z.object({ ...at, kind: z.literal('deafenOn'), on: z.enum(['transfer']), duration: duration, down: duration.default(300_000), prob: probability.default(1), count: z.number().int().min(1).max(1000).default(10) }).strict(),
  z.object({ ...at, kind: z.literal('figure8'), duration: duration, period: roundPeriod.default(1_200_000) }).strict(),
  z.object({ ...at, kind: z.literal('diverge'), duration: duration, period: roundPeriod.default(1_000_000) }).strict(),
  // Aimed at a lease (sim/faults/aimed.ts): each round the leader's clock runs `ppm` slow and
  // every other server's `ppm` fast, then the leader is cut off from the servers while the
  // clients still reach it. Within a drift bound b, ppm <= 1e6 * b / (2 + b).
  z.object({ ...at, kind: z.literal('leaseEdge'), duration: duration, period: roundPeriod.default(2_000_000), ppm: z.number().int().min(1).lt(1_000_000) }).strict(),
  // Aimed at a write in flight (sim/faults/aimed.ts): each round a follower's disk turns slow
  // by `fsync` while it takes a few of a doomed leader's entries, then that leader crashes
  // and the others elect a new one while the follower's write is still in flight.
  z.object({ ...at, kind: z.literal('staleWrite'), duration: duration, period: roundPeriod.default(1_500_000), fsync: addedDiskTime.optional() }).strict(),
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
  'crashOn-vote', 'crashOn-term', 'figure8', 'diverge', 'link-chaos', 'deafenOn-transfer',
  // Disk time (raft.fsync): crash between an fsync and its sends, or between writes and their
  // fsync; slow disk, a restart on one.
  'crashOn-persist', 'crashOn-write', 'slowDisk', 'slow-restart',
  // A crash the instant a persisted append overwrote entries (a replaced tail must stay replaced).
  'crashOn-truncate',
  // Clock drift that keeps every pair of clocks within the lease's drift bound
  // (raft.clockDriftMax), large within it: lease reads stay correct, so they are still drawn.
  'drift-in-bound',
  // leaseEdge rounds at the edge of that bound (the leader slow, the others fast).
  'lease-edge',
  // staleWrite rounds: a new leader's entries replace a follower's while its write of the old
  // leader's is in flight (needs raft.fsync or slow disks to mean anything: the round makes
  // one follower's disk slow itself).
  'stale-write',
] as const;
export type SwarmKind = (typeof SWARM_KINDS)[number];

/** Splits "a..b" into its two ends; a single value is a range of one. */
function rangeParts(v: unknown): unknown {
  // Left out, the range is missing as a whole ("swarm.window[0]: is required" and [1] said otherwise).
  if (v === undefined || Array.isArray(v)) return v;
  // A number written in the text ("-1", "1.5") is read as one, so its message is about the number.
  if (typeof v === 'string' && v.includes('..')) return v.split('..').map((x) => (/^-?\d+(\.\d+)?$/.test(x.trim()) ? Number(x.trim()) : x.trim()));
  return [v, v];
}

/** An inclusive range `lo..hi` given as "3..8", [3, 8] or a single value, checked lo <= hi. */
function rangeOf<T extends z.ZodType<number, unknown>>(inner: T, what: string) {
  return z.preprocess(rangeParts, z.tuple([inner, inner], { error: (iss) => (iss.input === undefined ? `is required: add it (a range like ${what})` : `expected a range like ${what}`) })).superRefine((r, ctx) => {
    const [lo, hi] = r as [number, number];
    if (lo > hi) ctx.addIssue({ code: 'custom', message: `the range is empty: ${lo} > ${hi}` });
  });
}

export const swarmSchema = z.object({
  /** Which fault families are switched on; each sampled fault picks one uniformly. */
  kinds: z.array(z.enum(SWARM_KINDS)).min(1),
  /** How many faults to sample. */
  count: rangeOf(z.number({ error: (iss) => `expected a whole number of faults, got ${shownValue(iss.input)}` }).int('expected a whole number of faults').min(0, 'must be 0 or more').max(SWARM_COUNT_MAX, `must be at most ${SWARM_COUNT_MAX}`), '"3..8" or [3, 8]').superRefine((r, ctx) => {
    if (r[0] === 0 && r[1] === 0) ctx.addIssue({ code: 'custom', message: 'draws no fault at all (0..0): remove the swarm section for a run without faults, or raise the upper end (e.g. "0..3")' });
  }),
  /** When faults may start. */
  window: rangeOf(duration, '[1s, 8s] or "1s..8s"'),
  /** How long each timed fault lasts. */
  duration: rangeOf(durationAtLeast(1, 'a drawn fault that lasts 0 starts and heals at the same instant, so it changes nothing (start the range above 0, e.g. 100ms..2s)'), '"200ms..2s" or [200ms, 2s]'),
}).strict();

/** The longest scenario name, in characters. */
export const SCENARIO_NAME_CHARS_MAX = 100;

/** A problem with a scenario (or a workload definition): where, and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}

/**
 * A time setting the run's duration leaves no room for (a timeout no request could reach, a
 * period that never comes round): the problem, naming the field, its value, the run's
 * duration, what the run could then not test, and the fix; none when `valueUs` is shorter
 * than the run. One wording for every such field, each of which ran and passed untested.
 */
export function outlastsRun(path: string, valueUs: number, durationUs: number, consequence: string, fix: string): Problem[] {
  if (valueUs < durationUs) return [];
  return [{ path, message: `is ${formatDuration(valueUs)}, at least the run's duration (${formatDuration(durationUs)}): ${consequence}; ${fix}` }];
}

/**
 * The fields every scenario has, whatever its workload. A workload's own sections (`raft:`,
 * `clients:`, `heartbeat:`...) come from its definition (sim/workloads), and
 * sim/scenario/parse.ts joins the two into the one schema a file is checked against.
 */
export const baseScenarioShape = {
  // Bounded: the name makes file names (shrink's NAME-seedN-shrunk.yaml), and one past what a
  // file system takes failed at the end of a shrink, blamed on an --out never given.
  name: z.string().max(SCENARIO_NAME_CHARS_MAX, `is longer than ${SCENARIO_NAME_CHARS_MAX} characters: a scenario's name is a short identifier that names its output files (NAME-seedN-shrunk.yaml) and heads every report; shorten it, and say the rest in description`).regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  description: z.string().min(1),
  /** The registered workload that runs (see `faultline list` and sim/workloads/builtins.ts). */
  workload: z.string().regex(/^[a-z][a-z0-9-]*$/, 'expected a workload name such as raft-kv'),
  topology: z.object({
    nodes: z.number().int().min(1).max(64),
    /**
     * Idle server slots after the `nodes` (ids nodes..nodes+spares-1): down and outside the
     * cluster until an operator (the mapek manager) brings one in to replace a member.
     * Faults address the `nodes` only.
     */
    spares: z.number().int().min(0).max(16).default(0),
    link: linkSchema.default({}),
    minLatency: minLatencyDuration.default(500),
  }).strict(),
  duration: duration,
  faults: z.array(faultSchema).max(FAULTS_MAX).default([]),
  swarm: swarmSchema.optional(),
  liveness: z.object({ within: duration }).strict().default({ within: 2_000_000 }),
  /**
   * The faults were recorded from a run (a swarm's draws, explore's mutants, the UI's
   * interventions) and run as recorded: faults that overlap on a node or change nothing are
   * kept rather than refused (sim/scenario/writtenFaults.ts). Written by shrink, explore and
   * the UI's export; a hand-written file leaves it out.
   */
  recorded: z.literal(true, { error: 'expected true (the faults were recorded from a run and run as recorded), or leave it out' }).optional(),
};

const baseScenarioSchema = z.object(baseScenarioShape).strict();

/** The common part of a parsed scenario. */
export type BaseScenario = z.output<typeof baseScenarioSchema>;
/**
 * A parsed scenario: the common fields plus its workload's sections (defaulted), which
 * the workload reads through its own typed view (ScenarioOf in sim/workloads/workload.ts).
 */
export type Scenario = BaseScenario & { readonly [section: string]: unknown };
/** What a scenario file may say before defaults are filled in. */
export type ScenarioInput = z.input<typeof baseScenarioSchema> & { [section: string]: unknown };
export type FaultSpec = z.output<typeof faultSchema>;
export type LinkSpec = z.output<typeof linkSchema>;
export type SwarmSpec = z.output<typeof swarmSchema>;
