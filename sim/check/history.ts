// The shape of a client history and of the linearizability checker's verdict.
//
// Contract: an Operation is one client request as the client saw it: when it was called,
// when (if ever) it returned, and what it observed. Three kinds of observation:
// - complete: a finite `return` and an `output`; the operation took effect once, between
//   its call and its return, and returned that output;
// - returned, output unseen: a finite `return` with `output` null (the reply was lost in
//   the client, or the client logged only that it finished); the operation took effect
//   between its call and its return, and its output constrains nothing;
// - unknown outcome: `return` Infinity (timeout, crash), or an output the model calls
//   unknown (a session-expired answer); the operation may have taken effect at any time
//   after its call, or never. A return of Infinity makes the outcome unknown whatever
//   `output` says.
// The types default to the key-value store's operations; other models (registers, sets,
// queues, a user's own) give their own input and output types.

import type { KvOp } from '../../core/kv/types.ts';
import type { KvObservation } from './kvModel.ts';

export interface Operation<I = KvOp, O = KvObservation> {
  clientId: number;
  /** Unique within a history; names the operation in explanations. */
  opId: number;
  input: I;
  /** Virtual time of the call, µs. */
  call: number;
  /** Virtual time of the return, µs; Infinity when the outcome is unknown. */
  return: number;
  /** What the client observed; null when it saw nothing. */
  output: O | null;
}

export type Verdict = 'ok' | 'illegal' | 'unknown';

export interface IllegalReport<I = KvOp, O = KvObservation> {
  /** The failing partition ('' for a model without partitions). */
  key: string;
  /** The failing operations: the smallest failing partition, shrunk by removing reads. */
  ops: Operation<I, O>[];
  /** Multi-line text: the operations, the longest linearizable prefix, the blocked step;
   *  each part bounded (sim/check/explain.ts), so it stays a few kilobytes. */
  explanation: string;
  /** The same with nothing left out: every operation, every step, every candidate. */
  explanationFull: string;
}

export interface CheckResult<I = KvOp, O = KvObservation> {
  verdict: Verdict;
  /** Number of partitions: keys with at least one operation that constrains. */
  partitions: number;
  /** Operations in partitions whose search finished (ok or illegal); read-only operations
   *  with nothing observed, which constrain nothing and are dropped, are not counted. */
  checkedOps: number;
  /** Search steps spent, over all partitions and the shrinking of a failure. */
  steps: number;
  illegal?: IllegalReport<I, O>;
}

export interface CheckOptions {
  /** Budget of search steps over the whole check; default 50,000,000. */
  maxSteps?: number;
  /** Polled every few thousand steps; returning true stops the check with 'unknown'. */
  deadline?: () => boolean;
  /** Memory limit of one partition's memo of visited configurations; default 256 MiB.
   *  A search that reaches it stops with 'unknown'. */
  maxVisitedBytes?: number;
}
