// A node's simulated disk: files of string records with write vs fsync semantics.
//
// Contract: writes are visible to reads at once (page cache) but durable only after
// `fsync`. `crash` reverts every file to its last synced content; with probability
// `tornWriteProb` a file that had unsynced appends keeps a torn prefix of the first lost
// record, which is what a recovering reader sees after power loss mid-write. A full disk
// fails writes with ENOSPC, an injected read error fails reads with EIO, and a lying
// fsync (fsyncLies) reports success without making anything durable. Every outcome is a
// value; nothing throws on an expected fault. Disk time is opt-in: with fsyncMaxUs > 0 (or a
// slow-disk layer, fsyncSlowUs) fsyncDelayUs() says how long the next fsync takes, drawn
// uniformly from [fsyncMinUs, fsyncMaxUs] plus fsyncSlowUs; a server waits that long before
// it fsyncs and acts (core/kv/server.ts). With both at 0 it draws nothing.
import type { DiskPort, DiskRead, DiskResult } from '../../core/env.ts';
import type { Stream } from '../kernel/random.ts';

interface FileState {
  /** Visible records (page cache). */
  cur: string[];
  /** Durable records: the array last synced, of which the first `durLen` are durable. */
  dur: string[];
  durLen: number;
  exists: boolean;
  durExists: boolean;
}

export interface DiskFaults {
  capacityBytes: number;
  readErrorProb: number;
  tornWriteProb: number;
  fsyncLies: boolean;
  /** Disk time of one fsync, drawn uniformly from [fsyncMinUs, fsyncMaxUs] (0, 0: none). */
  fsyncMinUs: number;
  fsyncMaxUs: number;
  /** Added to every fsync's time while a slow-disk fault holds (a layer). */
  fsyncSlowUs: number;
}

export const DEFAULT_DISK_FAULTS: DiskFaults = {
  capacityBytes: 1 << 30,
  readErrorProb: 0,
  tornWriteProb: 0.5,
  fsyncLies: false,
  fsyncMinUs: 0,
  fsyncMaxUs: 0,
  fsyncSlowUs: 0,
};

const OK: DiskResult = { ok: true };
const ENOSPC: DiskResult = { ok: false, error: 'ENOSPC' };

export class SimDisk implements DiskPort {
  private readonly files = new Map<string, FileState>();
  private usedBytes = 0;
  /** Fsyncs performed since the host last asked (the host charges CPU time for them). */
  fsyncCount = 0;
  faults: DiskFaults;

  constructor(private readonly random: Stream, faults: Partial<DiskFaults> = {}) {
    this.faults = { ...DEFAULT_DISK_FAULTS, ...faults };
  }

  get bytesUsed(): number {
    return this.usedBytes;
  }

  private file(name: string): FileState {
    let f = this.files.get(name);
    if (f === undefined) {
      f = { cur: [], dur: [], durLen: 0, exists: false, durExists: false };
      this.files.set(name, f);
    }
    return f;
  }

  append(name: string, record: string): DiskResult {
    if (this.usedBytes + record.length > this.faults.capacityBytes) return ENOSPC;
    const f = this.file(name);
    f.exists = true;
    f.cur.push(record);
    this.usedBytes += record.length;
    return OK;
  }

  replace(name: string, records: readonly string[]): DiskResult {
    const f = this.file(name);
    let size = 0;
    for (const r of records) size += r.length;
    const freed = f.exists ? sizeOf(f.cur) : 0;
    if (this.usedBytes - freed + size > this.faults.capacityBytes) return ENOSPC;
    f.cur = records.slice();
    f.exists = true;
    this.usedBytes += size - freed;
    return OK;
  }

  remove(name: string): DiskResult {
    const f = this.files.get(name);
    if (f === undefined || !f.exists) return OK;
    this.usedBytes -= sizeOf(f.cur);
    f.cur = [];
    f.exists = false;
    return OK;
  }

  fsync(): DiskResult {
    this.fsyncCount++;
    if (this.faults.fsyncLies) return OK;
    for (const f of this.files.values()) {
      f.dur = f.cur;
      f.durLen = f.cur.length;
      f.durExists = f.exists;
    }
    return OK;
  }

  fsyncDelayUs(): number {
    const f = this.faults;
    const spread = f.fsyncMaxUs - f.fsyncMinUs;
    const base = spread > 0 ? f.fsyncMinUs + this.random.int(spread + 1) : f.fsyncMaxUs;
    return base + f.fsyncSlowUs;
  }

  read(name: string): DiskRead {
    if (this.random.chance(this.faults.readErrorProb)) return { ok: false, error: 'EIO' };
    const f = this.files.get(name);
    return { ok: true, records: f !== undefined && f.exists ? f.cur : [] };
  }

  list(): readonly string[] {
    const names: string[] = [];
    for (const [name, f] of this.files) if (f.exists) names.push(name);
    return names.sort();
  }

  /** Power loss: unsynced writes are gone; the first lost append may survive torn. */
  crash(): { lostRecords: number; torn: number } {
    let lostRecords = 0;
    let torn = 0;
    const names = [...this.files.keys()].sort();
    for (const name of names) {
      const f = this.files.get(name) as FileState;
      const appendedOnly = f.cur === f.dur && f.exists === f.durExists;
      const durable = f.dur.slice(0, f.durLen);
      if (appendedOnly && f.cur.length > f.durLen) {
        lostRecords += f.cur.length - f.durLen;
        const first = f.cur[f.durLen];
        if (first.length > 1 && this.random.chance(this.faults.tornWriteProb)) {
          durable.push(first.slice(0, 1 + this.random.int(first.length - 1)));
          torn++;
        }
      } else if (!appendedOnly) {
        lostRecords += f.cur.length;
      }
      f.cur = durable;
      f.dur = durable;
      f.durLen = durable.length;
      f.exists = f.durExists;
    }
    this.usedBytes = 0;
    for (const f of this.files.values()) if (f.exists) this.usedBytes += sizeOf(f.cur);
    return { lostRecords, torn };
  }
}

function sizeOf(records: readonly string[]): number {
  let n = 0;
  for (const r of records) n += r.length;
  return n;
}
