// Goal: the persistence codec keeps Raft's durable state across crashes: versioned,
// checksummed records; conflict truncation; snapshot + compaction with a bounded log file;
// a torn last record is cut off, a bad record in the middle is reported as corruption; a
// failing disk is reported so the host acknowledges nothing.
// Method: drive persistReady/recover against MemDisk, crash it with and without pending
// writes, tear and corrupt records, and compare the recovered RaftRestore with what was
// written.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Hex } from '../hash/crc32.ts';
import { decodeRecord, encodeRecord } from './record.ts';
import { RAFT_FILES, RaftStorageCorruption, forgetLogMirror, logRecordJson, persistReady, recover, recoverResult } from './storage.ts';
import { MemDisk } from '../../test/support/raft/testDisk.ts';
import { entriesFromTerms } from '../../test/support/raft/testNetwork.ts';
import type { Entry, HardState, Ready, Snapshot } from './types.ts';

const conf = { voters: [1, 2, 3], learners: [] };

function ready(p: Partial<Ready>): Ready {
  return { entries: [], committedEntries: [], messages: [], readStates: [], mustSync: true, ...p };
}

function snap(index: number, term: number, data = 'img'): Snapshot {
  return { meta: { index, term, conf }, data };
}

describe('crc32 and records', () => {
  it('matches the standard CRC-32 check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
    expect(crc32Hex('a')).toBe('e8b7be43');
  });

  it('round-trips a record and rejects a flipped or truncated one', () => {
    const rec = encodeRecord({ a: 'ü|x', n: 1 });
    expect(rec.startsWith('v1|')).toBe(true);
    expect(decodeRecord(rec)).toEqual({ ok: true, value: { a: 'ü|x', n: 1 } });
    expect(decodeRecord(rec.replace('"n":1', '"n":2')).ok).toBe(false);
    expect(decodeRecord(rec.slice(0, rec.length - 3)).ok).toBe(false);
    expect(decodeRecord(`v9${rec.slice(2)}`)).toMatchObject({ ok: false, reason: expect.stringMatching(/version/) });
  });

  it('writes a log record\'s JSON member by member exactly as JSON.stringify does', () => {
    // raft.log's text (and so every disk fault's effect and every trace) depends on it.
    const num = fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constantFrom(-0, NaN, Infinity, -Infinity, 2 ** 53));
    const text = fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('normal', 'conf', '"\\\n\u2028', '\ud800'));
    const odd = fc.oneof(num, text, fc.constant(undefined), fc.constant(null), fc.boolean());
    const entry = fc.record({ term: fc.oneof(num, odd), index: num, type: fc.oneof(text, odd), data: fc.oneof(text, odd) });
    const hard = fc.record({ term: num, vote: fc.oneof(num, odd), commit: num });
    fc.assert(
      fc.property(fc.oneof(entry.map((e) => ({ k: 'e' as const, e: e as unknown as Entry })), hard.map((h) => ({ k: 'h' as const, h: h as unknown as HardState }))), (value) => {
        expect(logRecordJson(value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('persistReady / recover', () => {
  it('recovers an empty disk as a fresh node with the initial configuration', () => {
    expect(recover(new MemDisk(), conf)).toEqual({ hardState: { term: 0, vote: -1, commit: 0 }, entries: [], conf });
  });

  it('recovers entries and the last hard state after a crash, and fsyncs every Ready', () => {
    const disk = new MemDisk();
    const hs: HardState = { term: 2, vote: 1, commit: 2 };
    expect(persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 2]), hardState: { term: 2, vote: 1, commit: 0 } })).ok).toBe(true);
    expect(persistReady(disk, ready({ hardState: hs })).ok).toBe(true);
    expect(disk.fsyncCount).toBe(2);
    disk.crash();
    expect(recover(disk, conf)).toEqual({ hardState: hs, entries: entriesFromTerms([1, 1, 2]), conf });
  });

  it('replays a conflict truncation: a rewritten suffix replaces the old one', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1]) }));
    const replacement: Entry[] = [{ term: 2, index: 3, type: 'normal', data: 'new' }];
    persistReady(disk, ready({ entries: replacement, hardState: { term: 2, vote: -1, commit: 0 } }));
    const r = recover(disk, conf);
    expect(r.entries.map((e) => `${e.index}@${e.term}`)).toEqual(['1@1', '2@1', '3@2']);
  });

  it('the bug flag replayKeepsTail replays that truncation wrongly: the replaced entry 4 comes back after 3', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1]) }));
    persistReady(disk, ready({ entries: [{ term: 2, index: 3, type: 'normal', data: 'new' }], hardState: { term: 2, vote: -1, commit: 0 } }));
    const r = recoverResult(disk, conf, { replayKeepsTail: true });
    expect(r.ok && r.restore.entries.map((e) => `${e.index}@${e.term}`)).toEqual(['1@1', '2@1', '3@2', '4@1']);
  });

  it('loses unsynced writes on a crash but never a synced one', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1]) }));
    disk.append(RAFT_FILES.log, encodeRecord({ k: 'e', e: { term: 1, index: 2, type: 'normal', data: 'x' } }));
    disk.crash();
    expect(recover(disk, conf).entries).toHaveLength(1);
  });

  it('cuts off a torn last record, repairs the file, and keeps appending after it', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1]), hardState: { term: 1, vote: 1, commit: 1 } }));
    disk.failNextFsync = true;
    const torn = persistReady(disk, ready({ entries: [{ term: 1, index: 3, type: 'normal', data: 'torn' }] }));
    expect(torn).toEqual({ ok: false, error: 'EIO' });
    disk.crash({ keepPendingOps: 1, tearLast: true });
    const result = recoverResult(disk, conf);
    expect(result).toMatchObject({ ok: true, tornTailRepaired: true });
    expect(result.ok && result.restore.entries.length).toBe(2);
    persistReady(disk, ready({ entries: [{ term: 1, index: 3, type: 'normal', data: 'again' }] }));
    disk.crash();
    const again = recover(disk, conf);
    expect(again.entries.map((e) => e.data)).toEqual(['t1i1', 't1i2', 'again']);
  });

  it('reports a bad record in the middle of the log as corruption, never silently skipping it', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1]) }));
    const good = disk.read(RAFT_FILES.log);
    expect(good.ok).toBe(true);
    const rec = good.ok ? good.records[1] : '';
    disk.corrupt(RAFT_FILES.log, 1, rec.replace('t1i2', 't1i9'));
    const result = recoverResult(disk, conf);
    expect(result).toEqual({ ok: false, error: expect.stringMatching(/record 2 of 3 is corrupt \(checksum mismatch\)/) });
    expect(() => recover(disk, conf)).toThrow(RaftStorageCorruption);
  });

  it('refuses records that pass their checksum but hold the wrong thing', () => {
    // A snapshot file whose one record is JSON null, a number, or a log record.
    for (const payload of [null, 5, { k: 'e', e: { term: 1, index: 1, type: 'normal', data: 'x' } }]) {
      const disk = new MemDisk();
      disk.replace(RAFT_FILES.snapshot, [encodeRecord(payload)]);
      disk.fsync();
      expect(recoverResult(disk, conf)).toEqual({ ok: false, error: `${RAFT_FILES.snapshot}: corrupt (invalid content)` });
    }
    // A log record that is null, a string, or a hard state with a vote that is not a number.
    for (const payload of [null, 'e', { k: 'h', h: { term: 1, vote: '1', commit: 0 } }, { k: 'h', h: { term: 1, vote: -2, commit: 0 } }]) {
      const disk = new MemDisk();
      persistReady(disk, ready({ entries: entriesFromTerms([1, 1]) }));
      disk.corrupt(RAFT_FILES.log, 0, encodeRecord(payload));
      expect(recoverResult(disk, conf)).toEqual({ ok: false, error: `${RAFT_FILES.log}: record 1 of 2 is corrupt (invalid content)` });
    }
  });

  it('a snapshot compacts the log file to the entries after it', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 2, 2]), hardState: { term: 2, vote: 1, commit: 5 } }));
    persistReady(disk, ready({ compaction: snap(3, 1) }));
    const log = disk.read(RAFT_FILES.log);
    expect(log.ok && log.records.length).toBe(3);
    disk.crash();
    const r = recover(disk, conf);
    expect(r.snapshot?.meta.index).toBe(3);
    expect(r.entries.map((e) => e.index)).toEqual([4, 5]);
    expect(r.hardState).toEqual({ term: 2, vote: 1, commit: 5 });
  });

  it('a snapshot from the leader that conflicts with the local log discards the log', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1]) }));
    persistReady(disk, ready({ snapshot: snap(6, 3), hardState: { term: 3, vote: -1, commit: 6 } }));
    const r = recover(disk, conf);
    expect(r.entries).toEqual([]);
    expect(r.hardState).toEqual({ term: 3, vote: -1, commit: 6 });
  });

  it('survives a crash between the snapshot write and the log rewrite', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 1, 1, 1, 1]), hardState: { term: 1, vote: 1, commit: 5 } }));
    disk.failNextFsync = true;
    persistReady(disk, ready({ compaction: snap(3, 1) }));
    disk.crash({ keepPendingOps: 1 });
    const r = recover(disk, conf);
    expect(r.snapshot?.meta.index).toBe(3);
    expect(r.entries.map((e) => e.index)).toEqual([4, 5]);
  });

  it('keeps the log file bounded across repeated compactions', () => {
    const disk = new MemDisk();
    let index = 0;
    for (let round = 0; round < 50; round++) {
      const ents: Entry[] = Array.from({ length: 10 }, () => ({ term: 1, index: ++index, type: 'normal', data: 'x' }));
      persistReady(disk, ready({ entries: ents, hardState: { term: 1, vote: 1, commit: index } }));
      persistReady(disk, ready({ compaction: snap(index - 2, 1) }));
    }
    const log = disk.read(RAFT_FILES.log);
    expect(log.ok && log.records.length).toBe(3);
    expect(recover(disk, conf).entries.map((e) => e.index)).toEqual([index - 1, index]);
  });

  it('returns the disk error and does not fsync when a write fails (full disk)', () => {
    const disk = new MemDisk();
    disk.failWith = 'ENOSPC';
    expect(persistReady(disk, ready({ entries: entriesFromTerms([1]) }))).toEqual({ ok: false, error: 'ENOSPC' });
    expect(disk.fsyncCount).toBe(0);
    disk.failWith = undefined;
    disk.crash();
    expect(recover(disk, conf).entries).toEqual([]);
  });

  it('raises the term past a newer logged entry when the hard state write was lost', () => {
    const disk = new MemDisk();
    persistReady(disk, ready({ entries: entriesFromTerms([1, 3]) }));
    expect(recover(disk, conf).hardState).toEqual({ term: 3, vote: -1, commit: 0 });
  });
});

describe('the rewrite after a snapshot, with and without the decoded mirror of raft.log', () => {
  // Goal: remembering what was written (so a snapshot's rewrite does not decode it again)
  // changes nothing: the same results, the same files, the same recovery, through
  // conflicts, compactions, failed writes, crashes with torn tails and bit rot.
  // Method: the same random operations on two disks; before each write one of them
  // forgets the mirror, so its rewrites decode every record as before.
  type Op =
    | { k: 'append'; from: number; terms: number[]; commit: number }
    | { k: 'compact'; back: number; wrongTerm: boolean }
    | { k: 'crash'; keep: number; tear: boolean }
    | { k: 'rot'; at: number; mode: 'flip' | 'tear' | 'same' }
    | { k: 'fail'; on: boolean }
    | { k: 'recover' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ k: fc.constant('append' as const), from: fc.nat(4), terms: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 4 }), commit: fc.nat(3) }) },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('compact' as const), back: fc.nat(3), wrongTerm: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('crash' as const), keep: fc.nat(3), tear: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('rot' as const), at: fc.nat(20), mode: fc.constantFrom('flip' as const, 'tear' as const, 'same' as const) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('fail' as const), on: fc.boolean() }) },
    { weight: 1, arbitrary: fc.constant({ k: 'recover' as const }) },
  );

  it('leaves the same files and results as decoding every record', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
      const withMirror = new MemDisk();
      const without = new MemDisk();
      let last = 0;
      let term = 1;
      let snapIndex = 0;
      const both = (f: (d: MemDisk, forget: boolean) => unknown): void => {
        const a = f(withMirror, false);
        const b = f(without, true);
        expect(a).toEqual(b);
      };
      const files = (d: MemDisk) => [d.read(RAFT_FILES.log), d.read(RAFT_FILES.snapshot)];
      for (const o of ops) {
        if (o.k === 'append') {
          const start = Math.max(snapIndex + 1, last + 1 - o.from);
          const ents: Entry[] = o.terms.map((dt, i) => ({ term: (term += dt), index: start + i, type: 'normal', data: `d${start + i}` }));
          last = start + ents.length - 1;
          const hs: HardState = { term, vote: 1, commit: Math.max(snapIndex, last - o.commit) };
          both((d, forget) => {
            if (forget) forgetLogMirror(d);
            return persistReady(d, ready({ entries: ents, hardState: hs }));
          });
        } else if (o.k === 'compact') {
          const at = Math.max(snapIndex, last - o.back);
          if (at <= snapIndex) continue;
          const s = snap(at, o.wrongTerm ? term + 7 : term);
          both((d, forget) => {
            if (forget) forgetLogMirror(d);
            return persistReady(d, ready({ compaction: s }));
          });
          snapIndex = at;
        } else if (o.k === 'crash') {
          both((d) => d.crash({ keepPendingOps: o.keep, tearLast: o.tear }));
        } else if (o.k === 'rot') {
          both((d) => {
            const r = d.read(RAFT_FILES.log);
            const recs = r.ok ? r.records : [];
            if (recs.length === 0) return;
            const i = o.at % recs.length;
            // 'same' writes an equal string that is another object: it must read as the original.
            const bad = o.mode === 'flip' ? recs[i].replace(/"d/, '"x') : o.mode === 'tear' ? recs[i].slice(0, recs[i].length >> 1) : `${recs[i].slice(0, 1)}${recs[i].slice(1)}`;
            d.corrupt(RAFT_FILES.log, i, bad);
          });
        } else if (o.k === 'fail') {
          both((d) => {
            d.failWith = o.on ? 'ENOSPC' : undefined;
          });
        } else {
          both((d) => recoverResult(d, conf));
        }
        expect(files(withMirror)).toEqual(files(without));
      }
    }), { numRuns: 300 });
  });
});
