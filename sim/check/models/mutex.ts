// The mutex model: acquire and release on locks named by an optional key (one lock when no
// operation names a key), as Knossos's `mutex` model defines a lock.
//
// Contract: a lock is free or held, and starts free. It knows nothing of its holder: any
// client may release it (Jepsen's lock tests record no owner either).
// - acquire on a free lock holds it and returns `{ ok: true }`; an acquire answered
//   `{ ok: true }` while the lock was held is inconsistent (two holders at once);
// - release on a held lock frees it and returns `{ ok: true }`; one answered `{ ok: true }`
//   while the lock was free is inconsistent (a release of nothing);
// - `{ ok: false }` is a definite refusal: the operation did not take effect (a Jepsen
//   `:fail`, such as a release answered `:not-held`);
// - with the answer not seen (output null) the operation may have been refused: an acquire
//   of a held lock or a release of a free one changes nothing and is legal, and otherwise it
//   takes effect. For an operation of unknown outcome (a Jepsen `:info`) this is Knossos's
//   reading too: it takes effect only where the lock allowed it, or never.
// The state is a boolean (held), compared as a value by the checker's memo.
import { type Model, type ModelStep } from '../model.ts';

export type MutexState = boolean;

export type MutexInput = { op: 'acquire'; key?: string } | { op: 'release'; key?: string };

export type MutexOutput = { ok: boolean };

const DONE: MutexOutput = { ok: true };

function mutexStep(held: MutexState, input: MutexInput, output: MutexOutput | null): ModelStep<MutexState, MutexOutput> {
  // Acquire needs a free lock and leaves it held; release needs a held one and frees it.
  const allowed = input.op === 'acquire' ? !held : held;
  const after = input.op === 'acquire';
  if (output !== null && !output.ok) return { legal: true, next: held };
  if (allowed) return { legal: true, next: after, expected: DONE };
  // Not allowed: an answered success is inconsistent; an unseen answer may have been a refusal.
  return { legal: output === null, next: held, expected: { ok: false } };
}

function showMutexInput(input: MutexInput): string {
  return `${input.op}(${input.key === undefined ? '' : JSON.stringify(input.key)})`;
}

export const mutexModel: Model<MutexState, MutexInput, MutexOutput> = {
  name: 'mutex',
  noun: 'lock',
  stateNoun: 'state',
  init: () => false,
  step: mutexStep,
  partition: (input) => input.key ?? '',
  isReadOnly: (_input, output) => output !== null && !output.ok,
  describe: {
    input: showMutexInput,
    output: (output) => (output.ok ? 'ok' : 'refused'),
    state: (held) => (held ? 'held' : 'free'),
  },
};
