// The manager's settings: where the cluster is, how often to look, how sure to be before
// acting, what it may do and how often.
//
// Contract: `managerConfig(partial)` fills every default in this one place and
// `checkManagerConfig` rejects settings the loop cannot honour with a message naming the
// field. The scenario's `manager:` section (sim) maps onto these fields.
import type { Micros, NodeId } from '../env.ts';
import type { KnowledgeData } from './knowledge.ts';
import { ACTION_KINDS, type ActionKind } from './types.ts';

export interface Thresholds {
  /** Starting threshold factor (standard deviations) for learned baselines. */
  zScore: number;
  /** A node whose status round trip is this many times its peers' median is slow... */
  slowRatio: number;
  /** ...provided the round trip is at least this long. */
  slowRttUs: Micros;
  /** CPU busy fraction above which a node counts as slow. */
  busyFraction: number;
  /** Memory above this fraction of the budget is a memory symptom at once. */
  memoryFraction: number;
  /** A memory trend that reaches the budget within this horizon is a symptom. */
  memoryHorizonUs: Micros;
  /** Disk use above this fraction of capacity. */
  diskFraction: number;
  /** A node clock this far from its peers' median offset. */
  clockSkewUs: Micros;
  /** Refused messages from one sender, per report, that count as an accusation. */
  rejectsMin: number;
  /** Distinct accusers (other servers or the manager itself) needed to call a peer byzantine. */
  reportersMin: number;
  /** No commit progress for this long, while the canary write waits, is a stall. */
  commitStallUs: Micros;
  /** The service's p99 objective (gateway requests, or the canary write). */
  latencySloUs: Micros;
  /** Share of a gateway's answered requests that failed or timed out. */
  errorRate: number;
  /** This many leader changes within `churnWindowUs` is churn. */
  churnChanges: number;
  churnWindowUs: Micros;
}

export interface LeaseSettings {
  /** Two instances share one lease in the KV store; with false this instance is always active. */
  enabled: boolean;
  durationUs: Micros;
  renewUs: Micros;
  key: string;
}

export interface ManagerBugs {
  /** Deliberately broken: act even if it leaves fewer than a quorum of healthy voters. */
  noQuorumGuard?: boolean;
  /** Deliberately broken: no cool-down per target and no action-rate limit. */
  noCooldown?: boolean;
}

export interface ManagerConfig {
  /** This instance's index (0, 1): it keys its KV session and lease value. */
  instance: number;
  /** The voters the cluster starts with. */
  servers: NodeId[];
  /** Idle nodes a replace may bring in, in the order they are used. */
  spares: NodeId[];
  gateways: NodeId[];
  /** The control plane's node (restart, provision, quarantine...), or -1. */
  controlPlane: NodeId;
  intervalUs: Micros;
  /** A status answer later than this counts as missing for its round (it still counts as a sign of life). */
  statusTimeoutUs: Micros;
  /** Rounds a symptom must be present before it is raised, and absent before it clears. */
  raiseRounds: number;
  clearRounds: number;
  thresholds: Thresholds;
  /** No new action on a target this soon after its last one ended. */
  cooldownUs: Micros;
  /** A diagnosis must stay gone this long after an action before the action counts as a cure. */
  settleUs: Micros;
  /** How long an action has, after it ends, to make its diagnosis go away; per kind. */
  verifyUs: Record<ActionKind, Micros>;
  /** Actions per minute at most, with a burst. */
  actionRate: { perMinute: number; burst: number };
  /** Actions the manager may take. */
  allowed: ActionKind[];
  lease: LeaseSettings;
  /** Probability of trying another candidate action first (a seeded epsilon-greedy bandit). */
  explore: number;
  /** The timeout of one step of an action (an operator call). */
  stepTimeoutUs: Micros;
  knowledge: KnowledgeData | null;
  bugs: ManagerBugs;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  zScore: 6,
  slowRatio: 5,
  slowRttUs: 20_000,
  busyFraction: 0.8,
  memoryFraction: 0.85,
  memoryHorizonUs: 30_000_000,
  diskFraction: 0.98,
  clockSkewUs: 500_000,
  rejectsMin: 3,
  reportersMin: 2,
  commitStallUs: 1_000_000,
  latencySloUs: 100_000,
  errorRate: 0.05,
  churnChanges: 4,
  churnWindowUs: 5_000_000,
};

export const DEFAULT_VERIFY_US: Record<ActionKind, Micros> = {
  'restart': 2_000_000,
  'replace': 3_000_000,
  'transfer-leader': 1_000_000,
  'quarantine': 1_000_000,
  'compact': 1_000_000,
  'tighten-limits': 3_000_000,
  'relax-limits': 2_000_000,
  'resync-clock': 1_000_000,
};

export type ManagerConfigInput = Partial<Omit<ManagerConfig, 'thresholds' | 'verifyUs' | 'lease' | 'actionRate'>> & {
  thresholds?: Partial<Thresholds>;
  verifyUs?: Partial<Record<ActionKind, Micros>>;
  lease?: Partial<LeaseSettings>;
  actionRate?: Partial<ManagerConfig['actionRate']>;
};

export function managerConfig(c: ManagerConfigInput): ManagerConfig {
  const cfg: ManagerConfig = {
    instance: c.instance ?? 0,
    servers: c.servers ?? [],
    spares: c.spares ?? [],
    gateways: c.gateways ?? [],
    controlPlane: c.controlPlane ?? -1,
    intervalUs: c.intervalUs ?? 200_000,
    statusTimeoutUs: c.statusTimeoutUs ?? c.intervalUs ?? 200_000,
    raiseRounds: c.raiseRounds ?? 2,
    clearRounds: c.clearRounds ?? 3,
    thresholds: { ...DEFAULT_THRESHOLDS, ...c.thresholds },
    cooldownUs: c.cooldownUs ?? 1_000_000,
    settleUs: c.settleUs ?? 2_000_000,
    verifyUs: { ...DEFAULT_VERIFY_US, ...c.verifyUs },
    actionRate: { perMinute: 12, burst: 3, ...c.actionRate },
    allowed: c.allowed ?? [...ACTION_KINDS],
    lease: { enabled: false, durationUs: 1_500_000, renewUs: 300_000, key: 'mapek/lease', ...c.lease },
    explore: c.explore ?? 0,
    stepTimeoutUs: c.stepTimeoutUs ?? 3_000_000,
    knowledge: c.knowledge ?? null,
    bugs: c.bugs ?? {},
  };
  checkManagerConfig(cfg);
  return cfg;
}

export function checkManagerConfig(c: ManagerConfig): void {
  const fail = (m: string): never => {
    throw new Error(`mapek: ${m}`);
  };
  if (c.servers.length === 0) fail('servers: at least one voter to manage');
  if (!(c.intervalUs >= 1_000)) fail('intervalUs must be at least 1 ms');
  if (!(c.statusTimeoutUs >= 1 && c.statusTimeoutUs <= c.intervalUs * 10)) fail('statusTimeoutUs must be positive and at most 10 intervals');
  if (!(c.raiseRounds >= 1 && c.clearRounds >= 1)) fail('raiseRounds and clearRounds must be at least 1');
  if (!(c.actionRate.perMinute > 0 && c.actionRate.burst >= 1)) fail('actionRate: perMinute must be positive and burst at least 1');
  if (!(c.explore >= 0 && c.explore <= 1)) fail('explore must be in [0, 1]');
  if (c.lease.enabled && !(c.lease.renewUs > 0 && c.lease.renewUs * 2 <= c.lease.durationUs)) fail('lease: renewUs must be positive and at most half of durationUs');
  const overlap = c.spares.filter((s) => c.servers.includes(s));
  if (overlap.length > 0) fail(`spares ${overlap.join(', ')} are also servers`);
  for (const a of c.allowed) if (!(ACTION_KINDS as readonly string[]).includes(a)) fail(`allowed: unknown action ${a}`);
}
