// A node's fault-changeable settings: CPU throttle and start cost, clock drift, memory
// ballast and the disk's fault profile, each a Layered value over the node's configured base.
//
// Contract: faults change a node only by adding and removing layers (NodeCommand 'layer' and
// 'unlayer', see runtime.ts), never by writing a value, so any set of overlapping faults,
// once healed, leaves every setting at its base. How layers combine is fixed per setting
// here, in one table: throttle takes the largest factor (two slowdowns: the slower one
// applies), ballast the sum, disk capacity the smallest cap, fsyncLies is true while any
// layer says so, fsyncSlowUs the largest added disk time, and the rest take the latest-added layer. The runtime pushes each new
// effective value into the host's CPU, clock, disk and memory (runtime.ts applySetting).
import type { Micros } from '../../core/env.ts';
import type { DiskFaults } from '../disk/disk.ts';
import { any, largest, latestWins, Layered, smallest, sum, type Combine } from '../kernel/layered.ts';

export interface NodeSettingValues {
  /** CPU service-time multiplier (1 is nominal). */
  throttle: number;
  /** Clock drift, parts per million (applies to the wall and the monotonic clock). */
  driftPpm: number;
  /** CPU time charged for a process start. */
  startUs: Micros;
  /** Bytes held outside the process (memory-exhaustion faults). */
  ballastBytes: number;
  capacityBytes: DiskFaults['capacityBytes'];
  fsyncLies: DiskFaults['fsyncLies'];
  tornWriteProb: DiskFaults['tornWriteProb'];
  readErrorProb: DiskFaults['readErrorProb'];
  fsyncSlowUs: DiskFaults['fsyncSlowUs'];
}

export type NodeSetting = keyof NodeSettingValues;

type Rules = { [K in NodeSetting]: Combine<NodeSettingValues[K], NodeSettingValues[K]> };

/** How each setting's layers combine (documented in docs/faults.md). */
export const COMBINE: Rules = {
  throttle: largest,
  driftPpm: latestWins,
  startUs: latestWins,
  ballastBytes: sum,
  capacityBytes: smallest,
  fsyncLies: any,
  tornWriteProb: latestWins,
  readErrorProb: latestWins,
  fsyncSlowUs: largest,
};

export const NODE_SETTINGS = Object.keys(COMBINE) as NodeSetting[];

type LayeredSettings = { [K in NodeSetting]: Layered<NodeSettingValues[K]> };

export class NodeSettings {
  private readonly layered: LayeredSettings;

  constructor(base: NodeSettingValues) {
    const make = <K extends NodeSetting>(k: K): Layered<NodeSettingValues[K]> => new Layered(base[k], COMBINE[k]);
    this.layered = {
      throttle: make('throttle'), driftPpm: make('driftPpm'), startUs: make('startUs'), ballastBytes: make('ballastBytes'),
      capacityBytes: make('capacityBytes'), fsyncLies: make('fsyncLies'), tornWriteProb: make('tornWriteProb'), readErrorProb: make('readErrorProb'),
      fsyncSlowUs: make('fsyncSlowUs'),
    };
  }

  value<K extends NodeSetting>(k: K): NodeSettingValues[K] {
    return this.layered[k].value;
  }

  base<K extends NodeSetting>(k: K): NodeSettingValues[K] {
    return this.layered[k].base;
  }

  add<K extends NodeSetting>(k: K, id: number, v: NodeSettingValues[K]): NodeSettingValues[K] {
    return this.layered[k].add(id, v);
  }

  /** `add` for a setting and value that arrived as data (a command, maybe from another thread). */
  addChecked(k: NodeSetting, id: number, v: unknown): NodeSettingValues[NodeSetting] {
    if (!(k in COMBINE)) throw new Error(`no node setting ${String(k)}`);
    const ok = k === 'fsyncLies' ? typeof v === 'boolean' : typeof v === 'number' && !Number.isNaN(v);
    if (!ok) throw new Error(`node setting ${k}: bad value ${String(v)}`);
    return (this.layered[k] as Layered<unknown>).add(id, v) as NodeSettingValues[NodeSetting];
  }

  remove<K extends NodeSetting>(k: K, id: number): NodeSettingValues[K] {
    return this.layered[k].remove(id);
  }

  /** Layers active on any setting (0 once every fault has healed). */
  get depth(): number {
    let n = 0;
    for (const k of NODE_SETTINGS) n += this.layered[k].depth;
    return n;
  }
}
