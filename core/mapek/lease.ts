// Manager failover: a lease held through the KV store the manager manages, as Kubernetes
// controllers hold a Lease object in etcd.
//
// Contract: the holder renews by compare-and-set of a value that changes on every renewal
// (instance, incarnation nonce, counter). It acts only while its last successful renewal,
// counted from when that renewal was sent, is younger than duration * (1 - DRIFT_MARGIN).
// A standby reads the value at each renewal interval and takes over, by compare-and-set
// against the value it saw, only once that value has stayed unchanged for duration *
// (1 + DRIFT_MARGIN) of its own clock since it first saw it. Both instances measure with
// their own clocks only; with clock rates within DRIFT_MARGIN of each other, the old
// holder stops acting before the new one starts. A renewal whose outcome is unknown is
// retried; finding our own newer value there counts as success. Healing pauses, after the
// active instance dies, for at most duration * (1 + DRIFT_MARGIN) + 2 renewal intervals +
// the time of one KV write.
import type { Micros } from '../env.ts';
import type { KvResult } from '../kv/types.ts';
import type { LeaseSettings } from './config.ts';
import type { KvSession } from './kvSession.ts';

export const DRIFT_MARGIN = 0.1;

export type LeaseState = 'standby' | 'active';

export class Lease {
  state: LeaseState = 'standby';
  private counter = 0;
  private mine: string | null = null;
  private validUntilUs = -Infinity;
  private seen: string | null | undefined = undefined;
  private seenSinceUs = 0;
  /** Every change of holder this instance made or saw, for reports. */
  takeovers = 0;

  constructor(private readonly cfg: LeaseSettings, private readonly prefix: string, private readonly kv: KvSession, private readonly now: () => Micros) {}

  isActive(): boolean {
    return this.state === 'active' && this.now() < this.validUntilUs;
  }

  /** The worst-case pause in healing when the active instance dies (see the contract). */
  static takeoverBoundUs(cfg: LeaseSettings, writeUs: Micros): Micros {
    return Math.ceil(cfg.durationUs * (1 + DRIFT_MARGIN) + 2 * cfg.renewUs + writeUs);
  }

  /** Called every renewal interval. `onChange` hears when this instance gains or loses the lease. */
  tick(onChange: (active: boolean) => void): void {
    if (this.kv.busy) return;
    const sentUs = this.now();
    if (this.state === 'active') {
      const next = `${this.prefix}:${++this.counter}`;
      this.kv.request({ op: 'cas', key: this.cfg.key, expected: this.mine, value: next }, (r) => this.afterRenew(r, next, sentUs, onChange));
      return;
    }
    this.kv.request({ op: 'get', key: this.cfg.key }, (r) => {
      if (r === null || !r.ok) return;
      const v = r.value;
      const now = this.now();
      if (v !== this.seen) {
        this.seen = v;
        this.seenSinceUs = now;
        if (v !== null) return;
      } else if (now - this.seenSinceUs < this.cfg.durationUs * (1 + DRIFT_MARGIN)) return;
      this.acquire(v, onChange);
    });
  }

  private acquire(expected: string | null, onChange: (active: boolean) => void): void {
    const sentUs = this.now();
    const next = `${this.prefix}:${++this.counter}`;
    this.kv.request({ op: 'cas', key: this.cfg.key, expected, value: next }, (r) => {
      if (r !== null && r.ok) {
        this.mine = next;
        this.validUntilUs = sentUs + this.cfg.durationUs * (1 - DRIFT_MARGIN);
        this.state = 'active';
        this.takeovers++;
        onChange(true);
      } else if (r !== null && !r.ok && r.error === 'cas-mismatch') {
        this.seen = r.current;
        this.seenSinceUs = this.now();
      }
    });
  }

  private afterRenew(r: KvResult | null, next: string, sentUs: Micros, onChange: (active: boolean) => void): void {
    if (r !== null && r.ok) {
      this.mine = next;
      this.validUntilUs = sentUs + this.cfg.durationUs * (1 - DRIFT_MARGIN);
      return;
    }
    if (r !== null && !r.ok && r.error === 'cas-mismatch') {
      if (r.current !== null && r.current.startsWith(`${this.prefix}:`)) {
        // An earlier renewal of ours whose answer was lost: the lease is still ours.
        this.mine = r.current;
        return;
      }
      this.state = 'standby';
      this.mine = null;
      this.seen = r.current;
      this.seenSinceUs = this.now();
      onChange(false);
    }
  }
}
