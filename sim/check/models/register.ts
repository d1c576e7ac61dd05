// The register model: read, write and compare-and-set on registers named by an optional
// key (one register when no operation names a key).
//
// Contract: a register holds a value (a string, a number or null) and starts as null.
// - read returns `{ ok: true, value }`: the register's value;
// - write sets the value and returns `{ ok: true }`;
// - cas(expected, value) sets the value when the register holds `expected` and returns
//   `{ ok: true }`, else leaves it and returns `{ ok: false }`, with `current` (the value
//   it found) when the server said so: a failed cas without `current` only says the
//   register did not hold `expected`.
// - `{ ok: false, error }` (any operation), and `{ ok: false }` for a read or a write, is a
//   definite refusal: the operation did not take effect (a server that rejected the
//   request before doing anything, say because its disk was full).
// A read that returned `{ ok: true }` without a value observed nothing. Values compare
// with ===.
import { showValue, type Model, type ModelStep } from '../model.ts';

export type RegisterValue = string | number | null;

export type RegisterInput =
  | { op: 'read'; key?: string }
  | { op: 'write'; key?: string; value: RegisterValue }
  | { op: 'cas'; key?: string; expected: RegisterValue; value: RegisterValue };

export type RegisterOutput =
  | { ok: true; value?: RegisterValue }
  | { ok: false; current?: RegisterValue; error?: undefined }
  | { ok: false; error: string };

function readStep(state: RegisterValue, output: RegisterOutput | null): ModelStep<RegisterValue, RegisterOutput> {
  const expected: RegisterOutput = { ok: true, value: state };
  if (output === null || !output.ok || output.value === undefined) return { legal: true, next: state, expected };
  return { legal: output.value === state, next: state, expected };
}

function casStep(state: RegisterValue, input: { expected: RegisterValue; value: RegisterValue }, output: RegisterOutput | null): ModelStep<RegisterValue, RegisterOutput> {
  const succeeds = state === input.expected;
  const expected: RegisterOutput = succeeds ? { ok: true } : { ok: false, current: state };
  const next = succeeds ? input.value : state;
  if (output === null) return { legal: true, next, expected };
  if (output.ok) return succeeds ? { legal: true, next, expected } : { legal: false, next: state, expected };
  if (output.error !== undefined) return { legal: true, next: state, expected };
  const legal = !succeeds && (output.current === undefined || output.current === state);
  return { legal, next: state, expected };
}

function registerStep(state: RegisterValue, input: RegisterInput, output: RegisterOutput | null): ModelStep<RegisterValue, RegisterOutput> {
  switch (input.op) {
    case 'read':
      return readStep(state, output);
    case 'write':
      if (output !== null && !output.ok) return { legal: true, next: state, expected: { ok: true } };
      return { legal: true, next: input.value, expected: { ok: true } };
    case 'cas':
      return casStep(state, input, output);
  }
}

function showRegisterInput(input: RegisterInput): string {
  const key = input.key === undefined ? '' : `${showValue(input.key)}, `;
  switch (input.op) {
    case 'read':
      return `read(${key.slice(0, -2)})`;
    case 'write':
      return `write(${key}${showValue(input.value)})`;
    case 'cas':
      return `cas(${key}${showValue(input.expected)} -> ${showValue(input.value)})`;
  }
}

function showRegisterOutput(output: RegisterOutput): string {
  if (output.ok) return output.value === undefined ? 'ok' : showValue(output.value);
  if (output.error !== undefined) return `refused (${output.error})`;
  return output.current === undefined ? 'failed' : `failed (found ${showValue(output.current)})`;
}

export const registerModel: Model<RegisterValue, RegisterInput, RegisterOutput> = {
  name: 'register',
  noun: 'register',
  stateNoun: 'value',
  init: () => null,
  step: registerStep,
  partition: (input) => input.key ?? '',
  isReadOnly: (input, output) => input.op === 'read' || (output !== null && !output.ok),
  describe: { input: showRegisterInput, output: showRegisterOutput, state: showValue },
};
