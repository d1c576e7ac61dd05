// The manager in a run: its nodes (one or two manager instances and the control plane,
// appended after the workload's nodes), the control plane on the world, the recovery
// tracker, and what the run reports.
//
// Contract: with `manager.enabled` false and `manager.observe` false nothing is added, so
// the run is exactly the workload's own. Node layout: servers 0..n-1, spares n..n+s-1 (built
// by the KV workloads), the workload's other nodes, then the manager instances, then the
// control plane. The report's stats gain `mapek.*` figures: per tracked fault its class,
// start and MTTR split M/A/P/E/K (ms, -1 when a phase did not happen), availability, the
// actions taken, and the recovery check's verdict.
import type { NodeId, Process } from '../../core/env.ts';
import { MapekManager } from '../../core/mapek/manager.ts';
import type { LeaderSource } from '../faults/schedule.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { ControlPlane } from './controlPlane.ts';
import { RecoveryTracker } from './recovery.ts';
import { controlTimesOf, managerConfigOf, type ManagerLayout } from './schema.ts';

export interface MapekLayout extends ManagerLayout {
  managers: NodeId[];
}

/** The control plane's node runs no process: the world serves it (ControlPlane). */
const idle: Process = { start() {}, onMessage() {}, onTimer() {} };

export function mapekLayout(s: Scenario, baseCount: number): MapekLayout | null {
  const m = s.manager;
  if (!m.enabled) return null;
  const n = s.topology.nodes;
  const servers = Array.from({ length: n }, (_, i) => i);
  const spares = Array.from({ length: m.spares }, (_, i) => n + i);
  const gateways = s.workload === 'load-kv' ? Array.from({ length: s.load.gateways }, (_, i) => n + m.spares + i) : [];
  const managers = Array.from({ length: m.instances }, (_, i) => baseCount + i);
  return { servers, spares, gateways, managers, controlPlane: baseCount + m.instances };
}

/** How many nodes the manager adds: its instances and the control plane. */
export function mapekNodeCount(s: Scenario): number {
  return s.manager.enabled ? s.manager.instances + 1 : 0;
}

/** The nodes the manager adds after the workload's `baseCount` nodes. */
export function mapekNodeSpecs(s: Scenario, baseCount: number): NodeSpec[] {
  const layout = mapekLayout(s, baseCount);
  if (layout === null) return [];
  const specs: NodeSpec[] = layout.managers.map((_, i) => ({ role: 'manager', factory: () => new MapekManager(managerConfigOf(s.manager, i, layout)) }));
  specs.push({ role: 'control', boot: false, factory: () => idle });
  return specs;
}

export interface MapekRun {
  layout: MapekLayout | null;
  controlPlane: ControlPlane | null;
  tracker: RecoveryTracker;
  /** The latest knowledge each manager instance reported, as JSON (for --save-knowledge). */
  knowledge: Map<NodeId, string>;
  finish(): Record<string, number | string>;
}

const runs = new WeakMap<World, MapekRun>();

/** The manager's side of a run built with installMapek, if any. */
export function mapekRunOf(world: World): MapekRun | undefined {
  return runs.get(world);
}

/** Installs the control plane and the recovery tracker; call before the faults are scheduled. */
export function installMapek(world: World, s: Scenario, baseCount: number, leaders: LeaderSource): MapekRun | null {
  const m = s.manager;
  if (!m.enabled && !m.observe) return null;
  const layout = mapekLayout(s, baseCount);
  const managed = layout === null ? [] : [...layout.servers, ...layout.spares];
  const cp = layout === null ? null : new ControlPlane(world, layout.controlPlane, managed, controlTimesOf(m));
  const tracker = new RecoveryTracker(world, s, leaders, cp, new Set(layout?.managers ?? []));
  const knowledge = new Map<NodeId, string>();
  const actions = new Map<string, number>();
  world.onTelemetry((_t, node, name, f) => {
    if (name === 'mapek.knowledge') knowledge.set(node, f.json as string);
    else if (name === 'mapek.decision') actions.set(f.action as string, (actions.get(f.action as string) ?? 0) + 1);
  });
  const run: MapekRun = {
    layout, controlPlane: cp, tracker, knowledge,
    finish: () => finishStats(world, s, tracker, actions),
  };
  runs.set(world, run);
  return run;
}

const ms = (us: number | null): number => (us === null ? -1 : Math.round(us / 100) / 10);

function finishStats(world: World, s: Scenario, tracker: RecoveryTracker, actions: Map<string, number>): Record<string, number | string> {
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
    if (!s.manager.enabled) return;
    const bound = f.startUs + s.manager.recovery.within;
    if (f.recoveredUs !== null && f.recoveredUs <= bound) return;
    if (bound > end) {
      inconclusive++;
      return;
    }
    world.violate('mapek-recovery', f.target < 0 ? null : f.target, `${f.cls} fault at ${f.startUs / 1000} ms${f.target >= 0 ? ` on n${f.target}` : ''} was not recovered from within ${s.manager.recovery.within / 1000} ms${f.recoveredUs === null ? '' : ` (it took ${(f.recoveredUs - f.startUs) / 1000} ms)`}`);
  });
  const a = tracker.availability(end);
  out['mapek.faults'] = tracker.faults.length;
  out['mapek.recoveryCheck'] = !s.manager.enabled ? 'off' : inconclusive > 0 ? 'inconclusive' : world.violations.some((v) => v.check === 'mapek-recovery') ? 'fail' : 'pass';
  out['mapek.availability'] = a.seconds === 0 ? 0 : Math.round((a.withWrite / a.seconds) * 1000) / 1000;
  out['mapek.availabilityWithinSlo'] = a.seconds === 0 ? 0 : Math.round((a.withinSlo / a.seconds) * 1000) / 1000;
  for (const [k, v] of [...actions].sort()) out[`mapek.actions.${k}`] = v;
  return out;
}
