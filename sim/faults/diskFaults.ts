// The nemesis, disk part: faults that change what a node's disk does for a while.
//
// Contract: each fault puts a layer over one setting of the disk's fault profile at `at` and
// removes it at `at + duration` (sim/host/settings.ts), so overlapping disk faults heal in
// any order. diskFull caps capacity at the bytes in use (every growing write fails with
// ENOSPC; the tightest cap wins); fsyncLoss makes fsync report success without making
// anything durable; tornWrites sets the chance a crash tears the first unsynced record;
// readErrors sets the chance a read fails with EIO (for these two the latest layer wins);
// slowDisk adds disk time to every fsync (the largest layer wins), and with `down` first
// crashes the node (its unsynced writes are lost) and restarts it `down` later on that disk.
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { nodeLayer } from './layers.ts';

type DiskFault = Extract<FaultSpec, { kind: 'diskFull' | 'fsyncLoss' | 'tornWrites' | 'readErrors' | 'slowDisk' }>;

const HEAL_NAME: Record<DiskFault['kind'], string> = {
  diskFull: 'disk space',
  fsyncLoss: 'fsync honest',
  tornWrites: 'torn writes over',
  readErrors: 'read errors over',
  slowDisk: 'disk fast again',
};

export function scheduleDiskFault(world: World, f: DiskFault, name: string): void {
  const endUs = f.at + f.duration;
  const heal = `${HEAL_NAME[f.kind]} ${f.node}`;
  switch (f.kind) {
    case 'diskFull': {
      // Only the node's runtime knows the bytes in use, so it sets the cap's value.
      let id = 0;
      world.at(f.at, name, () => {
        id = world.newLayerId();
        world.command(f.node, { kind: 'diskFull', id });
      });
      world.at(endUs, heal, () => world.command(f.node, { kind: 'unlayer', setting: 'capacityBytes', id }));
      return;
    }
    case 'fsyncLoss':
      return nodeLayer(world, f.node, 'fsyncLies', true, f.at, endUs, name, heal);
    case 'tornWrites':
      return nodeLayer(world, f.node, 'tornWriteProb', f.prob, f.at, endUs, name, heal);
    case 'readErrors':
      return nodeLayer(world, f.node, 'readErrorProb', f.prob, f.at, endUs, name, heal);
    case 'slowDisk': {
      const down = f.down;
      if (down !== undefined) world.at(f.at, `crash ${f.node} (restarts on a slow disk)`, () => world.crashNode(f.node));
      nodeLayer(world, f.node, 'fsyncSlowUs', f.fsync, f.at, endUs, name, heal);
      if (down !== undefined) world.at(f.at + down, `restart ${f.node} on a slow disk`, () => world.startNode(f.node));
      return;
    }
  }
}
