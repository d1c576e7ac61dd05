// Per-phase load statistics: outcome counts and latency histograms from the load clients'
// 'load.done' telemetry, and the gateways' counters from their 'gw.stats' reports.
//
// Contract: memory is fixed per phase whatever the run's length: latencies go into
// log-linear histograms (128 sub-buckets per power of two, so a percentile is within 1 %
// of the true value, rounded down to its bucket's low edge). A request counts in the
// phase it was sent in. Gateway counters are cumulative; the difference between two
// reports is credited to the phase the later report falls in.
import type { Micros, NodeId } from '../../core/env.ts';
import { pow2 } from '../../core/math/portableMath.ts';

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
/** Latencies are clamped to this (about 35 minutes), so the bucket index stays small. */
const LATENCY_US_MAX = 0x7fffffff;
const BUCKETS = SUB + (31 - SUB_BITS) * SUB;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;

  record(latencyUs: Micros): void {
    const v = Math.max(0, Math.min(LATENCY_US_MAX, Math.floor(latencyUs)));
    this.counts[bucketOf(v)]++;
    this.count++;
  }

  /** The q-quantile (0 < q <= 1) in µs, or 0 for an empty histogram. */
  quantileUs(q: number): Micros {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b];
      if (seen >= rank) return lowEdge(b);
    }
    return LATENCY_US_MAX;
  }
}

function bucketOf(v: number): number {
  if (v < SUB) return v;
  const e = 31 - Math.clz32(v);
  return SUB + (e - SUB_BITS) * SUB + ((v >>> (e - SUB_BITS)) - SUB);
}

function lowEdge(b: number): number {
  if (b < SUB) return b;
  const e = Math.floor((b - SUB) / SUB) + SUB_BITS;
  return (SUB + ((b - SUB) % SUB)) * pow2(e - SUB_BITS);
}

/** Outcome codes as the load client sends them (core/gateway/loadClient.ts OUTCOME_CODES). */
export const OUTCOME_OK = 0;
export const OUTCOME_REJECTED = 1;
export const OUTCOME_TIMEOUT = 2;
export const OUTCOME_ERROR = 3;

export class PhaseStats {
  sent = 0;
  readonly outcomes = [0, 0, 0, 0];
  /** Every request the gateway let in (ok, timeout, error). */
  readonly admitted = new LatencyHistogram();
  readonly ok = new LatencyHistogram();
  readonly rejected = new LatencyHistogram();
  /** Gateway counter differences credited to this phase. */
  readonly gateway = new Map<string, number>();

  constructor(readonly name: string, readonly startUs: Micros, readonly endUs: Micros) {}

  record(outcome: number, latencyUs: Micros): void {
    this.outcomes[outcome]++;
    if (outcome === OUTCOME_REJECTED) this.rejected.record(latencyUs);
    else this.admitted.record(latencyUs);
    if (outcome === OUTCOME_OK) this.ok.record(latencyUs);
  }

  /** The phase's figures for the report, keyed without the phase prefix. */
  summary(): Record<string, number> {
    const seconds = Math.max(1e-6, (this.endUs - this.startUs) / 1e6);
    const done = this.outcomes.reduce((a, b) => a + b, 0);
    const sent = Math.max(this.sent, done);
    const rate = (n: number): number => (sent === 0 ? 0 : round4(n / sent));
    const ms = (us: number): number => round4(us / 1000);
    const g = (k: string): number => this.gateway.get(k) ?? 0;
    const admittedAtGateway = g('admitted');
    return {
      offeredPerS: round4(sent / seconds),
      goodputPerS: round4(this.outcomes[OUTCOME_OK] / seconds),
      sent, ok: this.outcomes[OUTCOME_OK], rejected: this.outcomes[OUTCOME_REJECTED], timeouts: this.outcomes[OUTCOME_TIMEOUT], errors: this.outcomes[OUTCOME_ERROR],
      okRate: rate(this.outcomes[OUTCOME_OK]), rejectRate: rate(this.outcomes[OUTCOME_REJECTED]),
      timeoutRate: rate(this.outcomes[OUTCOME_TIMEOUT]), errorRate: rate(this.outcomes[OUTCOME_TIMEOUT] + this.outcomes[OUTCOME_ERROR]),
      p50Ms: ms(this.admitted.quantileUs(0.5)), p95Ms: ms(this.admitted.quantileUs(0.95)), p99Ms: ms(this.admitted.quantileUs(0.99)),
      okP99Ms: ms(this.ok.quantileUs(0.99)), rejectP99Ms: ms(this.rejected.quantileUs(0.99)),
      attempts: g('attempts'), retries: g('retries'), budgetRefused: g('budgetRefused'), attemptTimeouts: g('attemptTimeouts'),
      attemptsPerRequest: admittedAtGateway === 0 ? 0 : round4(g('attempts') / admittedAtGateway),
      shed: g('shed'), rateLimited: g('rateLimited'), breakerRefusals: g('breakerRefusals'), breakerOpens: g('breakerOpens'),
    };
  }
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Keeps each gateway's last cumulative report and credits differences to phases. */
export class GatewayDeltas {
  private readonly last = new Map<NodeId, Readonly<Record<string, string | number | boolean>>>();

  /** The counter differences since this gateway's previous report. */
  delta(node: NodeId, fields: Readonly<Record<string, string | number | boolean>>): [string, number][] {
    const prev = this.last.get(node);
    this.last.set(node, fields);
    const out: [string, number][] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (typeof v !== 'number' || k === 'inFlight' || k === 'queued') continue;
      const p = prev?.[k];
      // A restarted gateway starts its counters again from zero.
      const d = typeof p === 'number' && p <= v ? v - p : v;
      if (d !== 0) out.push([k, d]);
    }
    return out;
  }
}
