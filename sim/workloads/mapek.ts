// The mapek workload: a Raft KV cluster (raft-kv's closed-loop clients, or load-kv's
// open-loop load through gateways, by `manager.base`) looked after by the MAPE-K manager
// (core/mapek) on its own node(s), which heals it through a simulated control plane.
//
// Contract: nodes are the base workload's own (servers 0..n-1, then `topology.spares` idle
// spares, then its clients or gateways and load clients), then `manager.instances` manager
// nodes, then the control plane's node; with `manager.enabled` false, none of the last
// (the same cluster and faults without the manager, for comparison). install() sets up the
// control plane and the recovery tracker (sim/mapek/recovery.ts) before the base workload
// installs its checks and the faults, so that a leader fault is resolved to a node before
// the nemesis acts on it. The report adds `mapek.*` figures: per tracked fault its class,
// target, start and MTTR split M/A/P/E/K (ms, -1 when a phase did not happen), the
// availability (share of seconds with a committed write, and with the p99 within the
// SLO), the actions taken, and the recovery check's verdict: with the manager on, each
// tracked fault must be recovered from within `manager.recovery.within` ('mapek-recovery'),
// inconclusive when the run ends before the bound; and no action of the manager's may take
// a quorum of healthy voters below a quorum ('mapek-quorum-guard', sim/mapek/quorumCheck.ts).
import type { NodeId, Process } from '../../core/env.ts';
import { MapekManager } from '../../core/mapek/manager.ts';
import { ControlPlane } from '../mapek/controlPlane.ts';
import { installQuorumCheck } from '../mapek/quorumCheck.ts';
import { RecoveryTracker } from '../mapek/recovery.ts';
import { controlTimesOf, managerConfigOf, mapekSections, type ManagerLayout, type MapekScenario } from '../mapek/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { LeaderTracker } from './leaderTracker.ts';
import { clientsProblems, raftTimingProblems } from './kvSections.ts';
import { loadClientsProblems, loadKvWorkload, loadPhaseProblems, loadTimeoutProblems, type LoadKvScenario } from './loadKv.ts';
import { RAFT_UI } from './raftUi.ts';
import { raftSwarmProblems } from './raftSwarm.ts';
import { raftKvHistory, raftKvWorkload, type RaftKvScenario } from './raftKv.ts';
import { outlastsRun, type Problem } from '../scenario/schema.ts';
import { switchedOffProblems } from '../scenario/switchedOff.ts';
import { defineWorkload, type InstallContext, type Installed } from './workload.ts';

export interface MapekLayout extends ManagerLayout {
  managers: NodeId[];
}

/** The control plane's node runs no process: the world serves it (ControlPlane). */
const idle: Process = { start() {}, onMessage() {}, onTimer() {} };

function baseNodes(s: MapekScenario): NodeSpec[] {
  return s.manager.base === 'load-kv' ? loadKvWorkload.nodes(s as unknown as LoadKvScenario) : raftKvWorkload.nodes(s as unknown as RaftKvScenario);
}

/** Where everything is, given the base workload's node count. */
export function mapekLayout(s: MapekScenario, baseCount: number): MapekLayout {
  const n = s.topology.nodes;
  const spares = s.topology.spares;
  return {
    servers: Array.from({ length: n }, (_, i) => i),
    spares: Array.from({ length: spares }, (_, i) => n + i),
    gateways: s.manager.base === 'load-kv' ? Array.from({ length: s.load.gateways }, (_, i) => n + spares + i) : [],
    managers: s.manager.enabled ? Array.from({ length: s.manager.instances }, (_, i) => baseCount + i) : [],
    controlPlane: s.manager.enabled ? baseCount + s.manager.instances : -1,
  };
}

function mapekNodes(s: MapekScenario): NodeSpec[] {
  const specs = baseNodes(s);
  if (!s.manager.enabled) return specs;
  const layout = mapekLayout(s, specs.length);
  for (let i = 0; i < layout.managers.length; i++) specs.push({ role: 'manager', factory: () => new MapekManager(managerConfigOf(s.manager, i, layout)) });
  specs.push({ role: 'control', boot: false, factory: () => idle });
  return specs;
}

/** What a mapek run leaves behind for its caller: the managers' latest knowledge, as JSON. */
const knowledgeByWorld = new WeakMap<World, Map<NodeId, string>>();

/** The knowledge file content the active manager reported last (for --save-knowledge), or null. */
export function latestKnowledge(world: World): string | null {
  const byNode = knowledgeByWorld.get(world);
  if (byNode === undefined || byNode.size === 0) return null;
  // The instance with the most episodes learned the most (the one that was active longest).
  const best = [...byNode.entries()].map(([n, json]) => ({ n, json, episodes: (JSON.parse(json) as { episodes: unknown[] }).episodes.length })).sort((a, b) => b.episodes - a.episodes || a.n - b.n)[0];
  return best.json;
}

function installMapek(world: World, s: MapekScenario, ctx: InstallContext): Installed {
  const baseCount = world.nodeCount - (s.manager.enabled ? s.manager.instances + 1 : 0);
  const layout = mapekLayout(s, baseCount);
  const cp = s.manager.enabled ? new ControlPlane(world, layout.controlPlane, [...layout.servers, ...layout.spares], controlTimesOf(s.manager)) : null;
  const tracker = new RecoveryTracker(world, s, new LeaderTracker(world), cp, new Set(layout.managers));
  installQuorumCheck(world, () => tracker.currentVoters(), new Set(layout.managers));
  const knowledge = new Map<NodeId, string>();
  knowledgeByWorld.set(world, knowledge);
  const actions = new Map<string, number>();
  world.onTelemetry((_t, node, name, f) => {
    if (name === 'mapek.knowledge') knowledge.set(node, f.json as string);
    else if (name === 'mapek.decision') actions.set(f.action as string, (actions.get(f.action as string) ?? 0) + 1);
  });
  const base = s.manager.base === 'load-kv' ? loadKvWorkload.install(world, s as unknown as LoadKvScenario, ctx) : raftKvWorkload.install(world, s as unknown as RaftKvScenario, ctx);
  return {
    leaders: base.leaders,
    finish: () => ({ ...(base.finish?.() ?? {}), ...finishStats(world, s, tracker, actions) }),
  };
}

const ms = (us: number | null): number => (us === null ? -1 : Math.round(us / 100) / 10);

function finishStats(world: World, s: MapekScenario, tracker: RecoveryTracker, actions: Map<string, number>): Record<string, number | string> {
  const out: Record<string, number | string> = {};
  const end = world.nowUs;
  let inconclusive = 0;
  tracker.faults.forEach((f, i) => {
    const p = `mapek.fault${i}`;
    out[`${p}.class`] = f.cls;
    out[`${p}.target`] = f.target;
    out[`${p}.startMs`] = ms(f.startUs);
    out[`${p}.mttrMs`] = f.recoveredUs === null ? -1 : ms(f.recoveredUs - f.startUs);
    out[`${p}.M`] = f.detectUs === null ? -1 : ms(f.detectUs - f.startUs);
    out[`${p}.A`] = f.diagnosisUs === null || f.detectUs === null ? -1 : ms(f.diagnosisUs - f.detectUs);
    out[`${p}.P`] = f.decisionUs === null || f.diagnosisUs === null ? -1 : ms(f.decisionUs - f.diagnosisUs);
    out[`${p}.E`] = f.recoveredUs === null || f.decisionUs === null ? -1 : ms(f.recoveredUs - f.decisionUs);
    out[`${p}.K`] = f.knowledgeUs === null || f.recoveredUs === null ? -1 : ms(f.knowledgeUs - f.recoveredUs);
    out[`${p}.action`] = f.action;
    // A leak drawn on a node that was down at its start never ran: nothing to recover from.
    if (tracker.noEffect(f)) {
      out[`${p}.noEffect`] = 1;
      return;
    }
    if (!s.manager.enabled) return;
    const bound = f.startUs + s.manager.recovery.within;
    if (f.recoveredUs !== null && f.recoveredUs <= bound) return;
    if (bound > end) {
      inconclusive++;
      return;
    }
    world.violate('mapek-recovery', f.target < 0 ? null : f.target, `${f.cls} fault at ${f.startUs / 1000} ms${f.target >= 0 ? ` on n${f.target}` : ''} was not recovered from within ${s.manager.recovery.within / 1000} ms${f.recoveredUs === null ? '' : ` (it took ${(f.recoveredUs - f.startUs) / 1000} ms)`}`);
  });
  // Seconds in which clients were meant to write: until raft-kv's clients quiesce, or
  // until load-kv's last phase ends.
  const loadEnd = s.load.phases.reduce((t, p) => t + p.duration, s.load.start);
  const a = tracker.availability(Math.min(end, s.manager.base === 'load-kv' ? loadEnd : s.duration - s.clients.quiesce));
  out['mapek.faults'] = tracker.faults.length;
  out['mapek.recoveryCheck'] = !s.manager.enabled ? 'off' : world.violations.some((v) => v.check === 'mapek-recovery') ? 'fail' : inconclusive > 0 ? 'inconclusive' : 'pass';
  out['mapek.availability'] = a.seconds === 0 ? 0 : Math.round((a.withWrite / a.seconds) * 1000) / 1000;
  out['mapek.availabilityWithinSlo'] = a.seconds === 0 ? 0 : Math.round((a.withinSlo / a.seconds) * 1000) / 1000;
  for (const [k, v] of [...actions].sort()) out[`mapek.actions.${k}`] = v;
  return out;
}

/**
 * `load:` and `gateway:` drive open-loop load, which only manager.base load-kv runs: on
 * raft-kv they would be ignored, so they are refused.
 */
function baseSectionProblems(base: 'raft-kv' | 'load-kv', given: Readonly<Record<string, unknown>>): Problem[] {
  if (base === 'load-kv') return [];
  return ['load', 'gateway'].filter((k) => Object.hasOwn(given, k)).map((k) => ({
    path: k,
    message: `manager.base is raft-kv, which does not read a ${k} section (load-kv does: open-loop load through gateways): remove it, or set manager.base: load-kv`,
  }));
}

export const mapekWorkload = defineWorkload({
  name: 'mapek',
  description: 'A Raft KV cluster (raft-kv or load-kv, by manager.base) healed by the MAPE-K manager through a simulated control plane; checks Raft safety, the base workload\'s checks and recovery within a bound, and reports MTTR and availability.',
  sections: mapekSections,
  leader: true,
  spares: true,
  // On load-kv the clients are `load.clients` (open loop): read-only closed-loop ones would be ignored.
  validate: (s, given) => [
    ...baseSectionProblems(s.manager.base, given),
    ...raftSwarmProblems(s, given, false),
    // With the manager off the cluster still runs on manager.base; nothing else of it is read.
    ...switchedOffProblems(s.manager, given.manager, 'manager', ['base']),
    ...(s.manager.base !== 'load-kv' ? clientsProblems(s, given) : [...loadClientsProblems(given, 'mapek with manager.base load-kv'), ...loadPhaseProblems(s), ...loadTimeoutProblems(s), ...switchedOffProblems(s.gateway, given.gateway, 'gateway')]),
    ...raftTimingProblems(s),
    ...(s.manager.enabled ? outlastsRun('manager.interval', s.manager.interval, s.duration, 'the manager would not complete one monitor-analyze-plan-execute round before the run ends, so it could heal nothing and its recovery would go untested', 'give an interval well below the run (the default is 200ms)') : []),
  ],
  kvHistory: (s) => (s.manager.base === 'load-kv' ? null : raftKvHistory(s)),
  nodes: mapekNodes,
  install: installMapek,
  // The page's MAPE-K tab (ui/panels: the manager's loop, symptoms, actions and MTTR) besides Raft's logs.
  ui: { ...RAFT_UI, roleColors: { ...RAFT_UI.roleColors, manager: '#cf3b3b', standby: '#e89a9a', control: '#444444' }, panels: [...(RAFT_UI.panels ?? []), 'mapek'] },
});
