// Log replication (§5.3): the leader's MsgApp/MsgSnap/heartbeat sending and the follower's
// handling of them.
//
// Contract: the leader never sends more than maxEntriesPerMsg entries per MsgApp nor more
// than maxInflight MsgApp to a follower in the replicate state; a follower whose next entry
// was compacted away gets the snapshot, once it is recently active. A follower truncates its log only on a real
// conflict and answers a stale MsgApp with its commit index instead of touching its log.

import type { Raft } from './raft.ts';
import type { Progress } from './progress.ts';
import type { Message } from './types.ts';

/** Sends the next MsgApp (or MsgSnap) to `to`; returns false if nothing was sent. */
export function sendAppend(r: Raft, to: number, sendIfEmpty = true): boolean {
  const pr = r.tracker.progress.get(to);
  if (pr === undefined || to === r.id || pr.isPaused()) return false;
  const prevIndex = pr.next - 1;
  const prevTerm = r.log.term(prevIndex);
  if (prevTerm === undefined) return sendSnapshot(r, to, pr);
  const last = Math.min(r.log.lastIndex(), prevIndex + r.cfg.maxEntriesPerMsg);
  const entries = r.log.slice(pr.next, last + 1);
  if (entries.length === 0 && !sendIfEmpty) return false;
  r.send({ type: 'MsgApp', to, index: prevIndex, logTerm: prevTerm, entries, commit: r.log.committed });
  pr.sentEntries(entries.length, last);
  return true;
}

function sendSnapshot(r: Raft, to: number, pr: Progress): boolean {
  // A snapshot can be large: send it only to a follower heard from in this CheckQuorum
  // round, not into the void towards one that is down (etcd's maybeSendSnapshot).
  if (!pr.recentActive) return false;
  const snapshot = r.log.snapshot;
  if (snapshot === undefined) {
    throw new Error(`raft: follower ${to} needs index ${pr.next} but the leader holds no snapshot`);
  }
  r.send({ type: 'MsgSnap', to, snapshot });
  pr.becomeSnapshot(snapshot.meta.index);
  return true;
}

export function bcastAppend(r: Raft): void {
  for (const id of r.tracker.ids()) {
    if (id !== r.id) sendAppend(r, id);
  }
}

/**
 * Heartbeats carry the commit only up to what the follower is known to hold. In lease mode
 * each broadcast is a lease round (lease.ts) whose id the heartbeats carry.
 */
export function bcastHeartbeat(r: Raft, ctx: string | undefined): void {
  const round = r.cfg.readOnly === 'lease' ? r.lease.startRound(r.tickCount, r.id) : undefined;
  for (const id of r.tracker.ids()) {
    if (id === r.id) continue;
    const pr = r.tracker.progress.get(id);
    const commit = Math.min(pr?.match ?? 0, r.log.committed);
    const m: Parameters<Raft['send']>[0] = { type: 'MsgHeartbeat', to: id, commit };
    if (ctx !== undefined) m.context = ctx;
    if (round !== undefined) m.round = round;
    r.send(m);
  }
}

export function handleAppend(r: Raft, m: Message): void {
  const index = m.index ?? 0;
  if (index < r.log.committed) {
    // Everything up to our commit already matches the leader: say so, change nothing.
    r.send({ type: 'MsgAppResp', to: m.from, index: r.log.committed });
    return;
  }
  const lastNew = r.log.maybeAppend(index, m.logTerm ?? 0, m.entries ?? []);
  if (lastNew !== undefined) {
    r.commitTo(Math.min(m.commit ?? 0, lastNew));
    r.send({ type: 'MsgAppResp', to: m.from, index: r.bugs.ackLastIndex === true ? r.log.lastIndex() : lastNew });
    return;
  }
  const hint = r.log.findConflictByTerm(Math.min(index, r.log.lastIndex()), m.logTerm ?? 0);
  r.send({ type: 'MsgAppResp', to: m.from, index, reject: true, rejectHint: hint.index, logTerm: hint.term });
}

export function handleHeartbeat(r: Raft, m: Message): void {
  const commit = Math.min(m.commit ?? 0, r.log.lastIndex());
  if (r.bugs.commitRegress === true && commit < r.log.committed) r.log.committed = Math.max(commit, r.log.applied);
  r.commitTo(commit);
  const resp: Parameters<Raft['send']>[0] = { type: 'MsgHeartbeatResp', to: m.from };
  if (m.context !== undefined) resp.context = m.context;
  if (m.round !== undefined) resp.round = m.round;
  r.send(resp);
}

export function handleSnapshot(r: Raft, m: Message): void {
  if (m.snapshot === undefined) return;
  const index = r.restoreSnapshot(m.snapshot) ? r.log.lastIndex() : r.log.committed;
  r.send({ type: 'MsgAppResp', to: m.from, index });
}
