// The sequential semantics of one key-value operation on one key, as a pure function.
//
// Contract: given the key's current value (null when absent) and an operation on that key,
// returns the result the client sees and the key's next value. The replicated state
// machine and the linearizability checker's model both call this, so they cannot drift.

import type { KvOp, KvResult } from './types.ts';

export interface KvStep {
  result: KvResult;
  /** The key's value after the operation; null means the key is absent. */
  next: string | null;
}

export function applyKvOp(current: string | null, op: KvOp): KvStep {
  switch (op.op) {
    case 'get':
      return { result: { ok: true, value: current }, next: current };
    case 'put':
      return { result: { ok: true, value: op.value }, next: op.value };
    case 'append': {
      const next = (current ?? '') + op.value;
      return { result: { ok: true, value: next }, next };
    }
    case 'cas':
      if (current !== op.expected) {
        return { result: { ok: false, error: 'cas-mismatch', current }, next: current };
      }
      return { result: { ok: true, value: op.value }, next: op.value };
    case 'delete':
      return { result: { ok: true, value: current }, next: null };
  }
}

/** True when two results are the same answer (field by field, not by reference). */
export function kvResultsEqual(a: KvResult, b: KvResult): boolean {
  if (a.ok && b.ok) return a.value === b.value;
  if (a.ok || b.ok) return false;
  if (a.error !== b.error) return false;
  if (a.error === 'cas-mismatch' && b.error === 'cas-mismatch') return a.current === b.current;
  return true;
}

/** True when the operation can change the key's value. */
export function kvOpWrites(op: KvOp): boolean {
  return op.op !== 'get';
}
