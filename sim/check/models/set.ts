// The set model: add, remove, contains and read on sets named by an optional key.
//
// Contract: a set holds distinct elements (strings or numbers) and starts empty.
// - add and remove change it and return `{ ok: true }` (adding a present element or
//   removing an absent one changes nothing);
// - contains returns `{ ok: true, value }`, whether the element is present;
// - read returns `{ ok: true, values }`: every element, in any order;
// - an output without its `value` or `values` observed nothing;
// - `{ ok: false }` is a definite refusal: the operation did not take effect.
// The state is a sorted array (numbers before strings), so equal sets are equal arrays.
import { hashText, showValue, type Model, type ModelStep } from '../model.ts';

export type SetElement = string | number;
export type SetState = readonly SetElement[];

export type SetInput =
  | { op: 'add'; key?: string; value: SetElement }
  | { op: 'remove'; key?: string; value: SetElement }
  | { op: 'contains'; key?: string; value: SetElement }
  | { op: 'read'; key?: string };

export type SetOutput =
  | { ok: true; value?: boolean; values?: readonly SetElement[] }
  | { ok: false };

function compareElements(a: SetElement, b: SetElement): number {
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonical state of a collection of elements: sorted, without duplicates. */
export function canonicalSet(values: readonly SetElement[]): SetState {
  const sorted = [...values].sort(compareElements);
  return sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);
}

function sameElements(a: SetState, b: SetState): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function setStep(state: SetState, input: SetInput, output: SetOutput | null): ModelStep<SetState, SetOutput> {
  if (output !== null && !output.ok) return { legal: true, next: state };
  switch (input.op) {
    case 'add':
      return { legal: true, next: state.includes(input.value) ? state : canonicalSet([...state, input.value]), expected: { ok: true } };
    case 'remove':
      return { legal: true, next: state.filter((v) => v !== input.value), expected: { ok: true } };
    case 'contains': {
      const present = state.includes(input.value);
      return { legal: output === null || output.value === undefined || output.value === present, next: state, expected: { ok: true, value: present } };
    }
    case 'read': {
      const legal = output === null || output.values === undefined || sameElements(canonicalSet(output.values), state);
      return { legal, next: state, expected: { ok: true, values: state } };
    }
  }
}

function showSet(state: SetState): string {
  return `{${state.map((v) => showValue(v)).join(', ')}}`;
}

function showSetInput(input: SetInput): string {
  const key = input.key === undefined ? '' : showValue(input.key);
  if (input.op === 'read') return `read(${key})`;
  return `${input.op}(${key === '' ? '' : `${key}, `}${showValue(input.value)})`;
}

function showSetOutput(output: SetOutput): string {
  if (!output.ok) return 'failed';
  if (output.values !== undefined) return showSet(canonicalSet(output.values));
  return output.value === undefined ? 'ok' : String(output.value);
}

export const setModel: Model<SetState, SetInput, SetOutput> = {
  name: 'set',
  noun: 'set',
  stateNoun: 'contents',
  init: () => [],
  step: setStep,
  partition: (input) => input.key ?? '',
  isReadOnly: (input, output) => input.op === 'contains' || input.op === 'read' || (output !== null && !output.ok),
  hash: (state) => hashText(JSON.stringify(state)),
  equal: sameElements,
  describe: { input: showSetInput, output: showSetOutput, state: showSet },
};
