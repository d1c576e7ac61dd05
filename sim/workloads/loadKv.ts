// The load-kv workload: open-loop load clients send requests through gateways
// (core/gateway) to a Raft KV cluster, in phases of different rates (steady, 2x overload,
// recovery...). Node ids: servers 0..n-1, then the gateways, then the load clients.
//
// Checks: Raft's safety invariants as the run goes (unless switched off), and at the end
// each phase's promises from `load.expect` (p99 of admitted requests, goodput, error,
// timeout and rejection rates, how fast rejections are, attempts per request): a broken
// promise is a 'load-slo' violation. The report's stats give, per phase, the offered rate,
// goodput, outcome rates, latency percentiles and the gateways' counters
// (`<phase>.<figure>`), plus the gateways' readiness changes. There is no linearizability
// check: requests multiplexed over gateway sessions do not form a per-client history.
import type { Micros, NodeId } from '../../core/env.ts';
import { Gateway } from '../../core/gateway/gateway.ts';
import type { GatewayConfig } from '../../core/gateway/config.ts';
import { LoadClient, type LoadPhase } from '../../core/gateway/loadClient.ts';
import { RaftInvariants } from '../check/raftInvariants.ts';
import { scheduleFault } from '../faults/schedule.ts';
import type { CpuProfile } from '../host/cpu.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { GatewayDeltas, PhaseStats } from './loadStats.ts';
import { kvServerSpecs, LeaderTracker, opGenerator } from './raftKv.ts';

type CpuSpec = Scenario['load']['serverCpu'];

function toCpu(c: CpuSpec): Partial<CpuProfile> {
  return {
    ...(c.message === undefined ? {} : { messageUs: c.message }),
    ...(c.timer === undefined ? {} : { timerUs: c.timer }),
    ...(c.fsync === undefined ? {} : { fsyncUs: c.fsync }),
    ...(c.byType === undefined ? {} : { byTypeUs: c.byType }),
  };
}

/** The phases on the run's timeline, with the total rate of each. */
export function loadPhases(s: Scenario): LoadPhase[] {
  let t = s.load.start;
  return s.load.phases.map((p) => {
    const phase = { name: p.name, startUs: t, endUs: t + p.duration, ratePerSec: s.load.rate * p.factor };
    t += p.duration;
    return phase;
  });
}

export function gatewayConfig(s: Scenario, index: number, servers: readonly NodeId[]): GatewayConfig {
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

export function loadKvNodes(s: Scenario): NodeSpec[] {
  const { specs, servers } = kvServerSpecs(s, toCpu(s.load.serverCpu));
  const n = servers.length;
  for (let g = 0; g < s.load.gateways; g++) {
    specs.push({ role: 'gateway', cpu: toCpu(s.load.gatewayCpu), factory: () => new Gateway(gatewayConfig(s, g, servers)) });
  }
  const ops = opGenerator(s);
  const perClient = loadPhases(s).map((p) => ({ ...p, ratePerSec: p.ratePerSec / s.load.clients }));
  for (let c = 0; c < s.load.clients; c++) {
    const gateway = n + (c % s.load.gateways);
    specs.push({
      role: 'client',
      factory: () => new LoadClient({ gateway, phases: perClient, timeoutUs: s.load.timeout, pendingMax: s.load.pendingMax, nextOp: (r, seq) => ops(r, c + 1, seq) }),
    });
  }
  return specs;
}

/** Installs the workload's checks and the scenario's faults on a built world. */
export function installLoadKv(world: World, s: Scenario): { finish: () => Record<string, number | string>; leaders: LeaderTracker } {
  const leaders = new LeaderTracker(world);
  const invariants = s.load.raftChecks ? new RaftInvariants(world) : null;
  for (const f of s.faults) scheduleFault(world, f, leaders);
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
    if (phases.length > 0 && phases[phases.length - 1].endUs > endUs) {
      world.violate('load-phases', null, `the load phases end at ${phases[phases.length - 1].endUs / 1000} ms, after the run (${endUs / 1000} ms)`);
    }
    for (const since of health.since.values()) health.notReadyUs += endUs - since;
    const out: Record<string, number | string> = {
      elections: invariants?.elections.length ?? 0, gatewayHealthChanges: health.changes, gatewayNotReadyMs: health.notReadyUs / 1000,
    };
    for (const p of phases) {
      const sum = p.summary();
      for (const [k, v] of Object.entries(sum)) out[`${p.name}.${k}`] = v;
      for (const [k, v] of [...p.gateway].filter(([k]) => /^sent\d+$/.test(k)).sort()) out[`${p.name}.callsTo${k.slice(4)}`] = v;
      checkPromises(world, p.name, sum, s.load.expect[p.name]);
    }
    return out;
  };
  return { finish, leaders };
}

type Expect = Scenario['load']['expect'][string];

/** Compares one phase's figures with its promises; each broken one is a violation. */
export function checkPromises(world: World, phase: string, sum: Record<string, number>, e: Expect | undefined): void {
  if (e === undefined) return;
  const bounds: [keyof Expect, string, 'max' | 'min'][] = [
    ['p50MsMax', 'p50Ms', 'max'], ['p99MsMax', 'p99Ms', 'max'], ['goodputPerSMin', 'goodputPerS', 'min'],
    ['errorRateMax', 'errorRate', 'max'], ['timeoutRateMax', 'timeoutRate', 'max'], ['rejectRateMax', 'rejectRate', 'max'],
    ['rejectP99MsMax', 'rejectP99Ms', 'max'], ['attemptsPerRequestMax', 'attemptsPerRequest', 'max'],
  ];
  for (const [key, figure, kind] of bounds) {
    const bound = e[key];
    if (bound === undefined) continue;
    const v = sum[figure];
    const broken = kind === 'max' ? v > bound : v < bound;
    if (broken) world.violate('load-slo', null, `${phase}: ${figure} is ${v}, but the scenario promises ${kind === 'max' ? '<=' : '>='} ${bound}`);
  }
}
