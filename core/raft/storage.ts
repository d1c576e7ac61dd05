// Persistence codec: Ready effects to DiskPort operations, and a disk back to a RaftRestore.
//
// Contract. Files: `raft.log` holds appended records of entries and hard states (last hard
// state wins; an entry at index i replaces any entry >= i, which is how a conflict
// truncation is recorded); `raft.snapshot` holds one snapshot record written with replace.
// persistReady writes the snapshot (and rewrites raft.log without the compacted prefix, so
// the file does not grow forever), appends entries, then the hard state, then fsyncs; it
// returns the first error so the host can refuse to send or acknowledge anything.
// recover tolerates a torn last record of raft.log (it truncates the file there) and
// reports any other bad record as corruption: recoverResult returns it as a value, recover
// throws RaftStorageCorruption.

import type { DiskPort, DiskResult } from '../env.ts';
import type { RaftRestore } from './raft.ts';
import { decodeRecord, encodeRecord, encodeRecordJson } from './record.ts';
import { NONE, type ConfState, type Entry, type HardState, type Ready, type Snapshot } from './types.ts';
import { validEntry, validSnapshot } from './validate.ts';

export const RAFT_FILES = { log: 'raft.log', snapshot: 'raft.snapshot' } as const;

const OK: DiskResult = { ok: true };

const NO_SNAPSHOTS: readonly Snapshot[] = [];

export type RecoverResult =
  | { ok: true; restore: RaftRestore; tornTailRepaired: boolean }
  | { ok: false; error: string };

export class RaftStorageCorruption extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RaftStorageCorruption';
  }
}

type LogRecord = { k: 'e'; e: Entry } | { k: 'h'; h: HardState };

function entryValue(e: Entry): { k: 'e'; e: Entry } {
  return { k: 'e', e: { term: e.term, index: e.index, type: e.type, data: e.data } };
}

function hardStateValue(h: HardState): { k: 'h'; h: HardState } {
  return { k: 'h', h: { term: h.term, vote: h.vote, commit: h.commit } };
}

function entryRecord(e: Entry): string {
  return logRecord(entryValue(e));
}

function hardStateRecord(h: HardState): string {
  return logRecord(hardStateValue(h));
}

/**
 * raft.log as this module last wrote it, per disk: each record string, at its place, and
 * what decoding that string gives (parseLogRecord of the value it encodes: a JSON round
 * trip of these numbers and strings changes nothing parseLogRecord keeps). A snapshot's
 * rewrite still reads the file (a read may fail, and a fault may have changed what is
 * there), but a record that is the very string written at that place decodes to what was
 * written, so its checksum and JSON are not worked out again; any other record (torn,
 * changed by a fault, written before a restart, misplaced after a crash) is decoded in
 * full, so what the rewrite keeps and what it reports are the same as with no mirror.
 * The decoded records never leave persistSnapshot (they are encoded again), so nothing
 * outside can change them.
 */
interface LogMirror {
  strings: string[];
  records: (LogRecord | null)[];
}

const logMirrors = new WeakMap<DiskPort, LogMirror>();

function mirrorOf(disk: DiskPort): LogMirror {
  let m = logMirrors.get(disk);
  if (m === undefined) {
    m = { strings: [], records: [] };
    logMirrors.set(disk, m);
  }
  return m;
}

/**
 * Drops what this module remembers of `disk`'s raft.log, so its next rewrite decodes every
 * record. For tests: a run that forgets before every write must leave the same files.
 */
export function forgetLogMirror(disk: DiskPort): void {
  logMirrors.delete(disk);
}

const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);

/**
 * JSON.stringify(value) for raft.log's two record shapes, written out member by member:
 * the same text (the members in the same order; a finite number's JSON is its String),
 * without JSON.stringify walking the objects. Anything else goes through JSON.stringify.
 */
export function logRecordJson(value: LogRecord): string {
  if (value.k === 'e') {
    const e = value.e;
    if (finite(e.term) && finite(e.index) && typeof e.type === 'string' && typeof e.data === 'string') {
      return `{"k":"e","e":{"term":${e.term},"index":${e.index},"type":${JSON.stringify(e.type)},"data":${JSON.stringify(e.data)}}}`;
    }
  } else if (value.k === 'h') {
    const h = value.h;
    if (finite(h.term) && finite(h.vote) && finite(h.commit)) return `{"k":"h","h":{"term":${h.term},"vote":${h.vote},"commit":${h.commit}}}`;
  }
  return JSON.stringify(value);
}

/** encodeRecord(value) for a raft.log record. */
function logRecord(value: LogRecord): string {
  return encodeRecordJson(logRecordJson(value));
}

/** Appends one record to raft.log, and to the mirror (with what decoding it gives) when the disk took it. */
function appendRecord(disk: DiskPort, mirror: LogMirror, record: string, decoded: LogRecord | null): DiskResult {
  const r = disk.append(RAFT_FILES.log, record);
  if (r.ok) {
    mirror.strings.push(record);
    mirror.records.push(decoded);
  }
  return r;
}

function appendLog(disk: DiskPort, mirror: LogMirror, value: LogRecord): DiskResult {
  return appendRecord(disk, mirror, logRecord(value), parseLogRecord(value));
}

/**
 * An entry's raft.log record and what decoding it gives, as the last node to write an
 * entry with this index made them. Every member of a cluster writes the same entry (the
 * same term, index, type and data), so the record's JSON text and checksum are worked out
 * once per entry instead of once per node: an entry equal member by member to the one
 * remembered at its slot takes that record string and decoded record (both immutable:
 * strings, and a decoded record that is only read, see LogMirror), the very values
 * logRecord and parseLogRecord would give it. Direct-mapped by index; a miss (another
 * term, changed data, a slot taken by a later index) encodes in full and takes the slot.
 * Only entries whose members take logRecordJson's member-by-member path are remembered.
 */
interface EntryMemo {
  term: number;
  index: number;
  type: string;
  data: string;
  record: string;
  parsed: LogRecord | null;
}

const ENTRY_MEMO_SLOTS = 256;
const entryMemo: (EntryMemo | null)[] = new Array<EntryMemo | null>(ENTRY_MEMO_SLOTS).fill(null);

/** appendLog of entryValue(e), with the record and its decoding shared among the nodes that write e. */
function appendEntry(disk: DiskPort, mirror: LogMirror, e: Entry): DiskResult {
  const { term, index, type, data } = e;
  if (typeof data !== 'string' || typeof type !== 'string' || !Number.isSafeInteger(index) || !finite(term)) {
    return appendLog(disk, mirror, entryValue(e));
  }
  const slot = index & (ENTRY_MEMO_SLOTS - 1);
  let m = entryMemo[slot];
  if (m === null || m.index !== index || m.term !== term || m.type !== type || m.data !== data) {
    const value = entryValue(e);
    m = { term, index, type, data, record: logRecord(value), parsed: parseLogRecord(value) };
    entryMemo[slot] = m;
  }
  return appendRecord(disk, mirror, m.record, m.parsed);
}

export function persistReady(disk: DiskPort, rd: Ready): DiskResult {
  // Most Readies carry neither a snapshot nor a compaction: no arrays for them.
  let snaps: readonly Snapshot[] = NO_SNAPSHOTS;
  if (rd.snapshot !== undefined || rd.compaction !== undefined) {
    const list = [rd.snapshot, rd.compaction].filter((s): s is Snapshot => s !== undefined);
    list.sort((a, b) => a.meta.index - b.meta.index);
    snaps = list;
  }
  let wrote = false;
  for (const s of snaps) {
    const r = persistSnapshot(disk, s);
    if (!r.ok) return r;
    wrote = true;
  }
  const mirror = rd.entries.length > 0 || rd.hardState !== undefined ? mirrorOf(disk) : null;
  for (const e of rd.entries) {
    const r = appendEntry(disk, mirror as LogMirror, e);
    if (!r.ok) return r;
    wrote = true;
  }
  if (rd.hardState !== undefined) {
    const r = appendLog(disk, mirror as LogMirror, hardStateValue(rd.hardState));
    if (!r.ok) return r;
    wrote = true;
  }
  return wrote ? disk.fsync() : OK;
}

/** Replaces the snapshot, then rewrites the log without the entries the snapshot covers. */
function persistSnapshot(disk: DiskPort, s: Snapshot): DiskResult {
  const r = disk.replace(RAFT_FILES.snapshot, [encodeRecord({ k: 's', s })]);
  if (!r.ok) return r;
  const read = readLog(disk, logMirrors.get(disk));
  if (!read.ok) return { ok: false, error: 'EIO' };
  const replay = replayLog(read.records);
  // A corrupt log (a gap) is left as it is, for recovery to report, as a record that does not
  // decode is (readLog): rewriting it would keep nothing of it, not even the term and vote.
  if (typeof replay === 'string') return { ok: false, error: 'EIO' };
  let kept: Entry[] = [];
  try {
    kept = alignToSnapshot(replay.entries, s);
  } catch {
    // A log that cannot continue this snapshot holds nothing worth keeping.
    kept = [];
  }
  const values: LogRecord[] = [];
  if (replay.hardState !== undefined) values.push(hardStateValue(replay.hardState));
  for (const e of kept) values.push(entryValue(e));
  const records = values.map(logRecord);
  const w = disk.replace(RAFT_FILES.log, records);
  if (w.ok) logMirrors.set(disk, { strings: records, records: values.map(parseLogRecord) });
  return w;
}

function parseLogRecord(value: unknown): LogRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (v.k === 'e') {
    const e = validEntry(v.e);
    return e === null ? null : { k: 'e', e };
  }
  if (v.k === 'h' && typeof v.h === 'object' && v.h !== null) {
    const h = v.h as Record<string, unknown>;
    const nat = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
    if (!nat(h.term) || !nat(h.commit) || typeof h.vote !== 'number' || !Number.isSafeInteger(h.vote) || h.vote < NONE) return null;
    return { k: 'h', h: { term: h.term, vote: h.vote, commit: h.commit } };
  }
  return null;
}

type ReadLog = { ok: true; records: LogRecord[]; tornAt?: number } | { ok: false; error: string };

/**
 * Decodes raft.log; a bad last record is a torn write, any other bad record is corruption.
 * With a mirror, a record that is the very string the mirror holds at its place is taken
 * as decoded there (see LogMirror).
 */
function readLog(disk: DiskPort, mirror?: LogMirror): ReadLog {
  if (!disk.list().includes(RAFT_FILES.log)) return { ok: true, records: [] };
  const read = disk.read(RAFT_FILES.log);
  if (!read.ok) return { ok: false, error: `${RAFT_FILES.log}: read failed (${read.error})` };
  const out: LogRecord[] = [];
  const n = read.records.length;
  for (let i = 0; i < n; i++) {
    const known = mirror !== undefined && i < mirror.strings.length && mirror.strings[i] === read.records[i] ? mirror.records[i] : null;
    if (known !== null) {
      out.push(known);
      continue;
    }
    const d = decodeRecord(read.records[i]);
    const rec = d.ok ? parseLogRecord(d.value) : null;
    if (rec !== null) {
      out.push(rec);
      continue;
    }
    if (!d.ok && i === n - 1) return { ok: true, records: out, tornAt: i };
    const reason = d.ok ? 'invalid content' : d.reason;
    return { ok: false, error: `${RAFT_FILES.log}: record ${i + 1} of ${n} is corrupt (${reason})` };
  }
  return { ok: true, records: out };
}

interface Replayed {
  hardState?: HardState;
  /** Contiguous entries, starting wherever the file starts. */
  entries: Entry[];
}

/**
 * Applies the records in order; returns a reason string if they leave a gap. An entry
 * record at an index the log already holds replaces that entry and everything after it (an
 * append that overwrote a conflicting tail). `keepTail` is the bug flag `replayKeepsTail`:
 * it replaces that one entry only, so a restart brings back the replaced tail.
 */
function replayLog(records: readonly LogRecord[], keepTail = false): Replayed | string {
  let entries: Entry[] = [];
  let hardState: HardState | undefined;
  for (const rec of records) {
    if (rec.k === 'h') {
      hardState = rec.h;
      continue;
    }
    const e = rec.e;
    const first = entries.length === 0 ? e.index : entries[0].index;
    const last = first + entries.length - 1;
    if (e.index > last + 1) return `${RAFT_FILES.log}: gap before index ${e.index} (last ${last})`;
    if (e.index < first) entries = [];
    else if (keepTail && e.index <= last) {
      entries[e.index - first] = e;
      continue;
    } else entries.length = e.index - first;
    entries.push(e);
  }
  return { hardState, entries };
}

/** Keeps the entries that continue the snapshot; a log that conflicts with it is dropped. */
function alignToSnapshot(entries: Entry[], s: Snapshot | undefined): Entry[] {
  if (entries.length === 0) return entries;
  const first = entries[0].index;
  const base = s?.meta.index ?? 0;
  const last = first + entries.length - 1;
  if (last <= base) return [];
  if (first <= base) return entries[base - first].term === s?.meta.term ? entries.slice(base - first + 1) : [];
  if (first === base + 1) return entries;
  throw new RaftStorageCorruption(`${RAFT_FILES.log}: log starts at ${first} ${s === undefined ? 'without a snapshot' : `but the snapshot ends at ${base}`}`);
}

function readSnapshot(disk: DiskPort): { ok: true; snapshot?: Snapshot } | { ok: false; error: string } {
  if (!disk.list().includes(RAFT_FILES.snapshot)) return { ok: true };
  const read = disk.read(RAFT_FILES.snapshot);
  if (!read.ok) return { ok: false, error: `${RAFT_FILES.snapshot}: read failed (${read.error})` };
  if (read.records.length !== 1) return { ok: false, error: `${RAFT_FILES.snapshot}: expected 1 record, found ${read.records.length}` };
  const d = decodeRecord(read.records[0]);
  const v = d.ok && typeof d.value === 'object' && d.value !== null ? (d.value as Record<string, unknown>) : null;
  const s = v !== null && v.k === 's' ? validSnapshot(v.s) : null;
  if (s === null) return { ok: false, error: `${RAFT_FILES.snapshot}: corrupt (${d.ok ? 'invalid content' : d.reason})` };
  return { ok: true, snapshot: s };
}

/** Makes the recovered hard state consistent with the recovered log. */
function fixHardState(h: HardState | undefined, entries: readonly Entry[], s: Snapshot | undefined): HardState {
  const base = s?.meta.index ?? 0;
  const lastIndex = base + entries.length;
  const lastTerm = entries.length > 0 ? entries[entries.length - 1].term : (s?.meta.term ?? 0);
  const term = Math.max(h?.term ?? 0, lastTerm);
  // An fsync that failed midway may keep entries of a newer term than the hard state; a
  // higher term with no vote is always safe to assume.
  const vote = h !== undefined && h.term === term ? h.vote : NONE;
  const commit = Math.min(Math.max(h?.commit ?? 0, base), lastIndex);
  return { term, vote, commit };
}

/** Bug flags a host passes to recovery (core/kv/server.ts's `replayKeepsTail`). */
export interface RecoverBugs {
  replayKeepsTail?: boolean;
}

export function recoverResult(disk: DiskPort, initialConf: ConfState, bugs: RecoverBugs = {}): RecoverResult {
  // A restart decodes everything and starts the mirror afresh (a crash may have cut the file).
  logMirrors.delete(disk);
  const snap = readSnapshot(disk);
  if (!snap.ok) return snap;
  const log = readLog(disk);
  if (!log.ok) return log;
  const replay = replayLog(log.records, bugs.replayKeepsTail === true);
  if (typeof replay === 'string') return { ok: false, error: replay };
  let entries: Entry[];
  try {
    entries = alignToSnapshot(replay.entries, snap.snapshot);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  const tornTailRepaired = log.tornAt !== undefined;
  if (tornTailRepaired) {
    // Cut the torn record off so later appends do not land behind garbage.
    const good = log.records.map((r) => (r.k === 'e' ? entryRecord(r.e) : hardStateRecord(r.h)));
    const w = disk.replace(RAFT_FILES.log, good);
    const f = w.ok ? disk.fsync() : w;
    if (!f.ok) return { ok: false, error: `${RAFT_FILES.log}: repair failed (${f.error})` };
  }
  const hardState = fixHardState(replay.hardState, entries, snap.snapshot);
  const restore: RaftRestore = { hardState, entries, conf: snap.snapshot?.meta.conf ?? initialConf };
  if (snap.snapshot !== undefined) restore.snapshot = snap.snapshot;
  return { ok: true, restore, tornTailRepaired };
}

/** recoverResult for hosts that treat corruption as fatal: throws RaftStorageCorruption. */
export function recover(disk: DiskPort, initialConf: ConfState): RaftRestore {
  const r = recoverResult(disk, initialConf);
  if (!r.ok) throw new RaftStorageCorruption(r.error);
  return r.restore;
}
