// The sequential specification of one key of the key-value store, used by the
// linearizability checker (kvModel) and its explanations.
//
// Contract: the state is the key's value (null when absent). A step is legal when the
// operation, applied to the state by this file's own specification (kvSpec), gives the
// output the client observed; an unknown output (null) accepts whatever the operation
// would have returned. The specification is written here, apart from the store's
// implementation (core/kv/applyOp.ts): a checker that borrowed the store's semantics would
// agree with any bug in them (an append that prepends, a cas that compares the wrong way),
// and the run would pass. A property test holds the two equal on arbitrary operations.
// Besides the store's own answers (KvResult), a history may say less: a failed cas whose
// current value was not seen (`{ ok: false, error: 'cas-mismatch' }` without `current`)
// only says the key did not hold the expected value.

import type { KvOp, KvResult } from '../../core/kv/types.ts';
import { showValue, type Model, type ModelStep } from './model.ts';

/**
 * What each operation means, as the docs state it: get reads the value; put sets it and
 * answers the value written; append adds its value at the end (to "" when absent) and
 * answers the new value; cas sets the value only when the key holds exactly `expected`
 * (null: absent), and otherwise fails answering what it holds; delete removes the key and
 * answers the value it held.
 */
export function kvSpec(current: string | null, op: KvOp): { result: KvResult; next: string | null } {
  if (op.op === 'get') return { result: { ok: true, value: current }, next: current };
  if (op.op === 'put') return { result: { ok: true, value: op.value }, next: op.value };
  if (op.op === 'append') {
    const next = current === null ? op.value : current.concat(op.value);
    return { result: { ok: true, value: next }, next };
  }
  if (op.op === 'delete') return { result: { ok: true, value: current }, next: null };
  if (op.op === 'cas') {
    return current === op.expected ? { result: { ok: true, value: op.value }, next: op.value } : { result: { ok: false, error: 'cas-mismatch', current }, next: current };
  }
  throw new Error(`kvSpec: unknown operation ${JSON.stringify((op as { op?: unknown }).op)}`);
}

/** Whether two answers are the same: ok with the same value, or the same error (and, for cas-mismatch, the same current value). */
export function sameKvResult(a: KvResult, b: KvResult): boolean {
  if (a.ok !== b.ok) return false;
  if (a.ok) return b.ok && a.value === b.value;
  if (b.ok || a.error !== b.error) return false;
  return a.error !== 'cas-mismatch' || b.error !== 'cas-mismatch' || a.current === b.current;
}

export type KvState = string | null;

/** What a client may have observed: the store's answer, or a failed cas without the value it found. */
export type KvObservation = KvResult | { ok: false; error: 'cas-mismatch'; current?: undefined };

export const KV_INITIAL_STATE: KvState = null;

function isBareCasMismatch(o: KvObservation): boolean {
  return !o.ok && o.error === 'cas-mismatch' && o.current === undefined;
}

export function kvModelStep(state: KvState, input: KvOp, output: KvObservation | null): ModelStep<KvState, KvResult> {
  const step = kvSpec(state, input);
  if (output === null) return { legal: true, next: step.next, expected: step.result };
  const legal = isBareCasMismatch(output)
    ? !step.result.ok && step.result.error === 'cas-mismatch'
    : sameKvResult(step.result, output as KvResult);
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
