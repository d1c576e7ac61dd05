// The nemesis, memory-leak part: a process that leaks memory at a steady rate until the
// node runs out of it (an out-of-memory kill) or the process is restarted.
//
// Contract: from `at`, every LEAK_STEP_US the node's memory grows by rate * step (host
// ballast, so the node's own memory figure shows it, as RSS would). The leak belongs to
// the process incarnation it started in: when the node goes down for any reason (a crash,
// an OOM kill, a restart by an operator) the leaked memory is released and the leak stops.
// With a duration, the leak also stops (and releases) at `at + duration`. It starts only
// if the node is up at `at`. A death is acted on at the next step, so a restart within one
// step of the death finds the memory still held for up to LEAK_STEP_US.
import type { Micros } from '../../core/env.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';

type LeakFault = Extract<FaultSpec, { kind: 'leak' }>;

export const LEAK_STEP_US: Micros = 100_000;

export function scheduleLeak(world: World, f: LeakFault, name: string): void {
  let leaked = 0;
  let active = false;
  let died = false;
  const perStep = Math.round((f.rate * LEAK_STEP_US) / 1_000_000);
  const endUs = f.duration === undefined ? Infinity : f.at + f.duration;
  // The listener only takes note: under lockstep a node's status reaches the kernel after
  // the action that changed it, so anything done here would happen at a different moment
  // in the two modes. The next step acts on it.
  world.onStatusChange((node, status) => {
    if (node === f.node && status === 'down' && active) died = true;
  });
  // The leaked bytes are one ballast layer (sim/faults/layers.ts), replaced by a larger one
  // at each step: the old layer goes first, so the node never holds both at once.
  let layer = 0;
  const setLeaked = (bytes: number): void => {
    if (layer !== 0) world.command(f.node, { kind: 'unlayer', setting: 'ballastBytes', id: layer });
    layer = 0;
    if (bytes > 0) {
      layer = world.newLayerId();
      world.command(f.node, { kind: 'layer', setting: 'ballastBytes', id: layer, value: bytes });
    }
  };
  const stop = (): void => {
    active = false;
    leaked = 0;
    setLeaked(0);
  };
  const tick = (): void => {
    if (!active) return;
    if (died || world.nowUs >= endUs) return stop();
    leaked += perStep;
    world.at(world.nowUs + LEAK_STEP_US, `leak ${f.node}`, tick);
    setLeaked(leaked);
  };
  world.at(f.at, name, () => {
    if (world.status[f.node] !== 'up') return;
    active = true;
    world.at(f.at + LEAK_STEP_US, `leak ${f.node}`, tick);
  });
  if (f.duration !== undefined) world.at(endUs, `leak over ${f.node}`, () => {
    if (active) stop();
  });
}
