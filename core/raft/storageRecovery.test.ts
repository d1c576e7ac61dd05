// Goal: what raft.log and raft.snapshot give back after a crash is exactly what was
// acknowledged: no acknowledged entry or vote lost, no truncated entry resurrected, no torn
// record accepted, and every other bad record (or unreadable file, or failed repair)
// reported as a value, never as a silently smaller state or a thrown TypeError.
// Method: persistReady against MemDisk and a scripted variant of it (single writes or reads
// that fail), crashes that keep any prefix of the pending writes, a torn last record cut at
// every byte offset, and hand-written records for the file states only a fault can leave;
// each recovery is compared whole (toStrictEqual) with the state the writes describe.

import { describe, expect, it } from 'vitest';
import type { DiskErrorCode, DiskRead, DiskResult } from '../env.ts';
import { encodeRecord } from './record.ts';
import { RAFT_FILES, RaftStorageCorruption, persistReady, recover, recoverResult } from './storage.ts';
import { MemDisk } from '../../test/support/raft/testDisk.ts';
import { entriesFromTerms } from '../../test/support/raft/testNetwork.ts';
import type { ConfState, Entry, HardState, Ready, Snapshot } from './types.ts';

const conf: ConfState = { voters: [1, 2, 3], learners: [] };

function ready(p: Partial<Ready>): Ready {
  return { entries: [], committedEntries: [], messages: [], readStates: [], mustSync: true, ...p };
}

function snap(index: number, term: number, c: ConfState = conf, data = `img${index}`): Snapshot {
  return { meta: { index, term, conf: c }, data };
}

function entry(index: number, term: number, data = `t${term}i${index}`): Entry {
  return { term, index, type: 'normal', data };
}

/** MemDisk whose single writes or reads can be made to fail, as a real disk's can. */
class ScriptedDisk extends MemDisk {
  /** Files whose reads fail with EIO (a missing file needs no read). */
  readonly unreadable = new Set<string>();
  /** Asked before each append or replace; an error code fails that write alone. */
  failWrite: ((kind: 'append' | 'replace', file: string) => DiskErrorCode | undefined) | undefined;
  /** The writes the disk took, in order (`append raft.log`), for tests of what a Ready wrote. */
  writes: string[] = [];

  override append(file: string, record: string): DiskResult {
    const e = this.failWrite?.('append', file);
    if (e !== undefined) return { ok: false, error: e };
    this.writes.push(`append ${file}`);
    return super.append(file, record);
  }

  override replace(file: string, records: readonly string[]): DiskResult {
    const e = this.failWrite?.('replace', file);
    if (e !== undefined) return { ok: false, error: e };
    this.writes.push(`replace ${file}`);
    return super.replace(file, records);
  }

  override read(file: string): DiskRead {
    return this.unreadable.has(file) ? { ok: false, error: 'EIO' } : super.read(file);
  }
}

function records(disk: MemDisk, file: string): readonly string[] {
  const r = disk.read(file);
  if (!r.ok) throw new Error(`test: cannot read ${file}`);
  return r.records;
}

/** Writes raft.log (and raft.snapshot when given) durably, record by record, as a fault may leave them. */
function writeFiles(disk: MemDisk, log: readonly string[], snapshotRecords?: readonly string[]): void {
  disk.replace(RAFT_FILES.log, log);
  if (snapshotRecords !== undefined) disk.replace(RAFT_FILES.snapshot, snapshotRecords);
  disk.fsync();
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err;
  }
  throw new Error('test: expected a throw');
}

const er = (e: Entry): string => encodeRecord({ k: 'e', e });
const hr = (h: HardState): string => encodeRecord({ k: 'h', h });
const sr = (s: Snapshot): string => encodeRecord({ k: 's', s });

describe('round trips through a crash', () => {
  it('recovers exactly the acknowledged state after each Ready: truncations, re-extensions and the last hard state', () => {
    // Each step is acknowledged (persistReady returned ok, so it fsynced); the expected
    // restore is written out by hand.
    const steps: { rd: Ready; entries: Entry[]; hs: HardState }[] = [
      { rd: ready({ entries: entriesFromTerms([1, 1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 2 } }), entries: entriesFromTerms([1, 1, 1, 1, 1]), hs: { term: 1, vote: 1, commit: 2 } },
      // A new leader of term 2 overwrites index 3: 4 and 5 of term 1 must not come back.
      { rd: ready({ entries: [entry(3, 2, 'x3')], hardState: { term: 2, vote: 2, commit: 2 } }), entries: [entry(1, 1), entry(2, 1), entry(3, 2, 'x3')], hs: { term: 2, vote: 2, commit: 2 } },
      // The log grows again past where the old suffix ended.
      { rd: ready({ entries: [entry(4, 2, 'x4'), entry(5, 2, 'x5'), entry(6, 2, 'x6')] }), entries: [entry(1, 1), entry(2, 1), entry(3, 2, 'x3'), entry(4, 2, 'x4'), entry(5, 2, 'x5'), entry(6, 2, 'x6')], hs: { term: 2, vote: 2, commit: 2 } },
      // A hard state alone: a later commit, same term and vote.
      { rd: ready({ hardState: { term: 2, vote: 2, commit: 6 } }), entries: [entry(1, 1), entry(2, 1), entry(3, 2, 'x3'), entry(4, 2, 'x4'), entry(5, 2, 'x5'), entry(6, 2, 'x6')], hs: { term: 2, vote: 2, commit: 6 } },
      // A vote in a later term with no new entry: the term and vote outrank the log's terms.
      { rd: ready({ hardState: { term: 5, vote: 3, commit: 6 } }), entries: [entry(1, 1), entry(2, 1), entry(3, 2, 'x3'), entry(4, 2, 'x4'), entry(5, 2, 'x5'), entry(6, 2, 'x6')], hs: { term: 5, vote: 3, commit: 6 } },
      // The term-5 leader's first entry.
      { rd: ready({ entries: [entry(7, 5)], hardState: { term: 5, vote: 3, commit: 7 } }), entries: [entry(1, 1), entry(2, 1), entry(3, 2, 'x3'), entry(4, 2, 'x4'), entry(5, 2, 'x5'), entry(6, 2, 'x6'), entry(7, 5)], hs: { term: 5, vote: 3, commit: 7 } },
    ];
    const disk = new MemDisk();
    for (const s of steps) {
      expect(persistReady(disk, s.rd)).toEqual({ ok: true });
      disk.crash();
      expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: { hardState: s.hs, entries: s.entries, conf }, tornTailRepaired: false });
    }
  });

  it('writes entries before the hard state, so a crash keeping any prefix of a Ready never keeps a commit without its entries', () => {
    for (let keep = 0; keep <= 4; keep++) {
      const disk = new MemDisk();
      persistReady(disk, ready({ entries: entriesFromTerms([1]), hardState: { term: 1, vote: 1, commit: 1 } }));
      disk.failNextFsync = true;
      expect(persistReady(disk, ready({ entries: [entry(2, 2), entry(3, 2), entry(4, 2)], hardState: { term: 2, vote: 2, commit: 4 } }))).toEqual({ ok: false, error: 'EIO' });
      expect(disk.pendingOpCount()).toBe(4);
      disk.crash({ keepPendingOps: keep });
      const r = recover(disk, conf);
      const kept = Math.min(keep, 3);
      expect(r.entries).toEqual([entry(1, 1), ...[entry(2, 2), entry(3, 2), entry(4, 2)].slice(0, kept)]);
      // The new hard state only with all three entries; before that the term-2 entries
      // raise the term but never carry the term-1 vote into term 2.
      const hs = keep === 4 ? { term: 2, vote: 2, commit: 4 } : kept > 0 ? { term: 2, vote: -1, commit: 1 } : { term: 1, vote: 1, commit: 1 };
      expect(r.hardState).toEqual(hs);
    }
  });

  it('keeps a vote for a later term than any entry across a restart', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1]), hardState: { term: 7, vote: 2, commit: 1 } }));
    disk.crash();
    expect(recover(disk, conf).hardState).toEqual({ term: 7, vote: 2, commit: 1 });
  });

  it('accepts the zero hard state (term 0, no vote, commit 0) as written', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ hardState: { term: 0, vote: -1, commit: 0 } }));
    disk.crash();
    expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: { hardState: { term: 0, vote: -1, commit: 0 }, entries: [], conf }, tornTailRepaired: false });
  });

  it('clamps a commit index past the recovered log to its last index', () => {
    const disk = new MemDisk();
    writeFiles(disk, [er(entry(1, 1)), er(entry(2, 1)), hr({ term: 1, vote: 1, commit: 5 })]);
    expect(recover(disk, conf).hardState).toEqual({ term: 1, vote: 1, commit: 2 });
  });

  it('replays an entry below the first one in the file as a truncation of the whole file', () => {
    // "An entry at index i replaces any entry >= i", also when i is before the file's first.
    const disk = new MemDisk();
    writeFiles(disk, [er(entry(4, 1)), er(entry(5, 1)), er(entry(3, 2))], [sr(snap(2, 1))]);
    expect(recover(disk, conf).entries).toEqual([entry(3, 2)]);
  });
});

describe('a Ready that writes nothing, and writes that fail', () => {
  it('a Ready with nothing durable neither writes nor fsyncs, even on a full disk', () => {
    const disk = new MemDisk();
    disk.failWith = 'ENOSPC';
    expect(persistReady(disk, ready({ committedEntries: entriesFromTerms([1]) }))).toEqual({ ok: true });
    expect(disk.fsyncCount).toBe(0);
    expect(disk.list()).toEqual([]);
  });

  it('stops at the first failed append: nothing after it is written or synced', () => {
    for (const failAt of [1, 2, 3]) {
      const disk = new ScriptedDisk();
      persistReady(disk, ready({ entries: entriesFromTerms([1]), hardState: { term: 1, vote: 1, commit: 1 } }));
      let appends = 0;
      disk.failWrite = (kind) => (kind === 'append' && ++appends === failAt ? 'ENOSPC' : undefined);
      const before = disk.fsyncCount;
      // Two entries then the hard state: fail the first, the second or the hard state.
      expect(persistReady(disk, ready({ entries: [entry(2, 2), entry(3, 2)], hardState: { term: 2, vote: 2, commit: 3 } }))).toEqual({ ok: false, error: 'ENOSPC' });
      expect(disk.fsyncCount).toBe(before);
      expect(records(disk, RAFT_FILES.log)).toHaveLength(2 + failAt - 1);
      disk.failWrite = undefined;
      disk.crash();
      expect(recover(disk, conf)).toStrictEqual({ hardState: { term: 1, vote: 1, commit: 1 }, entries: entriesFromTerms([1]), conf });
    }
  });

  it('a compaction-only Ready is made durable', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1]), hardState: { term: 1, vote: 1, commit: 3 } }));
    const before = disk.fsyncCount;
    expect(persistReady(disk, ready({ compaction: snap(2, 1) }))).toEqual({ ok: true });
    expect(disk.fsyncCount).toBe(before + 1);
    expect(disk.pendingOpCount()).toBe(0);
  });

  it('a failed snapshot write leaves raft.log alone and writes nothing else of the Ready', () => {
    const disk = new ScriptedDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 4 } }));
    const log = records(disk, RAFT_FILES.log);
    disk.failWrite = (kind, file) => (file === RAFT_FILES.snapshot ? 'ENOSPC' : undefined);
    disk.writes = [];
    expect(persistReady(disk, ready({ compaction: snap(3, 1), entries: [entry(5, 1)], hardState: { term: 1, vote: 1, commit: 5 } }))).toEqual({ ok: false, error: 'ENOSPC' });
    expect(disk.writes).toEqual([]);
    expect(records(disk, RAFT_FILES.log)).toEqual(log);
    disk.failWrite = undefined;
    disk.crash();
    expect(recover(disk, conf)).toStrictEqual({ hardState: { term: 1, vote: 1, commit: 4 }, entries: entriesFromTerms([1, 1, 1, 1]), conf });
  });

  it('a failed log rewrite after the snapshot write is reported and stops the Ready', () => {
    const disk = new ScriptedDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 4 } }));
    disk.failWrite = (kind, file) => (kind === 'replace' && file === RAFT_FILES.log ? 'ENOSPC' : undefined);
    disk.writes = [];
    const before = disk.fsyncCount;
    expect(persistReady(disk, ready({ compaction: snap(3, 1), entries: [entry(5, 1)] }))).toEqual({ ok: false, error: 'ENOSPC' });
    expect(disk.writes).toEqual([`replace ${RAFT_FILES.snapshot}`]);
    expect(disk.fsyncCount).toBe(before);
  });

  it('a compaction over an unreadable or corrupt raft.log fails with EIO and keeps the log as it is', () => {
    const unreadable = new ScriptedDisk();
    persistReady(unreadable, ready({ entries: entriesFromTerms([1, 1, 1]), hardState: { term: 1, vote: 1, commit: 3 } }));
    unreadable.unreadable.add(RAFT_FILES.log);
    expect(persistReady(unreadable, ready({ compaction: snap(2, 1) }))).toEqual({ ok: false, error: 'EIO' });

    // Bit rot in a record this process wrote itself: the rewrite must read what is on disk,
    // not what it remembers writing, and refuse to turn the corruption into a clean file.
    const rotten = new MemDisk();
    persistReady(rotten, ready({ entries: entriesFromTerms([1, 1, 1]), hardState: { term: 1, vote: 1, commit: 3 } }));
    const log = [...records(rotten, RAFT_FILES.log)];
    log[1] = log[1].replace('t1i2', 't1i9');
    rotten.corrupt(RAFT_FILES.log, 1, log[1]);
    expect(persistReady(rotten, ready({ compaction: snap(2, 1) }))).toEqual({ ok: false, error: 'EIO' });
    expect(records(rotten, RAFT_FILES.log)).toEqual(log);
  });

  it('a compaction over a raft.log with a gap fails (EIO) and leaves the log for recovery to report, term and vote kept', () => {
    // A gap needs a record with a valid checksum at the wrong index, which no crash makes.
    // The rewrite used to keep nothing of such a log, the hard state included: after a
    // restart the term went back from 5 to 1 and the vote was forgotten.
    const disk = new MemDisk();
    writeFiles(disk, [er(entry(1, 1)), er(entry(2, 1)), er(entry(4, 1)), hr({ term: 5, vote: 2, commit: 2 })]);
    const log = [...records(disk, RAFT_FILES.log)];
    expect(persistReady(disk, ready({ compaction: snap(2, 1) }))).toEqual({ ok: false, error: 'EIO' });
    expect(records(disk, RAFT_FILES.log)).toEqual(log);
    disk.crash();
    expect(recoverResult(disk, conf)).toEqual({ ok: false, error: 'raft.log: gap before index 4 (last 2)' });
  });

  it('a compaction over a log that starts past the snapshot drops those entries but keeps the hard state', () => {
    // Entries 4 and 5 are missing: the log cannot continue any snapshot up to 5.
    const disk = new MemDisk();
    writeFiles(disk, [hr({ term: 4, vote: 2, commit: 3 }), er(entry(6, 1)), er(entry(7, 1))], [sr(snap(3, 1))]);
    expect(persistReady(disk, ready({ compaction: snap(4, 1) }))).toEqual({ ok: true });
    disk.crash();
    expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: { hardState: { term: 4, vote: 2, commit: 4 }, entries: [], conf, snapshot: snap(4, 1) }, tornTailRepaired: false });
  });
});

describe('torn and corrupt records of raft.log', () => {
  const synced = [er(entry(1, 1)), er(entry(2, 1)), hr({ term: 1, vote: 1, commit: 2 })];
  const syncedRestore = { hardState: { term: 1, vote: 1, commit: 2 }, entries: entriesFromTerms([1, 1]), conf };

  it('cuts a torn last record off at every byte offset, durably, and recovers what came before', () => {
    for (const last of [er(entry(3, 1)), hr({ term: 2, vote: 3, commit: 2 })]) {
      for (let cut = 0; cut < last.length; cut++) {
        const disk = new MemDisk();
        writeFiles(disk, [...synced, last.slice(0, cut)]);
        const fsyncs = disk.fsyncCount;
        expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: syncedRestore, tornTailRepaired: true });
        // The repair is on disk before recover returns: another crash finds a clean file.
        expect(disk.fsyncCount).toBe(fsyncs + 1);
        expect(disk.pendingOpCount()).toBe(0);
        disk.crash();
        expect(records(disk, RAFT_FILES.log)).toEqual(synced);
        expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: syncedRestore, tornTailRepaired: false });
      }
    }
  });

  it('reports the same torn record anywhere but last as corruption', () => {
    const rec = er(entry(3, 1));
    for (let cut = 0; cut < rec.length; cut++) {
      const disk = new MemDisk();
      writeFiles(disk, [...synced, rec.slice(0, cut), hr({ term: 1, vote: 1, commit: 3 })]);
      const r = recoverResult(disk, conf);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(/^raft\.log: record 4 of 5 is corrupt \((malformed record|checksum mismatch)\)$/);
      expect(records(disk, RAFT_FILES.log)).toHaveLength(5);
    }
  });

  it('a clean recovery writes nothing', () => {
    const disk = new MemDisk();
    writeFiles(disk, synced);
    const fsyncs = disk.fsyncCount;
    expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: syncedRestore, tornTailRepaired: false });
    expect(disk.fsyncCount).toBe(fsyncs);
    expect(disk.pendingOpCount()).toBe(0);
  });

  it('reports a failed repair instead of recovering over a torn record', () => {
    const full = new MemDisk();
    writeFiles(full, [...synced, 'v1|00']);
    full.failWith = 'ENOSPC';
    expect(recoverResult(full, conf)).toEqual({ ok: false, error: 'raft.log: repair failed (ENOSPC)' });

    const noSync = new MemDisk();
    writeFiles(noSync, [...synced, 'v1|00']);
    noSync.failNextFsync = true;
    expect(recoverResult(noSync, conf)).toEqual({ ok: false, error: 'raft.log: repair failed (EIO)' });

    // The rewrite fails but a sync would not: the error is the rewrite's, and nothing is synced.
    const noReplace = new ScriptedDisk();
    writeFiles(noReplace, [...synced, 'v1|00']);
    noReplace.failWrite = (kind) => (kind === 'replace' ? 'ENOSPC' : undefined);
    const fsyncs = noReplace.fsyncCount;
    expect(recoverResult(noReplace, conf)).toEqual({ ok: false, error: 'raft.log: repair failed (ENOSPC)' });
    expect(noReplace.fsyncCount).toBe(fsyncs);
  });

  it('a last record that decodes but is not a valid record is corruption, not a torn write', () => {
    const disk = new MemDisk();
    writeFiles(disk, [...synced, hr({ term: 1, vote: -2, commit: 2 })]);
    expect(recoverResult(disk, conf)).toEqual({ ok: false, error: 'raft.log: record 4 of 4 is corrupt (invalid content)' });
  });

  it('refuses each well-checksummed record whose content is not an entry or a hard state', () => {
    const bad: unknown[] = [
      null,
      7,
      'e',
      [],
      { k: 'x', e: entry(3, 1) },
      { k: 'e', e: { ...entry(3, 1), term: 0 } },
      { k: 'e', e: null },
      { k: 'h', h: null },
      { k: 'h', h: 3 },
      { k: 'h', h: { term: -1, vote: 1, commit: 2 } },
      { k: 'h', h: { term: 1.5, vote: 1, commit: 2 } },
      { k: 'h', h: { term: '1', vote: 1, commit: 2 } },
      { k: 'h', h: { term: 1, vote: 1, commit: -1 } },
      { k: 'h', h: { term: 1, vote: 1, commit: 2.5 } },
      { k: 'h', h: { term: 1, vote: -2, commit: 2 } },
      { k: 'h', h: { term: 1, vote: 1.5, commit: 2 } },
      { k: 'h', h: { term: 1, vote: '1', commit: 2 } },
      { k: 'h', h: { term: 1, commit: 2 } },
      { k: 'h' },
      { k: 'x', h: { term: 1, vote: 1, commit: 2 } },
    ];
    for (const value of bad) {
      const disk = new MemDisk();
      writeFiles(disk, [synced[0], encodeRecord(value), synced[1]]);
      expect(recoverResult(disk, conf), JSON.stringify(value)).toEqual({ ok: false, error: 'raft.log: record 2 of 3 is corrupt (invalid content)' });
      expect(thrown(() => recover(disk, conf))).toMatchObject({ name: 'RaftStorageCorruption', message: 'raft.log: record 2 of 3 is corrupt (invalid content)' });
    }
  });

  it('reports a gap in the log, never recovering around it', () => {
    const disk = new MemDisk();
    writeFiles(disk, [er(entry(1, 1)), er(entry(2, 1)), er(entry(4, 1))]);
    expect(recoverResult(disk, conf)).toEqual({ ok: false, error: 'raft.log: gap before index 4 (last 2)' });
  });

  it('reports a log that does not start at 1 when there is no snapshot', () => {
    const disk = new MemDisk();
    writeFiles(disk, [er(entry(3, 1)), er(entry(4, 1))]);
    // There is no snapshot to end anywhere: the message says so.
    expect(recoverResult(disk, conf)).toEqual({ ok: false, error: 'raft.log: log starts at 3 without a snapshot' });
    expect(() => recover(disk, conf)).toThrow(RaftStorageCorruption);
  });

  it('reports a log that starts after the entry following the snapshot', () => {
    const disk = new MemDisk();
    writeFiles(disk, [er(entry(6, 1)), er(entry(7, 1))], [sr(snap(3, 1))]);
    expect(recoverResult(disk, conf)).toEqual({ ok: false, error: 'raft.log: log starts at 6 but the snapshot ends at 3' });
    expect(() => recover(disk, conf)).toThrow(RaftStorageCorruption);
  });

  it('an unreadable raft.log is an error; a missing one needs no read', () => {
    const disk = new ScriptedDisk();
    disk.unreadable.add(RAFT_FILES.log);
    disk.unreadable.add(RAFT_FILES.snapshot);
    expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: { hardState: { term: 0, vote: -1, commit: 0 }, entries: [], conf }, tornTailRepaired: false });
    persistReady(disk, ready({ entries: entriesFromTerms([1]) }));
    expect(recoverResult(disk, conf)).toEqual({ ok: false, error: 'raft.log: read failed (EIO)' });
  });
});

describe('snapshots across a crash', () => {
  const wider: ConfState = { voters: [1, 2, 3, 4], learners: [5] };

  it('a leader\'s snapshot replaces a conflicting log; a restart gives the snapshot, its configuration and what followed', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 2 } }));
    const s = snap(6, 3, wider);
    expect(persistReady(disk, ready({ snapshot: s, hardState: { term: 3, vote: -1, commit: 6 } }))).toEqual({ ok: true });
    // The file names are part of the on-disk format.
    expect(disk.list()).toEqual(['raft.log', 'raft.snapshot']);
    disk.crash();
    expect(recoverResult(disk, conf)).toStrictEqual({ ok: true, restore: { hardState: { term: 3, vote: -1, commit: 6 }, entries: [], conf: wider, snapshot: s }, tornTailRepaired: false });
    persistReady(disk, ready({ entries: [entry(7, 3)], hardState: { term: 3, vote: -1, commit: 7 } }));
    disk.crash();
    expect(recover(disk, conf)).toStrictEqual({ hardState: { term: 3, vote: -1, commit: 7 }, entries: [entry(7, 3)], conf: wider, snapshot: s });
  });

  it('a snapshot inside the log whose term disagrees drops the whole log, so no entry of the old term comes back', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 2 } }));
    persistReady(disk, ready({ snapshot: snap(3, 2), hardState: { term: 2, vote: -1, commit: 3 } }));
    disk.crash();
    expect(recover(disk, conf)).toStrictEqual({ hardState: { term: 2, vote: -1, commit: 3 }, entries: [], conf, snapshot: snap(3, 2) });
  });

  it('the later of a snapshot and a compaction in one Ready is the one kept, whichever field carries it', () => {
    for (const [early, late] of [[snap(5, 1), snap(8, 1)], [snap(8, 1), snap(5, 1)]]) {
      const disk = new MemDisk();
      persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1, 1, 1, 1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 10 } }));
      persistReady(disk, ready({ snapshot: early, compaction: late }));
      disk.crash();
      const r = recover(disk, conf);
      expect(r.snapshot).toEqual(snap(8, 1));
      expect(r.entries).toEqual([entry(9, 1), entry(10, 1)]);
    }
  });

  it('a compaction one past the previous one keeps the entries after it, also across a crash before the log rewrite', () => {
    // After compacting to 2 the file starts at 3; compacting to 3 then starts at the snapshot's own index.
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 5 } }));
    persistReady(disk, ready({ compaction: snap(2, 1) }));
    expect(persistReady(disk, ready({ compaction: snap(3, 1) }))).toEqual({ ok: true });
    disk.crash();
    expect(recover(disk, conf)).toStrictEqual({ hardState: { term: 1, vote: 1, commit: 5 }, entries: [entry(4, 1), entry(5, 1)], conf, snapshot: snap(3, 1) });

    const torn = new MemDisk();
    persistReady(torn, ready({ entries: entriesFromTerms([1, 1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 5 } }));
    persistReady(torn, ready({ compaction: snap(2, 1) }));
    torn.failNextFsync = true;
    persistReady(torn, ready({ compaction: snap(3, 1) }));
    torn.crash({ keepPendingOps: 1 });
    expect(recover(torn, conf)).toStrictEqual({ hardState: { term: 1, vote: 1, commit: 5 }, entries: [entry(4, 1), entry(5, 1)], conf, snapshot: snap(3, 1) });
  });

  it('a crash right after a leader\'s snapshot is written restarts from it: its term, its index as the commit, no vote', () => {
    // Only the snapshot write survives: the log rewrite and the hard state are lost. The old
    // log ends just before the snapshot (5) or further before it (4).
    for (const terms of [[1, 1, 1, 1, 1], [1, 1, 1, 1]]) {
      const disk = new MemDisk();
      persistReady(disk, ready({ entries: entriesFromTerms(terms), hardState: { term: 1, vote: 1, commit: 2 } }));
      disk.failNextFsync = true;
      persistReady(disk, ready({ snapshot: snap(6, 3, wider), hardState: { term: 3, vote: -1, commit: 6 } }));
      disk.crash({ keepPendingOps: 1 });
      expect(recover(disk, conf)).toStrictEqual({ hardState: { term: 3, vote: -1, commit: 6 }, entries: [], conf: wider, snapshot: snap(6, 3, wider) });
    }

    // The same on a node that had never written raft.log.
    const fresh = new MemDisk();
    fresh.failNextFsync = true;
    persistReady(fresh, ready({ snapshot: snap(6, 3) }));
    fresh.crash({ keepPendingOps: 1 });
    expect(recover(fresh, conf)).toStrictEqual({ hardState: { term: 3, vote: -1, commit: 6 }, entries: [], conf, snapshot: snap(6, 3) });
  });

  it('reports every bad raft.snapshot instead of starting without it', () => {
    const good = sr(snap(3, 1));
    const cases: [readonly string[], string][] = [
      [[], 'raft.snapshot: expected 1 record, found 0'],
      [[good, good], 'raft.snapshot: expected 1 record, found 2'],
      [[good.replace('img3', 'img4')], 'raft.snapshot: corrupt (checksum mismatch)'],
      [[good.slice(0, 20)], 'raft.snapshot: corrupt (checksum mismatch)'],
      [['v1'], 'raft.snapshot: corrupt (malformed record)'],
      [[encodeRecord(null)], 'raft.snapshot: corrupt (invalid content)'],
      [[encodeRecord(3)], 'raft.snapshot: corrupt (invalid content)'],
      [[encodeRecord({ k: 'e', s: snap(3, 1) })], 'raft.snapshot: corrupt (invalid content)'],
      [[encodeRecord({ k: 's', s: { ...snap(3, 1), meta: { index: 3, term: -1, conf } } })], 'raft.snapshot: corrupt (invalid content)'],
    ];
    for (const [snapRecords, error] of cases) {
      const disk = new MemDisk();
      writeFiles(disk, [er(entry(4, 1))], snapRecords);
      expect(recoverResult(disk, conf), error).toEqual({ ok: false, error });
      const err = thrown(() => recover(disk, conf));
      expect(err).toBeInstanceOf(RaftStorageCorruption);
      expect(err).toMatchObject({ name: 'RaftStorageCorruption', message: error });
    }
    const unreadable = new ScriptedDisk();
    writeFiles(unreadable, [er(entry(4, 1))], [good]);
    unreadable.unreadable.add(RAFT_FILES.snapshot);
    expect(recoverResult(unreadable, conf)).toEqual({ ok: false, error: 'raft.snapshot: read failed (EIO)' });
  });
});
