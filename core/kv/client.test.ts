// Goal: KvClient's protocol, step by step (core/kv/client.ts contract): it registers a
// session through the log before its first operation, sends each operation under that
// session with a seq only writes advance, follows a redirect to a named leader at once and
// backs off when none is named, moves to the next server on a timeout, gives up after
// attemptsMax attempts with the outcome unknown, treats session-expired as unknown and
// registers again, ignores late, foreign and malformed answers, and stops at stopAtUs.
// Method: a recording NodeContext (sends, timers, telemetry) and hand-made sealed answers.
// These kill mutants that survived `npm run mutation` in core/kv/client.ts (docs/mutation.md).
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../test/support/raft/testNetwork.ts';
import type { NodeContext } from '../env.ts';
import { KvClient, type KvClientConfig } from './client.ts';
import { seal } from './integrity.ts';

interface Sent { to: number; msg: Record<string, unknown> }

class FakeContext {
  readonly id = 10;
  nowUs = 0;
  sent: Sent[] = [];
  timers: { id: number; afterUs: number; tag: string }[] = [];
  cancelled: number[] = [];
  events: { name: string; fields: Record<string, unknown> }[] = [];
  private nextTimer = 1;
  readonly random = seededRandom(3);
  readonly telemetry = { emit: (name: string, fields: Record<string, unknown> = {}) => { this.events.push({ name, fields }); } };
  now(): number { return this.nowUs; }
  monotonic(): number { return this.nowUs; }
  send(to: number, msg: unknown): void { this.sent.push({ to, msg: msg as Record<string, unknown> }); }
  setTimer(afterUs: number, tag: string): number {
    const id = this.nextTimer++;
    this.timers.push({ id, afterUs, tag });
    return id;
  }
  cancelTimer(id: number): void { this.cancelled.push(id); }
  last(): Sent { return this.sent[this.sent.length - 1]; }
  lastTimer(): { id: number; afterUs: number; tag: string } { return this.timers[this.timers.length - 1]; }
}

const CONFIG: KvClientConfig = {
  clientId: 7, servers: [0, 1, 2], thinkUs: 5_000, timeoutUs: 40_000, attemptsMax: 3, stopAtUs: 1_000_000,
  nextOp: (_r, _c, rid) => (rid % 2 === 1 ? { op: 'put', key: 'k', value: `v${rid}` } : { op: 'get', key: 'k' }),
};

function client(config: Partial<KvClientConfig> = {}): { c: KvClient; ctx: FakeContext } {
  const c = new KvClient({ ...CONFIG, ...config });
  const ctx = new FakeContext();
  c.start(ctx as unknown as NodeContext);
  return { c, ctx };
}

/** Registers session `session` for the first operation; returns with its request sent. */
function registered(session = 5, config: Partial<KvClientConfig> = {}): { c: KvClient; ctx: FakeContext } {
  const r = client(config);
  r.c.onTimer('think');
  r.c.onMessage(0, seal({ type: 'kv.registered', clientId: session, rid: 1, nonce: 'c7r1', count: 1 }));
  return r;
}

describe('KvClient', () => {
  it('refuses a configuration without servers', () => {
    expect(() => new KvClient({ ...CONFIG, servers: [] })).toThrow('KvClient: no servers');
  });

  it('starts with a think timer, then registers a session before its first operation', () => {
    const { c, ctx } = client();
    expect(ctx.timers).toHaveLength(1);
    expect(ctx.timers[0].tag).toBe('think');
    expect(ctx.timers[0].afterUs).toBeGreaterThanOrEqual(1);
    expect(ctx.timers[0].afterUs).toBeLessThanOrEqual(CONFIG.thinkUs);
    c.onTimer('think');
    expect(ctx.last()).toMatchObject({ to: 0, msg: { type: 'kv.register', rid: 1, nonce: 'c7r1', count: 1 } });
    expect(ctx.lastTimer()).toMatchObject({ afterUs: CONFIG.timeoutUs, tag: 'timeout' });
    expect(ctx.events.map((e) => e.name)).toEqual(['kv.invoke', 'kv.attempt']);
    expect(ctx.events[0].fields).toMatchObject({ clientId: 7, rid: 1, input: '{"op":"put","key":"k","value":"v1"}' });
    expect(c.inspect()).toMatchObject({ role: 'client', summary: 'put k → n0 (try 1)' });
  });

  it('sends the operation under the new session to the server that registered it', () => {
    const { c, ctx } = registered(5);
    expect(c.registrations).toBe(1);
    expect(ctx.cancelled).toEqual([2]);
    expect(ctx.last()).toMatchObject({ to: 0, msg: { type: 'kv.req', clientId: 5, rid: 1, seq: 1, op: { op: 'put', key: 'k', value: 'v1' } } });
    expect(typeof ctx.last().msg.tp).toBe('string');
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 5, rid: 1, result: { ok: true, value: 'v1' } }));
    expect(c.completed).toBe(1);
    expect(ctx.events[ctx.events.length - 1]).toEqual({ name: 'kv.complete', fields: { clientId: 7, rid: 1, output: '{"ok":true,"value":"v1"}' } });
    expect(ctx.lastTimer()).toMatchObject({ afterUs: CONFIG.thinkUs, tag: 'think' });
    expect(c.inspect().summary).toBe('idle · 1 done');
    // The next operation is a read: same session, no registration, seq unchanged; then a write advances it.
    c.onTimer('think');
    // With no leader named, operations go round the servers.
    expect(ctx.last()).toMatchObject({ to: 1, msg: { type: 'kv.req', clientId: 5, rid: 2, seq: 1, op: { op: 'get' } } });
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 5, rid: 2, result: { ok: true, value: 'v1' } }));
    c.onTimer('think');
    expect(ctx.last()).toMatchObject({ msg: { type: 'kv.req', rid: 3, seq: 2 } });
    expect(c.registrations).toBe(1);
  });

  it('ignores late, foreign and malformed answers, counting only the malformed', () => {
    const { c, ctx } = registered(5);
    const before = ctx.sent.length;
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 5, rid: 9, result: { ok: true, value: 'x' } }));
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 6, rid: 1, result: { ok: true, value: 'x' } }));
    c.onMessage(0, seal({ type: 'kv.registered', clientId: 8, rid: 1, nonce: 'c7r1', count: 1 }));
    expect(c.completed).toBe(0);
    expect(c.registrations).toBe(1);
    expect(c.rejected).toBe(0);
    c.onMessage(0, { type: 'kv.resp', clientId: 5, rid: 1, result: { ok: true, value: 'x' } });
    expect(c.rejected).toBe(1);
    expect(ctx.sent.length).toBe(before);
    // An answer to a registration under another nonce is not ours either.
    const r = client();
    r.c.onTimer('think');
    r.c.onMessage(0, seal({ type: 'kv.registered', clientId: 5, rid: 1, nonce: 'c8r1', count: 1 }));
    expect(r.c.registrations).toBe(0);
  });

  it('follows a redirect to a named leader at once, and backs off when none is named', () => {
    const { c, ctx } = registered(5, { attemptsMax: 6 });
    c.onMessage(0, seal({ type: 'kv.redirect', clientId: 5, rid: 1, leader: 2 }));
    expect(ctx.last()).toMatchObject({ to: 2, msg: { type: 'kv.req', seq: 1 } });
    // No leader known: a retry timer (backoff), no send.
    const sends = ctx.sent.length;
    c.onMessage(2, seal({ type: 'kv.redirect', clientId: 5, rid: 1, leader: -1 }));
    expect(ctx.sent.length).toBe(sends);
    expect(ctx.lastTimer().tag).toBe('retry');
    expect(ctx.lastTimer().afterUs).toBeGreaterThanOrEqual(1);
    c.onTimer('retry');
    expect(ctx.sent.length).toBe(sends + 1);
    expect(c.unknown).toBe(0);
  });

  it('ignores a redirect to itself or to an unknown server, and stops after attemptsMax attempts with the outcome unknown', () => {
    const { c, ctx } = registered(5, { attemptsMax: 4 });
    const sends = ctx.sent.length;
    c.onMessage(0, seal({ type: 'kv.redirect', clientId: 5, rid: 1, leader: 0 }));
    c.onMessage(0, seal({ type: 'kv.redirect', clientId: 5, rid: 1, leader: 9 }));
    expect(ctx.sent.length).toBe(sends);
    expect(ctx.lastTimer().tag).toBe('retry');
    // Attempts so far: the registration and the request. Two more, then unknown.
    c.onTimer('timeout');
    expect(ctx.last().to).toBe(1);
    c.onTimer('timeout');
    expect(ctx.last().to).toBe(2);
    const sent = ctx.sent.length;
    c.onMessage(2, seal({ type: 'kv.redirect', clientId: 5, rid: 1, leader: 0 }));
    expect(ctx.sent.length).toBe(sent);
    expect(c.unknown).toBe(1);
    expect(c.completed).toBe(0);
    expect(ctx.events[ctx.events.length - 1]).toEqual({ name: 'kv.complete', fields: { clientId: 7, rid: 1, output: '' } });
    c.onTimer('timeout');
    expect(ctx.sent.length).toBe(sent);
  });

  it('gives up on timeouts after attemptsMax attempts', () => {
    const { c, ctx } = client({ attemptsMax: 2 });
    c.onTimer('think');
    c.onTimer('timeout');
    expect(ctx.sent.map((s) => s.to)).toEqual([0, 1]);
    c.onTimer('timeout');
    expect(ctx.sent).toHaveLength(2);
    expect(c.unknown).toBe(1);
  });

  it('treats session-expired as unknown and registers a new session for the next operation', () => {
    const { c, ctx } = registered(5);
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 5, rid: 1, result: { ok: false, error: 'session-expired' } }));
    expect(c.unknown).toBe(1);
    expect(c.completed).toBe(0);
    c.onTimer('think');
    expect(ctx.last()).toMatchObject({ msg: { type: 'kv.register', rid: 2, nonce: 'c7r2' } });
    // A cas-mismatch is a known outcome.
    c.onMessage(0, seal({ type: 'kv.registered', clientId: 11, rid: 2, nonce: 'c7r2', count: 1 }));
    expect(ctx.last()).toMatchObject({ msg: { type: 'kv.req', clientId: 11, seq: 1 } });
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 11, rid: 2, result: { ok: false, error: 'cas-mismatch', current: null } }));
    expect(c.completed).toBe(1);
  });

  it('keepsExpiredSession: with the flag the next operation goes under the expired session, not a new one', () => {
    const { c, ctx } = registered(5, { keepsExpiredSession: true });
    c.onMessage(0, seal({ type: 'kv.resp', clientId: 5, rid: 1, result: { ok: false, error: 'session-expired' } }));
    expect(c.unknown).toBe(1);
    c.onTimer('think');
    expect(ctx.last()).toMatchObject({ msg: { type: 'kv.req', clientId: 5, rid: 2 } });
  });

  it('starts no operation at or after stopAtUs, and ignores unknown timer tags', () => {
    const { c, ctx } = client({ stopAtUs: 100 });
    c.onTimer('other');
    expect(ctx.sent).toHaveLength(0);
    ctx.nowUs = 100;
    c.onTimer('think');
    expect(ctx.sent).toHaveLength(0);
    ctx.nowUs = 99;
    c.onTimer('think');
    expect(ctx.sent).toHaveLength(1);
  });
});
