// An in-memory IdempotencyStore with TTLs and a bound on its size.
//
// Contract: at most `entryCountMax` records. When full, an insert first drops the oldest
// record that is expired or completed (oldest by insertion); if every record is a live
// in-progress lease, the insert is refused with 'full' rather than breaking a lease.
// Finding a victim scans from the oldest record, so a full store pays O(n) per insert.
import type { Micros } from '../../env.ts';
import type { IdempotencyRecord, IdempotencyStore, PutResult, StoredOutcome } from './store.ts';

const inserted: PutResult<never> = Object.freeze({ kind: 'inserted' });
const full: PutResult<never> = Object.freeze({ kind: 'full' });

export class MemoryIdempotencyStore<T> implements IdempotencyStore<T> {
  // Invariant: records.size <= entryCountMax.
  private readonly records = new Map<string, IdempotencyRecord<T>>();

  constructor(readonly entryCountMax: number) {
    if (!(Number.isInteger(entryCountMax) && entryCountMax >= 1)) throw new Error('idempotency store: entryCountMax must be a positive integer');
  }

  get size(): number {
    return this.records.size;
  }

  get(key: string, now: Micros): IdempotencyRecord<T> | undefined {
    const record = this.records.get(key);
    if (record === undefined) return undefined;
    if (now >= record.expiresAtUs) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }

  putIfAbsent(key: string, now: Micros, leaseUs: Micros): PutResult<T> {
    const existing = this.get(key, now);
    if (existing !== undefined) return { kind: 'exists', record: existing };
    if (this.records.size >= this.entryCountMax && !this.dropOne(now)) return full;
    this.records.set(key, { state: 'in-progress', key, startedAtUs: now, expiresAtUs: now + leaseUs });
    return inserted;
  }

  complete(key: string, now: Micros, outcome: StoredOutcome<T>, ttlUs: Micros): boolean {
    const record = this.get(key, now);
    if (record === undefined || record.state !== 'in-progress') return false;
    this.records.set(key, { state: 'completed', key, outcome, completedAtUs: now, expiresAtUs: now + ttlUs });
    return true;
  }

  remove(key: string): boolean {
    return this.records.delete(key);
  }

  expire(now: Micros): number {
    let dropped = 0;
    for (const [key, record] of this.records) {
      if (now >= record.expiresAtUs) {
        this.records.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  private dropOne(now: Micros): boolean {
    for (const [key, record] of this.records) {
      if (record.state === 'completed' || now >= record.expiresAtUs) {
        this.records.delete(key);
        return true;
      }
    }
    return false;
  }
}
