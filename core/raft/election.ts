// Elections (§5.2), the voting restriction (§5.4.1) and PreVote (thesis §9.6).
//
// Contract: campaign() turns a promotable node into a (pre-)candidate and asks every voter;
// handleVoteRequest() grants at most one vote per term and only to a candidate whose log is
// at least as up to date as ours (unless bugs.voteWithoutLogCheck). A pre-vote changes no
// term and records no vote.

import type { Raft } from './raft.ts';
import { bcastAppend } from './replication.ts';
import { NONE, type Message } from './types.ts';

/** Vote context of a leadership transfer: it may override a follower's leader lease. */
export const TRANSFER_CONTEXT = 'transfer';

export type CampaignKind = 'pre' | 'election' | 'transfer';

export function campaign(r: Raft, kind: CampaignKind): void {
  if (!r.promotable()) return;
  if (kind === 'pre') {
    r.becomePreCandidate();
    r.counters.preCampaigns++;
  } else {
    r.becomeCandidate();
    r.counters.campaigns++;
  }
  r.tracker.recordVote(r.id, true);
  if (r.tracker.tallyVotes() === 'won') {
    onCampaignWon(r, kind === 'pre');
    return;
  }
  const type = kind === 'pre' ? 'MsgPreVote' : 'MsgVote';
  // A pre-vote asks about the term the node would campaign in, without entering it.
  const term = kind === 'pre' ? r.term + 1 : r.term;
  for (const id of r.tracker.conf.voters) {
    if (id === r.id) continue;
    const m = { type, to: id, term, index: r.log.lastIndex(), logTerm: r.log.lastTerm() } as const;
    r.send(kind === 'transfer' ? { ...m, context: TRANSFER_CONTEXT } : m);
  }
}

function onCampaignWon(r: Raft, pre: boolean): void {
  if (pre) {
    campaign(r, 'election');
    return;
  }
  r.becomeLeader();
  r.counters.won++;
  bcastAppend(r);
}

export function handleVoteRequest(r: Raft, m: Message): void {
  const pre = m.type === 'MsgPreVote';
  const canVote =
    r.vote === m.from || (r.vote === NONE && r.lead === NONE) || (pre && m.term > r.term);
  const logOk = (pre && r.bugs.preVoteWithoutLogCheck === true) || r.bugs.voteWithoutLogCheck === true || r.log.isUpToDate(m.index ?? 0, m.logTerm ?? 0, r.bugs.upToDateNeedsBoth === true);
  const type = pre ? 'MsgPreVoteResp' : 'MsgVoteResp';
  if (canVote && logOk) {
    // The grant carries the candidate's term so a pre-candidate can count it.
    r.send({ type, to: m.from, term: m.term, reject: false });
    if (!pre) {
      r.electionElapsed = 0;
      r.vote = m.from;
    }
    return;
  }
  if (r.bugs.refusalResetsTimer === true) r.electionElapsed = 0;
  r.send({ type, to: m.from, term: r.term, reject: true });
}

export function onVoteResponse(r: Raft, m: Message): void {
  const expected = r.role === 'precandidate' ? 'MsgPreVoteResp' : 'MsgVoteResp';
  if (m.type !== expected) return;
  r.tracker.recordVote(m.from, m.reject !== true);
  const result = r.tracker.tallyVotes();
  if (result === 'won') onCampaignWon(r, r.role === 'precandidate');
  else if (result === 'lost') r.becomeFollower(r.term, NONE);
}
