// Client sessions: the latest request and answer per registered client, bounded in number.
//
// Contract: at most `maxSessions` sessions are kept. When a new session would exceed the
// bound, the least recently used one is evicted, where "used" is stamped with the state
// machine's command counter, so every replica applying the same log evicts the same
// client. An evicted session is gone for good: its client must register again. The table keeps its content hash and approximate size up to date on every
// change, so digests and memory accounting stay O(1).

import { HashSum } from '../hash/hashSum.ts';
import type { KvResult } from './types.ts';

/** Rough per-session cost in bytes: map entry, object header, fields. */
export const SESSION_OVERHEAD_BYTES = 96;

export interface Session {
  /** The seq of the client's latest write; 0 right after registering. */
  readonly seq: number;
  /** The answer to that write; null right after registering. */
  readonly result: KvResult | null;
  /** The command counter at the last request of this client; unique per session. */
  readonly lastUsed: number;
}

export interface SessionEntry extends Session {
  readonly clientId: number;
}

function sessionText(clientId: number, s: Session): string {
  return `s${clientId}:${s.seq}:${s.lastUsed}:${JSON.stringify(s.result)}`;
}

function sessionBytes(s: Session): number {
  const r = s.result;
  const payload = r === null ? null : r.ok ? r.value : r.error === 'cas-mismatch' ? r.current : null;
  return SESSION_OVERHEAD_BYTES + 2 * (payload?.length ?? 0);
}

/** A stored session, with the lanes its text added to the digest (to remove it by). */
interface Slot {
  session: Session;
  a: number;
  b: number;
}

export class SessionTable {
  // Invariant: iteration order of this map is least recently used first, because every
  // use deletes and re-inserts the entry. Stamps increase along the iteration order.
  private readonly byClient = new Map<number, Slot>();
  private readonly hashSum = new HashSum();
  private bytes = 0;

  constructor(readonly maxSessions: number) {
    if (!Number.isSafeInteger(maxSessions) || maxSessions < 1) {
      throw new Error(`SessionTable: maxSessions must be a positive integer, got ${maxSessions}`);
    }
  }

  get(clientId: number): Session | undefined {
    return this.byClient.get(clientId)?.session;
  }

  get count(): number {
    return this.byClient.size;
  }

  /**
   * Stores the session of a client, marking it most recently used. Returns the client
   * id evicted to make room, or null. Stamps must increase from call to call.
   */
  put(clientId: number, session: Session): number | null {
    // The client's slot is reused: taken out (so it moves to the end) and put back.
    const slot = this.remove(clientId);
    let evicted: number | null = null;
    if (this.byClient.size >= this.maxSessions) {
      evicted = this.byClient.keys().next().value as number;
      this.remove(evicted);
    }
    const kept = slot ?? { session, a: 0, b: 0 };
    kept.session = session;
    this.hashSum.add(sessionText(clientId, session), kept);
    this.byClient.set(clientId, kept);
    this.bytes += sessionBytes(session);
    return evicted;
  }

  /** Takes a client's session out of the table and the digest; returns its slot, if any. */
  private remove(clientId: number): Slot | undefined {
    const old = this.byClient.get(clientId);
    if (old === undefined) return undefined;
    this.byClient.delete(clientId);
    this.hashSum.removeLanes(old);
    this.bytes -= sessionBytes(old.session);
    return old;
  }

  /** Sessions sorted by client id, the canonical order for snapshots. */
  entries(): SessionEntry[] {
    const out: SessionEntry[] = [];
    for (const [clientId, { session }] of this.byClient) out.push({ clientId, ...session });
    return out.sort((a, b) => a.clientId - b.clientId);
  }

  digestHex(): string {
    return this.hashSum.hex();
  }

  sizeBytes(): number {
    return this.bytes;
  }
}
