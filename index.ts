// faultline's public API: what a user's workload module and a user's script import, as
// `import { ... } from 'faultline'`. This file only re-exports; docs/api.md describes each
// name. Anything not exported here is internal and may change without notice.

// The Env seam: what a process (one virtual node's program) is given and must implement.
export type {
  Clocked, DiskErrorCode, DiskPort, DiskRead, DiskResult, Micros, NodeContext, NodeId, Process, ProcessView, Random, TelemetrySink,
} from './core/env.ts';

// Defining a workload: its scenario sections (zod schemas), nodes, checks and UI data.
export { z } from 'zod';
export { defineWorkload } from './sim/workloads/workload.ts';
export type { InstallContext, Installed, LeaderSource, ScenarioOf, Sections, Workload, WorkloadUi } from './sim/workloads/workload.ts';
export { findWorkload, registeredWorkloads, registerWorkload, WorkloadDefinitionError } from './sim/workloads/registry.ts';
export { WorkloadError } from './sim/workloads/userWorkload.ts';
export type { NodeSpec, TelemetryListener, Violation, World } from './sim/world/world.ts';

// Scenarios: the schema's building blocks for a workload's sections, and parsing.
export { duration, DURATION_US_MAX, positiveDuration } from './sim/scenario/schema.ts';
export type { BaseScenario, FaultSpec, Problem, Scenario } from './sim/scenario/schema.ts';
export { parseScenarioText, validateScenario } from './sim/scenario/parse.ts';
export type { ParseResult } from './sim/scenario/parse.ts';

// Running: one seed, many seeds, and a replay that checks the trace hash.
export { runScenario } from './sim/run/runScenario.ts';
export type { RunOptions, RunReport } from './sim/run/runScenario.ts';
export { replay, sweep } from './sim/run/seeds.ts';
export type { SeedOutcome } from './sim/run/seeds.ts';

// Checkers: linearizability of a history against a model (key-value, register, set, FIFO
// queue, mutex, multi-register, or a user's own), a history recorder, Raft's invariants.
export { checkHistory, checkKvHistory } from './sim/check/linearizability.ts';
export type { CheckOptions, CheckResult, IllegalReport, Operation, Verdict } from './sim/check/history.ts';
export type { Model, ModelDescriptions, ModelStep } from './sim/check/model.ts';
export { hashText, showValue } from './sim/check/model.ts';
export { kvModel } from './sim/check/kvModel.ts';
export type { KvObservation, KvState } from './sim/check/kvModel.ts';
export { registerModel } from './sim/check/models/register.ts';
export type { RegisterInput, RegisterOutput, RegisterValue } from './sim/check/models/register.ts';
export { setModel } from './sim/check/models/set.ts';
export type { SetElement, SetInput, SetOutput, SetState } from './sim/check/models/set.ts';
export { queueModel } from './sim/check/models/queue.ts';
export type { QueueElement, QueueInput, QueueOutput, QueueState } from './sim/check/models/queue.ts';
export { mutexModel } from './sim/check/models/mutex.ts';
export type { MutexInput, MutexOutput, MutexState } from './sim/check/models/mutex.ts';
export { multiRegisterModel, multiRegisterModelWith } from './sim/check/models/multiRegister.ts';
export type { MicroOp, MultiRegisterInput, MultiRegisterOutput, MultiRegisterState } from './sim/check/models/multiRegister.ts';
export type { KvOp, KvResult } from './core/kv/types.ts';
export { HistoryRecorder } from './sim/check/historyRecorder.ts';
export { checkSegmented, SegmentedChecker } from './sim/check/segmentedCheck.ts';
export type { FeedOptions, SegmentedOptions, SegmentedResult, SegmentedVerdict } from './sim/check/segmentedCheck.ts';
export { SegmentedKvHistory } from './sim/check/segmentedHistory.ts';
export { recordHistory, RECORDED_OPS_MAX } from './sim/check/recordHistory.ts';
export type { RecordedHistory } from './sim/check/recordHistory.ts';
export { RaftInvariants } from './sim/check/raftInvariants.ts';
// Histories recorded elsewhere (Jepsen EDN or log lines, JSON), read for checkHistory.
export { detectFormat, HistoryFileError, modelFor, readHistoryText } from './sim/check/historyFile/readHistory.ts';
export type { HistoryCounts, HistoryFormat, HistoryModelName, HistoryRead, ReadHistoryOptions } from './sim/check/historyFile/readHistory.ts';
