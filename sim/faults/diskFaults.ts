// The nemesis, disk part: faults that change what a node's disk does for a while.
//
// Contract: each fault changes one field of the disk's fault profile at `at` and puts back
// the value it found at `at + duration`, so overlapping disk faults on different fields
// heal independently. diskFull caps capacity at the bytes in use (every growing write
// fails with ENOSPC); fsyncLoss makes fsync report success without making anything
// durable; tornWrites sets the chance a crash tears the first unsynced record; readErrors
// sets the chance a read fails with EIO. Changes go through world.command (nodeState.ts).
import type { DiskFaults } from '../disk/disk.ts';
import type { FaultSpec } from '../scenario/schema.ts';
import type { World } from '../world/world.ts';
import { setDisk, settingsOf } from './nodeState.ts';

type DiskFault = Extract<FaultSpec, { kind: 'diskFull' | 'fsyncLoss' | 'tornWrites' | 'readErrors' }>;

function change(f: Exclude<DiskFault, { kind: 'diskFull' }>): Partial<DiskFaults> {
  switch (f.kind) {
    case 'fsyncLoss': return { fsyncLies: true };
    case 'tornWrites': return { tornWriteProb: f.prob };
    case 'readErrors': return { readErrorProb: f.prob };
  }
}

const HEAL_NAME: Record<DiskFault['kind'], string> = {
  diskFull: 'disk space',
  fsyncLoss: 'fsync honest',
  tornWrites: 'torn writes over',
  readErrors: 'read errors over',
};

export function scheduleDiskFault(world: World, f: DiskFault, name: string): void {
  let saved: Partial<DiskFaults> = {};
  world.at(f.at, name, () => {
    const now = settingsOf(world, f.node).disk;
    if (f.kind === 'diskFull') {
      // Only the node's runtime knows the bytes in use, so the cap is set there.
      saved = { capacityBytes: now.capacityBytes };
      world.command(f.node, { kind: 'diskFull' });
      return;
    }
    const c = change(f);
    saved = {};
    for (const k of Object.keys(c) as (keyof DiskFaults)[]) (saved as Record<string, unknown>)[k] = now[k];
    setDisk(world, f.node, c);
  });
  world.at(f.at + f.duration, `${HEAL_NAME[f.kind]} ${f.node}`, () => setDisk(world, f.node, saved));
}
