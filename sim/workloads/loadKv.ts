// The load-kv workload: open-loop load clients send requests through gateways
// (core/gateway) to a Raft KV cluster, in phases of different rates (steady, 2x overload,
// recovery...). Node ids: servers 0..n-1, then the gateways, then the load clients.
//
// Checks: Raft's safety invariants as the run goes (unless switched off), and at the end
// each phase's promises from `load.expect` (p99 of admitted requests, goodput, error,
// timeout and rejection rates, how fast rejections are, attempts per request): a broken
// promise is a 'load-slo' violation. The report's stats give, per phase, the offered rate,
// goodput, outcome rates, latency percentiles and the gateways' counters
// (`<phase>.<figure>`), plus the gateways' readiness changes. The load clients' requests
// form a history (each one reports its call and its answer, core/gateway/loadClient.ts)
// that is checked for linearizability as the run goes (sim/check/segmentedHistory.ts):
// each key's history is checked segment by segment and forgotten, so an hour of requests
// is judged whole in bounded memory. A violation is a 'linearizability' violation, reported
// when the check proves it; the verdict is the `linearizability` stat. Only undecided operations are
// held, at most LOAD_HISTORY_OPS_MAX; past that recording stops (`historyOverflow` 1),
// the recorded prefix is still checked (a violation in it is real), and a clean prefix
// makes the check inconclusive, not a pass.
import { z } from 'zod';
import type { Micros, NodeId } from '../../core/env.ts';
import { MESSAGE_TYPES } from '../../core/raft/types.ts';
import { Gateway } from '../../core/gateway/gateway.ts';
import type { GatewayConfig } from '../../core/gateway/config.ts';
import { LoadClient, type LoadPhase } from '../../core/gateway/loadClient.ts';
import { SegmentedKvHistory } from '../check/segmentedHistory.ts';
import { installLeaderChurn } from '../check/leaderChurn.ts';
import { drawRaftSwarm, raftSwarmProblems } from './raftSwarm.ts';
import { COMMITTED_REMEMBERED_MAX, RaftInvariants } from '../check/raftInvariants.ts';
import type { CpuProfile } from '../host/cpu.ts';
import { formatDuration } from '../scenario/duration.ts';
import { switchedOffProblems } from '../scenario/switchedOff.ts';
import { duration, durationAtLeast, outlastsRun, type Problem } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { clientsSection, kvServerSpecs, raftTimingProblems, leaseClocksBroken, opGenerator, raftSection } from './kvSections.ts';
import { LeaderTracker } from './leaderTracker.ts';
import { GatewayDeltas, PhaseStats } from './loadStats.ts';
import { LOAD_KV_UI } from './raftUi.ts';
import { defineWorkload, type InstallContext, type ScenarioOf } from './workload.ts';

/** What a KV server receives: Raft's messages from its peers, and its clients' and operator's requests. */
const SERVER_MESSAGE_TYPES: readonly string[] = [...MESSAGE_TYPES, 'kv.req', 'kv.register', 'kv.admin'];
/** What a gateway receives: its load clients' requests, the servers' answers, and the manager's limits. */
const GATEWAY_MESSAGE_TYPES: readonly string[] = ['gw.req', 'gw.ctl', 'kv.resp', 'kv.registered', 'kv.redirect'];

/**
 * A node's CPU service times (sim/host/cpu.ts); unset fields keep the defaults. `byType`
 * keys must be types the node receives (`types`): a misspelt one would never match.
 */
function cpuSchema(who: string, types: readonly string[]) {
  return z.object({
    message: duration.optional(),
    timer: duration.optional(),
    fsync: duration.optional(),
    /** Per message type (the message's `type` field), e.g. { kv.req: 300us }. */
    byType: z.record(z.string(), duration).superRefine((r, ctx) => {
      for (const k of Object.keys(r)) {
        if (!types.includes(k)) ctx.addIssue({ code: 'custom', path: [k], message: `${who} never receives a message of type ${JSON.stringify(k)}, so this time would never apply; ${who} receives ${types.join(', ')}` });
      }
    }).optional(),
  }).strict();
}
const serverCpuSchema = cpuSchema('a server', SERVER_MESSAGE_TYPES);
const gatewayCpuSchema = cpuSchema('a gateway', GATEWAY_MESSAGE_TYPES);

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

/** A phase of no time would never send a request, and its promises would never be judged. */
const phaseDuration = durationAtLeast(1, 'a phase of no time never sends a request, so its promises could not be judged: remove the phase, or give it a length');

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
    duration: phaseDuration,
    factor: z.number().min(0).max(1000).default(1),
  }).strict()).min(1).max(32).default([{ name: 'steady', duration: 10_000_000, factor: 1 }]),
  /** A client gives up on a request after this long (the gateway's deadline should be shorter). */
  timeout: duration.default(2_000_000),
  /** Open requests per client, at most. */
  pendingMax: z.number().int().min(1).max(1_000_000).default(100_000),
  serverCpu: serverCpuSchema.default({}),
  gatewayCpu: gatewayCpuSchema.default({}),
  /** Check Raft's safety invariants as the run goes (memory grows with the run). */
  raftChecks: z.boolean().default(true),
  /** Per phase name, the bounds that phase must keep; a broken bound is a violation. */
  expect: z.record(z.string(), loadExpectSchema).default({}),
}).strict().superRefine((l, ctx) => {
  // A phase is named by load.expect, so two of one name are one too many; promises for a
  // phase that is not there could never be checked (the run said so only at its end).
  const seen = new Set<string>();
  l.phases.forEach((p, i) => {
    if (seen.has(p.name)) ctx.addIssue({ code: 'custom', path: ['phases', i, 'name'], message: `another phase is named "${p.name}" too: load.expect names phases, so give each its own name` });
    seen.add(p.name);
  });
  for (const name of Object.keys(l.expect)) {
    if (!seen.has(name)) ctx.addIssue({ code: 'custom', path: ['expect', name], message: `names phase "${name}", which load.phases does not have (${[...seen].join(', ')}), so its promises could never be checked: use a phase's name` });
  }
  if (l.timeout < 1) ctx.addIssue({ code: 'custom', path: ['timeout'], message: 'must be longer than 0: a client gives up on a request after this long, so every request would time out at once' });
});

/**
 * The load phases must end within the run: a run that stops first cannot judge them (it
 * reported a load-phases violation at the end). For load-kv, and mapek on load-kv.
 */
/** The fields of `clients:` that open-loop load reads (the rest drive closed-loop clients). */
const LOAD_CLIENT_FIELDS: readonly string[] = ['keys', 'mix'];

/**
 * On load-kv the requests come from `load.clients` (open loop), and `clients:` lends them only
 * its keys and mix: any other field the file gives would be ignored, so it is refused. `what`
 * names the workload (or workload and base) in the message.
 */
export function loadClientsProblems(given: Readonly<Record<string, unknown>>, what: string): Problem[] {
  const c = given.clients;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return [];
  return Object.keys(c).filter((k) => !LOAD_CLIENT_FIELDS.includes(k)).map((k) => ({
    path: `clients.${k}`,
    message: `${what} sends its requests from load.clients (open loop) and reads only clients.keys and clients.mix; clients.${k} applies to closed-loop clients (the raft-kv workload): remove it${k === 'count' || k === 'readers' ? ', or set load.clients' : ''}`,
  }));
}

/**
 * Request deadlines as long as the run: no request could time out before it ends, so one
 * the cluster never answers would never count as failed (load.timeout 1e12 µs passed).
 * For load-kv, and mapek on load-kv.
 */
export function loadTimeoutProblems(s: { duration: number; load: { timeout: number }; gateway: { timeout: number; attemptTimeout: number } }): Problem[] {
  const never = (who: string): string => `no request could time out ${who} before the run ends, so one the cluster never answers would never count as failed and the timeout path would go untested`;
  return [
    ...outlastsRun('load.timeout', s.load.timeout, s.duration, never('at its client'), 'give a deadline of a few seconds at most (the default is 2s)'),
    ...outlastsRun('gateway.timeout', s.gateway.timeout, s.duration, never('at the gateway'), 'give a budget below load.timeout (the default is 1s)'),
    ...outlastsRun('gateway.attemptTimeout', s.gateway.attemptTimeout, s.duration, 'no backend attempt could time out before the run ends, so the gateway would never retry elsewhere', 'give a budget below gateway.timeout (the default is 250ms)'),
  ];
}

export function loadPhaseProblems(s: { duration: number; load: { start: number; phases: readonly { duration: number; factor: number }[] } }): Problem[] {
  // Factor 0 is an idle phase; every phase idle sends no request, and nothing would be checked.
  if (s.load.phases.every((p) => p.factor === 0)) return [{ path: 'load.phases', message: 'every phase has factor 0, so no request would be sent and the run would pass as if it had been tested: give at least one phase a factor above 0 (1 is load.rate)' }];
  const endUs = s.load.start + s.load.phases.reduce((t, p) => t + p.duration, 0);
  if (endUs <= s.duration) return [];
  return [{ path: 'load.phases', message: `end at ${formatDuration(endUs)} (load.start plus every phase's duration), after the run (duration ${formatDuration(s.duration)}): shorten the phases or lengthen the run` }];
}

const onOff = { enabled: z.boolean().default(false) };

/** The gateway in front of the KV cluster; every policy can be switched off to compare. */
const gatewayBaseSchema = z.object({
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
export const gatewaySchema = gatewayBaseSchema.superRefine(gatewayHonourable);

/**
 * What the gateway and its policies assert (core/gateway/config.ts, the token bucket, the
 * retry budget), said here by path: a scenario that broke it crashed the simulator with a
 * stack, or made the gateway node throw on every request (a process-threw violation
 * blamed on the system under test). An initial backoff above the cap was silently capped.
 */
function gatewayHonourable(g: z.output<typeof gatewayBaseSchema>, ctx: z.RefinementCtx): void {
  const at = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  if (g.timeout < 1) at(['timeout'], 'must be longer than 0: a request needs some time to be answered');
  if (g.attemptTimeout < 1) at(['attemptTimeout'], 'must be longer than 0: a backend attempt needs some time to be answered');
  if (g.healthInterval < 1_000) at(['healthInterval'], `must be at least 1ms (got ${formatDuration(g.healthInterval)}): readiness is evaluated once per interval`);
  if (g.rateLimit.burst < 1) at(['rateLimit', 'burst'], `must be at least 1 (got ${g.rateLimit.burst}): a request takes one token, so a smaller bucket could never admit one`);
  if (g.retry.budget.ttl < 1_000) at(['retry', 'budget', 'ttl'], `must be at least 1ms (got ${formatDuration(g.retry.budget.ttl)}): the budget counts requests and retries over this window`);
  if (g.retry.backoff.initial > g.retry.backoff.max) at(['retry', 'backoff', 'initial'], `is above max (${formatDuration(g.retry.backoff.initial)} > ${formatDuration(g.retry.backoff.max)}): every backoff is capped at max, so initial would never apply; raise max or lower initial`);
}

/** Requests held undecided by the linearizability check at most (a few hundred bytes each). */
export const LOAD_HISTORY_OPS_MAX = 250_000;

const sections = {
  raft: raftSection,
  clients: clientsSection,
  load: loadSchema.default(() => loadSchema.parse({})),
  gateway: gatewaySchema.default(() => gatewaySchema.parse({})),
};
export type LoadKvScenario = ScenarioOf<typeof sections>;

type CpuSpec = z.output<typeof serverCpuSchema>;

function toCpu(c: CpuSpec): Partial<CpuProfile> {
  return {
    ...(c.message === undefined ? {} : { messageUs: c.message }),
    ...(c.timer === undefined ? {} : { timerUs: c.timer }),
    ...(c.fsync === undefined ? {} : { fsyncUs: c.fsync }),
    ...(c.byType === undefined ? {} : { byTypeUs: c.byType }),
  };
}

/** The phases on the run's timeline, with the total rate of each. */
export function loadPhases(s: LoadKvScenario): LoadPhase[] {
  let t = s.load.start;
  return s.load.phases.map((p) => {
    const phase = { name: p.name, startUs: t, endUs: t + p.duration, ratePerSec: s.load.rate * p.factor };
    t += p.duration;
    return phase;
  });
}

export function gatewayConfig(s: LoadKvScenario, index: number, servers: readonly NodeId[]): GatewayConfig {
  const g = s.gateway;
  return {
    index, servers, timeoutUs: g.timeout, attemptTimeoutUs: g.attemptTimeout, healthIntervalUs: g.healthInterval,
    rateLimit: { enabled: g.rateLimit.enabled, perClient: g.rateLimit.perClient, ratePerSec: g.rateLimit.rate, burst: g.rateLimit.burst },
    bulkhead: { enabled: g.bulkhead.enabled, concurrency: g.bulkhead.concurrency, queue: g.bulkhead.queue },
    retry: {
      enabled: g.retry.enabled, attempts: g.retry.attempts, backoffInitialUs: g.retry.backoff.initial, backoffMaxUs: g.retry.backoff.max, jitter: g.retry.backoff.jitter,
      budget: { enabled: g.retry.budget.enabled, ratio: g.retry.budget.ratio, minPerSec: g.retry.budget.minPerSec, ttlUs: g.retry.budget.ttl },
    },
    breaker: { ...g.breaker, slowCallUs: g.breaker.slowCall, openUs: g.breaker.open },
  };
}

export function loadKvNodes(s: LoadKvScenario): NodeSpec[] {
  const { specs, servers } = kvServerSpecs(s.topology, s.raft, toCpu(s.load.serverCpu));
  const n = servers.length;
  for (let g = 0; g < s.load.gateways; g++) {
    specs.push({ role: 'gateway', cpu: toCpu(s.load.gatewayCpu), factory: () => new Gateway(gatewayConfig(s, g, servers)) });
  }
  const ops = opGenerator(s.clients);
  const perClient = loadPhases(s).map((p) => ({ ...p, ratePerSec: p.ratePerSec / s.load.clients }));
  for (let c = 0; c < s.load.clients; c++) {
    const gateway = n + (c % s.load.gateways);
    specs.push({
      role: 'client',
      factory: () => new LoadClient({ clientId: c + 1, gateway, phases: perClient, timeoutUs: s.load.timeout, pendingMax: s.load.pendingMax, nextOp: (r, seq) => ops(r, c + 1, seq) }),
    });
  }
  return specs;
}

/** Installs the workload's checks and schedules the scenario's faults on a built world. */
export function installLoadKv(world: World, s: LoadKvScenario, scheduleFaults: InstallContext['scheduleFaults']): { finish: () => Record<string, number | string>; leaders: LeaderTracker } {
  const leaders = new LeaderTracker(world);
  const invariants = s.load.raftChecks ? new RaftInvariants(world, COMMITTED_REMEMBERED_MAX, s.faults, leaseClocksBroken(s.faults, s.raft)) : null;
  const churn = s.load.raftChecks ? installLeaderChurn(world, s, s.raft) : null;
  const history = new SegmentedKvHistory(world, LOAD_HISTORY_OPS_MAX);
  scheduleFaults(leaders);
  const phases = loadPhases(s).map((p) => new PhaseStats(p.name, p.startUs, p.endUs));
  const deltas = new GatewayDeltas();
  const health = { changes: 0, notReadyUs: 0, since: new Map<NodeId, Micros>() };
  world.onTelemetry((t, node, name, f) => {
    if (name === 'load.done') phases[f.phase as number]?.record(f.outcome as number, f.latencyUs as number);
    else if (name === 'load.phase') {
      const p = phases[f.phase as number];
      if (p !== undefined) p.sent += f.sent as number;
    } else if (name === 'gw.stats') {
      const p = phases.find((x) => t > x.startUs && t <= x.endUs);
      const d = deltas.delta(node, f);
      if (p !== undefined) for (const [k, v] of d) p.gateway.set(k, (p.gateway.get(k) ?? 0) + v);
    } else if (name === 'gw.health') {
      health.changes++;
      const since = health.since.get(node);
      if (since !== undefined) health.notReadyUs += t - since;
      if (f.ready === false) health.since.set(node, t);
      else health.since.delete(node);
    }
  });
  const finish = (): Record<string, number | string> => {
    const endUs = world.nowUs;
    // A run stopped by a scale limit is inconclusive already; its unfinished phases are not judged.
    const halted = world.haltedBy !== null;
    if (!halted && phases.length > 0 && phases[phases.length - 1].endUs > endUs) {
      world.violate('load-phases', null, `the load phases end at ${phases[phases.length - 1].endUs / 1000} ms, after the run (${endUs / 1000} ms)`);
    }
    for (const since of health.since.values()) health.notReadyUs += endUs - since;
    churn?.conclude();
    const out: Record<string, number | string> = {
      ...(churn === null ? {} : { leaderChurn: churn.state, quietLeadersMax: churn.worst }),
      ...(invariants?.logChecks.stats() ?? {}),
      elections: invariants?.electionCount ?? 0, finalTerm: leaders.finalTerm, gatewayHealthChanges: health.changes, gatewayNotReadyMs: health.notReadyUs / 1000,
      ...history.conclude(),
      historyOverflow: history.overflow ? 1 : 0,
    };
    checkPromisedPhases(world, s, phases.map((p) => p.name));
    for (const p of phases) {
      const sum = p.summary();
      for (const [k, v] of Object.entries(sum)) out[`${p.name}.${k}`] = v;
      for (const [k, v] of [...p.gateway].filter(([k]) => /^sent\d+$/.test(k)).sort()) out[`${p.name}.callsTo${k.slice(4)}`] = v;
      if (halted && p.endUs > endUs) {
        if (s.load.expect[p.name] !== undefined) world.cannotDecide('load-slo', `${p.name}: the run stopped before the phase ended, so its promises were not checked`);
        continue;
      }
      checkPromises(world, p.name, sum, s.load.expect[p.name]);
    }
    return out;
  };
  return { finish, leaders };
}

type Expect = z.output<typeof loadExpectSchema>;

/** Promises for a phase the scenario does not have can never be checked: inconclusive. */
function checkPromisedPhases(world: World, s: LoadKvScenario, names: readonly string[]): void {
  for (const name of Object.keys(s.load.expect)) {
    if (!names.includes(name)) world.cannotDecide('load-slo', `load.expect names phase "${name}", which load.phases does not have (${names.join(', ')}), so its promises were never checked`);
  }
}

/**
 * What each promised figure is measured over, as a sum of summary counts: a figure over
 * nothing (the p99 of no admitted request, the error rate of no request) says nothing, so
 * a promise about it is inconclusive. Goodput is a rate over the phase's time: always measured.
 */
const POPULATION: Record<string, { counts: string[]; what: string }> = {
  p50Ms: { counts: ['ok', 'timeouts', 'errors'], what: 'admitted request' },
  p99Ms: { counts: ['ok', 'timeouts', 'errors'], what: 'admitted request' },
  errorRate: { counts: ['sent'], what: 'request' },
  timeoutRate: { counts: ['sent'], what: 'request' },
  rejectRate: { counts: ['sent'], what: 'request' },
  rejectP99Ms: { counts: ['rejected'], what: 'rejected request' },
  attemptsPerRequest: { counts: ['attempts'], what: 'backend attempt' },
};

/** Each promise a phase can make: its load.expect key, the figure it bounds, and how. */
export const PROMISES: readonly (readonly [keyof Expect, string, 'max' | 'min'])[] = [
  ['p50MsMax', 'p50Ms', 'max'], ['p99MsMax', 'p99Ms', 'max'], ['goodputPerSMin', 'goodputPerS', 'min'],
  ['errorRateMax', 'errorRate', 'max'], ['timeoutRateMax', 'timeoutRate', 'max'], ['rejectRateMax', 'rejectRate', 'max'],
  ['rejectP99MsMax', 'rejectP99Ms', 'max'], ['attemptsPerRequestMax', 'attemptsPerRequest', 'max'],
];

/** Compares one phase's figures with its promises; each broken one is a violation. */
export function checkPromises(world: World, phase: string, sum: Record<string, number>, e: Expect | undefined): void {
  if (e === undefined) return;
  for (const [key, figure, kind] of PROMISES) {
    const bound = e[key];
    if (bound === undefined) continue;
    const v = sum[figure];
    const population = POPULATION[figure];
    if (population !== undefined && population.counts.reduce((a, k) => a + (sum[k] ?? 0), 0) === 0) {
      world.cannotDecide('load-slo', `${phase}: ${figure} is promised ${kind === 'max' ? '<=' : '>='} ${bound}, but the phase had no ${population.what} to measure it over`);
      continue;
    }
    const broken = kind === 'max' ? v > bound : v < bound;
    if (broken) world.violate('load-slo', null, `${phase}: ${figure} is ${v}, but the scenario promises ${kind === 'max' ? '<=' : '>='} ${bound}`);
  }
}

export const loadKvWorkload = defineWorkload({
  name: 'load-kv',
  description: 'Open-loop load clients send requests through resilience gateways to a Raft KV cluster, in phases; checks each phase\'s latency, goodput and error promises and Raft safety.',
  sections,
  leader: true,
  // Its clients are `load.clients`, open loop; `clients:` lends them only its mix and keys.
  validate: (s, given) => [...raftSwarmProblems(s, given), ...raftTimingProblems(s), ...loadClientsProblems(given, 'load-kv'), ...loadPhaseProblems(s), ...loadTimeoutProblems(s), ...switchedOffProblems(s.gateway, given.gateway, 'gateway')],
  kvHistory: () => null,
  nodes: loadKvNodes,
  install: (world, s, ctx) => installLoadKv(world, s, ctx.scheduleFaults),
  drawSettings: drawRaftSwarm,
  ui: LOAD_KV_UI,
});

/** The sections load-kv reads, for workloads that build on it (mapek). */
export { sections as loadKvSections };
