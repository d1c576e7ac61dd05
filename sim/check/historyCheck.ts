// The end-of-run linearizability check of a recorded client history, shared by the KV
// workloads (raft-kv's closed-loop clients, load-kv's open-loop clients behind gateways).
//
// Contract: checks the history with a step budget; an illegal history is reported as a
// 'linearizability' violation with the checker's explanation; the verdict ('ok',
// 'illegal', or 'unknown' when the budget ran out) and the history's size are returned as
// report stats, so a caller can tell a pass from a check that could not decide.
import type { World } from '../world/world.ts';
import type { HistoryRecorder } from './historyRecorder.ts';
import { checkKvHistory } from './linearizability.ts';

/** Search steps the end-of-run linearizability check may spend before answering unknown. */
export const LINEARIZABILITY_STEPS_MAX = 20_000_000;

export function checkRecordedHistory(world: World, history: HistoryRecorder): Record<string, number | string> {
  const ops = history.history();
  const r = checkKvHistory(ops, { maxSteps: LINEARIZABILITY_STEPS_MAX });
  if (r.verdict === 'illegal' && r.illegal !== undefined) world.violate('linearizability', null, `history is not linearizable on key ${r.illegal.key}:\n${r.illegal.explanation}`);
  return {
    linearizability: r.verdict,
    operations: ops.length,
    operationsOk: ops.filter((o) => o.output !== null && o.output.ok).length,
    operationsUnknown: ops.filter((o) => o.return === Infinity).length,
  };
}
