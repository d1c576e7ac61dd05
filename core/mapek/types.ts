// The vocabulary of the MAPE-K manager: what it observes, what it concludes, what it does.
//
// Contract: plain data only, so every phase's output can be emitted as telemetry, shown in
// the UI and saved in the knowledge file as it is. Node ids are the cluster's NodeIds.
import type { Micros, NodeId } from '../env.ts';

/** The loop's phases, in order; K is the knowledge update after an outcome is known. */
export const PHASES = ['monitor', 'analyze', 'plan', 'execute', 'knowledge'] as const;
export type Phase = (typeof PHASES)[number];

/** What Analyze can notice. `target` is a node, or -1 for the cluster or service as a whole. */
export const SYMPTOM_KINDS = [
  'unreachable', 'no-leader', 'leader-churn', 'commit-stall', 'latency-up', 'error-rate-up', 'slow-node',
  'disk-errors', 'disk-nearly-full', 'memory-trend', 'clock-skew', 'rejected-peer',
] as const;
export type SymptomKind = (typeof SYMPTOM_KINDS)[number];

export interface Symptom {
  kind: SymptomKind;
  target: NodeId;
  /** When it was raised (manager's local clock). */
  sinceUs: Micros;
  /** The figure that raised it (a z-score, a ratio, a count...), for the record. */
  value: number;
  detail: string;
}

/** Probable causes, each naming the node at fault (or -1 for the service). */
export const CAUSES = [
  'crashed', 'unresponsive', 'isolated', 'quarantined', 'slow-leader', 'slow-node', 'disk-full', 'memory-leak',
  'byzantine', 'clock-skew', 'overload', 'quorum-loss',
] as const;
export type Cause = (typeof CAUSES)[number];

export interface Diagnosis {
  cause: Cause;
  target: NodeId;
  /** In (0, 1]: how sure Analyze is. */
  confidence: number;
  /** The symptoms it explains, as "kind:target". */
  symptoms: string[];
  sinceUs: Micros;
  /** The figure of its first symptom (a clock offset, a ratio...). */
  value: number;
}

/** What Execute can do. Disruptive actions take a member out of service for a while. */
export const ACTION_KINDS = ['restart', 'replace', 'transfer-leader', 'quarantine', 'compact', 'tighten-limits', 'relax-limits', 'resync-clock'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export const DISRUPTIVE: ReadonlySet<ActionKind> = new Set(['restart', 'replace', 'transfer-leader', 'quarantine']);

export type Outcome = 'recovered' | 'failed' | 'no-effect' | 'aborted';

/** One action the planner decided on, from decision to outcome. */
export interface ActionRecord {
  id: number;
  kind: ActionKind;
  target: NodeId;
  cause: Cause;
  /** The spare a replace brings in; -1 otherwise. */
  spare: NodeId;
  decidedUs: Micros;
  doneUs: Micros | null;
  outcome: Outcome | null;
  detail: string;
}

/** Causes that all say "this node does not answer": one problem, however it is explained. */
const DOWN_CAUSES: ReadonlySet<Cause> = new Set(['crashed', 'unresponsive', 'isolated']);

/**
 * The episode a diagnosis belongs to. A node that does not answer is one problem whether
 * the control plane says it crashed, hangs or runs cut off (the answer changes as a restart
 * goes on), so these causes share a key; once it has acted the episode keeps its cause
 * (before that, a sharper diagnosis picks its ladder: plan.ts).
 */
export const diagnosisKey = (d: { cause: Cause; target: NodeId }): string => `${DOWN_CAUSES.has(d.cause) ? 'down' : d.cause}:${d.target}`;
export const symptomKey = (s: { kind: SymptomKind; target: NodeId }): string => `${s.kind}:${s.target}`;
