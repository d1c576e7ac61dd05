// The sequential specification of one key of the key-value store, used by the
// linearizability checker (kvModel) and its explanations.
//
// Contract: the state is the key's value (null when absent). A step is legal when the
// operation, applied to the state with core/kv's own semantics (applyKvOp), gives the
// output the client observed; an unknown output (null) accepts whatever the operation
// would have returned. Sharing applyKvOp keeps the checker and the store in agreement.
// Besides the store's own answers (KvResult), a history may say less: a failed cas whose
// current value was not seen (`{ ok: false, error: 'cas-mismatch' }` without `current`)
// only says the key did not hold the expected value.

import { applyKvOp, kvResultsEqual } from '../../core/kv/applyOp.ts';
import type { KvOp, KvResult } from '../../core/kv/types.ts';
import { showValue, type Model, type ModelStep } from './model.ts';

export type KvState = string | null;

/** What a client may have observed: the store's answer, or a failed cas without the value it found. */
export type KvObservation = KvResult | { ok: false; error: 'cas-mismatch'; current?: undefined };

export const KV_INITIAL_STATE: KvState = null;

function isBareCasMismatch(o: KvObservation): boolean {
  return !o.ok && o.error === 'cas-mismatch' && o.current === undefined;
}

export function kvModelStep(state: KvState, input: KvOp, output: KvObservation | null): ModelStep<KvState, KvResult> {
  const step = applyKvOp(state, input);
  if (output === null) return { legal: true, next: step.next, expected: step.result };
  const legal = isBareCasMismatch(output)
    ? !step.result.ok && step.result.error === 'cas-mismatch'
    : kvResultsEqual(step.result, output as KvResult);
  return { legal, next: legal ? step.next : state, expected: step.result };
}

/** A session-expired answer says nothing about whether the request took effect. */
export function isUnknownOutput(output: KvObservation | null): boolean {
  return output === null || (!output.ok && output.error === 'session-expired');
}

/** True when the operation cannot have changed the state, whatever it observed. */
export function isReadOnly(input: KvOp, output: KvObservation | null): boolean {
  if (input.op === 'get') return true;
  return output !== null && !output.ok && output.error === 'cas-mismatch';
}

export function showKvInput(input: KvOp): string {
  switch (input.op) {
    case 'get':
    case 'delete':
      return `${input.op}(${showValue(input.key)})`;
    case 'put':
    case 'append':
      return `${input.op}(${showValue(input.key)}, ${showValue(input.value)})`;
    case 'cas':
      return `cas(${showValue(input.key)}, ${showValue(input.expected)} -> ${showValue(input.value)})`;
  }
}

export function showKvOutput(r: KvObservation): string {
  if (r.ok) return showValue(r.value);
  if (r.error === 'cas-mismatch') return r.current === undefined ? 'cas-mismatch' : `cas-mismatch (found ${showValue(r.current)})`;
  return 'unknown (session-expired)';
}

/**
 * The key-value model: get, put, append, cas and delete on string keys, partitioned by
 * key, with the store's own semantics. `checkKvHistory` is `checkHistory(kvModel, ...)`.
 */
export const kvModel: Model<KvState, KvOp, KvObservation> = {
  name: 'kv',
  noun: 'key',
  stateNoun: 'value',
  init: () => KV_INITIAL_STATE,
  step: kvModelStep,
  partition: (input) => input.key,
  isUnknown: (output) => isUnknownOutput(output),
  isReadOnly,
  describe: { input: showKvInput, output: showKvOutput, state: showValue },
};
