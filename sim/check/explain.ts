// Readable explanations of a linearizability failure.
//
// Contract: explainIllegal turns a failing partition and the longest linearizable prefix
// the search found into multi-line text a person can check by hand: every operation with
// its client, call and return times and what it observed; the prefix and the value it
// leaves; then the operation that had to take effect next and why no remaining candidate
// could. It only describes; it decides nothing. The compact form (the default) bounds each
// part (operations listed, prefix steps shown, candidates explained), because a failure in
// a long history otherwise runs to hundreds of kilobytes; the full form (FULL_EXPLANATION)
// lists everything and is what the CLI writes to a file.

import type { KvOp, KvResult } from '../../core/kv/types.ts';
import type { Operation } from './history.ts';
import { isUnknownOutput, KV_INITIAL_STATE, kvModelStep } from './kvModel.ts';
import type { KvState } from './kvModel.ts';

/** Listing more operations than this would bury the point; the rest are counted. */
export const LISTED_OPS_MAX = 60;
/** Steps of the linearizable prefix shown (the last ones: they lead to the failure). */
export const PREFIX_SHOWN_MAX = 20;
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
const SHOWN_VALUE_LENGTH_MAX = 40;

export function showValue(v: string | null): string {
  if (v === null) return 'null';
  const text = JSON.stringify(v);
  return text.length <= SHOWN_VALUE_LENGTH_MAX ? text : `${text.slice(0, SHOWN_VALUE_LENGTH_MAX - 4)}…" (${v.length} chars)`;
}

export function showInput(input: KvOp): string {
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

export function showResult(r: KvResult | null): string {
  if (r === null) return 'unknown';
  if (r.ok) return showValue(r.value);
  if (r.error === 'cas-mismatch') return `cas-mismatch (found ${showValue(r.current)})`;
  return 'unknown (session-expired)';
}

function showInterval(call: number, ret: number): string {
  return ret === Infinity ? `[${call} µs .. no return]` : `[${call} .. ${ret} µs]`;
}

function knownOutput(op: Operation): KvResult | null {
  return isUnknownOutput(op.output) || op.return === Infinity ? null : op.output;
}

/** One line per operation: "#7 client 2 [100 .. 250 µs] put("k", "1") -> "1"". */
export function describeOperation(op: Operation): string {
  return `#${op.opId} client ${op.clientId} ${showInterval(op.call, returnTime(op))} ${showInput(op.input)} -> ${showResult(knownOutput(op))}`;
}

function returnTime(op: Operation): number {
  return knownOutput(op) === null ? Infinity : op.return;
}

function listOperations(ops: readonly Operation[], max: number): string[] {
  const sorted = [...ops].sort((a, b) => a.call - b.call || a.opId - b.opId);
  const lines = sorted.slice(0, max).map((op) => `  ${describeOperation(op)}`);
  if (sorted.length > max) lines.push(`  … and ${sorted.length - max} more`);
  return lines;
}

function replayPrefix(ops: readonly Operation[], prefix: readonly number[]): KvState {
  let state = KV_INITIAL_STATE;
  for (const i of prefix) state = kvModelStep(state, ops[i].input, knownOutput(ops[i])).next;
  return state;
}

/** Why each candidate could not be the next operation, from the state after the prefix. */
function blockedLines(ops: readonly Operation[], prefix: readonly number[], state: KvState, max: number): string[] {
  const done = new Set(prefix);
  const rest = ops.filter((_, i) => !done.has(i));
  const finite = rest.filter((op) => returnTime(op) !== Infinity);
  if (finite.length === 0) return ['  Every remaining operation has an unknown outcome; this should not fail.'];
  const due = finite.reduce((a, b) => (returnTime(b) < returnTime(a) ? b : a));
  const dueAt = returnTime(due);
  const lines = [`Next, #${due.opId} had to take effect by ${dueAt} µs (its return), so one of these had to come next:`];
  const candidates = rest.filter((o) => o.call <= dueAt).sort((a, b) => a.call - b.call || a.opId - b.opId);
  for (const op of candidates.slice(0, max)) {
    const step = kvModelStep(state, op.input, knownOutput(op));
    if (!step.legal) {
      lines.push(`  #${op.opId} ${showInput(op.input)} observed ${showResult(knownOutput(op))}, but from ${showValue(state)} it would return ${showResult(step.expected)}`);
    } else {
      lines.push(`  #${op.opId} ${showInput(op.input)} fits here (value becomes ${showValue(step.next)}), but every order continuing from it fails later`);
    }
  }
  if (candidates.length > max) lines.push(`  … and ${candidates.length - max} more candidates`);
  return lines;
}

/**
 * Explains why `ops` (all on `key`) have no linearization. `prefix` lists indices into
 * `ops` in the order the search linearized them before it got stuck; `partitionSize` is
 * the size of the partition before read-only operations were removed.
 */
export function explainIllegal(key: string, ops: readonly Operation[], prefix: readonly number[], partitionSize: number, limits: ExplainLimits = COMPACT_EXPLANATION): string {
  const removed = partitionSize - ops.length;
  const lines = [
    `Key ${showValue(key)}: ${ops.length === 1 ? 'this operation has' : `these ${ops.length} operations have`} no linearization` +
      (removed > 0 ? ` (${removed} of the ${partitionSize} on this key, all reads, were left out; the rest still fail).` : '.'),
    ...listOperations(ops, limits.opsListed),
  ];
  const state = replayPrefix(ops, prefix);
  if (prefix.length === 0) {
    lines.push(`No operation can take effect first: the key starts as null.`);
  } else {
    const hidden = Math.max(0, prefix.length - limits.prefixShown);
    const steps = prefix.slice(hidden).map((i) => `#${ops[i].opId} ${showInput(ops[i].input)} -> ${showResult(knownOutput(ops[i]))}`);
    const shown = (hidden > 0 ? [`… ${hidden} earlier steps`, ...steps] : steps).join(', ');
    lines.push(`Longest linearizable prefix found (${prefix.length} of ${ops.length}): ${shown}; the value is then ${showValue(state)}.`);
  }
  lines.push(...blockedLines(ops, prefix, state, limits.candidatesListed));
  return lines.join('\n');
}
