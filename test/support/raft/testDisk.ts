// Test helper: an in-memory DiskPort with volatile writes, fsync, crashes and torn writes.
//
// Contract: reads see pending writes; fsync makes every pending write durable; crash()
// keeps the durable state plus optionally the first `keepPendingOps` pending operations,
// and may tear the last kept append (cut its record in half). `failWith` makes every
// write fail with that error until cleared, like a full disk.

import type { DiskErrorCode, DiskPort, DiskRead, DiskResult } from '../../../core/env.ts';

type Op =
  | { kind: 'append'; file: string; record: string }
  | { kind: 'replace'; file: string; records: string[] }
  | { kind: 'remove'; file: string };

export interface CrashOptions {
  /** How many pending operations survive the crash (default 0). */
  keepPendingOps?: number;
  /** Tear the last surviving append in half. */
  tearLast?: boolean;
}

const OK: DiskResult = { ok: true };

function applyOp(files: Map<string, string[]>, op: Op): void {
  if (op.kind === 'append') {
    const f = files.get(op.file) ?? [];
    f.push(op.record);
    files.set(op.file, f);
  } else if (op.kind === 'replace') files.set(op.file, [...op.records]);
  else files.delete(op.file);
}

export class MemDisk implements DiskPort {
  private durable = new Map<string, string[]>();
  private view = new Map<string, string[]>();
  private pending: Op[] = [];
  failWith: DiskErrorCode | undefined;
  /** Makes the next fsync fail with EIO, leaving its writes pending. */
  failNextFsync = false;
  fsyncCount = 0;

  private write(op: Op): DiskResult {
    if (this.failWith !== undefined) return { ok: false, error: this.failWith };
    this.pending.push(op);
    applyOp(this.view, op);
    return OK;
  }

  append(file: string, record: string): DiskResult {
    return this.write({ kind: 'append', file, record });
  }

  replace(file: string, records: readonly string[]): DiskResult {
    return this.write({ kind: 'replace', file, records: [...records] });
  }

  remove(file: string): DiskResult {
    return this.write({ kind: 'remove', file });
  }

  fsync(): DiskResult {
    if (this.failWith !== undefined) return { ok: false, error: this.failWith };
    if (this.failNextFsync) {
      this.failNextFsync = false;
      return { ok: false, error: 'EIO' };
    }
    for (const op of this.pending) applyOp(this.durable, op);
    this.pending = [];
    this.fsyncCount++;
    return OK;
  }

  read(file: string): DiskRead {
    return { ok: true, records: [...(this.view.get(file) ?? [])] };
  }

  list(): readonly string[] {
    return [...this.view.keys()].sort();
  }

  pendingOpCount(): number {
    return this.pending.length;
  }

  crash(opts: CrashOptions = {}): void {
    const kept = this.pending.slice(0, opts.keepPendingOps ?? 0);
    const last = kept[kept.length - 1];
    if (opts.tearLast === true && last?.kind === 'append') {
      kept[kept.length - 1] = { ...last, record: last.record.slice(0, Math.floor(last.record.length / 2)) };
    }
    for (const op of kept) applyOp(this.durable, op);
    this.pending = [];
    this.view = new Map([...this.durable].map(([k, v]) => [k, [...v]]));
  }

  /** Overwrites one durable record, to simulate bit rot. */
  corrupt(file: string, recordIndex: number, record: string): void {
    for (const files of [this.durable, this.view]) {
      const f = files.get(file);
      if (f !== undefined && recordIndex < f.length) f[recordIndex] = record;
    }
  }
}
