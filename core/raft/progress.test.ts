// Goal: the leader's per-follower pacing (after etcd-io/raft's tracker/progress.go): where
// each state transition puts `next`, when a probe is outstanding, which rejections are stale,
// what a sent MsgApp records, and when the follower is paused.
// Method: one Progress driven by hand through each method, every field that the method
// governs checked after it.

import { describe, expect, it } from 'vitest';
import { Progress } from './progress.ts';

/** A Progress in 'replicate' at match 5 (next 6), window of 2. */
function replicating(): Progress {
  const pr = new Progress(1, 2);
  pr.maybeUpdate(5);
  pr.becomeReplicate();
  return pr;
}

function fields(pr: Progress): Record<string, unknown> {
  return { state: pr.state, match: pr.match, next: pr.next, probeSent: pr.probeSent, pendingSnapshot: pr.pendingSnapshot, inflight: pr.inflights.count };
}

describe('Progress transitions', () => {
  it('starts probing from the given next with nothing matched', () => {
    expect(fields(new Progress(7, 4))).toEqual({ state: 'probe', match: 0, next: 7, probeSent: false, pendingSnapshot: 0, inflight: 0 });
  });

  it('reset keeps next above match and clears everything a state left behind', () => {
    const pr = new Progress(1, 4);
    pr.becomeSnapshot(9);
    pr.snapshotWaitTicks = 3;
    pr.reset(4, 6);
    expect(fields(pr)).toEqual({ state: 'probe', match: 6, next: 7, probeSent: false, pendingSnapshot: 0, inflight: 0 });
    expect(pr.snapshotWaitTicks).toBe(0);
    pr.reset(9, 6);
    expect(pr.next).toBe(9);
    const streaming = replicating();
    streaming.sentEntries(1, 6);
    streaming.reset(7, 5);
    expect(streaming.inflights.count).toBe(0);
  });

  it('becomeProbe from replicate resumes after match; from snapshot, after the snapshot if it is higher', () => {
    const pr = replicating();
    pr.sentEntries(2, 8);
    pr.becomeProbe();
    expect(fields(pr)).toEqual({ state: 'probe', match: 5, next: 6, probeSent: false, pendingSnapshot: 0, inflight: 0 });
    pr.becomeSnapshot(9);
    pr.becomeProbe();
    expect(fields(pr)).toEqual({ state: 'probe', match: 5, next: 10, probeSent: false, pendingSnapshot: 0, inflight: 0 });
    // A snapshot below match (the follower caught up another way): match wins.
    pr.becomeSnapshot(3);
    pr.becomeProbe();
    expect(pr.next).toBe(6);
  });

  it('becomeReplicate streams from match + 1 with an empty window', () => {
    const pr = new Progress(9, 2);
    pr.maybeUpdate(4);
    pr.sentEntries(0, 4);
    expect(pr.probeSent).toBe(true);
    pr.becomeReplicate();
    expect(fields(pr)).toEqual({ state: 'replicate', match: 4, next: 5, probeSent: false, pendingSnapshot: 0, inflight: 0 });
  });

  it('becomeSnapshot waits for that snapshot, its wait counted from now', () => {
    const pr = replicating();
    pr.sentEntries(1, 6);
    pr.snapshotWaitTicks = 7;
    pr.becomeSnapshot(12);
    expect(fields(pr)).toEqual({ state: 'snapshot', match: 5, next: 7, probeSent: false, pendingSnapshot: 12, inflight: 0 });
    expect(pr.snapshotWaitTicks).toBe(0);
  });
});

describe('Progress acknowledgements', () => {
  it('maybeUpdate moves match only forward, ends an outstanding probe, and keeps next past the ack', () => {
    const pr = new Progress(3, 2);
    pr.sentEntries(0, 2);
    expect(pr.maybeUpdate(4)).toBe(true);
    expect(fields(pr)).toMatchObject({ match: 4, next: 5, probeSent: false });
    pr.sentEntries(0, 4);
    expect(pr.maybeUpdate(4)).toBe(false);
    expect(pr.maybeUpdate(2)).toBe(false);
    expect(fields(pr)).toMatchObject({ match: 4, next: 5, probeSent: true });
    // next never moves back for an old ack.
    const ahead = new Progress(10, 2);
    expect(ahead.maybeUpdate(3)).toBe(true);
    expect(ahead.next).toBe(10);
  });

  it('maybeDecrTo in replicate: a rejection at or below match is stale; a later one rewinds to match + 1', () => {
    const pr = replicating();
    pr.sentEntries(2, 8);
    expect(pr.maybeDecrTo(5, 0)).toBe(false);
    expect(pr.maybeDecrTo(4, 0)).toBe(false);
    expect(pr.next).toBe(9);
    expect(pr.maybeDecrTo(6, 0)).toBe(true);
    expect(pr.next).toBe(6);
  });

  it('maybeDecrTo in probe: only the rejection of the current probe counts, and it rewinds to the hint, never to match or below', () => {
    const pr = new Progress(10, 2);
    pr.maybeUpdate(2);
    pr.sentEntries(0, 9);
    expect(pr.maybeDecrTo(8, 0)).toBe(false);
    expect(fields(pr)).toMatchObject({ next: 10, probeSent: true });
    expect(pr.maybeDecrTo(9, 6)).toBe(true);
    expect(fields(pr)).toMatchObject({ next: 7, probeSent: false });
    // A hint past the rejected index: rewind by one only.
    pr.sentEntries(0, 6);
    expect(pr.maybeDecrTo(6, 20)).toBe(true);
    expect(pr.next).toBe(6);
    // A hint below match: match + 1.
    expect(pr.maybeDecrTo(5, 0)).toBe(true);
    expect(pr.next).toBe(3);
  });
});

describe('Progress sending', () => {
  it('sentEntries in replicate advances next and fills the window, in probe marks the probe, in snapshot does nothing', () => {
    const pr = replicating();
    pr.sentEntries(0, 5);
    expect(fields(pr)).toMatchObject({ next: 6, inflight: 0, probeSent: false });
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(3, 8);
    expect(fields(pr)).toMatchObject({ next: 9, inflight: 1 });
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(1, 9);
    expect(fields(pr)).toMatchObject({ next: 10, inflight: 2 });
    expect(pr.isPaused()).toBe(true);

    const probing = new Progress(4, 2);
    expect(probing.isPaused()).toBe(false);
    probing.sentEntries(2, 5);
    expect(fields(probing)).toMatchObject({ next: 4, inflight: 0, probeSent: true });
    expect(probing.isPaused()).toBe(true);

    const snap = new Progress(4, 2);
    snap.becomeSnapshot(8);
    snap.sentEntries(2, 5);
    expect(fields(snap)).toMatchObject({ next: 4, inflight: 0, probeSent: false });
    expect(snap.isPaused()).toBe(true);
  });
});
