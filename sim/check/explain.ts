// Readable explanations of a linearizability failure.
//
// Contract: explainIllegal turns a failing partition and the longest linearizable prefix
// the search found into multi-line text a person can check by hand: every operation with
// its client, call and return times and what it observed; the prefix and the state it
// leaves; then the operation that had to take effect next and why no remaining candidate
// could. The model supplies the words (its noun, how it shows inputs, outputs and
// states). It only describes; it decides nothing. The compact form (the default) bounds
// each part (operations listed, prefix steps shown, candidates explained), because a
// failure in a long history otherwise runs to hundreds of kilobytes; the full form
// (FULL_EXPLANATION) lists everything and is what the CLI writes to a file.

import type { KvOp } from '../../core/kv/types.ts';
import type { Operation } from './history.ts';
import { kvModel, type KvObservation } from './kvModel.ts';
import { isUnknownOutcome, showValue, type Model } from './model.ts';

export { showValue } from './model.ts';

/** Listing more operations than this would bury the point; the rest are counted. */
export const LISTED_OPS_MAX = 60;
/** The prefix is shown by its last operations only, the ones that lead to the failure. */
export const PREFIX_SHOWN_MAX = 12;
/** Candidates for the blocked step explained one by one. */
export const CANDIDATES_LISTED_MAX = 20;

/** How much of each part an explanation shows. */
export interface ExplainLimits {
  opsListed: number;
  prefixShown: number;
  candidatesListed: number;
}

export const COMPACT_EXPLANATION: ExplainLimits = { opsListed: LISTED_OPS_MAX, prefixShown: PREFIX_SHOWN_MAX, candidatesListed: CANDIDATES_LISTED_MAX };
export const FULL_EXPLANATION: ExplainLimits = { opsListed: Infinity, prefixShown: Infinity, candidatesListed: Infinity };

function showInterval(call: number, ret: number): string {
  return ret === Infinity ? `[${call} µs .. no return]` : `[${call} .. ${ret} µs]`;
}

/** What an explanation works with: the model and what each operation is known to have done. */
class Describer<S, I, O> {
  constructor(readonly model: Model<S, I, O>) {}

  knownOutput(op: Operation<I, O>): O | null {
    return isUnknownOutcome(this.model, op) ? null : op.output;
  }

  returnTime(op: Operation<I, O>): number {
    return isUnknownOutcome(this.model, op) ? Infinity : op.return;
  }

  input(op: Operation<I, O>): string {
    return this.model.describe.input(op.input);
  }

  output(o: O | null): string {
    return o === null ? 'unknown' : this.model.describe.output(o);
  }

  /**
   * One line per operation: "#7 client 2 [100 .. 250 µs] put("k", "1") -> "1""; an
   * operation that returned without its answer being seen ends "-> answer not seen", one
   * whose outcome is unknown "-> unknown".
   */
  operation(op: Operation<I, O>): string {
    const known = this.knownOutput(op);
    const shown = known === null && this.returnTime(op) !== Infinity ? 'answer not seen' : this.output(known);
    return `#${op.opId} client ${op.clientId} ${showInterval(op.call, this.returnTime(op))} ${this.input(op)} -> ${shown}`;
  }
}

/** One line describing a key-value operation (the key-value model's words). */
export function describeOperation(op: Operation<KvOp, KvObservation>): string {
  return new Describer(kvModel).operation(op);
}

/** One line describing an operation of any model. */
export function describeModelOperation<S, I, O>(model: Model<S, I, O>, op: Operation<I, O>): string {
  return new Describer(model).operation(op);
}

function listOperations<S, I, O>(d: Describer<S, I, O>, ops: readonly Operation<I, O>[], max: number): string[] {
  const sorted = [...ops].sort((a, b) => a.call - b.call || a.opId - b.opId);
  const lines = sorted.slice(0, max).map((op) => `  ${d.operation(op)}`);
  if (sorted.length > max) lines.push(`  … and ${sorted.length - max} more`);
  return lines;
}

function replayPrefix<S, I, O>(d: Describer<S, I, O>, ops: readonly Operation<I, O>[], prefix: readonly number[]): S {
  let state = d.model.init();
  for (const i of prefix) state = d.model.step(state, ops[i].input, d.knownOutput(ops[i])).next;
  return state;
}

/** Why each candidate could not be the next operation, from the state after the prefix. */
function blockedLines<S, I, O>(d: Describer<S, I, O>, ops: readonly Operation<I, O>[], prefix: readonly number[], state: S, max: number): string[] {
  const done = new Set(prefix);
  const rest = ops.filter((_, i) => !done.has(i));
  const finite = rest.filter((op) => d.returnTime(op) !== Infinity);
  if (finite.length === 0) return ['  Every remaining operation has an unknown outcome; this should not fail.'];
  const due = finite.reduce((a, b) => (d.returnTime(b) < d.returnTime(a) ? b : a));
  const dueAt = d.returnTime(due);
  const shown = d.model.describe.state(state);
  const lines = [`Next, #${due.opId} had to take effect by ${dueAt} µs (its return), so one of these had to come next:`];
  const candidates = rest.filter((o) => o.call <= dueAt).sort((a, b) => a.call - b.call || a.opId - b.opId);
  for (const op of candidates.slice(0, max)) {
    const observed = d.knownOutput(op);
    const step = d.model.step(state, op.input, observed);
    if (step.legal) {
      lines.push(`  #${op.opId} ${d.input(op)} fits here (${d.model.stateNoun} becomes ${d.model.describe.state(step.next)}), but every order continuing from it fails later`);
    } else if (step.expected !== undefined) {
      lines.push(`  #${op.opId} ${d.input(op)} observed ${d.output(observed)}, but from ${shown} it would return ${d.output(step.expected)}`);
    } else {
      lines.push(`  #${op.opId} ${d.input(op)} observed ${d.output(observed)}, which it cannot return from ${shown}`);
    }
  }
  if (candidates.length > max) lines.push(`  … and ${candidates.length - max} more candidates`);
  return lines;
}

function heading<S, I, O>(model: Model<S, I, O>, key: string, count: number, removed: number, partitionSize: number): string {
  const noun = model.noun.charAt(0).toUpperCase() + model.noun.slice(1);
  const subject = count === 1 ? 'this operation has' : `these ${count} operations have`;
  const text = key === '' ? subject.charAt(0).toUpperCase() + subject.slice(1) : `${noun} ${showValue(key)}: ${subject}`;
  const left = removed > 0 ? ` (${removed} of the ${partitionSize} on this ${model.noun}, all reads, were left out; the rest still fail).` : '.';
  return `${text} no linearization${left}`;
}

/**
 * Explains why `ops` (all in partition `key`) have no linearization under `model`.
 * `prefix` lists indices into `ops` in the order the search linearized them before it got
 * stuck; `partitionSize` is the size of the partition before read-only operations were
 * removed.
 */
export function explainIllegal<S, I, O>(model: Model<S, I, O>, key: string, ops: readonly Operation<I, O>[], prefix: readonly number[], partitionSize: number, limits: ExplainLimits = COMPACT_EXPLANATION): string {
  const d = new Describer(model);
  const lines = [heading(model, key, ops.length, partitionSize - ops.length, partitionSize), ...listOperations(d, ops, limits.opsListed)];
  const state = replayPrefix(d, ops, prefix);
  const shownState = model.describe.state(state);
  if (prefix.length === 0) {
    lines.push(`No operation can take effect first: the ${model.noun} starts as ${model.describe.state(model.init())}.`);
  } else {
    const tail = limits.prefixShown >= prefix.length ? prefix : prefix.slice(prefix.length - limits.prefixShown);
    const earlier = prefix.length - tail.length;
    const shown = tail.map((i) => `#${ops[i].opId} ${d.input(ops[i])} -> ${d.output(d.knownOutput(ops[i]))}`).join(', ');
    lines.push(`Longest linearizable prefix found (${prefix.length} of ${ops.length}): ${earlier > 0 ? `… ${earlier} earlier, then ` : ''}${shown}; the ${model.stateNoun} is then ${shownState}.`);
  }
  lines.push(...blockedLines(d, ops, prefix, state, limits.candidatesListed));
  return lines.join('\n');
}
