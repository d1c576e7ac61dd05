// The scenario file schema (zod). A scenario is data: topology, workload, a fault
// timeline, checks and phases. Durations are human strings ("250ms", "1.5s", "10m").
//
// Contract: `parseScenario` either returns a fully defaulted, normalised Scenario or the
// complete list of problems, each with its path (`faults[2].at: expected a duration like
// "1.5s"`). Defaults are filled here and nowhere else.
import { z } from 'zod';
import { parseDuration } from './duration.ts';

export const duration = z.string().or(z.number()).transform((v, ctx) => {
  const us = typeof v === 'number' ? (v >= 0 && Number.isInteger(v) ? v : null) : parseDuration(v);
  if (us === null) {
    ctx.addIssue({ code: 'custom', message: `expected a non-negative duration like "1.5s", "250ms" or "10m", got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return us;
});

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

const at = { at: duration };
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
]);

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

export const scenarioSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  description: z.string().min(1),
  workload: z.enum(['heartbeat', 'raft-kv']),
  topology: z.object({
    nodes: z.number().int().min(1).max(64),
    link: linkSchema.default({}),
    minLatency: duration.default(500),
  }).strict(),
  duration: duration,
  faults: z.array(faultSchema).default([]),
  heartbeat: z.object({ interval: duration.default(100_000), timeout: duration.default(500_000) }).strict().default({ interval: 100_000, timeout: 500_000 }),
  raft: raftSchema.default(raftSchema.parse({})),
  clients: clientsSchema.default(clientsSchema.parse({})),
  liveness: z.object({ within: duration }).strict().default({ within: 2_000_000 }),
}).strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type FaultSpec = z.output<typeof faultSchema>;
export type LinkSpec = z.output<typeof linkSchema>;
