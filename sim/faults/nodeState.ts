// The nemesis's own record of the node settings its faults change (CPU throttle, clock
// drift, disk fault profile, start cost).
//
// Contract: faults change nodes only through world.command, which works whether the nodes
// run in this thread or remotely under lockstep, where the kernel cannot read a host.
// So that a fault can put back what it found, the nemesis remembers every value it sets,
// starting from the node's configured profile (defaults + its NodeSpec). Only faults
// change these settings, so the record is exact. One record per world (a WeakMap), never
// a module-level singleton shared between runs.
import type { Micros, NodeId } from '../../core/env.ts';
import { DEFAULT_DISK_FAULTS, type DiskFaults } from '../disk/disk.ts';
import { DEFAULT_CPU } from '../host/cpu.ts';
import type { World } from '../world/world.ts';

export interface NodeSettings {
  throttle: number;
  driftPpm: number;
  disk: DiskFaults;
  startUs: Micros;
}

const records = new WeakMap<World, NodeSettings[]>();

export function settingsOf(world: World, id: NodeId): NodeSettings {
  let all = records.get(world);
  if (all === undefined) {
    all = world.config.nodes.map((spec) => ({
      throttle: 1,
      driftPpm: 0,
      disk: { ...DEFAULT_DISK_FAULTS, ...spec.disk },
      startUs: spec.cpu?.startUs ?? DEFAULT_CPU.startUs,
    }));
    records.set(world, all);
  }
  return all[id];
}

export function setThrottle(world: World, id: NodeId, factor: number): void {
  settingsOf(world, id).throttle = factor;
  world.command(id, { kind: 'throttle', factor });
}

export function setDrift(world: World, id: NodeId, driftPpm: number): void {
  settingsOf(world, id).driftPpm = driftPpm;
  world.command(id, { kind: 'clock', driftPpm });
}

export function setDisk(world: World, id: NodeId, change: Partial<DiskFaults>): void {
  const s = settingsOf(world, id);
  s.disk = { ...s.disk, ...change };
  world.command(id, { kind: 'disk', faults: change });
}

export function setStartCost(world: World, id: NodeId, startUs: Micros): void {
  settingsOf(world, id).startUs = startUs;
  world.command(id, { kind: 'startCost', startUs });
}
