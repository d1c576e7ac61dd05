// The nemesis, timeline part: turns a scenario's fault list into world actions.
//
// Contract: every fault is scheduled at its `at` (µs), and a fault with a duration
// schedules its own heal at `at + duration`. `lastHealUs` says when the last timed fault
// ends, which is where the liveness phase starts.
import type { Micros } from '../../core/env.ts';
import type { LinkProfile } from '../net/link.ts';
import type { LinkSpec, FaultSpec } from '../scenario/schema.ts';
import { toLinkProfile } from '../scenario/topology.ts';
import type { World } from '../world/world.ts';

function describe(f: FaultSpec): string {
  const { at: _at, kind, ...rest } = f;
  return `${kind} ${JSON.stringify(rest)}`;
}

function scheduleLink(world: World, f: Extract<FaultSpec, { kind: 'link' }>): void {
  const saved: [number, number, LinkProfile][] = [];
  world.at(f.at, describe(f), () => {
    for (const a of f.from) for (const b of f.to) {
      if (a === b) continue;
      saved.push([a, b, { ...world.net.profile(a, b) }]);
      world.net.setProfile(a, b, toLinkProfile(f.set as LinkSpec, world.net.profile(a, b)));
    }
  });
  world.at(f.at + f.duration, `heal link`, () => {
    for (const [a, b, p] of saved) world.net.setProfile(a, b, p);
  });
}

export function scheduleFault(world: World, f: FaultSpec): void {
  const name = describe(f);
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
      world.at(f.at, name, () => { world.hosts[f.node].cpu.throttle = f.factor; });
      world.at(f.at + f.duration, `unthrottle ${f.node}`, () => { world.hosts[f.node].cpu.throttle = 1; });
      return;
    case 'memory':
      world.at(f.at, name, () => { world.hosts[f.node].ballastBytes += f.bytes; });
      if (f.duration !== undefined) world.at(f.at + f.duration, `release memory ${f.node}`, () => { world.hosts[f.node].ballastBytes = Math.max(0, world.hosts[f.node].ballastBytes - f.bytes); });
      return;
    case 'clock':
      world.at(f.at, name, () => {
        const c = world.hosts[f.node].clock;
        if (f.step !== undefined) c.step(world.nowUs, f.step);
        if (f.driftPpm !== undefined) c.setDrift(world.nowUs, f.driftPpm);
      });
      return;
    case 'diskFull': {
      let saved = 0;
      world.at(f.at, name, () => {
        const d = world.hosts[f.node].disk;
        saved = d.faults.capacityBytes;
        d.faults = { ...d.faults, capacityBytes: d.bytesUsed };
      });
      world.at(f.at + f.duration, `disk space ${f.node}`, () => {
        const d = world.hosts[f.node].disk;
        d.faults = { ...d.faults, capacityBytes: saved };
      });
      return;
    }
  }
}

/** The time the last fault with a duration heals (or the last instant fault happens). */
export function lastHealUs(faults: readonly FaultSpec[]): Micros {
  let t = 0;
  for (const f of faults) {
    const d = 'duration' in f && f.duration !== undefined ? f.duration : 0;
    t = Math.max(t, f.at + d);
  }
  return t;
}
