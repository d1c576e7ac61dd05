// The raft-kv workload: `topology.nodes` Raft servers running the replicated KV store and
// `clients.count` client nodes issuing a seeded mix of operations with timeouts and
// retries. Checks: Raft invariants as the run goes, linearizability of the client history
// (checked as the run goes, segment by segment: sim/check/segmentedHistory.ts), and liveness: after the last fault heals, a write
// completes within the bound.
import type { Micros, Process } from '../../core/env.ts';
import { KvClient } from '../../core/kv/client.ts';
import { HISTORY_OPS_MAX } from '../check/historyRecorder.ts';
import { LINEARIZABILITY_STEPS_MAX, SegmentedKvHistory } from '../check/segmentedHistory.ts';
import { churnSettings, installLeaderChurn } from '../check/leaderChurn.ts';
import { TransferCompletesCheck } from '../check/transferCompletes.ts';
import { LeaderCommitsTermCheck } from '../check/leaderCommitsTerm.ts';
import { ReplicationProgressCheck } from '../check/replicationProgress.ts';
import { DEFAULT_LINK } from '../net/link.ts';
import { toLinkProfile } from '../scenario/topology.ts';
import { AnswerSoundCheck } from '../check/answerSound.ts';
import { ExactlyOnceCheck } from '../check/exactlyOnce.ts';
import { SessionBoundCheck } from '../check/sessionBound.ts';
import { COMMITTED_REMEMBERED_MAX, RaftInvariants } from '../check/raftInvariants.ts';
import { notApplicable } from '../check/verdict.ts';
import { QuorumLiveness, SERVERS_MAX } from '../check/quorumLiveness.ts';
import { formatMicros } from '../kernel/time.ts';
import type { NodeSpec, World } from '../world/world.ts';
import { clientsProblems, clientsSection, raftTimingProblems, kvServerSpecs, leaseClocksBroken, opGenerator, raftSection } from './kvSections.ts';
import { LeaderTracker } from './leaderTracker.ts';
import { adminProblems, adminSection, RaftOperator } from './operator.ts';
import { drawRaftSwarm, raftSwarmProblems } from './raftSwarm.ts';
import { RAFT_UI } from './raftUi.ts';
import { defineWorkload, type CheckLimits, type ScenarioOf } from './workload.ts';

const sections = { raft: raftSection, clients: clientsSection, admin: adminSection };
export type RaftKvScenario = ScenarioOf<typeof sections>;

export function raftKvNodes(s: RaftKvScenario): NodeSpec[] {
  const { specs, servers } = kvServerSpecs(s.topology, s.raft);
  const mixed = opGenerator(s.clients);
  const readOnly = opGenerator({ ...s.clients, mix: { get: 1, put: 0, append: 0, cas: 0, delete: 0 } });
  for (let c = 0; c < s.clients.count + s.clients.readers; c++) {
    const nextOp = c < s.clients.count ? mixed : readOnly;
    specs.push({
      role: 'client',
      factory: () => new KvClient({
        clientId: c + 1, servers, thinkUs: s.clients.interval, timeoutUs: s.clients.timeout,
        attemptsMax: s.clients.attempts, stopAtUs: Math.max(0, s.duration - s.clients.quiesce), nextOp,
        expiredAsFailure: s.raft.bugs.includes('expiredAsFailure'),
        keepsExpiredSession: s.raft.bugs.includes('keepsExpiredSession'),
      }),
    });
  }
  // The operator (`admin:`) is a world endpoint on its own node, after the clients.
  if (s.admin !== undefined) specs.push({ role: 'operator', boot: false, factory: () => idle });
  return specs;
}

/** The operator's node runs no process: the world serves it (RaftOperator). */
const idle: Process = { start() {}, onMessage() {}, onTimer() {} };

/** Starts the operator of the `admin:` section, if the scenario has one. */
function installOperator(world: World, s: RaftKvScenario): RaftOperator | null {
  if (s.admin === undefined) return null;
  const n = s.topology.nodes;
  return new RaftOperator(world, s.admin, {
    node: world.nodeCount - 1,
    voters: Array.from({ length: n }, (_, i) => i),
    spares: Array.from({ length: s.topology.spares }, (_, i) => n + i),
  }, s.duration - s.clients.quiesce);
}

/** Installs the checks; the run schedules the faults after them, aimed by the leader tracker. */
function installRaftKv(world: World, s: RaftKvScenario, healUs: Micros, limits: CheckLimits): { finish(): Record<string, number | string>; leaders: LeaderTracker } {
  const invariants = new RaftInvariants(world, COMMITTED_REMEMBERED_MAX, s.faults, leaseClocksBroken(s.faults, s.raft));
  // The clients talk to the servers directly: each answer they take must be one a server gave.
  new AnswerSoundCheck(world);
  // Every write's value is its own (opGenerator): none may take effect twice.
  new ExactlyOnceCheck(world);
  // Each replica's session table evicts only to make room for a registration.
  new SessionBoundCheck(world);
  const churn = installLeaderChurn(world, s, s.raft);
  const history = new SegmentedKvHistory(world, limits.historyOpsMax ?? HISTORY_OPS_MAX, { segmentSteps: limits.linearizabilityStepsMax ?? LINEARIZABILITY_STEPS_MAX });
  const leaders = new LeaderTracker(world);
  // Counts of what the servers refused or could not do: byzantine scenarios must show
  // their bad input rejected (and nothing worse).
  const refusals = { rejectedMessages: 0, diskErrors: 0, recoverFailures: 0 };
  world.onTelemetry((_t, _node, name) => {
    if (name === 'msg.rejected') refusals.rejectedMessages++;
    else if (name === 'raft.disk_error') refusals.diskErrors++;
    else if (name === 'raft.recover_failed') refusals.recoverFailures++;
  });
  const liveness = installLivenessCheck(world, s, healUs, history);
  const quorumLiveness = installQuorumLiveness(world, s, history);
  const operator = installOperator(world, s);
  const transfers = installTransferCompletes(world, s);
  const termCommits = installLeaderCommitsTerm(world, s);
  const progress = installReplicationProgress(world, s);
  const finish = (): Record<string, number | string> => {
    churn.conclude();
    quorumLiveness.conclude();
    transfers.conclude();
    termCommits.conclude();
    progress.conclude();
    return {
      ...history.conclude(),
      liveness: liveness.state,
      quorumLiveness: quorumLiveness.state(),
      leaderChurn: churn.state,
      voteDue: invariants.voteDue.state(),
      transferCompletes: transfers.state(),
      leaderCommitsTerm: termCommits.state,
      replicationProgress: progress.state,
      quietLeadersMax: churn.worst,
      elections: invariants.electionCount,
      finalTerm: leaders.finalTerm,
      writesApplied: invariants.writesApplied,
      ...invariants.logChecks.stats(),
      ...refusals,
      ...(operator?.stats() ?? {}),
    };
  };
  return { finish, leaders };
}

export const raftKvWorkload = defineWorkload({
  name: 'raft-kv',
  description: 'Raft servers replicate a key-value store for closed-loop clients; checks Raft safety, linearizability and recovery after the faults heal.',
  sections,
  leader: true,
  spares: true,
  validate: (s, given) => [
    ...raftSwarmProblems(s, given),
    ...(s.admin !== undefined && s.admin.ops.addLearner > 0 && s.topology.spares === 0
      ? [{ path: 'topology.spares', message: 'admin.ops.addLearner needs idle spare servers to bring in: set topology.spares (e.g. 2), or give addLearner weight 0' }]
      : []),
    // Only the operator's addLearner brings a spare in: without it the spares would never run.
    ...(s.topology.spares > 0 && (s.admin === undefined || s.admin.ops.addLearner === 0)
      ? [{ path: 'topology.spares', message: `${s.admin === undefined ? 'no admin: section brings' : 'admin.ops.addLearner is 0, so nothing brings'} the spare servers in, and they would never run: remove topology.spares, or ${s.admin === undefined ? 'add an admin: section (its addLearner adds spares as learners)' : 'give addLearner a weight above 0'}` }]
      : []),
    ...clientsProblems(s, given),
    ...raftTimingProblems(s),
    ...adminProblems(s),
  ],
  kvHistory: raftKvHistory,
  nodes: raftKvNodes,
  install: (world, s, ctx) => installRaftKv(world, s, ctx.healUs, ctx.checkLimits),
  drawSettings: drawRaftSwarm,
  ui: RAFT_UI,
});

/** Why a raft-kv run records no client history (Workload.kvHistory), or null. */
export function raftKvHistory(s: Pick<RaftKvScenario, 'clients'>): string | null {
  return s.clients.count + s.clients.readers === 0 ? 'the scenario has no clients (clients.count and clients.readers are 0)' : null;
}

/**
 * Transfers complete (sim/check/transferCompletes.ts): an operator's transfer to a caught-up
 * target with nothing in its way elects the target. Not applicable without an operator.
 */
function installTransferCompletes(world: World, s: RaftKvScenario): { conclude(): void; state(): string } {
  if (s.admin === undefined) return { conclude() {}, state: () => notApplicable('no admin operator asks for leadership transfers') };
  const check = new TransferCompletesCheck(world, churnSettings(s.faults, s.duration, s.raft, toLinkProfile(s.topology.link, DEFAULT_LINK)));
  return { conclude: () => check.conclude(), state: () => check.state };
}

/** New leaders commit an entry of their term when nothing stands in their way (sim/check/leaderCommitsTerm.ts). */
function installLeaderCommitsTerm(world: World, s: RaftKvScenario): LeaderCommitsTermCheck {
  const churn = churnSettings(s.faults, s.duration, s.raft, toLinkProfile(s.topology.link, DEFAULT_LINK));
  return new LeaderCommitsTermCheck(world, { ...churn, fsyncMaxUs: s.raft.fsync?.max ?? 0, servers: s.topology.nodes + s.topology.spares });
}

/** A member a leader can reach is never left behind for long (sim/check/replicationProgress.ts). */
function installReplicationProgress(world: World, s: RaftKvScenario): ReplicationProgressCheck {
  const churn = churnSettings(s.faults, s.duration, s.raft, toLinkProfile(s.topology.link, DEFAULT_LINK));
  return new ReplicationProgressCheck(world, { ...churn, fsyncMaxUs: s.raft.fsync?.max ?? 0, servers: s.topology.nodes + s.topology.spares });
}

/**
 * Liveness while faults last (sim/check/quorumLiveness.ts): a quorum of servers free of
 * faults keeps serving. Not applicable with no clients, with membership changes (an
 * operator or spares: the voters are not the topology's servers), or past SERVERS_MAX.
 */
function installQuorumLiveness(world: World, s: RaftKvScenario, history: SegmentedKvHistory): { conclude(): void; state(): string } {
  const n = s.topology.nodes;
  const why = s.clients.count === 0 ? 'the scenario has no clients'
    : s.admin !== undefined || s.topology.spares > 0 ? 'the membership changes (admin operator or spares), so the voters are not the topology\'s servers'
      : n > SERVERS_MAX ? `more than ${SERVERS_MAX} servers (its quorums are enumerated)` : null;
  if (why !== null) return { conclude() {}, state: () => notApplicable(why) };
  const clients = Array.from({ length: s.clients.count + s.clients.readers }, (_, i) => n + i);
  // The bound: liveness.within (time for an election and a write) plus clients.timeout (a
  // client whose request went to a server that is gone waits that long before it retries).
  const check = new QuorumLiveness(world, { servers: n, clients, withinUs: s.liveness.within + s.clients.timeout, clientsStopUs: s.duration - s.clients.quiesce, thinkUs: s.clients.interval });
  history.onOk((t) => check.ok(t));
  history.onWrite((t, clientId, answered) => check.write(t, clientId, answered));
  return {
    conclude: () => check.conclude(),
    state: () => (check.state === 'pass' ? `pass (a calm quorum for ${formatMicros(check.calmUs)}, ${check.stretches} stretches judged)` : check.state),
  };
}

/**
 * Liveness: after the last fault heals, a write completes within the bound. With no
 * clients, or when the last fault lasts until the end of the run (as the UI exports an
 * intervention "until the end"), there is nothing to judge (not applicable). A bound that
 * falls after the clients stop issuing operations cannot be judged (inconclusive; scenario
 * validation only asks for room before the end of the run). Completions are counted as
 * they come, whether or not the linearizability check still records them.
 */
function installLivenessCheck(world: World, s: RaftKvScenario, healUs: Micros, history: SegmentedKvHistory): { state: string } {
  const out = { state: 'not run' };
  const boundUs = healUs + s.liveness.within;
  const clientsStopUs = s.duration - s.clients.quiesce;
  if (s.clients.count === 0) {
    out.state = notApplicable('the scenario has no clients');
  } else if (healUs >= s.duration) {
    out.state = notApplicable('the last fault lasts until the end of the run, so there is no liveness phase');
  } else if (boundUs > clientsStopUs) {
    out.state = 'inconclusive';
    world.cannotDecide('liveness', `the liveness bound (${formatMicros(boundUs)}: the last fault heals at ${formatMicros(healUs)}, plus liveness.within) falls after the clients stop issuing operations at ${formatMicros(clientsStopUs)} (duration minus clients.quiesce); lengthen duration or shorten liveness.within`);
  } else {
    const writes = history.countWritesOk(healUs, boundUs);
    world.checkAt(boundUs, 'liveness', () => {
      if (writes.n > 0) {
        out.state = 'pass';
      } else {
        out.state = 'fail';
        world.violate('liveness', null, `no write completed within ${s.liveness.within / 1000} ms after the faults healed at ${healUs / 1000} ms`);
      }
    });
  }
  return out;
}
