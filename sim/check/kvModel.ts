// The sequential specification of one key, used by the linearizability checker.
//
// Contract: the state is the key's value (null when absent). A step is legal when the
// operation, applied to the state with core/kv's own semantics (applyKvOp), gives the
// output the client observed; an unknown output (null) accepts whatever the operation
// would have returned. Sharing applyKvOp keeps the checker and the store in agreement.

import { applyKvOp, kvResultsEqual } from '../../core/kv/applyOp.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';

export type KvState = string | null;

export const KV_INITIAL_STATE: KvState = null;

export interface ModelStep {
  legal: boolean;
  /** The state after the operation; equal to the input state when the step is illegal. */
  next: KvState;
  /** What the operation returns from this state, to explain an illegal step. */
  expected: KvResult;
}

export function kvModelStep(state: KvState, input: KvOp, output: KvResult | null): ModelStep {
  const step = applyKvOp(state, input);
  if (output === null) return { legal: true, next: step.next, expected: step.result };
  const legal = kvResultsEqual(step.result, output);
  return { legal, next: legal ? step.next : state, expected: step.result };
}

/** A session-expired answer says nothing about whether the request took effect. */
export function isUnknownOutput(output: KvResult | null): boolean {
  return output === null || (!output.ok && output.error === 'session-expired');
}

/** True when the operation cannot have changed the state, whatever it observed. */
export function isReadOnly(input: KvOp, output: KvResult | null): boolean {
  if (input.op === 'get') return true;
  return output !== null && !output.ok && output.error === 'cas-mismatch';
}
