// The end-of-run linearizability check of a recorded client history, shared by the KV
// workloads (raft-kv's closed-loop clients, load-kv's open-loop clients behind gateways).
//
// Contract: checks the history with a step budget; an illegal history is reported as a
// 'linearizability' violation with the checker's explanation; the verdict ('ok',
// 'illegal', or 'unknown' when the budget ran out) and the history's size are returned as
// report stats, so a caller can tell a pass from a check that could not decide. An
// overflowed recorder or a spent budget is reported through world.cannotDecide.
import type { World } from '../world/world.ts';
import type { IllegalReport } from './history.ts';
import type { HistoryRecorder } from './historyRecorder.ts';
import { checkKvHistory } from './linearizability.ts';
import { violateLinearizability, type SegmentedKvHistory } from './segmentedHistory.ts';
import { formatCount } from '../kernel/time.ts';

/** Search steps the end-of-run linearizability check may spend before answering unknown. */
export const LINEARIZABILITY_STEPS_MAX = 20_000_000;

export function checkRecordedHistory(world: World, history: HistoryRecorder, maxSteps: number = LINEARIZABILITY_STEPS_MAX): Record<string, number | string> {
  // Read from the recorder's columns one key at a time: the whole history parsed at once
  // was a long run's peak of memory.
  const counts = history.counts();
  return {
    linearizability: checkLinearizability(world, history, counts.operations, maxSteps),
    operations: counts.operations,
    operationsOk: counts.ok,
    operationsUnknown: counts.unknown,
  };
}

/**
 * 'ok', 'illegal' (a violation with the checker's explanation), 'unknown' when the search
 * spent its budget, or 'inconclusive' when the recorder overflowed and the recorded prefix
 * is linearizable: the rest of the history was not judged, so it is not reported as a pass.
 * (The prefix is sound to check: see historyRecorder.ts; a violation in it is real.)
 */
/**
 * The same stats for a history checked as the run went (segmentedHistory.ts): its
 * verdict, and, as report stats, how many segments it was checked in and the most
 * operations it held at once.
 */
export function checkSegmentedHistory(world: World, history: SegmentedKvHistory): Record<string, number | string> {
  const r = history.finish();
  if (r.verdict === 'illegal' && r.illegal !== undefined) {
    if (!history.reported) violateLinearizability(world, r.illegal as IllegalReport<unknown, unknown>);
  } else if (r.verdict === 'unknown') {
    world.cannotDecide('linearizability', `${r.reason ?? 'a segment could not be decided'}; use more keys or fewer clients so each key's history is shorter`);
  } else if (r.verdict === 'inconclusive') {
    world.cannotDecide('linearizability', `the check holds at most ${formatCount(history.heldMax)} client operations not yet decided, and this run had more (a key whose writes time out keeps all its later operations until the end): what was recorded is linearizable, the rest went unchecked; shorten the run or use fewer clients`);
  }
  return {
    linearizability: r.verdict,
    operations: history.operations,
    operationsOk: history.ok,
    operationsUnknown: history.operations - history.answered,
    linearizabilitySegments: r.segments,
    linearizabilityHeldPeak: r.heldPeak,
  };
}

function checkLinearizability(world: World, history: HistoryRecorder, operations: number, maxSteps: number): string {
  const r = checkKvHistory(history.source(), { maxSteps });
  if (r.verdict === 'illegal' && r.illegal !== undefined) {
    violateLinearizability(world, r.illegal as IllegalReport<unknown, unknown>);
    return r.verdict;
  }
  if (r.verdict === 'unknown') {
    world.cannotDecide('linearizability', `the search spent its budget of ${formatCount(maxSteps)} steps with ${formatCount(r.checkedOps)} of ${formatCount(operations)} operations (over ${r.partitions} keys) decided; use more keys or fewer clients so each key's history is shorter`);
    return r.verdict;
  }
  if (history.overflow) {
    world.cannotDecide('linearizability', `the history recorder keeps at most ${formatCount(history.opsMax)} client operations and this run issued more: the recorded prefix is linearizable, the rest went unchecked; shorten the run or use fewer clients`);
    return 'inconclusive';
  }
  return r.verdict;
}
