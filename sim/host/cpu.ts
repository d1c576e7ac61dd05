// A node's CPU: it serves one event at a time, each taking a service time by kind.
//
// Contract: an event that arrives while the CPU is busy waits (queueing delay) until it is
// free; throttling multiplies every service time, so overload shows up as latency, which
// is what timeouts, breakers and failure detectors react to.
import type { Micros } from '../../core/env.ts';

export interface CpuProfile {
  messageUs: Micros;
  timerUs: Micros;
  startUs: Micros;
  /** Added per fsync performed while handling an event. */
  fsyncUs: Micros;
  /**
   * Per message type (the message's `type` field) overrides of messageUs. Looked up through
   * a Map built from this record's own entries, so a type named `constructor` or
   * `__proto__` finds its override or messageUs, never an Object.prototype member.
   */
  byTypeUs: Readonly<Record<string, Micros>>;
}

export const DEFAULT_CPU: CpuProfile = {
  messageUs: 20,
  timerUs: 5,
  startUs: 1_000,
  fsyncUs: 500,
  byTypeUs: {},
};

export class Cpu {
  busyUntilUs: Micros = 0;
  /** Service-time multiplier: 1 is nominal, 4 is a CPU throttled to a quarter. */
  throttle = 1;
  busyTotalUs = 0;
  /** CPU charged by the process during the event being handled (reset per event). */
  chargedUs = 0;
  private profileNow!: CpuProfile;
  private byType!: ReadonlyMap<string, Micros>;

  constructor(profile: CpuProfile = DEFAULT_CPU) {
    this.profile = profile;
  }

  get profile(): CpuProfile {
    return this.profileNow;
  }

  set profile(p: CpuProfile) {
    this.profileNow = p;
    this.byType = new Map(Object.entries(p.byTypeUs));
  }

  /** `chargedUs`: CPU the process reported for this event (NodeContext.chargeCpu). */
  serviceUs(kind: 'msg' | 'timer' | 'start', msgType: string | undefined, fsyncs: number, chargedUs = 0): Micros {
    const p = this.profileNow;
    let base = kind === 'timer' ? p.timerUs : kind === 'start' ? p.startUs : p.messageUs;
    if (msgType !== undefined) {
      const t = this.byType.get(msgType);
      if (t !== undefined) base = t;
    }
    return Math.max(1, Math.round((base + fsyncs * p.fsyncUs + chargedUs) * this.throttle));
  }
}
