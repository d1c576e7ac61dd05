// Benchmark: the linearizability checker on a large, realistic, linearizable history.
//
// Contract: run() generates the same history on every call (seedrandom alea, seed
// 'lin-bench'): 10 clients, each issuing one operation at a time with think time,
// request and response latencies, so intervals overlap; keys are drawn with a skew so
// hot keys see real concurrency; about 2% of operations time out (unknown outcome, half
// of them applied anyway). The outputs come from running the real KvStateMachine in
// linearization-point order, so the verdict must be 'ok'. Only the check is timed. The
// segmented check the workloads run is timed against it on the same history (and on one
// with every outcome known), rounds alternated, as a ratio.

import seedrandom from 'seedrandom';
import { KvStateMachine } from '../core/kv/stateMachine.ts';
import type { KvOp } from '../core/kv/types.ts';
import type { Operation } from '../sim/check/history.ts';
import { kvModel } from '../sim/check/kvModel.ts';
import { checkKvHistory } from '../sim/check/linearizability.ts';
import { feedEvents, historyEvents } from '../sim/check/segmentedCheck.ts';
import { median } from './kernel.ts';

export interface WorkloadShape {
  ops: number;
  keys: number;
  clients: number;
  unknownProbability: number;
}

export const BENCH_SHAPE: WorkloadShape = { ops: 10_000, keys: 100, clients: 10, unknownProbability: 0.02 };
const TIMEOUT_US = 5_000;

type Rng = () => number;

function between(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pickOp(rng: Rng, key: string, lastValue: Map<string, string | null>, n: number): KvOp {
  const r = rng();
  if (r < 0.4) return { op: 'get', key };
  if (r < 0.65) return { op: 'put', key, value: `v${n}` };
  if (r < 0.8) return { op: 'append', key, value: `+${n % 10}` };
  if (r < 0.95) return { op: 'cas', key, expected: lastValue.get(key) ?? null, value: `c${n}` };
  return { op: 'delete', key };
}

interface Planned {
  op: Operation;
  pointUs: number;
  seq: number;
  applied: boolean;
}

/** Plans every client's operations: times, inputs and whether an unknown one took effect. */
function plan(rng: Rng, shape: WorkloadShape): Planned[] {
  const planned: Planned[] = [];
  const clock = new Array<number>(shape.clients).fill(0);
  const seq = new Array<number>(shape.clients).fill(0);
  const lastValue = new Map<string, string | null>();
  for (let n = 0; n < shape.ops; n++) {
    const client = n % shape.clients;
    const key = `k${Math.floor(shape.keys * rng() ** 1.5)}`;
    const input = pickOp(rng, key, lastValue, n);
    if (input.op === 'put' || input.op === 'cas') lastValue.set(key, input.value);
    const call = clock[client] + between(rng, 0, 300);
    const pointUs = call + between(rng, 50, 800);
    const unknown = rng() < shape.unknownProbability;
    const ret = unknown ? Infinity : pointUs + between(rng, 50, 800);
    clock[client] = unknown ? call + TIMEOUT_US : ret;
    seq[client] += 1;
    const op: Operation = { clientId: client, opId: n, input, call, return: ret, output: null };
    planned.push({ op, pointUs, seq: seq[client], applied: !unknown || rng() < 0.5 });
  }
  return planned;
}

/** Applies the planned operations in linearization-point order and records outputs. */
export function generateHistory(seed = 'lin-bench', shape: WorkloadShape = BENCH_SHAPE): Operation[] {
  const planned = plan(seedrandom.alea(seed), shape);
  const order = [...planned].sort((a, b) => a.pointUs - b.pointUs || a.op.opId - b.op.opId);
  const sm = new KvStateMachine({ maxSessions: shape.clients * 2 });
  // Every client registers its session first (core/kv/stateMachine.ts).
  const sessions = Array.from({ length: shape.clients }, () => sm.register());
  for (const p of order) {
    if (!p.applied) continue;
    const result = sm.apply({ clientId: sessions[p.op.clientId], seq: p.seq, op: p.op.input });
    if (p.op.return !== Infinity) p.op.output = result;
  }
  return planned.map((p) => p.op);
}

/** Rounds of the whole-history and the segmented check, alternated, for the paired ratio (after WARM_ROUNDS unmeasured). */
const ROUNDS = 15;
const WARM_ROUNDS = 3;

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/**
 * The segmented check (sim/check/segmentedCheck.ts, what the workloads run) against the
 * whole-history check on `history`, alternated round by round: its verdict, segments, most
 * operations held, and the median of the rounds' time ratios (whole over segmented; above
 * 1 the segmented check is faster).
 */
function segmentedFigures(prefix: string, history: readonly Operation[], wholeVerdict: string): Record<string, number | string> {
  const ratios: number[] = [];
  let last: ReturnType<typeof feedEvents> | null = null;
  // A run reports calls and answers in time order as they happen (a timed-out one when the
  // client gives up on it): only the feeding is timed.
  const events = historyEvents(history, { unknownAfterUs: TIMEOUT_US });
  for (let i = 0; i < WARM_ROUNDS; i++) {
    checkKvHistory(history);
    feedEvents(kvModel, events);
  }
  for (let i = 0; i < ROUNDS; i++) {
    const first = i % 2 === 0 ? timed(() => checkKvHistory(history)) : null;
    const seg = timed(() => feedEvents(kvModel, events));
    const whole = first ?? timed(() => checkKvHistory(history));
    ratios.push(whole.ms / seg.ms);
    last = seg.value;
  }
  const r = last as NonNullable<typeof last>;
  if (r.verdict !== wholeVerdict) throw new Error(`${prefix}: the segmented check says ${r.verdict}, the whole-history check ${wholeVerdict}`);
  return { [`${prefix}.verdict`]: r.verdict, [`${prefix}.segments`]: r.segments, [`${prefix}.heldPeak`]: r.heldPeak, [`${prefix}.wholePerSegmented`]: +median(ratios).toFixed(3) };
}

export async function run(): Promise<Record<string, number | string>> {
  const history = generateHistory();
  const startMs = performance.now();
  const result = checkKvHistory(history);
  const wallMs = performance.now() - startMs;
  // The same shape with every outcome known, as a load run's clients see it: keys go quiet
  // between their operations and the segmented check holds little.
  const answered = generateHistory('lin-bench', { ...BENCH_SHAPE, unknownProbability: 0 });
  return {
    ops: history.length,
    keys: new Set(history.map((o) => o.input.key)).size,
    verdict: result.verdict,
    wallMs: Math.round(wallMs * 10) / 10,
    opsPerSec: Math.round(history.length / (wallMs / 1000)),
    partitions: result.partitions,
    steps: result.steps,
    unknownOps: history.filter((o) => o.output === null).length,
    ...segmentedFigures('segmented', history, result.verdict),
    ...segmentedFigures('segmentedAllAnswered', answered, checkKvHistory(answered).verdict),
  };
}
