// Message handling for followers, candidates and pre-candidates.
//
// Contract: called by Raft.step after term checks, so `m.term` equals the node's term (or is
// 0 for a forwarded request). Anything a role does not expect is dropped.

import { campaign, handleVoteRequest, onVoteResponse } from './election.ts';
import type { Raft } from './raft.ts';
import { handleAppend, handleHeartbeat, handleSnapshot } from './replication.ts';
import { NONE, type Message } from './types.ts';

export function stepFollower(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgVote':
    case 'MsgPreVote':
      handleVoteRequest(r, m);
      return;
    case 'MsgApp':
    case 'MsgHeartbeat':
    case 'MsgSnap':
      if (!(r.bugs.heartbeatNoTimerReset === true && m.type === 'MsgHeartbeat')) r.electionElapsed = 0;
      r.lead = m.from;
      fromLeader(r, m);
      return;
    case 'MsgTimeoutNow':
      // The leader asks us to take over now: skip PreVote and override leases.
      campaign(r, r.bugs.transferWithoutContext !== true ? 'transfer' : r.cfg.preVote ? 'pre' : 'election');
      return;
    case 'MsgTransferLeader':
    case 'MsgReadIndex':
      if (r.lead !== NONE) r.send({ ...stripRouting(m), to: r.lead });
      return;
    case 'MsgReadIndexResp':
      if (m.context !== undefined && m.index !== undefined) r.pushReadState({ index: m.index, requestCtx: m.context });
      return;
    default:
      return;
  }
}

export function stepCandidate(r: Raft, m: Message): void {
  switch (m.type) {
    case 'MsgVote':
    case 'MsgPreVote':
      handleVoteRequest(r, m);
      return;
    case 'MsgApp':
    case 'MsgHeartbeat':
    case 'MsgSnap':
      // Someone won this term: follow them.
      r.becomeFollower(m.term, m.from);
      fromLeader(r, m);
      return;
    case 'MsgVoteResp':
    case 'MsgPreVoteResp':
      onVoteResponse(r, m);
      return;
    default:
      return;
  }
}

function fromLeader(r: Raft, m: Message): void {
  if (m.type === 'MsgApp') handleAppend(r, m);
  else if (m.type === 'MsgHeartbeat') handleHeartbeat(r, m);
  else handleSnapshot(r, m);
}

function stripRouting(m: Message): Omit<Message, 'from' | 'to' | 'term'> {
  const { from: _from, to: _to, term: _term, ...rest } = m;
  return rest;
}
