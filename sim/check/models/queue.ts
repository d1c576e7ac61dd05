// The FIFO queue model: enqueue and dequeue on queues named by an optional key.
//
// Contract: a queue holds elements (strings or numbers) in order and starts empty.
// - enqueue(value) appends and returns `{ ok: true }`;
// - dequeue removes the oldest element and returns `{ ok: true, value }`, or
//   `{ ok: true, value: null }` when the queue is empty (`{ ok: true }` without a value
//   says it took an element, or found none, without saying which);
// - `{ ok: false }` is a definite refusal: the operation did not take effect.
import { hashText, showValue, type Model, type ModelStep } from '../model.ts';

export type QueueElement = string | number;
export type QueueState = readonly QueueElement[];

export type QueueInput =
  | { op: 'enqueue'; key?: string; value: QueueElement }
  | { op: 'dequeue'; key?: string };

export type QueueOutput =
  | { ok: true; value?: QueueElement | null }
  | { ok: false };

function queueStep(state: QueueState, input: QueueInput, output: QueueOutput | null): ModelStep<QueueState, QueueOutput> {
  if (output !== null && !output.ok) return { legal: true, next: state };
  if (input.op === 'enqueue') return { legal: true, next: [...state, input.value], expected: { ok: true } };
  const head = state.length === 0 ? null : state[0];
  const next = state.length === 0 ? state : state.slice(1);
  const expected: QueueOutput = { ok: true, value: head };
  if (output === null || output.value === undefined) return { legal: true, next, expected };
  return output.value === head ? { legal: true, next, expected } : { legal: false, next: state, expected };
}

function sameQueue(a: QueueState, b: QueueState): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function showQueue(state: QueueState): string {
  return `[${state.map((v) => showValue(v)).join(', ')}]`;
}

function showQueueInput(input: QueueInput): string {
  const key = input.key === undefined ? '' : showValue(input.key);
  return input.op === 'dequeue' ? `dequeue(${key})` : `enqueue(${key === '' ? '' : `${key}, `}${showValue(input.value)})`;
}

function showQueueOutput(output: QueueOutput): string {
  if (!output.ok) return 'failed';
  if (output.value === undefined) return 'ok';
  return output.value === null ? 'empty' : showValue(output.value);
}

export const queueModel: Model<QueueState, QueueInput, QueueOutput> = {
  name: 'queue',
  noun: 'queue',
  stateNoun: 'contents',
  init: () => [],
  step: queueStep,
  partition: (input) => input.key ?? '',
  isReadOnly: (_input, output) => output !== null && !output.ok,
  hash: (state) => hashText(JSON.stringify(state)),
  equal: sameQueue,
  describe: { input: showQueueInput, output: showQueueOutput, state: showQueue },
};
