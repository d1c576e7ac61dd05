// The gateway's control API, for an operator or the MAPE-K manager: a status query (what
// came in, how it ended and how long admitted requests took since the last query) and a
// gateway-wide rate limit that can be set and lifted at run time.
//
// Contract: requests and answers are parsed from `unknown`; anything malformed yields
// null and is dropped. A status answer reports cumulative counters (the reader takes
// differences) and the latency of the requests answered `ok` since the previous status
// query, as a p99 from a log-bucket histogram (within 10% of the true value), so one
// query per monitoring interval gives that interval's p99. `limits` with a positive
// `ratePerSec` sets the operator's limit; 0 lifts it.
import { ln, powInt } from '../math/portableMath.ts';
import type { Micros } from '../env.ts';
import { isCount } from '../kv/validate.ts';

export interface GatewayControlRequest {
  type: 'gw.ctl';
  rid: number;
  op: 'status' | 'limits';
  /** limits: the new gateway-wide rate (requests/s); 0 lifts the operator's limit. */
  ratePerSec: number;
}

export interface GatewayStatus {
  received: number;
  admitted: number;
  /** Backend attempts, retries included: attempts per admitted request is the retry amplification. */
  attempts: number;
  ok: number;
  rejected: number;
  timeouts: number;
  errors: number;
  inFlight: number;
  queued: number;
  /** p99 of the `ok` requests answered since the previous status query, µs (0 if none). */
  latencyP99Us: number;
  latencyCount: number;
  /** The operator's rate limit in force, 0 when none. */
  limitRatePerSec: number;
  nowUs: Micros;
}

export interface GatewayControlAnswer {
  type: 'gw.ctl.resp';
  rid: number;
  ok: boolean;
  status: GatewayStatus;
}

const RATE_MAX = 1_000_000;

export function parseGatewayControl(x: unknown): GatewayControlRequest | null {
  if (x === null || typeof x !== 'object') return null;
  const m = x as Record<string, unknown>;
  if (m.type !== 'gw.ctl' || !isCount(m.rid) || (m.op !== 'status' && m.op !== 'limits')) return null;
  if (typeof m.ratePerSec !== 'number' || !(m.ratePerSec >= 0 && m.ratePerSec <= RATE_MAX)) return null;
  return { type: 'gw.ctl', rid: m.rid as number, op: m.op, ratePerSec: m.ratePerSec };
}

const STATUS_FIELDS = ['received', 'admitted', 'attempts', 'ok', 'rejected', 'timeouts', 'errors', 'inFlight', 'queued', 'latencyP99Us', 'latencyCount', 'limitRatePerSec', 'nowUs'] as const;

export function parseGatewayControlAnswer(x: unknown): GatewayControlAnswer | null {
  if (x === null || typeof x !== 'object') return null;
  const m = x as Record<string, unknown>;
  if (m.type !== 'gw.ctl.resp' || !isCount(m.rid) || typeof m.ok !== 'boolean' || m.status === null || typeof m.status !== 'object') return null;
  const s = m.status as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const f of STATUS_FIELDS) {
    const v = s[f];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
    out[f] = v;
  }
  return { type: 'gw.ctl.resp', rid: m.rid as number, ok: m.ok, status: out as unknown as GatewayStatus };
}

/** Buckets grow by 10% from 10 µs: 200 of them reach past 30 minutes. */
const BUCKET_BASE_US = 10;
const BUCKET_RATIO = 1.1;
const BUCKETS = 200;
const LOG_RATIO = ln(BUCKET_RATIO);

/** A latency histogram with log buckets, emptied by each read. */
export class LatencyWindow {
  private readonly counts = new Uint32Array(BUCKETS);
  private count = 0;

  record(latencyUs: Micros): void {
    const i = latencyUs <= BUCKET_BASE_US ? 0 : Math.min(BUCKETS - 1, Math.ceil(ln(latencyUs / BUCKET_BASE_US) / LOG_RATIO));
    this.counts[i]++;
    this.count++;
  }

  /** The p99 (bucket upper bound) and the count since the last call; then starts over. */
  take(): { p99Us: number; count: number } {
    const n = this.count;
    let p99Us = 0;
    if (n > 0) {
      const rank = Math.ceil(0.99 * n);
      let seen = 0;
      for (let i = 0; i < BUCKETS; i++) {
        seen += this.counts[i];
        if (seen >= rank) {
          p99Us = Math.round(BUCKET_BASE_US * powInt(BUCKET_RATIO, i));
          break;
        }
      }
    }
    this.counts.fill(0);
    this.count = 0;
    return { p99Us, count: n };
  }
}
