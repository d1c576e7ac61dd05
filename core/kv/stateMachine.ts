// The replicated key-value state machine with client sessions for exactly-once answers
// (Raft thesis §6.3).
//
// Contract: pure and deterministic. Replicas that apply the same entries in the same
// order hold the same data, sessions, snapshot text and digest. A client opens a session
// by a registration entry; `register` returns its id, unique for the life of the store
// (a registration may open a block of sessions with consecutive ids).
// A command on a session the store does not know (never registered, or evicted to keep
// at most maxSessions) is answered `session-expired` and not applied: the store cannot
// tell whether it applied it before, so it must not apply it now. A command whose seq is
// the session's latest is answered from the session cache and not applied again; an older
// seq is answered `session-expired`; a newer one (gaps allowed: a write whose outcome the
// client never learned may leave one) is applied. So no write is ever applied twice.

import { applyKvOp } from './applyOp.ts';
import { HashSum } from '../hash/hashSum.ts';
import { SessionTable } from './sessions.ts';
import type { KvImage } from './snapshotCodec.ts';
import { compareCodeUnits, decodeSnapshot, encodeSnapshot } from './snapshotCodec.ts';
import type { KvCommand, KvResult } from './types.ts';

/** The first seq of a client session (a fresh session's latest seq is 0). */
export const FIRST_SEQ = 1;
export const MAX_SESSIONS_DEFAULT = 1024;
/** Rough per-key cost in bytes: map entry, string headers. */
export const ENTRY_OVERHEAD_BYTES = 64;

export interface KvStateMachineOptions {
  /** At most this many client sessions are kept; default 1024. */
  maxSessions?: number;
  /**
   * Bug flag (KvServerBugs.unknownSessionApplied): a command on a session the store does not
   * know opens it afresh and is applied, instead of being answered session-expired, so a
   * retry of a write applied before its session was evicted is applied a second time.
   */
  applyUnknownSessions?: boolean;
}

// Results are frozen because the session cache hands the same object to every retry;
// a caller that mutated one would otherwise corrupt the cache and the digest.
const SESSION_EXPIRED: KvResult = Object.freeze({ ok: false, error: 'session-expired' });

function entryText(key: string, value: string): string {
  return `d${key.length}:${key}${value}`;
}

function entryBytes(key: string, value: string): number {
  return ENTRY_OVERHEAD_BYTES + 2 * (key.length + value.length);
}

function assertCommand(cmd: KvCommand): void {
  if (!Number.isSafeInteger(cmd.clientId) || cmd.clientId < 0) throw new Error(`KvStateMachine.apply: bad clientId ${cmd.clientId}`);
  if (!Number.isSafeInteger(cmd.seq) || cmd.seq < FIRST_SEQ) throw new Error(`KvStateMachine.apply: bad seq ${cmd.seq}`);
}

/** A stored value, with the lanes its entry's text added to the digest (to remove it by). */
interface DataSlot {
  value: string;
  a: number;
  b: number;
}

export class KvStateMachine {
  private readonly data = new Map<string, DataSlot>();
  private readonly sessions: SessionTable;
  private readonly dataHash = new HashSum();
  private dataBytes = 0;
  // Invariant: commandCount is the number of apply calls since the empty state; it
  // stamps session use, so it is part of the replicated state.
  private commandCount = 0;
  /**
   * Retried writes answered from the session cache since this replica was built: for
   * telemetry only, not part of the replicated state (digest and snapshot ignore it).
   */
  duplicatesSuppressed = 0;
  /**
   * Commands whose operation this replica ran (neither answered from the session cache nor
   * refused as session-expired) since it was built: for telemetry only, not part of the
   * replicated state. The executed-once check (sim/check/exactlyOnce.ts) holds each command
   * to one log index at which it ran.
   */
  commandsRun = 0;
  private readonly applyUnknownSessions: boolean;

  constructor(options: KvStateMachineOptions = {}) {
    this.sessions = new SessionTable(options.maxSessions ?? MAX_SESSIONS_DEFAULT);
    this.applyUnknownSessions = options.applyUnknownSessions === true;
  }

  /** Opens `count` sessions (a registration entry applied); returns the first id. */
  register(count = 1): number {
    if (!Number.isSafeInteger(count) || count < 1) throw new Error(`KvStateMachine.register: bad count ${count}`);
    // The counter only grows, so no id is handed out twice, even after an eviction; each
    // session's id is its stamp, unique as the restore check wants.
    const first = this.commandCount + 1;
    for (let i = 0; i < count; i++) {
      this.commandCount += 1;
      this.sessions.put(this.commandCount, { seq: 0, result: null, lastUsed: this.commandCount });
    }
    return first;
  }

  apply(cmd: KvCommand): KvResult {
    assertCommand(cmd);
    this.commandCount += 1;
    const known = this.sessions.get(cmd.clientId);
    const session = known === undefined && this.applyUnknownSessions ? { seq: 0, result: null, lastUsed: this.commandCount } : known;
    if (session === undefined || cmd.seq < session.seq) return SESSION_EXPIRED;
    if (cmd.seq === session.seq && session.result !== null) {
      this.duplicatesSuppressed++;
      this.sessions.put(cmd.clientId, { ...session, lastUsed: this.commandCount });
      return session.result;
    }
    this.commandsRun++;
    const step = applyKvOp(this.read(cmd.op.key), cmd.op);
    this.store(cmd.op.key, step.next);
    const result = Object.freeze(step.result);
    this.sessions.put(cmd.clientId, { seq: cmd.seq, result, lastUsed: this.commandCount });
    return result;
  }

  read(key: string): string | null {
    return this.data.get(key)?.value ?? null;
  }

  private store(key: string, next: string | null): void {
    const slot = this.data.get(key);
    if (slot !== undefined && slot.value === next) return;
    if (slot !== undefined) {
      this.dataHash.removeLanes(slot);
      this.dataBytes -= entryBytes(key, slot.value);
      this.data.delete(key);
    }
    if (next !== null) {
      // The key's slot is reused, deleted and set again as before (so it moves to the end).
      const kept = slot ?? { value: next, a: 0, b: 0 };
      kept.value = next;
      this.dataHash.add(entryText(key, next), kept);
      this.dataBytes += entryBytes(key, next);
      this.data.set(key, kept);
    }
  }

  /** Number of keys present. */
  get keyCount(): number {
    return this.data.size;
  }

  get sessionCount(): number {
    return this.sessions.count;
  }

  get maxSessions(): number {
    return this.sessions.maxSessions;
  }

  snapshot(): string {
    const data: [string, string][] = [];
    for (const [key, slot] of this.data) data.push([key, slot.value]);
    data.sort((a, b) => compareCodeUnits(a[0], b[0]));
    const image: KvImage = {
      maxSessions: this.sessions.maxSessions,
      commandCount: this.commandCount,
      data,
      sessions: this.sessions.entries(),
      digest: this.digest(),
    };
    return encodeSnapshot(image);
  }

  /** `sessionsById` is the bug flag restoreSessionsById: the order of use is lost. */
  static restore(s: string, sessionsById = false, applyUnknownSessions = false): KvStateMachine {
    const image = decodeSnapshot(s);
    const sm = new KvStateMachine({ maxSessions: image.maxSessions, applyUnknownSessions });
    sm.commandCount = image.commandCount;
    for (const [key, value] of image.data) sm.store(key, value);
    // Re-inserting by stamp rebuilds the least-recently-used order of the original.
    const byStamp = sessionsById ? [...image.sessions] : [...image.sessions].sort((a, b) => a.lastUsed - b.lastUsed);
    for (let i = 0; i < byStamp.length; i++) {
      const s = byStamp[i];
      if (i > 0 && byStamp[i - 1].lastUsed === s.lastUsed) throw new Error('KvStateMachine.restore: bad snapshot: duplicate session stamps');
      if (s.lastUsed > image.commandCount) throw new Error('KvStateMachine.restore: bad snapshot: session stamp after commandCount');
      sm.sessions.put(s.clientId, { seq: s.seq, result: s.result === null ? null : Object.freeze(s.result), lastUsed: s.lastUsed });
    }
    if (sm.digest() !== image.digest) {
      throw new Error(`KvStateMachine.restore: bad snapshot: digest ${image.digest} does not match contents (${sm.digest()})`);
    }
    return sm;
  }

  sizeBytes(): number {
    return this.dataBytes + this.sessions.sizeBytes();
  }

  /** A 128-bit hex digest of data, sessions and the command counter. */
  digest(): string {
    return `${this.dataHash.hex()}${this.sessions.digestHex()}-${this.commandCount}`;
  }
}
