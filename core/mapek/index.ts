// The MAPE-K self-healing manager: public surface of core/mapek.
export { MapekManager, MANAGER_SESSION_BASE } from './manager.ts';
export { managerConfig, checkManagerConfig, DEFAULT_THRESHOLDS, DEFAULT_VERIFY_US, type ManagerConfig, type ManagerConfigInput, type ManagerBugs, type Thresholds, type LeaseSettings } from './config.ts';
export { Knowledge, emptyKnowledge, parseKnowledge, KNOWLEDGE_VERSION, type KnowledgeData, type Episode, type ActionStats } from './knowledge.ts';
export { Baseline, type BaselineState, type BaselineOptions } from './baseline.ts';
export { Trend } from './trend.ts';
export { Analyzer, type CanaryView } from './analyze.ts';
export { diagnose } from './diagnose.ts';
export { Planner, LADDERS, SEVERITY, type Decision, type EpisodeEnd } from './plan.ts';
export { Executor } from './execute.ts';
export { Lease, DRIFT_MARGIN } from './lease.ts';
export type { OperatorPort, OpResult } from './operator.ts';
export { CONTROL_OPS, controlRequest, parseControlRequest, parseControlAnswer, type ControlOp, type ControlRequest, type ControlAnswer, type HostInfo } from './controlProtocol.ts';
export { ACTION_KINDS, CAUSES, PHASES, SYMPTOM_KINDS, type ActionKind, type Cause, type Diagnosis, type Phase, type Symptom, type SymptomKind } from './types.ts';
