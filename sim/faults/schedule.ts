// The nemesis, timeline part: turns a scenario's fault list into world actions.
//
// Contract: every fault is scheduled at its `at` (µs), and a fault with a duration
// schedules its own heal at `at + duration` (a slow start heals when its slow boot ends).
// `lastHealUs` says when the last timed fault ends, which is where the liveness phase
// starts. Disk faults live in diskFaults.ts, byzantine adversaries in byzantine.ts.
// Faults change nodes only through world.command (see nodeState.ts), so they work the
// same whether the nodes run in this thread or remotely under lockstep.
import type { Micros } from '../../core/env.ts';
import type { LinkProfile } from '../net/link.ts';
import type { LinkSpec, FaultSpec } from '../scenario/schema.ts';
import { toLinkProfile } from '../scenario/topology.ts';
import type { World } from '../world/world.ts';
import { scheduleAimed } from './aimed.ts';
import { scheduleByzantine } from './byzantine.ts';
import { scheduleDiskFault } from './diskFaults.ts';
import { setDrift, setStartCost, setThrottle, settingsOf } from './nodeState.ts';

export function describe(f: FaultSpec): string {
  const { at: _at, kind, ...rest } = f;
  return `${kind} ${JSON.stringify(rest)}`;
}

/**
 * Link faults are layers over each link's base profile: a link's profile is its base with
 * every active fault's settings applied in the order they started, recomputed whenever a
 * fault starts or heals. Overlapping faults on the same link therefore heal in any order
 * (restoring a snapshot taken when a fault started, as an earlier version did, brought a
 * healed fault's 46% loss back for good: swarm-raft-network seed 180 found it).
 */
interface LinkLayers {
  base: Map<string, LinkProfile>;
  active: { id: number; spec: LinkSpec; pairs: [number, number][] }[];
  idNext: number;
}

const linkLayers = new WeakMap<World, LinkLayers>();

function layersOf(world: World): LinkLayers {
  let l = linkLayers.get(world);
  if (l === undefined) {
    l = { base: new Map(), active: [], idNext: 1 };
    linkLayers.set(world, l);
  }
  return l;
}

function recomputeLinks(world: World, l: LinkLayers, pairs: [number, number][]): void {
  for (const [a, b] of pairs) {
    let p = l.base.get(`${a}>${b}`) as LinkProfile;
    for (const layer of l.active) if (layer.pairs.some(([x, y]) => x === a && y === b)) p = toLinkProfile(layer.spec, p);
    world.net.setProfile(a, b, p);
  }
}

function scheduleLink(world: World, f: Extract<FaultSpec, { kind: 'link' }>): void {
  let id = 0;
  const pairs: [number, number][] = [];
  for (const a of f.from) for (const b of f.to) if (a !== b) pairs.push([a, b]);
  world.at(f.at, describe(f), () => {
    const l = layersOf(world);
    for (const [a, b] of pairs) if (!l.base.has(`${a}>${b}`)) l.base.set(`${a}>${b}`, { ...world.net.profile(a, b) });
    id = l.idNext++;
    l.active.push({ id, spec: f.set as LinkSpec, pairs });
    recomputeLinks(world, l, pairs);
  });
  world.at(f.at + f.duration, `heal link`, () => {
    const l = layersOf(world);
    l.active = l.active.filter((x) => x.id !== id);
    recomputeLinks(world, l, pairs);
  });
}

/** Who leads right now (sim/workloads/raftKv.ts LeaderTracker); -1 when nobody does. */
export interface LeaderSource {
  current(): number;
}

export function scheduleFault(world: World, f: FaultSpec, leaders: LeaderSource | null = null): void {
  const name = describe(f);
  switch (f.kind) {
    case 'leader':
      return scheduleLeaderFault(world, f, name, leaders);
    case 'diskFull':
    case 'fsyncLoss':
    case 'tornWrites':
    case 'readErrors':
      return scheduleDiskFault(world, f, name);
    case 'byzantine':
      return scheduleByzantine(world, f, name);
    case 'crashOn':
    case 'figure8':
    case 'diverge':
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
      // The start handler's service time is charged as the node starts, so the longer
      // start applies to this boot only.
      world.at(f.at + f.duration, `slow start ${f.node}`, () => {
        const saved = settingsOf(world, f.node).startUs;
        setStartCost(world, f.node, f.startDelay);
        world.startNode(f.node);
        setStartCost(world, f.node, saved);
      });
      return;
    case 'cpuSpike': {
      let saved = 1;
      world.at(f.at, name, () => { saved = settingsOf(world, f.node).throttle; setThrottle(world, f.node, f.factor); });
      world.at(f.at + f.duration, `cpu spike over ${f.node}`, () => setThrottle(world, f.node, saved));
      return;
    }
    case 'drift': {
      let saved = 0;
      world.at(f.at, name, () => { saved = settingsOf(world, f.node).driftPpm; setDrift(world, f.node, f.ppm); });
      if (f.duration !== undefined) world.at(f.at + f.duration, `drift over ${f.node}`, () => setDrift(world, f.node, saved));
      return;
    }
  }
}

type ClassicFault = Exclude<FaultSpec, { kind: 'diskFull' | 'fsyncLoss' | 'tornWrites' | 'readErrors' | 'byzantine' | 'slowStart' | 'cpuSpike' | 'drift' | 'leader' | 'crashOn' | 'figure8' | 'diverge' }>;

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
      return scheduleLink(world, f);
    case 'throttle':
      world.at(f.at, name, () => setThrottle(world, f.node, f.factor));
      world.at(f.at + f.duration, `unthrottle ${f.node}`, () => setThrottle(world, f.node, 1));
      return;
    case 'memory':
      world.at(f.at, name, () => world.command(f.node, { kind: 'ballast', deltaBytes: f.bytes }));
      if (f.duration !== undefined) world.at(f.at + f.duration, `release memory ${f.node}`, () => world.command(f.node, { kind: 'ballast', deltaBytes: -f.bytes }));
      return;
    case 'clock':
      world.at(f.at, name, () => {
        if (f.driftPpm !== undefined) settingsOf(world, f.node).driftPpm = f.driftPpm;
        world.command(f.node, { kind: 'clock', stepUs: f.step, driftPpm: f.driftPpm });
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

/** When one fault is over: its heal, or the moment it happens for an instant fault. */
export function healUs(f: FaultSpec): Micros {
  const d = 'duration' in f && f.duration !== undefined ? f.duration : 0;
  return f.at + d + (f.kind === 'slowStart' ? f.startDelay : f.kind === 'crashOn' ? f.down : 0);
}
