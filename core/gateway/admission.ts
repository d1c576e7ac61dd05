// The gateway's door: rate limiting (token buckets) and a bulkhead with a bounded queue,
// plus the pool of KV client sessions that admitted calls run under.
//
// Contract: `allow` answers at once whether the rate limiter lets a request in (one bucket
// for the gateway, or one per client node kept in a bounded registry). `enter` admits a
// request to a call slot now, queues it (bounded), or refuses it: a refusal is load
// shedding and costs the cluster nothing. Each admitted request holds one session slot
// until `leave`, which hands the slot to the oldest waiter synchronously. A slot is a KV
// client session (clientId, seq): one call at a time, so its writes reach the servers in
// seq order; a slot whose write ended with an unknown outcome is given a fresh session,
// because its seq can no longer be trusted to be the next one the servers expect.
import type { Micros, NodeId } from '../env.ts';
import { Bulkhead, type BulkheadEntry } from '../resilience/bulkhead/bulkhead.ts';
import { LimiterRegistry } from '../resilience/rateLimit/limiterRegistry.ts';
import { TokenBucket } from '../resilience/rateLimit/tokenBucket.ts';
import { CONCURRENCY_UNBOUNDED, QUEUE_UNBOUNDED, sessionBase, type BulkheadSettings, type RateLimitSettings } from './config.ts';

export interface Slot {
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
  private nextSession: number;

  constructor(index: number, limit: RateLimitSettings, bulk: BulkheadSettings, now: Micros) {
    const bucketOptions = { ratePerSec: limit.ratePerSec, burst: limit.burst };
    this.bucket = limit.enabled && !limit.perClient ? new TokenBucket(bucketOptions, now) : null;
    // An idle client's bucket refills within burst / rate seconds, so dropping it then forgives nothing.
    const idleTtlUs = Math.max(1_000_000, Math.ceil((limit.burst / limit.ratePerSec) * 1_000_000));
    this.registry = limit.enabled && limit.perClient ? new LimiterRegistry<NodeId>({ defaults: bucketOptions, keyCountMax: CLIENT_BUCKETS_MAX, idleTtlUs }) : null;
    this.bulkhead = bulk.enabled ? new Bulkhead(bulk.concurrency, bulk.queue) : new Bulkhead(CONCURRENCY_UNBOUNDED, QUEUE_UNBOUNDED);
    this.nextSession = sessionBase(index);
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
    return this.freeSlots.pop() ?? this.freshSlot();
  }

  /** Gives the slot back (with a fresh session if its seq is in doubt) and frees the permit. */
  leave(slot: Slot, seqInDoubt: boolean): void {
    this.freeSlots.push(seqInDoubt ? this.freshSlot() : slot);
    this.bulkhead.release();
  }

  private freshSlot(): Slot {
    return { clientId: this.nextSession++, seq: 0 };
  }
}
