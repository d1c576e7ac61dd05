// The leader's read lease (Raft thesis §6.4.1): how long the leader may answer reads from
// its own state without a heartbeat round per read.
//
// Contract: every heartbeat round the leader sends in lease mode gets a round id and the
// leader's tick count at sending. When a quorum of voters (the leader included) has
// answered a round, the lease runs from that round's send tick for `durationTicks` ticks of
// the leader's clock. A follower that answered resets its election timer on receiving the
// heartbeat, after the leader sent it, and neither votes for another candidate nor
// campaigns until a full election timeout of its own clock has passed (CheckQuorum); so
// while the lease holds, no other leader can be elected. `durationTicks` is shortened for
// the clock drift bound and for the tick grid (see leaseDurationTicks). Outside the lease
// the leader falls back to ReadIndex. At most ROUNDS_MAX rounds wait for answers; the
// oldest is dropped first (its answers could only extend the lease less than newer ones).

import type { NodeId } from '../env.ts';

/** Unanswered heartbeat rounds kept at most. */
export const LEASE_ROUNDS_MAX = 64;

/**
 * The ticks a lease may last: `electionTicks - 1` (a follower's first tick after it hears
 * the heartbeat may come at once, so its election timer protects the leader for more than
 * electionTicks - 1 of its ticks, but not surely electionTicks), divided by the clock drift
 * bound 1 + clockDriftMax (the follower's clock may run that much faster than the
 * leader's), rounded down. May be 0: then every read takes a heartbeat round.
 */
export function leaseDurationTicks(electionTicks: number, clockDriftMax: number): number {
  return Math.max(0, Math.floor((electionTicks - 1) / (1 + clockDriftMax)));
}

interface Round {
  id: number;
  sentTick: number;
  acks: Set<NodeId>;
}

export class LeaderLease {
  private rounds: Round[] = [];
  /** Round ids grow for the life of the node, so an answer never matches a later round. */
  private nextId = 1;
  /** The send tick of the newest round a quorum answered; -Infinity when there is none. */
  private startTick = -Infinity;
  /** Set when leadership is being handed over: no lease for the rest of the term. */
  private revoked = false;

  constructor(readonly durationTicks: number) {
    if (!Number.isSafeInteger(durationTicks) || durationTicks < 0) {
      throw new Error(`lease: durationTicks must be a non-negative integer, got ${durationTicks}`);
    }
  }

  /** Forgets every round and the lease: a new term, a new role. */
  reset(): void {
    this.rounds = [];
    this.startTick = -Infinity;
    this.revoked = false;
  }

  /** Starts a heartbeat round sent at `tick`; returns the id the heartbeats carry. */
  startRound(tick: number, selfId: NodeId): number {
    if (this.rounds.length >= LEASE_ROUNDS_MAX) this.rounds.shift();
    const round: Round = { id: this.nextId++, sentTick: tick, acks: new Set([selfId]) };
    this.rounds.push(round);
    return round.id;
  }

  /**
   * Records `from`'s answer to round `id`. When the round reaches a quorum, the lease runs
   * from its send tick, and it and every older round are dropped. Returns true then.
   */
  ack(id: number, from: NodeId, isQuorum: (acks: ReadonlySet<NodeId>) => boolean, answeredTick?: number): boolean {
    const at = this.rounds.findIndex((r) => r.id === id);
    if (at < 0) return false;
    const round = this.rounds[at];
    round.acks.add(from);
    if (!isQuorum(round.acks)) return false;
    // answeredTick is the bug flag leaseFromAnswer: the lease counted from the answer's arrival.
    this.startTick = Math.max(this.startTick, answeredTick ?? round.sentTick);
    this.rounds.splice(0, at + 1);
    return true;
  }

  /** No lease until the next term (a leadership transfer may elect another leader any time). */
  revoke(): void {
    this.revoked = true;
  }

  /** True while reads may be answered without a round, at the leader's tick count `tick`. */
  holds(tick: number): boolean {
    return !this.revoked && tick < this.startTick + this.durationTicks;
  }

  /** Rounds waiting for answers, for tests and status. */
  get pendingRounds(): number {
    return this.rounds.length;
  }
}
