// Swarm testing of Raft's own settings: with `raft.swarm: true`, each seed draws a protocol
// configuration, as TigerBeetle's simulator draws every setting from its seed. Catalogue
// scenarios run with PreVote and CheckQuorum on and a snapshot every 500 entries, which
// hides whole classes of bugs; a swarm seed turns them off, snapshots every few entries,
// sends one entry per message with one message in flight (often: see STEPWISE_PROB), and so on.
//
// Contract: pure; the draw depends only on the stream (the run's seed) and on the scenario's
// faults. The result is an ordinary `raft:` section with `swarm` removed, so the run
// prints, replays and shrinks like a hand-written scenario. Lease reads are drawn only
// where the scenario's clocks stay within the lease's drift bound (no swarm clock or drift
// kinds but drift-in-bound, no explicit clock fault beyond it), since beyond it a stale lease
// read is the documented consequence, not a bug.
import type { Stream } from '../kernel/random.ts';
import type { BaseScenario, Problem } from '../scenario/schema.ts';
import { leaseClocksBroken, type RaftSpec } from './kvSections.ts';

/** The fields of `raft:` a seed draws with `raft.swarm: true`: drawRaftSettings returns exactly these. */
const DRAWN_FIELDS = ['preVote', 'checkQuorum', 'readMode', 'electionTicks', 'heartbeatTicks', 'maxInflight', 'maxEntriesPerMsg', 'snapshotEvery'] as const;

const SNAPSHOT_EVERY = [2, 3, 5, 10, 25, 100, 500] as const;
const MAX_INFLIGHT = [1, 2, 4, 16, 64, 256] as const;
const MAX_ENTRIES_PER_MSG = [1, 2, 4, 16, 64] as const;
/**
 * How often a seed replicates step by step: one entry per message, one message in flight.
 * Only then does a new leader send its predecessors' uncommitted entries, and hear them
 * acknowledged, before its own first entry (the Figure 8 situation, §5.4.2); drawn apart,
 * both at once came up in about one seed in 30.
 */
const STEPWISE_PROB = 0.3;

function pick<T>(r: Stream, xs: readonly T[]): T {
  return xs[r.int(xs.length)];
}

/**
 * Whether any fault can move a node's clock beyond the drift bound lease reads assume: a
 * swarm `clock` or `drift` kind, or explicit clock faults beyond it ('drift-in-bound' stays
 * within it).
 */
function clocksMove(s: BaseScenario & { raft: RaftSpec }): boolean {
  const kinds = new Set<string>(s.swarm?.kinds ?? []);
  return kinds.has('clock') || kinds.has('drift') || leaseClocksBroken(s.faults, { readMode: 'lease', clockDriftMax: s.raft.clockDriftMax }) !== null;
}

/** The protocol settings drawn for one seed (the fields of `raft:` that the swarm sets). */
export function drawRaftSettings(r: Stream, s: BaseScenario & { raft: RaftSpec }): Pick<RaftSpec, (typeof DRAWN_FIELDS)[number]> {
  const preVote = r.next() < 0.5;
  const checkQuorum = r.next() < 0.5;
  const lease = r.next() < 0.3;
  const electionTicks = r.intBetween(5, 30);
  const heartbeatTicks = r.intBetween(1, Math.max(1, Math.min(10, Math.floor(electionTicks / 3))));
  const stepwise = r.next() < STEPWISE_PROB;
  const maxInflight = pick(r, MAX_INFLIGHT);
  const maxEntriesPerMsg = pick(r, MAX_ENTRIES_PER_MSG);
  return {
    preVote,
    checkQuorum,
    readMode: lease && checkQuorum && !clocksMove(s) ? 'lease' : 'safe',
    electionTicks,
    heartbeatTicks,
    maxInflight: stepwise ? 1 : maxInflight,
    maxEntriesPerMsg: stepwise ? 1 : maxEntriesPerMsg,
    snapshotEvery: pick(r, SNAPSHOT_EVERY),
  };
}

/** The `drawSettings` hook of the workloads with a `raft:` section. */
export function drawRaftSwarm<S extends BaseScenario & { raft: RaftSpec }>(s: S, r: Stream): { scenario: S; drawn: Record<string, string | number | boolean> } | null {
  if (s.raft.swarm !== true) return null;
  const drawn = drawRaftSettings(r, s);
  const { swarm: _swarm, ...raft } = s.raft;
  return { scenario: { ...s, raft: { ...raft, ...drawn } }, drawn };
}

/**
 * With `raft.swarm: true` each seed draws DRAWN_FIELDS, replacing what the file gives: a
 * file that gives one as well is refused by path (its value would be dropped without a word).
 * `drawn` is false for a workload that draws no raft settings, which refuses swarm itself.
 */
export function raftSwarmProblems(s: { workload: string; raft: RaftSpec }, given: Readonly<Record<string, unknown>>, drawn = true): Problem[] {
  const raft = given.raft;
  if (s.raft.swarm !== true || raft === null || typeof raft !== 'object') return [];
  if (!drawn) return [{ path: 'raft.swarm', message: `the ${s.workload} workload does not draw raft settings from the seed, so swarm: true would do nothing: remove it (raft-kv, load-kv and rag draw them)` }];
  return DRAWN_FIELDS.filter((k) => Object.hasOwn(raft, k)).map((k) => ({
    path: `raft.${k}`,
    message: `raft.swarm is true, so each seed draws ${k} and the ${JSON.stringify((raft as Record<string, unknown>)[k])} given here would be replaced: remove ${k}, or remove swarm: true to run with it`,
  }));
}
