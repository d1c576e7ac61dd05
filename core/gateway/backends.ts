// The gateway's view of the KV servers: who probably leads, and one circuit breaker per
// server.
//
// Contract: `choose(now)` returns a server to call with the breaker permit for that call,
// or null when every server's breaker refuses (the gateway then fails fast instead of
// queueing work on a sick cluster). It prefers the leader it last heard of, then walks
// the servers round-robin. Every permit handed out must be settled exactly once with
// `succeeded`, `failed` or `ignored`. With breakers off, every server always admits.
import type { Micros, NodeId } from '../env.ts';
import { CircuitBreaker, type BreakerPermit, type BreakerState } from '../resilience/breaker/circuitBreaker.ts';
import type { BreakerSettings } from './config.ts';

export interface Choice {
  target: NodeId;
  permit: BreakerPermit | null;
}

export class Backends {
  /** The server last named as leader, or -1. */
  leaderGuess: NodeId = -1;
  private rr = 0;
  private readonly breakers: (CircuitBreaker | null)[];
  /** Breaker transitions to open, for reports. */
  opens = 0;
  /** Calls the breakers refused. */
  refusals = 0;

  /** `onChange` hears every breaker transition (for telemetry), with the server it guards. */
  constructor(readonly servers: readonly NodeId[], settings: BreakerSettings, onChange?: (server: NodeId, from: BreakerState, to: BreakerState) => void) {
    this.breakers = servers.map((s) => (settings.enabled ? makeBreaker(s, settings) : null));
    this.breakers.forEach((b, k) => {
      b?.onStateChange((change) => {
        if (change.to === 'open') this.opens++;
        onChange?.(servers[k], change.from, change.to);
      });
    });
  }

  /** A server to call now, the leader guess first; null when every breaker refuses. */
  choose(now: Micros, preferred: NodeId = this.leaderGuess): Choice | null {
    const n = this.servers.length;
    const first = preferred >= 0 ? this.servers.indexOf(preferred) : -1;
    const start = first >= 0 ? first : this.rr++ % n;
    for (let i = 0; i < n; i++) {
      const k = (start + i) % n;
      const b = this.breakers[k];
      if (b === null) return { target: this.servers[k], permit: null };
      const p = b.tryAcquire(now);
      if (p.ok) return { target: this.servers[k], permit: p };
      this.refusals++;
    }
    return null;
  }

  succeeded(now: Micros, c: Choice, durationUs: Micros): void {
    this.breakerOf(c.target)?.onSuccess(now, durationUs, c.permit ?? undefined);
  }

  failed(now: Micros, c: Choice, durationUs: Micros): void {
    this.breakerOf(c.target)?.onFailure(now, 'failed', durationUs, c.permit ?? undefined);
  }

  /** The call told nothing about the server's health (it was abandoned). */
  ignored(c: Choice): void {
    this.breakerOf(c.target)?.onIgnored(c.permit ?? undefined);
  }

  /** Each server's breaker state, in server order ('off' when breakers are disabled). */
  states(): (BreakerState | 'off')[] {
    return this.breakers.map((b) => b?.state ?? 'off');
  }

  private breakerOf(server: NodeId): CircuitBreaker | null {
    const k = this.servers.indexOf(server);
    return k < 0 ? null : this.breakers[k];
  }
}

function makeBreaker(server: NodeId, s: BreakerSettings): CircuitBreaker {
  return new CircuitBreaker({
    name: `n${server}`,
    trip: { kind: 'count', size: s.window, failureRatio: s.failureRatio, slowCallRatio: s.slowCallRatio, minimumCalls: s.minimumCalls },
    openDurationUs: s.openUs,
    ...(s.slowCallUs > 0 ? { slowCallDurationUs: s.slowCallUs } : {}),
    halfOpenPermittedCalls: s.probes,
  });
}
