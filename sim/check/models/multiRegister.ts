// The multi-register model: transactions of reads and writes over registers named by
// keys, each transaction applied atomically, as Knossos's `multi-register` model defines it.
//
// Contract: every register holds a value (a string, a number or null) and starts as the
// model's `initial` (null unless made with another; Knossos's tests start theirs at 0).
// - `{ op: 'txn', txn: [micro-op...] }` applies its micro-ops in order, all at one point:
//   `{ f: 'w', key, value }` sets the register; `{ f: 'r', key }` reads it;
// - it returns `{ ok: true, txn }`: the same micro-ops in the same order, each read with the
//   `value` it saw. A read without a `value` observed nothing (Knossos: "nil reads are always
//   legal"; the history reader makes a nil read so unless told otherwise); a read with one
//   must see the register's value at that point of the transaction, after the transaction's
//   own earlier writes. An answer whose micro-ops are not the input's (another length, an
//   `f` or key that differs) is no answer this object gives: inconsistent.
//   `{ ok: true }` without `txn` took effect with its reads unseen;
// - `{ ok: false }` is a definite refusal: the transaction did not take effect.
// A transaction may touch several registers, so the history is not split by key: the
// optional `key` (a jepsen.independent key) names a whole multi-register, checked alone.
// The state is the registers that differ from `initial`, sorted by key, so equal maps are
// equal arrays (hashed by their JSON text for the checker's memo).
import { hashText, showValue, type Model, type ModelStep } from '../model.ts';
import type { RegisterValue } from './register.ts';

export type MicroOp = { f: 'r'; key: string; value?: RegisterValue } | { f: 'w'; key: string; value: RegisterValue };

/** Registers that differ from the initial value, as [key, value] sorted by key. */
export type MultiRegisterState = readonly (readonly [string, RegisterValue])[];

export type MultiRegisterInput = { op: 'txn'; key?: string; txn: readonly MicroOp[] };

export type MultiRegisterOutput = { ok: true; txn?: readonly MicroOp[] } | { ok: false };

function valueOf(state: MultiRegisterState, key: string, initial: RegisterValue): RegisterValue {
  for (const [k, v] of state) if (k === key) return v;
  return initial;
}

/** The state with `key` set to `value`: still sorted, still without entries equal to `initial`. */
function withValue(state: MultiRegisterState, key: string, value: RegisterValue, initial: RegisterValue): MultiRegisterState {
  const rest = state.filter(([k]) => k !== key);
  if (value === initial) return rest.length === state.length ? state : rest;
  const at = rest.findIndex(([k]) => k > key);
  const entry = [key, value] as const;
  return at < 0 ? [...rest, entry] : [...rest.slice(0, at), entry, ...rest.slice(at)];
}

function sameState(a: MultiRegisterState, b: MultiRegisterState): boolean {
  return a.length === b.length && a.every(([k, v], i) => k === b[i][0] && v === b[i][1]);
}

/** Whether an answer's micro-ops are the input's: same length, and each the same f and key (and a write's value). */
function answers(input: readonly MicroOp[], output: readonly MicroOp[]): boolean {
  return input.length === output.length && input.every((m, i) => m.f === output[i].f && m.key === output[i].key && (m.f === 'r' || m.value === output[i].value));
}

function txnStep(state: MultiRegisterState, input: MultiRegisterInput, output: MultiRegisterOutput | null, initial: RegisterValue): ModelStep<MultiRegisterState, MultiRegisterOutput> {
  if (output !== null && !output.ok) return { legal: true, next: state };
  const seen = output?.txn;
  if (seen !== undefined && !answers(input.txn, seen)) return { legal: false, next: state };
  let next = state;
  const reads: MicroOp[] = [];
  let legal = true;
  input.txn.forEach((m, i) => {
    if (m.f === 'w') {
      next = withValue(next, m.key, m.value, initial);
      reads.push(m);
      return;
    }
    const now = valueOf(next, m.key, initial);
    reads.push({ f: 'r', key: m.key, value: now });
    const observed = seen?.[i].value;
    if (observed !== undefined && observed !== now) legal = false;
  });
  const expected: MultiRegisterOutput = { ok: true, txn: reads };
  return legal ? { legal, next, expected } : { legal, next: state, expected };
}

function showMicroOps(txn: readonly MicroOp[], withValues: boolean): string {
  return txn.map((m) => (m.f === 'w' ? `w ${showValue(m.key)} ${showValue(m.value)}` : `r ${showValue(m.key)}${withValues ? ` ${m.value === undefined ? '?' : showValue(m.value)}` : ''}`)).join(', ');
}

function showState(state: MultiRegisterState, initial: RegisterValue): string {
  const entries = state.map(([k, v]) => `${showValue(k)}: ${showValue(v)}`);
  return `{${[...entries, `others ${showValue(initial)}`].join(', ')}}`;
}

/** The multi-register model with every register starting as `initial`. */
export function multiRegisterModelWith(initial: RegisterValue): Model<MultiRegisterState, MultiRegisterInput, MultiRegisterOutput> {
  return {
    name: 'multi-register',
    noun: 'multi-register',
    stateNoun: 'state',
    init: () => [],
    step: (state, input, output) => txnStep(state, input, output, initial),
    partition: (input) => input.key ?? '',
    isReadOnly: (input, output) => input.txn.every((m) => m.f === 'r') || (output !== null && !output.ok),
    hash: (state) => hashText(JSON.stringify(state)),
    equal: sameState,
    describe: {
      input: (input) => `txn(${input.key === undefined ? '' : `${showValue(input.key)}: `}${showMicroOps(input.txn, false)})`,
      output: (output) => (!output.ok ? 'refused' : output.txn === undefined ? 'ok' : `[${showMicroOps(output.txn, true)}]`),
      state: (state) => showState(state, initial),
    },
  };
}

export const multiRegisterModel = multiRegisterModelWith(null);
