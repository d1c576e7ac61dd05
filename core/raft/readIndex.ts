// Linearizable reads without writing to the log (§8, thesis §6.4).
//
// Contract: a ReadState {index, ctx} is released only when (1) the leader has committed an
// entry of its current term, so its commit index is at least every acknowledged write, and
// (2) a quorum answered a heartbeat sent after the request arrived, so no newer leader
// existed at that moment. In 'lease' mode (2) is skipped while the leader's lease holds
// (lease.ts, thesis §6.4.1): no newer leader can exist then either. Followers forward
// requests to the leader and relay its answer.

import { LIMITS } from './config.ts';
import type { Raft } from './raft.ts';
import { bcastHeartbeat } from './replication.ts';
import { NONE } from './types.ts';

/** A read requested by the local application. */
export function requestRead(r: Raft, ctx: string): void {
  if (r.role === 'leader') leaderRead(r, r.id, ctx);
  else if (r.lead !== NONE) r.send({ type: 'MsgReadIndex', to: r.lead, context: ctx });
}

/** Leader: a read from `from` (itself or a follower). */
export function leaderRead(r: Raft, from: number, ctx: string): void {
  if (r.bugs.readBeforeTermCommit === true ? r.log.committed === 0 : !r.committedInCurrentTerm()) {
    if (r.pendingReads.length < LIMITS.pendingReadsMax) r.pendingReads.push({ from, ctx });
    return;
  }
  const voters = r.tracker.conf.voters;
  const alone = voters.length === 1 && voters[0] === r.id;
  if (alone || leaseHolds(r)) {
    respond(r, from, ctx, r.log.committed);
    return;
  }
  // In 'lease' mode reads outside the lease share heartbeat rounds: while reads wait for a
  // round, new ones ride on the next periodic heartbeat instead of starting their own (at
  // most one heartbeat interval later). A round per read (as 'safe' mode does, like etcd)
  // multiplies the load exactly when the cluster is too slow to keep its lease; it kept the
  // overloaded cluster of the retry-storm scenario from recovering.
  const roundInFlight = r.cfg.readOnly === 'lease' && r.readOnly.size > 0;
  if (r.readOnly.add(ctx, r.log.committed, from, r.id) && !roundInFlight) bcastHeartbeat(r, ctx);
}

/** In 'lease' mode: may the leader answer a read now without a heartbeat round? */
function leaseHolds(r: Raft): boolean {
  if (r.cfg.readOnly !== 'lease') return false;
  // The old lease: believing it leads was enough (CheckQuorum alone).
  if (r.bugs.leaseWithoutQuorumRound === true) return true;
  return r.lease.holds(r.tickCount);
}

/** Leader: a heartbeat response carrying a read context. */
export function onReadAck(r: Raft, from: number, ctx: string): void {
  const acks = r.readOnly.recvAck(from, ctx);
  if (acks === undefined || !r.tracker.hasQuorum(acks)) return;
  // Reads that arrived after this round was sent stay queued for the next periodic
  // heartbeat, which carries the newest pending context (Raft.tickHeartbeat).
  for (const req of r.readOnly.advance(ctx)) respond(r, req.from, req.ctx, req.index);
}

/** Leader: replays reads that waited for the first commit of the term. */
export function releasePendingReads(r: Raft): void {
  if (r.pendingReads.length === 0 || !r.committedInCurrentTerm()) return;
  const waiting = r.pendingReads;
  r.pendingReads = [];
  for (const p of waiting) leaderRead(r, p.from, p.ctx);
}

function respond(r: Raft, to: number, ctx: string, index: number): void {
  if (to === r.id) r.pushReadState({ index, requestCtx: ctx });
  else r.send({ type: 'MsgReadIndexResp', to, index, context: ctx });
}
