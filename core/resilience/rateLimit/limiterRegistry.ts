// Per-key token buckets (per user, per tenant) with a hard bound on how many are kept.
//
// Contract: at most `keyCountMax` buckets live at once. A bucket idle for `idleTtlUs` is
// dropped on the next access to the registry; when the registry is full, the least
// recently used bucket is dropped. Dropping a bucket that had refilled to full loses
// nothing, so choose idleTtlUs >= burst / ratePerSec seconds and only LRU pressure can
// forgive a throttled key. Order is the Map's insertion order, refreshed on every access,
// which depends only on the order of calls, so it is deterministic.
import type { Micros } from '../../env.ts';
import type { AcquireResult, TokenBucketOptions } from './tokenBucket.ts';
import { TokenBucket } from './tokenBucket.ts';

export interface LimiterRegistryOptions<K> {
  readonly defaults: TokenBucketOptions;
  /** Settings for particular keys (premium users); `defaults` when it returns undefined. */
  readonly optionsFor?: (key: K) => TokenBucketOptions | undefined;
  readonly keyCountMax: number;
  readonly idleTtlUs: Micros;
}

interface Entry {
  readonly bucket: TokenBucket;
  lastUsedUs: Micros;
}

export class LimiterRegistry<K = string> {
  // Invariant: entries.size <= keyCountMax; iteration order is least recently used first.
  private readonly entries = new Map<K, Entry>();
  private evictions = 0;

  constructor(private readonly options: LimiterRegistryOptions<K>) {
    if (!(Number.isInteger(options.keyCountMax) && options.keyCountMax >= 1)) throw new Error('limiter registry: keyCountMax must be a positive integer');
    if (!(Number.isSafeInteger(options.idleTtlUs) && options.idleTtlUs >= 1)) throw new Error('limiter registry: idleTtlUs must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get evictionCount(): number {
    return this.evictions;
  }

  /** The bucket for `key`, created on first use; marks the key as just used. */
  get(key: K, now: Micros): TokenBucket {
    this.sweep(now);
    const existing = this.entries.get(key);
    if (existing !== undefined) {
      this.entries.delete(key);
      existing.lastUsedUs = now;
      this.entries.set(key, existing);
      return existing.bucket;
    }
    if (this.entries.size >= this.options.keyCountMax) this.evictOldest();
    const bucket = new TokenBucket(this.options.optionsFor?.(key) ?? this.options.defaults, now);
    this.entries.set(key, { bucket, lastUsedUs: now });
    return bucket;
  }

  tryAcquire(key: K, now: Micros, n = 1): AcquireResult {
    return this.get(key, now).tryAcquire(now, n);
  }

  /** Drops buckets idle for at least idleTtlUs; the LRU order means it stops at the first live one. */
  sweep(now: Micros): number {
    let dropped = 0;
    for (const [key, entry] of this.entries) {
      if (now - entry.lastUsedUs < this.options.idleTtlUs) break;
      this.entries.delete(key);
      dropped++;
    }
    this.evictions += dropped;
    return dropped;
  }

  remove(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (!oldest.done) {
      this.entries.delete(oldest.value);
      this.evictions++;
    }
  }
}
