// A sequential specification for the linearizability checker: what one object (a key, a
// register, a queue) does when operations are applied to it one at a time.
//
// Contract: a model is plain data and pure functions; the checker never mutates a state,
// so `step` must return a new state (or the same one) and never change its argument.
// - `step(state, input, output)` says whether the operation, applied to `state`, could
//   have given `output`, and the state after it. With `output` null (the client did not
//   see what the operation returned) every operation is legal and takes its effect.
// - `partition(input)` names the independent object an operation touches (a key): the
//   checker searches each partition alone (P-compositionality). Without it, the whole
//   history is one partition.
// - `isUnknown(output)` marks an answer that does not say whether the operation took
//   effect (a session-expired error): the checker treats it like no answer at all.
// - `isReadOnly(input, output)` is true when the operation, so observed, cannot change the
//   state (a read, a failed cas). Such operations with no output constrain nothing and are
//   dropped, and only they are removed when a failure is shrunk for the report.
// - States are compared for the search's memo by `hash` and `equal` when given, else as
//   Map keys (by value for strings, numbers and null; by identity for objects, which is
//   correct but prunes nothing: give `hash` and `equal` for object states).
// - `describe` turns inputs, outputs and states into short text for explanations.

export interface ModelStep<S, O> {
  legal: boolean;
  /** The state after the operation; the input state when the step is illegal. */
  next: S;
  /** What the operation returns from the state, to explain an illegal step; omit if not one answer. */
  expected?: O;
}

export interface ModelDescriptions<S, I, O> {
  input(input: I): string;
  /** A known output (never null: the checker writes "unknown" itself). */
  output(output: O): string;
  state(state: S): string;
}

export interface Model<S, I, O> {
  /** Short name for messages ("kv", "register"...). */
  readonly name: string;
  /** What one partition is called in explanations: "key", "register", "queue"... */
  readonly noun: string;
  /** What a state is called in explanations: "value", "contents"... */
  readonly stateNoun: string;
  init(): S;
  step(state: S, input: I, output: O | null): ModelStep<S, O>;
  partition?(input: I): string;
  isUnknown?(output: O): boolean;
  isReadOnly?(input: I, output: O | null): boolean;
  hash?(state: S): number;
  equal?(a: S, b: S): boolean;
  readonly describe: ModelDescriptions<S, I, O>;
}

/** True when an operation's outcome is unknown: no return, or an answer the model says tells nothing. */
export function isUnknownOutcome<S, I, O>(model: Model<S, I, O>, op: { return: number; output: O | null }): boolean {
  return op.return === Infinity || (op.output !== null && model.isUnknown !== undefined && model.isUnknown(op.output));
}

/** A 32-bit FNV-1a hash of a string: for models whose states have a canonical text. */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

const SHOWN_VALUE_LENGTH_MAX = 40;

/** A value as JSON, cut short when long: "abc", 7, null, "vvvv…" (100 chars). */
export function showValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const text = JSON.stringify(v);
  if (text.length <= SHOWN_VALUE_LENGTH_MAX) return text;
  const size = typeof v === 'string' ? `${v.length} chars` : `${text.length} chars of JSON`;
  return `${text.slice(0, SHOWN_VALUE_LENGTH_MAX - 4)}…${typeof v === 'string' ? '"' : ''} (${size})`;
}
