// Message handling for the leader: replication feedback, heartbeats, forwarded requests and
// leadership transfer (thesis §3.10).
//
// Contract: called by Raft.step after term checks. Responses from non-members are ignored.
// Leadership transfer: proposals are refused while it is pending; the leader brings the
// target up to date, then sends MsgTimeoutNow; the attempt is dropped after an election
// timeout (see Raft.tickHeartbeat).

import { handleVoteRequest } from './election.ts';
import type { Raft } from './raft.ts';
import { leaderRead, onReadAck } from './readIndex.ts';
import { bcastAppend, sendAppend } from './replication.ts';
import { NONE, type Message } from './types.ts';

export function stepLeader(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgVote':
    case 'MsgPreVote':
      handleVoteRequest(r, m);
      return;
    case 'MsgAppResp':
      onAppResp(r, m);
      return;
    case 'MsgHeartbeatResp':
      onHeartbeatResp(r, m);
      return;
    case 'MsgReadIndex':
      if (m.context !== undefined && r.tracker.progress.has(m.from)) leaderRead(r, m.from, m.context);
      return;
    case 'MsgTransferLeader':
      if (m.transferee !== undefined) transferLeadership(r, m.transferee);
      return;
    case 'MsgProp':
      onForwardedProposal(r, m);
      return;
    default:
      return;
  }
}

function onAppResp(r: Raft, m: Message): void {
  const pr = r.tracker.progress.get(m.from);
  const index = m.index ?? 0;
  if (pr === undefined || index > r.log.lastIndex()) return;
  pr.recentActive = true;
  if (m.reject === true) {
    let probe = m.rejectHint ?? index;
    if ((m.logTerm ?? 0) > 0) probe = r.log.findConflictByTerm(probe, m.logTerm ?? 0).index;
    if (pr.maybeDecrTo(index, probe)) {
      if (pr.state === 'replicate') pr.becomeProbe();
      sendAppend(r, m.from);
    }
    return;
  }
  if (r.bugs.matchRegress === true && index < pr.match) pr.match = index;
  const wasPaused = pr.isPaused();
  // A probe answered at the match we already knew still proves the follower holds our log
  // up to there (after reportUnreachable, say): it returns to streaming, as in etcd.
  const caughtUpProbe = pr.state === 'probe' && pr.match === index;
  if (!pr.maybeUpdate(index) && !caughtUpProbe) return;
  if (pr.state === 'probe') pr.becomeReplicate();
  else if (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot) {
    pr.becomeProbe();
    pr.becomeReplicate();
  } else if (pr.state === 'replicate') pr.inflights.freeLE(index);
  if (r.maybeCommit()) {
    if (r.role !== 'leader') return;
    bcastAppend(r);
  } else if (wasPaused) sendAppend(r, m.from);
  // Fill the window: send until the follower is caught up or in-flight messages hit the cap.
  for (let i = 0; i < r.cfg.maxInflight && sendAppend(r, m.from, false); i++);
  if (m.from === r.leadTransferee && pr.match === r.log.lastIndex()) sendTimeoutNow(r, m.from);
}

function onHeartbeatResp(r: Raft, m: Message): void {
  const pr = r.tracker.progress.get(m.from);
  if (pr === undefined) return;
  pr.recentActive = true;
  pr.probeSent = false;
  // A snapshot that seems lost is retried by probing again after an election timeout.
  if (pr.state === 'snapshot' && pr.snapshotWaitTicks >= r.cfg.electionTicks) pr.becomeProbe();
  // A full window with the follower alive means an append was lost: let one more through,
  // whose rejection (if the follower has a gap) switches us back to probing.
  if (r.bugs.inflightNeverFreed !== true && pr.state === 'replicate' && pr.inflights.full()) pr.inflights.freeFirstOne();
  if (pr.match < r.log.lastIndex() || pr.state === 'probe') sendAppend(r, m.from);
  // Reads waiting for a round are released by their own context below, not by the lease.
  if (m.round !== undefined) r.lease.ack(m.round, m.from, (acks) => r.tracker.hasQuorum(acks), r.bugs.leaseFromAnswer === true ? r.tickCount : undefined);
  if (m.context !== undefined) onReadAck(r, m.from, m.context);
}

export function transferLeadership(r: Raft, target: number): void {
  if (r.leadTransferee === target) return;
  // Back to the leader itself: any pending transfer is abandoned, so proposals flow again
  // at once rather than after an election timeout (etcd-io/raft's TestLeaderTransferBack).
  if (target === r.id) {
    r.leadTransferee = NONE;
    return;
  }
  if (!r.tracker.isVoter(target)) return;
  r.leadTransferee = target;
  // The transfer must finish within one election timeout or it is abandoned.
  r.electionElapsed = 0;
  const pr = r.tracker.progress.get(target);
  if (pr !== undefined && pr.match === r.log.lastIndex()) sendTimeoutNow(r, target);
  else sendAppend(r, target);
}

/**
 * Tells the transfer target to campaign now. Its forced campaign overrides the followers'
 * CheckQuorum protection, so from here to the end of the term this leader holds no lease.
 */
function sendTimeoutNow(r: Raft, to: number): void {
  if (r.bugs.leaseKeptOnTransfer !== true) r.lease.revoke();
  r.send({ type: 'MsgTimeoutNow', to });
}

function onForwardedProposal(r: Raft, m: Message): void {
  if (r.leadTransferee !== NONE || !r.tracker.progress.has(m.from)) return;
  const items = (m.entries ?? []).filter((e) => e.type === 'normal').map((e) => ({ type: e.type, data: e.data }));
  if (items.length > 0 && r.appendEntries(items)) bcastAppend(r);
}
