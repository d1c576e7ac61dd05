// Goal: the failure detector rejects malformed and corrupted heartbeats and suspects a
// silent peer after the timeout. Method: drive it directly with a fake context.
import { describe, expect, it } from 'vitest';
import type { DiskPort, NodeContext } from '../env.ts';
import { FailureDetector, heartbeatSum, parseHeartbeat } from './failureDetector.ts';

function fakeCtx(nowRef: { t: number }): NodeContext & { sent: unknown[]; events: string[] } {
  const files = new Map<string, string[]>();
  const disk: DiskPort = {
    append: (f, r) => { files.set(f, [...(files.get(f) ?? []), r]); return { ok: true }; },
    replace: (f, rs) => { files.set(f, [...rs]); return { ok: true }; },
    remove: (f) => { files.delete(f); return { ok: true }; },
    fsync: () => ({ ok: true }),
    read: (f) => ({ ok: true, records: files.get(f) ?? [] }),
    list: () => [...files.keys()].sort(),
  };
  const sent: unknown[] = [];
  const events: string[] = [];
  return {
    id: 0, now: () => nowRef.t, monotonic: () => nowRef.t, random: { next: () => 0.5, int: () => 0 }, disk, sent, events,
    send: (_to, m) => { sent.push(m); }, setTimer: () => 1, cancelTimer: () => {},
    telemetry: { emit: (name) => { events.push(name); } },
  };
}

describe('FailureDetector', () => {
  it('parses only intact heartbeats from the claimed sender', () => {
    const ok = { type: 'hb', epoch: 1, seq: 5, sum: heartbeatSum(2, 1, 5) };
    expect(parseHeartbeat(2, ok)).not.toBeNull();
    expect(parseHeartbeat(3, ok)).toBeNull();
    expect(parseHeartbeat(2, { ...ok, seq: Number.MAX_SAFE_INTEGER })).toBeNull();
    for (const bad of [null, 1, 'hb', {}, { ...ok, type: 'x' }, { ...ok, epoch: -1 }, { ...ok, seq: 1.5 }]) expect(parseHeartbeat(2, bad)).toBeNull();
  });

  it('suspects a silent peer after the timeout and trusts it again when it speaks', () => {
    const clock = { t: 0 };
    const ctx = fakeCtx(clock);
    const fd = new FailureDetector({ peers: [1], intervalUs: 100, timeoutUs: 500 });
    fd.start(ctx);
    clock.t = 400;
    fd.onTimer('beat');
    expect(fd.suspects()).toEqual([]);
    clock.t = 600;
    fd.onTimer('beat');
    expect(fd.suspects()).toEqual([1]);
    fd.onMessage(1, { type: 'hb', epoch: 1, seq: 0, sum: heartbeatSum(1, 1, 0) });
    expect(fd.suspects()).toEqual([]);
    expect(ctx.events).toEqual(['fd.boot', 'fd.suspect', 'fd.trust']);
  });

  it('a corrupted message is counted and ignored, never trusted', () => {
    const ctx = fakeCtx({ t: 0 });
    const fd = new FailureDetector({ peers: [1], intervalUs: 100, timeoutUs: 500 });
    fd.start(ctx);
    fd.onMessage(1, { type: 'hb', epoch: 1, seq: 9e15, sum: 0 });
    fd.onMessage(1, { junk: true });
    expect(fd.rejected).toBe(2);
    fd.onMessage(1, { type: 'hb', epoch: 1, seq: 1, sum: heartbeatSum(1, 1, 1) });
    expect(fd.rejected).toBe(2);
  });

  it('bumps its durable epoch on every boot', () => {
    const ctx = fakeCtx({ t: 0 });
    new FailureDetector({ peers: [1], intervalUs: 100, timeoutUs: 500 }).start(ctx);
    new FailureDetector({ peers: [1], intervalUs: 100, timeoutUs: 500 }).start(ctx);
    const last = ctx.sent[ctx.sent.length - 1] as { epoch: number };
    expect(last.epoch).toBe(2);
  });
});
