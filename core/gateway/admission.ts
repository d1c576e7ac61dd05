// The gateway's door: rate limiting (token buckets) and a bulkhead with a bounded queue,
// plus the pool of KV client sessions that admitted calls run under.
//
// Contract: `allow` answers at once whether the rate limiter lets a request in (one bucket
// for the gateway, or one per client node kept in a bounded registry). `enter` admits a
// request to a call slot now, queues it (bounded), or refuses it: a refusal is load
// shedding and costs the cluster nothing. Each admitted request holds one session slot
// until `leave`, which hands the slot to the oldest waiter synchronously. A slot is a KV
// client session (clientId, seq): one call at a time, so its writes reach the servers in
// seq order. A slot starts without a session (clientId 0) and takes one from the pool of
// registered sessions; when the pool is empty, its request registers a block of sessions
// through the cluster first (one log entry for all the slots the bulkhead allows, so a
// burst of new slots costs one round trip, not one each), and the rest of the block goes
// to the pool. A slot whose session the servers forgot (session-expired) starts over. A
// write with an unknown outcome does not cost the slot its session: the next write takes
// the next seq, and the servers allow the gap.
import type { Micros, NodeId } from '../env.ts';
import { Bulkhead, type BulkheadEntry } from '../resilience/bulkhead/bulkhead.ts';
import { LimiterRegistry } from '../resilience/rateLimit/limiterRegistry.ts';
import { TokenBucket } from '../resilience/rateLimit/tokenBucket.ts';
import { REGISTER_COUNT_MAX } from '../kv/types.ts';
import { CONCURRENCY_UNBOUNDED, QUEUE_UNBOUNDED, type BulkheadSettings, type RateLimitSettings } from './config.ts';

export interface Slot {
  /** The session id the cluster gave this slot; 0 until it has registered one. */
  clientId: number;
  /** The session seq of the slot's last write. */
  seq: number;
}

/** Client buckets kept at most when limiting per client. */
const CLIENT_BUCKETS_MAX = 1024;

export class Admission {
  private readonly bucket: TokenBucket | null;
  private readonly registry: LimiterRegistry<NodeId> | null;
  private readonly bulkhead: Bulkhead;
  private readonly freeSlots: Slot[] = [];
  /** Registered sessions no slot holds yet. Invariant: length <= REGISTER_COUNT_MAX. */
  private readonly sessionPool: number[] = [];
  /** A block registration is on its way: meanwhile other slots register one session each. */
  private blockPending = false;
  /** Sessions a block registration opens: as many as the bulkhead lets calls run at once. */
  readonly blockSize: number;

  constructor(limit: RateLimitSettings, bulk: BulkheadSettings, now: Micros) {
    const bucketOptions = { ratePerSec: limit.ratePerSec, burst: limit.burst };
    this.bucket = limit.enabled && !limit.perClient ? new TokenBucket(bucketOptions, now) : null;
    // An idle client's bucket refills within burst / rate seconds, so dropping it then forgives nothing.
    const idleTtlUs = Math.max(1_000_000, Math.ceil((limit.burst / limit.ratePerSec) * 1_000_000));
    this.registry = limit.enabled && limit.perClient ? new LimiterRegistry<NodeId>({ defaults: bucketOptions, keyCountMax: CLIENT_BUCKETS_MAX, idleTtlUs }) : null;
    this.bulkhead = bulk.enabled ? new Bulkhead(bulk.concurrency, bulk.queue) : new Bulkhead(CONCURRENCY_UNBOUNDED, QUEUE_UNBOUNDED);
    this.blockSize = Math.min(bulk.enabled ? bulk.concurrency : REGISTER_COUNT_MAX, REGISTER_COUNT_MAX);
  }

  get inFlight(): number {
    return this.bulkhead.activeCount;
  }

  get queued(): number {
    return this.bulkhead.queuedCount;
  }

  get queueMax(): number {
    return this.bulkhead.queueSizeMax;
  }

  /**
   * An operator's limit on top of the configured ones (control.ts): one bucket for the
   * whole gateway while set, null when lifted.
   */
  private override: TokenBucket | null = null;

  /** Sets (or, with null, lifts) the operator's gateway-wide rate limit. */
  setOverride(ratePerSec: number | null, now: Micros): void {
    this.override = ratePerSec === null ? null : new TokenBucket({ ratePerSec, burst: Math.max(1, Math.ceil(ratePerSec / 20)) }, now);
  }

  get overrideRatePerSec(): number {
    return this.override?.ratePerSec ?? 0;
  }

  /** True when the rate limiters admit one request from `client` now. */
  allow(now: Micros, client: NodeId): boolean {
    if (this.override !== null && !this.override.tryAcquire(now).ok) return false;
    if (this.bucket !== null) return this.bucket.tryAcquire(now).ok;
    if (this.registry !== null) return this.registry.tryAcquire(client, now).ok;
    return true;
  }

  /** A call slot now ('permit'), a place in the queue ('queued'), or load shedding ('rejected'). */
  enter(onAdmit: () => void): BulkheadEntry {
    return this.bulkhead.tryEnter(onAdmit);
  }

  /** The session for a request that just got its permit. */
  takeSlot(): Slot {
    const slot = this.freeSlots.pop() ?? { clientId: 0, seq: 0 };
    if (slot.clientId === 0 && this.sessionPool.length > 0) {
      slot.clientId = this.sessionPool.shift() as number;
      slot.seq = 0;
    }
    return slot;
  }

  /** How many sessions a slot's registration should open; a block unless one is on its way. */
  registrationCount(): number {
    if (this.blockPending || this.blockSize === 1) return 1;
    this.blockPending = true;
    return this.blockSize;
  }

  /** A registration opened sessions first..first+count-1: the slot takes the first. */
  registered(slot: Slot, first: number, count: number): void {
    if (count > 1) this.blockPending = false;
    slot.clientId = first;
    slot.seq = 0;
    this.pool(first + 1, count - 1);
  }

  /** Keeps registered sessions for later slots (bounded; an extra one is simply unused). */
  pool(first: number, count: number): void {
    for (let i = 0; i < count && this.sessionPool.length < REGISTER_COUNT_MAX; i++) this.sessionPool.push(first + i);
  }

  /** A block registration ended without an answer: the next slot may ask for a block again. */
  blockAbandoned(): void {
    this.blockPending = false;
  }

  /** Gives the slot back, with its session, and frees the permit. */
  leave(slot: Slot): void {
    this.freeSlots.push(slot);
    this.bulkhead.release();
  }
}
