// The linearizability verdict of the clients' history, shared by the KV workloads
// (raft-kv's closed-loop clients, load-kv's open-loop clients behind gateways), which
// check it as the run goes (segmentedHistory.ts).
//
// Contract: at the end of the run, reports what the check found: an illegal history as a
// 'linearizability' violation with the checker's explanation (unless it was reported the
// moment it was proved), a check that could not decide through world.cannotDecide; and
// returns the verdict ('ok', 'illegal', 'unknown' when a search spent its budget,
// 'inconclusive' when more operations were undecided at once than the check holds) and
// the history's size as report stats, so a caller can tell a pass from a check that could
// not decide.
import type { World } from '../world/world.ts';
import type { IllegalReport } from './history.ts';
import { violateLinearizability, type SegmentedKvHistory } from './segmentedHistory.ts';
import { formatCount } from '../kernel/time.ts';

/** Search steps a linearizability search of raft-kv's history may spend (a segment's, since it is checked as the run goes). */
export const LINEARIZABILITY_STEPS_MAX = 20_000_000;

/**
 * The verdict and stats of a history checked as the run went: besides the operations, how
 * many segments it was checked in and the most operations it held at once.
 */
export function checkSegmentedHistory(world: World, history: SegmentedKvHistory): Record<string, number | string> {
  const r = history.finish();
  if (r.verdict === 'illegal' && r.illegal !== undefined) {
    if (!history.reported) violateLinearizability(world, r.illegal as IllegalReport<unknown, unknown>);
  } else if (r.verdict === 'unknown') {
    world.cannotDecide('linearizability', `${r.reason ?? 'a segment could not be decided'}; use more keys or fewer clients so each key's history is shorter`);
  } else if (r.verdict === 'inconclusive') {
    world.cannotDecide('linearizability', `the check holds at most ${formatCount(history.heldMax)} client operations not yet decided, and this run had more (a key never quiet, or with more than six writes left without an answer, keeps its later operations until the end): what was recorded is linearizable, the rest went unchecked; shorten the run or use fewer clients`);
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
