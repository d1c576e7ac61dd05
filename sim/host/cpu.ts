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
  /** Per message type (the message's `type` field) overrides of messageUs. */
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

  constructor(public profile: CpuProfile = DEFAULT_CPU) {}

  /** `chargedUs`: CPU the process reported for this event (NodeContext.chargeCpu). */
  serviceUs(kind: 'msg' | 'timer' | 'start', msgType: string | undefined, fsyncs: number, chargedUs = 0): Micros {
    const p = this.profile;
    let base = kind === 'timer' ? p.timerUs : kind === 'start' ? p.startUs : p.messageUs;
    if (msgType !== undefined) {
      const t = p.byTypeUs[msgType];
      if (t !== undefined) base = t;
    }
    return Math.max(1, Math.round((base + fsyncs * p.fsyncUs + chargedUs) * this.throttle));
  }
}
