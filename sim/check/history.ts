// The shape of a client history and of the linearizability checker's verdict.
//
// Contract: an Operation is one client request as the client saw it: when it was called,
// when (if ever) it returned, and what it observed. `return` is Infinity and `output` is
// null when the outcome is unknown (timeout, crash, or a session-expired answer); such an
// operation may have taken effect at any time after its call, or never. A return of
// Infinity makes the outcome unknown whatever `output` says.

import type { KvOp, KvResult } from '../../core/kv/types.ts';

export interface Operation {
  clientId: number;
  /** Unique within a history; names the operation in explanations. */
  opId: number;
  input: KvOp;
  /** Virtual time of the call, µs. */
  call: number;
  /** Virtual time of the return, µs; Infinity when the outcome is unknown. */
  return: number;
  /** What the client observed; null when unknown. */
  output: KvResult | null;
}

export type Verdict = 'ok' | 'illegal' | 'unknown';

export interface IllegalReport {
  key: string;
  /** The failing operations: the smallest failing partition, shrunk by removing reads. */
  ops: Operation[];
  /** Multi-line text: the operations, the longest linearizable prefix, the blocked step;
   *  each part bounded (sim/check/explain.ts), so it stays a few kilobytes. */
  explanation: string;
  /** The same with nothing left out: every operation, every step, every candidate. */
  explanationFull: string;
}

export interface CheckResult {
  verdict: Verdict;
  /** Number of per-key partitions: keys with at least one operation that constrains. */
  partitions: number;
  /** Operations in partitions whose search finished (ok or illegal); unknown-outcome
   *  gets, which constrain nothing and are dropped, are not counted. */
  checkedOps: number;
  /** Search steps spent, over all partitions and the shrinking of a failure. */
  steps: number;
  illegal?: IllegalReport;
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
