// The nemesis's one way to change a setting: a layer added when a fault starts and removed
// when it heals (sim/kernel/layered.ts), for node settings (CPU, clock, memory, disk; the
// layers live in each host, see sim/host/settings.ts) and link profiles (in the network).
//
// Contract: `nodeLayer` and `linkLayer` schedule the add at `atUs` and, when `endUs` is
// given, the removal at `endUs`; a fault with no end keeps its layer for the rest of the
// run. Node layers go through world.command, so they work whether the nodes run in this
// thread or remotely under lockstep. Layer ids come from the world, so every layer of a
// run has its own.
import type { Micros, NodeId } from '../../core/env.ts';
import type { NodeCommand } from '../host/runtime.ts';
import type { NodeSetting, NodeSettingValues } from '../host/settings.ts';
import type { LinkProfile } from '../net/link.ts';
import type { World } from '../world/world.ts';

export function nodeLayer<K extends NodeSetting>(world: World, node: NodeId, setting: K, value: NodeSettingValues[K], atUs: Micros, endUs: Micros | undefined, name: string, healName: string): void {
  let id = 0;
  world.at(atUs, name, () => {
    id = world.newLayerId();
    world.command(node, { kind: 'layer', setting, id, value } as NodeCommand);
  });
  if (endUs !== undefined) world.at(endUs, healName, () => world.command(node, { kind: 'unlayer', setting, id }));
}

export function linkLayer(world: World, pairs: readonly (readonly [NodeId, NodeId])[], change: Partial<LinkProfile>, atUs: Micros, endUs: Micros, name: string, healName: string): void {
  let id = 0;
  world.at(atUs, name, () => {
    id = world.newLayerId();
    world.net.addLayer(id, pairs, change);
  });
  world.at(endUs, healName, () => world.net.removeLayer(id, pairs));
}
