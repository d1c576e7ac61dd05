// The nemesis, timeline part: turns a scenario's fault list into world actions.
//
// Contract: every fault is scheduled at its `at` (µs), and a fault with a duration
// schedules its own heal at `at + duration` (a slow start heals when its slow boot ends).
// `lastHealUs` says when the last timed fault ends, which is where the liveness phase
// starts. Disk faults live in diskFaults.ts, byzantine adversaries in byzantine.ts.
// Every fault that changes a setting (CPU, clock drift, memory, disk, link profile) adds a
// layer when it starts and removes it when it heals (layers.ts), so overlapping faults heal
// in any order and leave every setting at its base. Node changes go through world.command,
// so they work the same whether the nodes run in this thread or remotely under lockstep.
import type { Micros } from '../../core/env.ts';
import type { LinkSpec, FaultSpec } from '../scenario/schema.ts';
import { toLinkChange } from '../scenario/topology.ts';
import type { World } from '../world/world.ts';
import { scheduleAimed } from './aimed.ts';
import { scheduleByzantine } from './byzantine.ts';
import { scheduleDiskFault } from './diskFaults.ts';
import { scheduleLeak } from './leak.ts';
import { linkLayer, nodeLayer } from './layers.ts';
import { faultReach, healUs, linkPairs } from './reach.ts';

export { healUs } from './reach.ts';

export function describe(f: FaultSpec): string {
  const { at: _at, kind, ...rest } = f;
  return `${kind} ${JSON.stringify(rest)}`;
}

function scheduleLink(world: World, f: Extract<FaultSpec, { kind: 'link' }>, name: string): void {
  linkLayer(world, linkPairs(f), toLinkChange(f.set as LinkSpec), f.at, f.at + f.duration, name, 'heal link');
}

/** Who leads right now (sim/workloads/raftKv.ts LeaderTracker); -1 when nobody does. */
export interface LeaderSource {
  current(): number;
}

export function scheduleFault(world: World, f: FaultSpec, leaders: LeaderSource | null = null): void {
  const name = describe(f);
  const reach = faultReach(f, world.nodeCount);
  if (reach !== null) world.faultReach(reach);
  switch (f.kind) {
    case 'leader':
      return scheduleLeaderFault(world, f, name, leaders);
    case 'diskFull':
    case 'fsyncLoss':
    case 'tornWrites':
    case 'readErrors':
    case 'slowDisk':
      return scheduleDiskFault(world, f, name);
    case 'byzantine':
      return scheduleByzantine(world, f, name);
    case 'leak':
      return scheduleLeak(world, f, name);
    case 'crashOn':
    case 'deafenOn':
    case 'figure8':
    case 'diverge':
    case 'leaseEdge':
    case 'staleWrite':
      return scheduleAimed(world, f, name, leaders);
    case 'slowStart':
    case 'cpuSpike':
    case 'drift':
      return scheduleHostFault(world, f, name);
    default:
      return scheduleClassic(world, f, name);
  }
}

/**
 * Resolves the leader when the fault starts and schedules the concrete fault against it,
 * starting now; with no leader at that moment the fault does nothing (the trace says so).
 */
function scheduleLeaderFault(world: World, f: Extract<FaultSpec, { kind: 'leader' }>, name: string, leaders: LeaderSource | null): void {
  world.at(f.at, name, () => {
    const node = leaders?.current() ?? -1;
    if (node < 0) {
      world.note(-1, 'leader-fault-skipped', 'no node leads now');
      return;
    }
    const at = world.nowUs;
    const d = f.duration;
    const concrete: FaultSpec =
      f.do === 'isolate' ? { at, kind: 'isolate', nodes: [node], duration: d ?? 0 }
        : f.do === 'pause' ? { at, kind: 'pause', node, duration: d ?? 0 }
          : f.do === 'throttle' ? { at, kind: 'throttle', node, factor: f.factor ?? 1, duration: d ?? 0 }
            : { at, kind: f.do, node, ...(d === undefined ? {} : { duration: d }) };
    scheduleFault(world, concrete, leaders);
  });
}

function scheduleHostFault(world: World, f: Extract<FaultSpec, { kind: 'slowStart' | 'cpuSpike' | 'drift' }>, name: string): void {
  switch (f.kind) {
    case 'slowStart':
      world.at(f.at, name, () => world.crashNode(f.node));
      // The start handler's service time is charged as the node starts, so a start-cost
      // layer held for the start alone makes this boot slow and no other.
      world.at(f.at + f.duration, `slow start ${f.node}`, () => {
        const id = world.newLayerId();
        world.command(f.node, { kind: 'layer', setting: 'startUs', id, value: f.startDelay });
        world.startNode(f.node);
        world.command(f.node, { kind: 'unlayer', setting: 'startUs', id });
      });
      return;
    case 'cpuSpike':
      return nodeLayer(world, f.node, 'throttle', f.factor, f.at, f.at + f.duration, name, `cpu spike over ${f.node}`);
    case 'drift':
      return nodeLayer(world, f.node, 'driftPpm', f.ppm, f.at, f.duration === undefined ? undefined : f.at + f.duration, name, `drift over ${f.node}`);
  }
}

type ClassicFault = Exclude<FaultSpec, { kind: 'diskFull' | 'fsyncLoss' | 'tornWrites' | 'readErrors' | 'slowDisk' | 'byzantine' | 'slowStart' | 'cpuSpike' | 'drift' | 'leader' | 'leak' | 'crashOn' | 'deafenOn' | 'figure8' | 'diverge' | 'leaseEdge' | 'staleWrite' }>;

function scheduleClassic(world: World, f: ClassicFault, name: string): void {
  const timedPartition = (shape: Parameters<World['partition']>[0], durationUs: Micros): void => {
    let id = 0;
    world.at(f.at, name, () => { id = world.partition(shape); });
    world.at(f.at + durationUs, `heal ${f.kind}`, () => { world.net.heal(id); });
  };
  switch (f.kind) {
    case 'crash':
    case 'shutdown':
      world.at(f.at, name, () => (f.kind === 'crash' ? world.crashNode(f.node) : world.shutdownNode(f.node)));
      if (f.duration !== undefined) world.at(f.at + f.duration, `restart ${f.node}`, () => world.startNode(f.node));
      return;
    case 'restart':
      world.at(f.at, name, () => world.startNode(f.node));
      return;
    case 'pause':
      world.at(f.at, name, () => world.pauseNode(f.node));
      world.at(f.at + f.duration, `resume ${f.node}`, () => world.resumeNode(f.node));
      return;
    case 'partition':
      return timedPartition({ shape: 'groups', groups: f.groups }, f.duration);
    case 'oneway':
      return timedPartition({ shape: 'oneway', from: f.from, to: f.to }, f.duration);
    case 'bridge':
      return timedPartition({ shape: 'bridge', left: f.left, right: f.right, bridge: f.bridge }, f.duration);
    case 'isolate':
      return timedPartition({ shape: 'isolate', nodes: f.nodes }, f.duration);
    case 'link':
      return scheduleLink(world, f, name);
    case 'throttle':
      return nodeLayer(world, f.node, 'throttle', f.factor, f.at, f.at + f.duration, name, `unthrottle ${f.node}`);
    case 'memory':
      return nodeLayer(world, f.node, 'ballastBytes', f.bytes, f.at, f.duration === undefined ? undefined : f.at + f.duration, name, `release memory ${f.node}`);
    case 'clock':
      // A step moves the wall clock once; a drift is a layer that stays for the rest of the run.
      world.at(f.at, name, () => {
        if (f.step !== undefined) world.command(f.node, { kind: 'clockStep', stepUs: f.step });
        if (f.driftPpm !== undefined) world.command(f.node, { kind: 'layer', setting: 'driftPpm', id: world.newLayerId(), value: f.driftPpm });
      });
      return;
  }
}

/** The time the last fault with a duration heals (or the last instant fault happens). */
export function lastHealUs(faults: readonly FaultSpec[]): Micros {
  let t = 0;
  for (const f of faults) t = Math.max(t, healUs(f));
  return t;
}

