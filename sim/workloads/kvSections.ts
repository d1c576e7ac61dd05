// The scenario sections the KV workloads share: `raft:` (the Raft servers' settings) and
// `clients:` (the operation mix, and for raft-kv the closed-loop clients). raft-kv and
// load-kv declare these same schema objects, which is what sharing a section means (see
// workload.ts); both also build their Raft KV servers here, so the two cannot drift apart.
import { z } from 'zod';
import type { NodeId, Random } from '../../core/env.ts';
import { KvServer } from '../../core/kv/server.ts';
import { CLOCK_DRIFT_MAX_DEFAULT, RAFT_BUG_NAMES } from '../../core/raft/config.ts';
import type { KvOp } from '../../core/kv/types.ts';
import { formatDuration } from '../scenario/duration.ts';
import { drawableWeights, duration, outlastsRun, positiveDuration, type FaultSpec, type Problem } from '../scenario/schema.ts';
import type { NodeSpec } from '../world/world.ts';

/** Bug flags of the KV server itself (core/kv/server.ts), beside Raft's own. */
const HOST_BUGS = ['skipFsync', 'readWithoutReadIndex', 'sendBeforePersist', 'replayKeepsTail', 'restoreSessionsById', 'unknownSessionApplied', 'waitingBySession', 'expiredAsFailure', 'keepsExpiredSession'] as const;
/** Every bug flag a scenario's `raft.bugs` may name: Raft's (core/raft/config.ts) and the server's. */
export const RAFT_BUGS = [...RAFT_BUG_NAMES, ...HOST_BUGS] as const;

export const raftSchema = z.object({
  /** One Raft tick of local time; election and heartbeat timeouts count ticks. */
  tick: positiveDuration.default(10_000),
  /** Election timeout is drawn from [electionTicks, 2 * electionTicks) ticks. */
  electionTicks: z.number().int().min(2).max(1000).default(15),
  heartbeatTicks: z.number().int().min(1).max(100).default(3),
  preVote: z.boolean().default(true),
  checkQuorum: z.boolean().default(true),
  readMode: z.enum(['safe', 'lease']).default('safe'),
  /** Lease reads assume no clock runs more than this fraction faster than another (docs/lease-reads.md). */
  clockDriftMax: z.number().min(0, 'must be between 0 and 10').max(10, 'must be between 0 and 10').default(CLOCK_DRIFT_MAX_DEFAULT),
  maxInflight: z.number().int().min(1).max(4096).default(64),
  maxEntriesPerMsg: z.number().int().min(1).max(4096).default(64),
  /** Take a snapshot and compact the log after this many applied entries. */
  snapshotEvery: z.number().int().min(1).default(500),
  /**
   * At most this many client sessions per server's state machine (core/kv/stateMachine.ts;
   * absent: its default, 1,024). Fewer sessions than clients makes the servers evict
   * sessions, least recently used first, so every replica must evict the same one.
   */
  maxSessions: z.number().int().min(1).max(1_000_000).optional(),
  /**
   * Swarm testing of the protocol: when true, the seed draws PreVote, CheckQuorum, the read
   * mode, election and heartbeat ticks, max inflight, max entries per message and the
   * snapshot interval (raftSwarm.ts), replacing the values given here.
   */
  swarm: z.boolean().optional(),
  /**
   * Disk time (docs/bugfinding.md): each fsync of a server takes a time drawn uniformly from
   * [min, max] on its disk's stream, and a Ready's sends wait for it. Absent: persisting
   * takes no time (persisting and sending are one event).
   */
  fsync: z.object({ min: duration, max: duration }).strict().optional(),
  /** Deliberately broken variants, to prove the checkers have teeth. */
  bugs: z.array(z.enum(RAFT_BUGS)).default([]),
}).strict().superRefine((r, ctx) => {
  if (r.fsync !== undefined && r.fsync.min > r.fsync.max) ctx.addIssue({ code: 'custom', path: ['fsync', 'min'], message: `must be at most fsync.max (${r.fsync.min} > ${r.fsync.max})` });
  if (r.heartbeatTicks >= r.electionTicks) ctx.addIssue({ code: 'custom', path: ['heartbeatTicks'], message: `must be below electionTicks (${r.heartbeatTicks} >= ${r.electionTicks}): followers would time out between a leader's heartbeats` });
});

/** The mix is drawn in proportion to its weights (opGenerator). */
const drawableMix = drawableWeights('a client could draw no operation', 'the default mix is get 4, put 3, append 2, cas 1: 4 gets for 3 puts');

export const clientsSchema = z.object({
  count: z.number().int().min(0).max(256).default(3),
  /**
   * Clients that only read (gets of the same keys), besides `count`: while the others wait
   * on a write a cut-off leader cannot commit, these keep reading from whoever they last
   * heard leads, as a read-heavy fleet does.
   */
  readers: z.number().int().min(0).max(256).default(0),
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
  }).strict().superRefine(drawableMix).default({ get: 4, put: 3, append: 2, cas: 1, delete: 0 }),
  /** Stop issuing new operations this long before the end, so the last ones can finish. */
  quiesce: duration.default(1_000_000),
}).strict();

/**
 * Closed-loop clients stop issuing operations clients.quiesce before the end of the run; a
 * quiesce as long as the run leaves them no time at all, so nothing would be checked (the
 * run reported its liveness inconclusive, exit 3, at the end). For raft-kv, and mapek on it.
 */
export function clientsProblems(s: { duration: number; clients: ClientsSpec }, given: Readonly<Record<string, unknown>> = {}): Problem[] {
  const c = given.clients;
  // No clients at all: how they would behave is never read.
  if (s.clients.count + s.clients.readers === 0) {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return [];
    return Object.keys(c).filter((k) => k !== 'count' && k !== 'readers').map((k) => ({ path: `clients.${k}`, message: `clients.count and clients.readers are 0, so there are no clients and ${k} does nothing: give clients.count (e.g. 3), or remove ${k}` }));
  }
  return [
    ...outlastsRun('clients.quiesce', s.clients.quiesce, s.duration, 'the clients stop issuing operations this long before the end, so they would issue none', 'shorten it (the default is 1s) or lengthen the run'),
    ...outlastsRun('clients.interval', s.clients.interval, s.duration, 'a client waits this long between operations, so each would issue at most one and there would be next to no history to check', 'give an interval well below the run (the default is 20ms)'),
    ...outlastsRun('clients.timeout', s.clients.timeout, s.duration, 'no client could give up on an unanswered operation and retry it at another server before the run ends, so one lost message or dead leader would hold its client for the rest of the run and failover would go untested', 'give a timeout of a few round trips (the default is 300ms)'),
  ];
}

/**
 * Raft timing the run leaves no room for: the shortest election timeout (electionTicks
 * ticks) as long as the run means no server could campaign before it ends, so no leader,
 * no write, and nothing checked (raft.tick 6s in a 5s run failed "liveness", blaming the
 * system). Drawn settings (raft.swarm) are the seed's and not judged here.
 */
export function raftTimingProblems(s: { duration: number; raft: RaftSpec }): Problem[] {
  if (s.raft.swarm === true) return [];
  const electionUs = s.raft.tick * s.raft.electionTicks;
  if (electionUs < s.duration) return [];
  return [{ path: 'raft.tick', message: `is ${formatDuration(s.raft.tick)}, so the shortest election timeout (raft.electionTicks ${s.raft.electionTicks} ticks) is ${formatDuration(electionUs)}, at least the run's duration (${formatDuration(s.duration)}): no server could start an election before the run ends, so no leader would be elected and nothing tested; shorten raft.tick (the default is 10ms) or lengthen the run` }];
}

/** The `raft:` section (every field defaulted, so the section may be left out). */
export const raftSection = raftSchema.default(() => raftSchema.parse({}));
/** The `clients:` section. */
export const clientsSection = clientsSchema.default(() => clientsSchema.parse({}));

export type RaftSpec = z.output<typeof raftSchema>;
export type ClientsSpec = z.output<typeof clientsSchema>;

/**
 * The Raft KV servers: `topology.nodes` voters (ids 0..n-1), then `topology.spares` idle
 * spares (ids n..n+spares-1: they do not boot, and join only when an operator brings one in
 * as a learner). Every server starts from the same bootstrap configuration, so a spare that
 * replays the log from the start applies the membership changes on top of it, as the others
 * did. Returns the specs and every server's id, spares included (clients and gateways must
 * be able to follow a redirect to a spare that became the leader).
 */
export function kvServerSpecs(topology: { nodes: number; spares: number }, raft: RaftSpec, cpu?: NodeSpec['cpu']): { specs: NodeSpec[]; servers: NodeId[] } {
  const n = topology.nodes;
  const voters: NodeId[] = Array.from({ length: n }, (_, i) => i);
  const servers: NodeId[] = Array.from({ length: n + topology.spares }, (_, i) => i);
  const bugs = Object.fromEntries(raft.bugs.map((b) => [b, true]));
  const specs = servers.map((id): NodeSpec => ({
    role: 'server',
    ...(cpu === undefined ? {} : { cpu }),
    ...(raft.fsync === undefined ? {} : { disk: { fsyncMinUs: raft.fsync.min, fsyncMaxUs: raft.fsync.max } }),
    ...(id >= n ? { boot: false } : {}),
    factory: () => new KvServer({
      voters, learners: [], tickUs: raft.tick, electionTicks: raft.electionTicks, heartbeatTicks: raft.heartbeatTicks,
      preVote: raft.preVote, checkQuorum: raft.checkQuorum, readMode: raft.readMode, clockDriftMax: raft.clockDriftMax, maxInflight: raft.maxInflight,
      maxEntriesPerMsg: raft.maxEntriesPerMsg, snapshotEvery: raft.snapshotEvery, bugs,
      ...(raft.maxSessions === undefined ? {} : { maxSessions: raft.maxSessions }),
    }),
  }));
  return { specs, servers };
}

/**
 * Why lease reads may legitimately be stale in a run with these faults, or null. A lease
 * assumes no clock runs more than `clockDriftMax` faster than another (lease.ts). A clock
 * step breaks that, and so do drift rates (every 'drift' and 'clock' fault's, a 'leaseEdge'
 * fault's -ppm and +ppm, and 0 for an undrifted node) whose fastest runs more than that
 * faster than the slowest. The rates are compared whether or not their faults overlap in
 * time: it errs toward not judging. Null as well when the servers do not read by lease.
 */
export function leaseClocksBroken(faults: readonly FaultSpec[], raft: Pick<RaftSpec, 'readMode' | 'clockDriftMax'>): string | null {
  if (raft.readMode !== 'lease') return null;
  let lo = 0;
  let hi = 0;
  for (const f of faults) {
    if (f.kind === 'clock' && f.step !== undefined && f.step !== 0) return `a clock fault steps node ${f.node}'s clock at ${f.at / 1000} ms`;
    if (f.kind === 'leaseEdge') {
      lo = Math.min(lo, -f.ppm);
      hi = Math.max(hi, f.ppm);
      continue;
    }
    const ppm = f.kind === 'drift' ? f.ppm : f.kind === 'clock' ? (f.driftPpm ?? 0) : 0;
    lo = Math.min(lo, ppm);
    hi = Math.max(hi, ppm);
  }
  const relative = (1 + hi / 1e6) / (1 + lo / 1e6) - 1;
  return relative > raft.clockDriftMax ? `clock drift faults make one clock run ${(relative * 100).toFixed(1)}% faster than another, beyond raft.clockDriftMax (${raft.clockDriftMax * 100}%)` : null;
}

/** A client's next operation, drawn from the `clients:` section's mix and key count. */
export function opGenerator(clients: ClientsSpec): (r: Random, clientId: number, seq: number) => KvOp {
  const m = clients.mix;
  const weights: [KvOp['op'], number][] = [['get', m.get], ['put', m.put], ['append', m.append], ['cas', m.cas], ['delete', m.delete]];
  const total = weights.reduce((a, [, w]) => a + w, 0);
  const keys = clients.keys;
  return (r, clientId, seq) => {
    let x = r.next() * total;
    let kind: KvOp['op'] = 'get';
    for (const [k, w] of weights) {
      if (x < w) { kind = k; break; }
      x -= w;
    }
    const key = `k${r.int(keys)}`;
    const value = `c${clientId}s${seq}`;
    switch (kind) {
      case 'get': return { op: 'get', key };
      case 'put': return { op: 'put', key, value };
      case 'append': return { op: 'append', key, value: `${value};` };
      case 'delete': return { op: 'delete', key };
      case 'cas': return { op: 'cas', key, expected: r.next() < 0.5 ? null : `c${r.int(Math.max(1, clientId + 1))}s${Math.max(1, seq - 1 - r.int(3))}`, value };
    }
  };
}
