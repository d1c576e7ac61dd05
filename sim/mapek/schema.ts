// The scenario's `manager:` section: the MAPE-K manager on or off, how it watches, what it
// may do, its control plane's timings, and what counts as recovered.
//
// Contract: validated and defaulted here (zod), in one place; `managerConfigOf` maps it
// onto core/mapek's ManagerConfig for one instance, given the run's node layout.
import { z } from 'zod';
import type { NodeId } from '../../core/env.ts';
import { managerConfig, type ManagerConfig } from '../../core/mapek/config.ts';
import { parseKnowledge, type KnowledgeData } from '../../core/mapek/knowledge.ts';
import { ACTION_KINDS } from '../../core/mapek/types.ts';
import { formatDuration } from '../scenario/duration.ts';
import { duration } from '../scenario/schema.ts';
import { clientsSection, raftSection } from '../workloads/kvSections.ts';
import { loadKvSections } from '../workloads/loadKv.ts';
import type { ScenarioOf } from '../workloads/workload.ts';
import type { ControlPlaneTimes } from './controlPlane.ts';

export const MANAGER_BUGS = ['noQuorumGuard', 'noCooldown'] as const;

const thresholdsSchema = z.object({
  zScore: z.number().min(2).max(12).default(6),
  slowRatio: z.number().min(1.5).default(5),
  slowRtt: duration.default(20_000),
  busyFraction: z.number().gt(0).max(1).default(0.8),
  memoryFraction: z.number().gt(0).max(1).default(0.85),
  memoryHorizon: duration.default(30_000_000),
  diskFraction: z.number().gt(0).max(1).default(0.98),
  clockSkew: duration.default(500_000),
  rejectsMin: z.number().int().min(1).default(3),
  reportersMin: z.number().int().min(1).default(2),
  commitStall: duration.default(1_000_000),
  errorRate: z.number().gt(0).max(1).default(0.05),
}).strict();

const controlSchema = z.object({
  describe: duration.default(5_000),
  restart: duration.default(500_000),
  provision: duration.default(1_000_000),
  decommission: duration.default(50_000),
  network: duration.default(50_000),
  resync: duration.default(20_000),
}).strict();

export const managerSchema = z.object({
  /** The manager runs (false: the same cluster and faults without it, for comparison). */
  enabled: z.boolean().default(true),
  /** The workload the manager looks after: closed-loop KV clients, or open-loop load through gateways. */
  base: z.enum(['raft-kv', 'load-kv']).default('raft-kv'),
  /** One instance, or two sharing a lease in the KV store (one active). */
  instances: z.number().int().min(1).max(2).default(1),
  interval: duration.default(200_000),
  raiseRounds: z.number().int().min(1).max(20).default(2),
  clearRounds: z.number().int().min(1).max(20).default(3),
  cooldown: duration.default(1_000_000),
  /** A diagnosis must stay gone this long after an action before the action counts as a cure. */
  settle: duration.default(2_000_000),
  actionRate: z.object({ perMinute: z.number().positive().default(12), burst: z.number().int().min(1).default(3) }).strict().default({ perMinute: 12, burst: 3 }),
  allowed: z.array(z.enum(ACTION_KINDS)).default([...ACTION_KINDS]),
  thresholds: thresholdsSchema.default(thresholdsSchema.parse({})),
  lease: z.object({ duration: duration.default(1_500_000), renew: duration.default(300_000) }).strict().default({ duration: 1_500_000, renew: 300_000 }),
  explore: z.number().min(0).max(1).default(0),
  stepTimeout: duration.default(3_000_000),
  controlPlane: controlSchema.default(controlSchema.parse({})),
  /** The service objective recovery is judged by: p99 of client operations over a sliding window. */
  slo: z.object({ p99: duration.default(100_000), window: duration.default(1_000_000) }).strict().default({ p99: 100_000, window: 1_000_000 }),
  /** With the manager on, each fault must be recovered from within this bound (a check). */
  recovery: z.object({ within: duration.default(10_000_000) }).strict().default({ within: 10_000_000 }),
  bugs: z.array(z.enum(MANAGER_BUGS)).default([]),
  /** A knowledge file's content (the CLI's --knowledge fills it in). */
  knowledge: z.unknown().optional().superRefine((v, ctx) => {
    if (v === undefined) return;
    const r = parseKnowledge(v);
    if (!r.ok) for (const p of r.problems) ctx.addIssue({ code: 'custom', message: `knowledge ${p}` });
  }),
}).strict().superRefine((m, ctx) => {
  // What the manager itself asserts (core/mapek/config.ts, checkManagerConfig), said here by
  // path: a scenario that broke it crashed the simulator with a stack.
  if (m.interval < 1_000) ctx.addIssue({ code: 'custom', path: ['interval'], message: `must be at least 1ms (got ${formatDuration(m.interval)}): the manager's loop runs once per interval` });
  if (!(m.lease.renew > 0 && m.lease.renew * 2 <= m.lease.duration)) {
    ctx.addIssue({ code: 'custom', path: ['lease', 'renew'], message: `must be above 0 and at most half of lease.duration (${formatDuration(m.lease.renew)} with a lease of ${formatDuration(m.lease.duration)}): a lease is renewed at least twice before it runs out` });
  }
});

export type ManagerSection = z.output<typeof managerSchema>;

/**
 * The sections the mapek workload reads: its own `manager:`, and those of the workload it
 * builds on (the same schema objects, so they are shared sections, see workload.ts).
 */
export const mapekSections = {
  manager: managerSchema.default(() => managerSchema.parse({})),
  raft: raftSection,
  clients: clientsSection,
  load: loadKvSections.load,
  gateway: loadKvSections.gateway,
};
export type MapekScenario = ScenarioOf<typeof mapekSections>;

export interface ManagerLayout {
  servers: NodeId[];
  spares: NodeId[];
  gateways: NodeId[];
  controlPlane: NodeId;
}

export function managerConfigOf(m: ManagerSection, instance: number, layout: ManagerLayout): ManagerConfig {
  const t = m.thresholds;
  return managerConfig({
    instance, servers: layout.servers, spares: layout.spares, gateways: layout.gateways, controlPlane: layout.controlPlane,
    intervalUs: m.interval, statusTimeoutUs: m.interval, raiseRounds: m.raiseRounds, clearRounds: m.clearRounds,
    thresholds: {
      zScore: t.zScore, slowRatio: t.slowRatio, slowRttUs: t.slowRtt, busyFraction: t.busyFraction, memoryFraction: t.memoryFraction,
      memoryHorizonUs: t.memoryHorizon, diskFraction: t.diskFraction, clockSkewUs: t.clockSkew, rejectsMin: t.rejectsMin,
      reportersMin: t.reportersMin, commitStallUs: t.commitStall, latencySloUs: m.slo.p99, errorRate: t.errorRate,
    },
    cooldownUs: m.cooldown, settleUs: m.settle, actionRate: m.actionRate, allowed: m.allowed,
    lease: { enabled: m.instances > 1, durationUs: m.lease.duration, renewUs: m.lease.renew },
    explore: m.explore, stepTimeoutUs: m.stepTimeout,
    knowledge: m.knowledge === undefined ? null : (m.knowledge as KnowledgeData),
    bugs: Object.fromEntries(m.bugs.map((b) => [b, true])),
  });
}

export function controlTimesOf(m: ManagerSection): ControlPlaneTimes {
  const c = m.controlPlane;
  return { describeUs: c.describe, restartUs: c.restart, provisionUs: c.provision, decommissionUs: c.decommission, networkUs: c.network, resyncUs: c.resync };
}
