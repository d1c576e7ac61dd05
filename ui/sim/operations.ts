// Client operations of a run, read from telemetry as a workload's `ui.operations` says:
// per chart bucket, how many ended, how many were refused or failed, and their latencies.
//
// Contract: pure observation (a telemetry listener); nothing here changes the run. The
// workload's data names the events and fields; this module names no workload. An
// operation's latency is its end event's latency field when the workload gives one, else
// the simulated time between its start and end events (paired by the key fields).
import type { Micros } from '../../core/env.ts';
import type { OperationsUi } from '../../sim/workloads/workload.ts';
import type { OperationSeries } from './protocol.ts';

type Fields = Readonly<Record<string, string | number | boolean>>;

/** Latencies kept per bucket at most (a uniform thinning beyond it keeps percentiles honest enough). */
const LATENCIES_PER_BUCKET_MAX = 2_000;

function keyOf(fields: Fields, names: readonly string[] | undefined): string {
  return (names ?? []).map((n) => String(fields[n])).join('/');
}

export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export class OperationTracker {
  private readonly started = new Map<string, Micros>();
  private readonly latencies: number[][];
  private readonly all: number[] = [];
  readonly series: OperationSeries;

  constructor(private readonly spec: OperationsUi, private readonly bucketUs: Micros, buckets: number) {
    const z = (): number[] => new Array<number>(buckets).fill(0);
    this.latencies = Array.from({ length: buckets }, () => []);
    this.series = { done: z(), refused: z(), errors: z(), p50Us: new Array<number | null>(buckets).fill(null), p99Us: new Array<number | null>(buckets).fill(null), totals: { done: 0, refused: 0, errors: 0, p50Us: null, p99Us: null } };
  }

  /** The telemetry listener: call it with every event. */
  observe(t: Micros, name: string, fields: Fields): void {
    const { start, end } = this.spec;
    if (start !== undefined && name === start.event) {
      this.started.set(keyOf(fields, start.key), t);
      return;
    }
    if (name !== end.event) return;
    const b = Math.min(this.latencies.length - 1, Math.floor(t / this.bucketUs));
    const outcome = end.outcomeField === undefined ? '' : String(fields[end.outcomeField]);
    const key = keyOf(fields, end.key ?? start?.key);
    const began = this.started.get(key);
    this.started.delete(key);
    const s = this.series;
    if (end.refused?.includes(outcome) === true) { s.refused[b]++; s.totals.refused++; }
    else if (end.errors?.includes(outcome) === true) { s.errors[b]++; s.totals.errors++; }
    s.done[b]++;
    s.totals.done++;
    const lat = end.latencyField !== undefined && typeof fields[end.latencyField] === 'number' ? (fields[end.latencyField] as number) : began !== undefined ? t - began : null;
    if (lat === null || end.errors?.includes(outcome) === true) return;
    const list = this.latencies[b];
    if (list.length < LATENCIES_PER_BUCKET_MAX) list.push(lat);
    else list[s.done[b] % LATENCIES_PER_BUCKET_MAX] = lat;
    this.all.push(lat);
  }

  /** Fills the percentiles; call once at the end of the run. */
  finish(): OperationSeries {
    const s = this.series;
    this.latencies.forEach((l, b) => {
      l.sort((x, y) => x - y);
      s.p50Us[b] = percentile(l, 0.5);
      s.p99Us[b] = percentile(l, 0.99);
    });
    this.all.sort((x, y) => x - y);
    s.totals.p50Us = percentile(this.all, 0.5);
    s.totals.p99Us = percentile(this.all, 0.99);
    return s;
  }
}
