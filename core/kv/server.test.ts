// Goal: the KV server host (server.ts) keeps the promises the checks and the clients rely
// on: an answer only after its write is committed and applied, a retried write applied
// once, reads only on a basis a quorum confirmed, redirects that name the leader, nothing
// acknowledged or sent before the disk has it (with and without disk time), recovery from
// snapshot + log, compaction, the admin API, refusal of malformed input, and the telemetry
// fields sim/check consumes (raft.append, raft.hardstate, raft.ack, raft.recovered, kv.read,
// kv.reply, ...).
// Method: a few KvServers on a hand-driven event queue (test/support/kv/cluster.ts) with
// in-memory disks; a test client (node 9) sends requests and keeps the answers. Each test
// runs in milliseconds, so it runs against every mutant of server.ts (docs/mutation.md).
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeId } from '../env.ts';
import { Cluster, serverConfig, type Emitted } from '../../test/support/kv/cluster.ts';
import type { NodeContext } from '../env.ts';
import { seal } from './integrity.ts';
import { KvServer, PENDING_MAX, SEND_AFTER_SYNC_US, STATS_INTERVAL_US } from './server.ts';

const CLIENT = 9;

/** Every cluster a test made: each must end with the checkers satisfied. */
const made: Cluster[] = [];
afterEach(() => {
  for (const c of made.splice(0)) expect(c.violations).toEqual([]);
});

function cluster(n: number, over: ConstructorParameters<typeof Cluster>[1] = {}): Cluster {
  const c = new Cluster(n, over);
  made.push(c);
  return c;
}

/** A leader elected, one session registered (clientId 1): the cluster and the leader. */
function ready(n = 3, over: ConstructorParameters<typeof Cluster>[1] = {}): { c: Cluster; l: NodeId } {
  const c = cluster(n, over).startAll();
  const l = c.elect();
  c.register(CLIENT, l, 'n1');
  c.runFor(50_000);
  expect(c.answers(CLIENT)).toEqual([{ type: 'kv.registered', clientId: 1, rid: 1, nonce: 'n1', count: 1 }]);
  // A registration is not a request (no kv.request): no kv.reply either.
  expect(c.events('kv.reply').length).toBe(0);
  return { c, l };
}

function answerTo(c: Cluster, rid: number): Record<string, unknown> | undefined {
  return c.answers(CLIENT).find((a) => a.rid === rid);
}

function followers(c: Cluster, l: NodeId): NodeId[] {
  return Array.from({ length: c.n }, (_, i) => i).filter((i) => i !== l);
}

/** Cuts every link between `node` and the other servers (clients still reach it). */
function isolate(c: Cluster, node: NodeId): void {
  c.drop = (from, to) => from < c.n && to < c.n && (from === node || to === node);
}

/** Crashes every server but `l` (a leader then cannot commit or confirm anything). */
function crashFollowers(c: Cluster, l: NodeId): void {
  for (const f of followers(c, l)) c.crash(f);
}

function restartFollowers(c: Cluster, l: NodeId): void {
  for (const f of followers(c, l)) c.start(f);
}

/** With `l` isolated: waits for the others to elect a leader, heals the links, and waits for `l` to follow; returns the new leader. */
function deposeIsolated(c: Cluster, l: NodeId): NodeId {
  c.runUntilTrue(() => followers(c, l).some((i) => c.role(i) === 'leader'));
  const l2 = followers(c, l).find((i) => c.role(i) === 'leader') as NodeId;
  c.drop = () => false;
  c.runUntilTrue(() => c.role(l) === 'follower');
  return l2;
}

function last(es: Emitted[]): Emitted {
  expect(es.length).toBeGreaterThan(0);
  return es[es.length - 1];
}

describe('KvServer writes', () => {
  it('answers a write only once it is committed and applied, with its result', () => {
    const { c, l } = ready();
    crashFollowers(c, l);
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(300_000);
    const propose = last(c.events('kv.propose', l));
    expect(propose.f).toMatchObject({ client: CLIENT, rid: 2, term: c.details(l).term });
    const index = propose.f.index as number;
    expect(index).toBe(c.details(l).lastIndex);
    // Not committed (no quorum): no answer, not applied.
    expect(answerTo(c, 2)).toBeUndefined();
    expect(c.details(l).applied).toBe(index - 1);
    expect(c.events('raft.apply', l).some((e) => e.f.index === index)).toBe(false);
    restartFollowers(c, l);
    c.runFor(100_000);
    expect(answerTo(c, 2)).toEqual({ type: 'kv.resp', clientId: 1, rid: 2, result: { ok: true, value: 'x' } });
    // The reply comes after the apply, which comes after a hard state that commits it.
    const at = (name: string, pred: (e: Emitted) => boolean): number => c.tel.findIndex((e) => e.node === l && e.name === name && pred(e));
    const committed = at('raft.hardstate', (e) => (e.f.commit as number) >= index);
    const applied = at('raft.apply', (e) => e.f.index === index);
    const replied = at('kv.reply', (e) => e.f.rid === 2);
    expect(committed).toBeGreaterThan(-1);
    expect(applied).toBeGreaterThan(committed);
    expect(replied).toBeGreaterThan(applied);
    expect(c.tel[replied].f).toEqual({ client: CLIENT, rid: 2, outcome: 'ok', readIndexUs: -1, readIndex: -1, readCtx: '', output: '{"ok":true,"value":"x"}', seq: 1 });
    expect(c.events('kv.request', l).map((e) => e.f)).toContainEqual({ client: CLIENT, clientId: 1, rid: 2, op: 'put', seq: 1, tp: '' });
    // Every replica applied it.
    c.runFor(100_000);
    for (let i = 0; i < 3; i++) expect(c.details(i).applied).toBe(index);
  });

  it('applies a retried write once and answers the retry with the first result', () => {
    const { c, l } = ready();
    c.request(CLIENT, l, 1, 2, 1, { op: 'append', key: 'k', value: 'a' });
    c.runFor(50_000);
    c.request(CLIENT, l, 1, 3, 1, { op: 'append', key: 'k', value: 'a' });
    c.runFor(50_000);
    c.request(CLIENT, l, 1, 4, 2, { op: 'append', key: 'k', value: 'b' });
    c.runFor(50_000);
    c.request(CLIENT, l, 1, 5, 2, { op: 'get', key: 'k' });
    c.runFor(200_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'a' } });
    expect(answerTo(c, 3)).toMatchObject({ rid: 3, result: { ok: true, value: 'a' } });
    expect(answerTo(c, 4)).toMatchObject({ result: { ok: true, value: 'ab' } });
    expect(answerTo(c, 5)).toMatchObject({ result: { ok: true, value: 'ab' } });
    const stats = last(c.events('raft.stats', l));
    expect(stats.f).toMatchObject({ sessions: 1, duplicates: 1, commit: c.details(l).commit, applied: c.details(l).applied, lastIndex: c.details(l).lastIndex, term: c.details(l).term });
  });

  it('answers a command on an unknown session session-expired and a failed cas as failed', () => {
    const { c, l } = ready();
    c.request(CLIENT, l, 7, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    expect(answerTo(c, 2)).toEqual({ type: 'kv.resp', clientId: 7, rid: 2, result: { ok: false, error: 'session-expired' } });
    expect(c.events('kv.session_expired', l).map((e) => e.f)).toEqual([{ clientId: 7, seq: 1 }]);
    c.request(CLIENT, l, 1, 3, 1, { op: 'cas', key: 'a', expected: 'y', value: 'z' });
    c.runFor(50_000);
    expect(answerTo(c, 3)).toEqual({ type: 'kv.resp', clientId: 1, rid: 3, result: { ok: false, error: 'cas-mismatch', current: null } });
    const outcomes = c.events('kv.reply', l).map((e) => [e.f.rid, e.f.outcome]);
    expect(outcomes).toEqual([[2, 'expired'], [3, 'failed']]);
    expect(c.events('kv.session_expired').every((e) => e.f.clientId === 7)).toBe(true);
  });

  it('redirects a request to a follower to the leader it knows, and -1 before any leader', () => {
    const c = cluster(3).startAll();
    c.request(CLIENT, 0, 1, 1, 1, { op: 'put', key: 'a', value: 'x' });
    c.register(CLIENT, 1, 'early', 2);
    c.runFor(5_000);
    expect(c.answers(CLIENT)).toEqual([
      { type: 'kv.redirect', clientId: 1, rid: 1, leader: -1 },
      { type: 'kv.redirect', clientId: 0, rid: 2, leader: -1 },
    ]);
    const l = c.elect();
    c.runFor(50_000);
    const f = followers(c, l)[0];
    c.request(CLIENT, f, 3, 3, 1, { op: 'get', key: 'a' });
    c.register(CLIENT, f, 'n2', 4);
    c.runFor(5_000);
    expect(answerTo(c, 3)).toEqual({ type: 'kv.redirect', clientId: 3, rid: 3, leader: l });
    expect(answerTo(c, 4)).toEqual({ type: 'kv.redirect', clientId: 0, rid: 4, leader: l });
    expect(c.events('kv.reply', f).map((e) => e.f)).toContainEqual({ client: CLIENT, rid: 3, outcome: 'redirect', readIndexUs: -1, readIndex: -1, readCtx: '', output: '', seq: -1 });
    // A redirected registration is reported as a redirect of its operation.
    expect(c.events('kv.reply', 1).map((e) => [e.f.rid, e.f.outcome])).toContainEqual([2, 'redirect']);
    expect(c.events('kv.read').length).toBe(0);
    expect(c.events('kv.propose').length).toBe(0);
  });

  it('a deposed leader redirects its waiting writes and registrations to the new leader and drops its reads', () => {
    const { c, l } = ready();
    isolate(c, l);
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'lost' });
    c.request(CLIENT, l, 1, 3, 2, { op: 'put', key: 'b', value: 'lost' });
    c.register(CLIENT, l, 'n2', 4);
    c.register(CLIENT, l, 'n0', 5);
    c.request(CLIENT, l, 1, 6, 2, { op: 'get', key: 'a' });
    c.runFor(10_000);
    expect(c.answers(CLIENT).length).toBe(1);
    // The others elect a new leader meanwhile.
    const l2 = deposeIsolated(c, l);
    c.runFor(100_000);
    const after = c.answers(CLIENT).slice(1);
    expect(after).toEqual([
      { type: 'kv.redirect', clientId: 1, rid: 2, leader: l2 },
      { type: 'kv.redirect', clientId: 1, rid: 3, leader: l2 },
      { type: 'kv.redirect', clientId: 0, rid: 5, leader: l2 },
      { type: 'kv.redirect', clientId: 0, rid: 4, leader: l2 },
    ]);
    // The read is never answered: the old leader cannot know the latest value.
    expect(answerTo(c, 6)).toBeUndefined();
    expect(c.events('kv.reply', l).map((e) => [e.f.rid, e.f.outcome])).toEqual([[2, 'redirect'], [3, 'redirect'], [5, 'redirect'], [4, 'redirect']]);
    // Its uncommitted writes are gone from every replica.
    for (let i = 0; i < 3; i++) expect((c.details(i).log as { data: string }[]).some((e) => e.data.includes('lost'))).toBe(false);
    const role = c.events('raft.role', l).map((e) => e.f.role);
    expect(role.slice(-2)).toEqual(['leader', 'follower']);
    // It learned the new term from the new leader's append or heartbeat, and said so.
    const term2 = c.details(l2).term as number;
    const ht = c.events('raft.higher_term', l).find((e) => e.f.from === l2);
    expect(ht?.f).toEqual({ from: l2, type: ht?.f.type, term: term2, after: term2, sticky: false, restarted: false, timerFresh: false });
    expect(['MsgApp', 'MsgHeartbeat']).toContain(ht?.f.type);
  });

  it('reports each request with its trace context', () => {
    const { c, l } = ready();
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    c.clientSend(CLIENT, l, { type: 'kv.req', clientId: 1, rid: 2, seq: 1, op: { op: 'put', key: 'a', value: 'x' }, tp });
    c.runFor(50_000);
    expect(c.events('kv.request', l).map((e) => e.f)).toEqual([{ client: CLIENT, clientId: 1, rid: 2, op: 'put', seq: 1, tp }]);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
  });

  it('a registration of several sessions answers the first id; the next one starts after them', () => {
    const { c, l } = ready();
    c.register(CLIENT, l, 'n2', 2, 3);
    c.runFor(50_000);
    c.register(CLIENT, l, 'n3', 3);
    c.runFor(50_000);
    expect(c.answers(CLIENT).slice(1)).toEqual([
      { type: 'kv.registered', clientId: 2, rid: 2, nonce: 'n2', count: 3 },
      { type: 'kv.registered', clientId: 5, rid: 3, nonce: 'n3', count: 1 },
    ]);
    // Each of the three sessions works.
    for (const id of [2, 3, 4]) c.request(CLIENT, l, id, 10 + id, 1, { op: 'append', key: 'k', value: `${id}` });
    c.runFor(50_000);
    for (const id of [2, 3, 4]) expect(answerTo(c, 10 + id)).toMatchObject({ clientId: id, result: { ok: true } });
  });

  it('counts the waiting requests (PENDING_MAX bounds them) and their log entries in memoryBytes', () => {
    expect(PENDING_MAX).toBe(4096);
    const { c, l } = ready();
    const s = c.server(l);
    const mem0 = s.memoryBytes();
    crashFollowers(c, l);
    for (let i = 0; i < 3; i++) c.request(CLIENT, l, 1, 10 + i, 1 + i, { op: 'put', key: `k${i}`, value: 'v' });
    c.request(CLIENT, l, 1, 13, 1, { op: 'get', key: 'k0' });
    c.register(CLIENT, l, 'n9', 14);
    c.runFor(5_000);
    // Waiting requests take 256 bytes each, their log entries 128 each (the read has none).
    expect(s.memoryBytes()).toBe(mem0 + 5 * 256 + 4 * 128);
  });
});

describe('KvServer reads', () => {
  it('serves a read only after a quorum confirms the leader, at the commit index', () => {
    const { c, l } = ready();
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    const commit = c.details(l).commit as number;
    crashFollowers(c, l);
    c.runFor(20_000);
    const asked = c.t;
    c.request(CLIENT, l, 1, 3, 1, { op: 'get', key: 'a' });
    c.runFor(300_000);
    expect(answerTo(c, 3)).toBeUndefined();
    const read = last(c.events('kv.read', l));
    expect(read.f).toEqual({ client: CLIENT, rid: 3, ctx: `${l}:0` });
    restartFollowers(c, l);
    c.runFor(50_000);
    expect(answerTo(c, 3)).toEqual({ type: 'kv.resp', clientId: 1, rid: 3, result: { ok: true, value: 'x' } });
    const reply = last(c.events('kv.reply', l));
    expect(reply.f.rid).toBe(3);
    expect(reply.f.outcome).toBe('ok');
    expect(reply.f.readIndex).toBe(commit);
    expect(reply.f.readCtx).toBe(`${l}:0`);
    expect(reply.f.readIndexUs).toBe(reply.t - asked - 1_000);
    const basis = last(c.events('kv.read_basis', l));
    expect(basis.f).toMatchObject({ ctx: `${l}:0`, lease: false, alone: false, afterAsked: true, revoked: false, electionTicks: 10, driftMax: 0.1 });
    // The basis is the read's own broadcast, sent when it was asked (ticks of 10 ms).
    expect(Math.abs((basis.f.sinceBasis as number) - (reply.f.readIndexUs as number) / 10_000)).toBeLessThanOrEqual(1);
    // A second read gets the next context.
    c.request(CLIENT, l, 1, 4, 1, { op: 'get', key: 'b' });
    c.runFor(50_000);
    expect(answerTo(c, 4)).toMatchObject({ result: { ok: true, value: null } });
    expect(last(c.events('kv.read', l)).f.ctx).toBe(`${l}:1`);
  });

  it('a single voter reads alone, on its own basis', () => {
    const c = cluster(1).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(20_000);
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.request(CLIENT, l, 1, 3, 1, { op: 'get', key: 'a' });
    c.runFor(20_000);
    expect(answerTo(c, 3)).toMatchObject({ result: { ok: true, value: 'x' } });
    expect(last(c.events('kv.read_basis', l)).f).toMatchObject({ alone: true, lease: false });
  });

  it('lease reads report their basis as a lease', () => {
    const { c, l } = ready(3, { readMode: 'lease', checkQuorum: true });
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    c.request(CLIENT, l, 1, 3, 1, { op: 'get', key: 'a' });
    c.runFor(50_000);
    expect(answerTo(c, 3)).toMatchObject({ result: { ok: true, value: 'x' } });
    const basis = last(c.events('kv.read_basis', l)).f;
    expect(basis.lease).toBe(true);
    expect(basis.alone).toBe(false);
    expect(basis.sinceBasis as number).toBeGreaterThanOrEqual(0);
    expect(basis.sinceBasis as number).toBeLessThan(10);
  });
});

describe('KvServer persistence and recovery', () => {
  it('recovers the applied state from snapshot + log after every server crashed', () => {
    const { c, l } = ready(3, { snapshotEvery: 3 });
    for (let i = 1; i <= 5; i++) {
      c.request(CLIENT, l, 1, 1 + i, i, { op: 'put', key: `k${i}`, value: `v${i}` });
      c.runFor(30_000);
    }
    expect(answerTo(c, 6)).toMatchObject({ result: { ok: true, value: 'v5' } });
    const before = [0, 1, 2].map((i) => c.details(i));
    for (const d of before) expect(d.snapshotIndex as number).toBeGreaterThan(0);
    const digest = (before[0].kv as { digest: string }).digest;
    for (let i = 0; i < 3; i++) c.crash(i);
    c.tel.length = 0;
    for (let i = 0; i < 3; i++) c.start(i);
    for (let i = 0; i < 3; i++) {
      const rec = last(c.events('raft.recovered', i)).f;
      const d = c.details(i);
      // Applied from the snapshot; the rest of the log is applied again once committed.
      expect(rec.applied).toBe(before[i].snapshotIndex);
      expect(d.applied).toBe(before[i].snapshotIndex);
      expect(d.snapshotIndex).toBe(before[i].snapshotIndex);
      expect(rec).toMatchObject({ torn: false, term: before[i].term, vote: before[i].vote, lastIndex: before[i].lastIndex });
      expect(rec.commit as number).toBeLessThanOrEqual(before[i].commit as number);
      expect(rec.logTerms).toBe(`${before[i].snapshotIndex as number}|${(before[i].snapshotIndex as number) + 1}:${before[i].term as number}`);
      expect(last(c.events('raft.conf', i)).f).toEqual({ voters: '0,1,2', learners: '', commit: rec.commit });
    }
    const l2 = c.elect();
    c.runFor(100_000);
    for (let i = 0; i < 3; i++) expect((c.details(i).kv as { digest: string }).digest).toBe(digest);
    // Sessions survive too: a retry of an applied write is answered, not applied again.
    c.request(CLIENT, l2, 1, 20, 5, { op: 'put', key: 'k5', value: 'other' });
    c.request(CLIENT, l2, 1, 21, 5, { op: 'get', key: 'k1' });
    c.runFor(100_000);
    expect(answerTo(c, 20)).toMatchObject({ result: { ok: true, value: 'v5' } });
    expect(answerTo(c, 21)).toMatchObject({ result: { ok: true, value: 'v1' } });
  });

  it('starts from the configured voters and learners, and replicates to a configured learner', () => {
    const c = cluster(4, { voters: [0, 1, 2], learners: [3] }).startAll();
    for (let i = 0; i < 4; i++) expect(c.events('raft.conf', i).map((e) => e.f)).toEqual([{ voters: '0,1,2', learners: '3', commit: 0 }]);
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    expect(c.details(3)).toMatchObject({ applied: c.details(l).applied, voters: [0, 1, 2], learners: [3] });
    expect(c.details(3).kv).toEqual(c.details(l).kv);
  });

  it('a restarted server recovers without a snapshot from its log alone', () => {
    const { c, l } = ready();
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    const f = followers(c, l)[0];
    const d = c.details(f);
    c.crash(f);
    c.start(f);
    const rec = last(c.events('raft.recovered', f)).f;
    expect(rec).toEqual({ applied: 0, torn: false, term: d.term, vote: d.vote, commit: d.commit, lastIndex: d.lastIndex, logTerms: `0|1:${d.term as number}` });
    expect(c.details(f)).toMatchObject({ applied: 0, snapshotIndex: 0 });
    c.runFor(100_000);
    expect(c.details(f)).toMatchObject({ applied: d.lastIndex, commit: d.lastIndex });
  });

  it('persists before it acknowledges: a write answered survives the loss of every unsynced byte', () => {
    const { c, l } = ready();
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
    for (let i = 0; i < 3; i++) expect(c.disks[i].pendingOpCount()).toBe(0);
    const acked = c.events('raft.ack');
    expect(acked.length).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) c.crash(i);
    for (let i = 0; i < 3; i++) c.start(i);
    // Each follower's log holds what it acknowledged.
    for (const a of acked) expect(last(c.events('raft.recovered', a.node)).f.lastIndex as number).toBeGreaterThanOrEqual(a.f.index as number);
    const l2 = c.elect();
    c.request(CLIENT, l2, 1, 3, 1, { op: 'get', key: 'a' });
    c.runFor(100_000);
    expect(answerTo(c, 3)).toMatchObject({ result: { ok: true, value: 'x' } });
  });

  it('with the skipFsync bug the checkers see a restart forget what it acknowledged', () => {
    const { c, l } = ready(3, { bugs: { skipFsync: true } });
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    for (let i = 0; i < 3; i++) c.crash(i);
    for (let i = 0; i < 3; i++) c.start(i);
    expect(c.violations.some((v) => v.includes('durability'))).toBe(true);
    c.violations.length = 0;
  });

  it('acks carry what the append proved, and the checkers agree with every field', () => {
    const { c, l } = ready();
    const f = followers(c, l)[0];
    c.crash(f);
    for (let i = 1; i <= 3; i++) c.request(CLIENT, l, 1, 1 + i, i, { op: 'put', key: `k${i}`, value: `v${i}` });
    c.runFor(50_000);
    c.start(f);
    c.runFor(100_000);
    const lastIndex = c.details(l).lastIndex as number;
    // The follower caught up in one append of several entries.
    const big = c.events('raft.append', f).find((e) => (e.f.hi as number) > (e.f.lo as number));
    expect(big).toBeDefined();
    const b = (big as Emitted).f;
    const count = (b.hi as number) - (b.lo as number) + 1;
    expect(b.hi).toBe(lastIndex);
    expect(String(b.terms).split(',')).toEqual(Array.from({ length: count }, () => String(c.details(l).term)));
    expect(String(b.hashes).split(',').length).toBe(count);
    expect(b).toMatchObject({ term: c.details(l).term, nodeTerm: c.details(l).term, confs: '' });
    // The leader's hashes of the same entries are the same.
    const leaderHashes = new Map<number, string>();
    for (const e of c.events('raft.append', l)) String(e.f.hashes).split(',').forEach((h, k) => leaderHashes.set((e.f.lo as number) + k, h));
    String(b.hashes).split(',').forEach((h, k) => expect(h).toBe(leaderHashes.get((b.lo as number) + k)));
    expect(new Set(leaderHashes.values()).size).toBe(leaderHashes.size);
    const ack = c.events('raft.ack', f).find((e) => e.f.index === lastIndex);
    expect(ack?.f).toEqual({ to: l, term: c.details(l).term, index: lastIndex, proved: lastIndex });
    // An ack is reported for each accepted append the follower answered, never for a rejection.
    const accepted = c.sent.filter((m) => m.from === f && m.msg.type === 'MsgAppResp' && m.msg.reject !== true).length;
    expect(c.sent.some((m) => m.from === f && m.msg.type === 'MsgAppResp' && m.msg.reject === true)).toBe(true);
    expect(c.events('raft.ack', f).length).toBe(accepted);
    // readyCommit is the commit of the hard state of the same Ready, -1 without one.
    for (const node of [l, f]) {
      const mine = c.tel.filter((e) => e.node === node);
      mine.forEach((e, k) => {
        if (e.name !== 'raft.append') return;
        const next = mine.slice(k + 1).find((x) => x.name === 'raft.hardstate' || x.name === 'raft.append');
        const hs = next?.name === 'raft.hardstate' && next.t === e.t ? next.f.commit : -1;
        expect(e.f.readyCommit).toBe(hs);
      });
    }
    expect(c.events('raft.append', l).some((e) => e.f.readyCommit === -1)).toBe(true);
    const hs = last(c.events('raft.hardstate', f)).f;
    expect(hs).toEqual({ term: c.details(f).term, vote: c.details(f).vote, commit: c.details(f).commit, lastIndex });
    expect(last(c.events('raft.match', l)).f).toMatchObject({ term: c.details(l).term, match: lastIndex });
  });
});

describe('KvServer disk time', () => {
  function timed(): { c: Cluster; l: NodeId } {
    const c = cluster(3);
    for (const d of c.disks) d.delayUs = 3_000;
    c.startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(100_000);
    return { c, l };
  }

  it('sends, applies and answers nothing of a Ready before its fsync completes', () => {
    const { c, l } = timed();
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(100_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
    for (let i = 0; i < 3; i++) {
      const syncing = c.events('raft.syncing', i);
      const synced = c.events('raft.synced', i);
      expect(syncing.length).toBeGreaterThan(0);
      expect(synced.length).toBe(syncing.length);
      syncing.forEach((s, k) => {
        expect(synced[k].t).toBe(s.t + 3_000);
        expect(synced[k].f).toEqual({ entries: s.f.entries, hardState: s.f.hardState, messages: s.f.messages });
        expect(s.f.delayUs).toBe(3_000);
        // Nothing goes out while the fsync is under way, nor before the step after it.
        const during = c.sent.filter((m) => m.from === i && m.t > s.t && m.t < synced[k].t + SEND_AFTER_SYNC_US);
        expect(during).toEqual([]);
        const out = c.sent.filter((m) => m.from === i && m.t === synced[k].t + SEND_AFTER_SYNC_US && String(m.msg.type).startsWith('Msg'));
        expect(out.length).toBeGreaterThanOrEqual(s.f.messages as number);
      });
    }
    const reply = last(c.events('kv.reply', l));
    const apply = c.events('raft.apply', l).find((e) => String(e.f.data).includes('"seq":1'));
    expect(apply).toBeDefined();
    expect(reply.t).toBeGreaterThan(last(c.events('kv.propose', l)).t + 3_000);
    expect(c.events('raft.syncing').some((e) => e.f.hardState === true)).toBe(true);
  });

  it('a crash during the fsync loses the writes and the messages of that Ready', () => {
    const { c, l } = timed();
    const f = followers(c, l)[0];
    const lastBefore = c.details(f).lastIndex as number;
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runUntilTrue(() => c.events('raft.syncing', f).some((e) => (e.f.entries as number) > 0 && e.t > c.t - 3_000), 100_000);
    const sentBefore = c.sent.filter((m) => m.from === f).length;
    c.crash(f);
    c.start(f);
    expect(c.sent.filter((m) => m.from === f).length).toBe(sentBefore);
    expect(last(c.events('raft.recovered', f)).f.lastIndex).toBe(lastBefore);
    c.runFor(200_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
  });

  it('a failed fsync acknowledges nothing; the Ready is carried out once the disk works', () => {
    const { c, l } = timed();
    c.disks[l].failNextFsync = true;
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(10_000);
    expect(last(c.events('raft.disk_error', l)).f).toEqual({ error: 'EIO' });
    expect(c.details(l).diskErrors).toBe(1);
    c.runFor(200_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
  });
});

describe('KvServer disk errors', () => {
  it('with disk time, a write the disk refuses is neither synced nor sent', () => {
    const c = cluster(3);
    for (const d of c.disks) d.delayUs = 3_000;
    c.startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    c.disks[l].failWith = 'EIO';
    const syncs = c.events('raft.syncing', l).length;
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    expect(c.events('raft.disk_error', l)[0].f).toEqual({ error: 'EIO' });
    expect(c.events('raft.syncing', l).length).toBe(syncs);
    expect(answerTo(c, 2)).toBeUndefined();
    c.disks[l].failWith = undefined;
    c.runFor(100_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
  });

  it('a full disk sends and acknowledges nothing until it has room again', () => {
    const { c, l } = ready();
    const f = followers(c, l);
    c.disks[l].failWith = 'ENOSPC';
    const sentBefore = c.sent.filter((m) => m.from === l && m.msg.type === 'MsgApp').length;
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(100_000);
    expect(answerTo(c, 2)).toBeUndefined();
    expect(c.events('raft.disk_error', l)[0].f).toEqual({ error: 'ENOSPC' });
    expect(c.details(l).diskErrors as number).toBeGreaterThan(0);
    expect(c.sent.filter((m) => m.from === l && m.msg.type === 'MsgApp').length).toBe(sentBefore);
    for (const i of f) expect(c.details(i).lastIndex).toBe(c.details(l).commit);
    c.disks[l].failWith = undefined;
    c.runFor(100_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: 'x' } });
  });
});

describe('KvServer admin API', () => {
  function adminAnswer(c: Cluster, rid: number): Record<string, unknown> {
    const a = c.answers(CLIENT).find((x) => x.type === 'kv.admin.resp' && x.rid === rid);
    expect(a).toBeDefined();
    return a as Record<string, unknown>;
  }

  it('reports status and refuses what only a leader may do, or what makes no sense', () => {
    const { c, l } = ready();
    c.runFor(100_000);
    const [f, g] = followers(c, l);
    c.admin(CLIENT, f, 11, 'status');
    c.admin(CLIENT, f, 12, 'transfer', l);
    c.admin(CLIENT, f, 13, 'addLearner', 5);
    c.admin(CLIENT, l, 14, 'transfer', l);
    c.admin(CLIENT, l, 15, 'transfer', 7);
    c.admin(CLIENT, l, 16, 'status');
    c.runFor(5_000);
    const st = adminAnswer(c, 11);
    expect(st).toMatchObject({ op: 'status', ok: true, reason: '' });
    const term = c.details(l).term;
    expect(st.status).toMatchObject({ id: f, role: 'follower', term, lead: l, commit: c.details(f).commit, applied: c.details(f).applied, lastIndex: c.details(f).lastIndex, voters: [0, 1, 2], learners: [], progress: [], diskErrors: 0, rejectedFrom: [], nowUs: c.t - 5_000 + 1_000 });
    // This host offers no probe: its figures are -1.
    expect(st.status).toMatchObject({ memoryBytes: -1, memoryBytesMax: -1, diskBytesUsed: -1, diskBytesMax: -1, cpuBusyUs: -1 });
    expect(adminAnswer(c, 12)).toMatchObject({ op: 'transfer', ok: false, reason: 'not-leader' });
    expect(adminAnswer(c, 13)).toMatchObject({ op: 'addLearner', ok: false, reason: 'not-leader' });
    expect(adminAnswer(c, 14)).toMatchObject({ ok: false, reason: 'not-a-voter' });
    expect(adminAnswer(c, 15)).toMatchObject({ ok: false, reason: 'not-a-voter' });
    const ls = adminAnswer(c, 16).status as { role: string; progress: { node: number; match: number; active: boolean }[] };
    expect(ls.role).toBe('leader');
    const li = c.details(l).lastIndex;
    expect(ls.progress).toEqual([0, 1, 2].map((node) => ({ node, match: li, active: true })));
    // Status requests are not reported as admin actions; the others are.
    expect(c.events('kv.admin').map((e) => e.f)).toEqual([
      { op: 'transfer', node: l, ok: false, reason: 'not-leader' },
      { op: 'addLearner', node: 5, ok: false, reason: 'not-leader' },
      { op: 'transfer', node: l, ok: false, reason: 'not-a-voter' },
      { op: 'transfer', node: 7, ok: false, reason: 'not-a-voter' },
    ]);
    expect(g).not.toBe(f);
  });

  it('transfers leadership to a voter; the old leader redirects and its lease basis is revoked', () => {
    const { c, l } = ready(3, { readMode: 'lease', checkQuorum: true });
    c.runFor(50_000);
    const f = followers(c, l)[0];
    c.admin(CLIENT, l, 11, 'transfer', f);
    c.runFor(1_000);
    expect(c.events('kv.admin', l).map((e) => e.f)).toEqual([{ op: 'transfer', node: f, ok: true, reason: '' }]);
    c.runUntilTrue(() => c.role(f) === 'leader', 500_000);
    expect(c.role(l)).toBe('follower');
    // The forced election is not ignored as leader-sticky.
    const ht = c.events('raft.higher_term', l).find((e) => e.f.type === 'MsgVote');
    expect(ht?.f).toMatchObject({ from: f, sticky: false, after: ht?.f.term });
    c.request(CLIENT, l, 1, 20, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(5_000);
    expect(answerTo(c, 20)).toEqual({ type: 'kv.redirect', clientId: 1, rid: 20, leader: f });
  });

  it('compacts on request, once, and keeps serving from the snapshot', () => {
    const { c, l } = ready();
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    const applied = c.details(l).applied as number;
    c.admin(CLIENT, l, 11, 'compact');
    c.runFor(1_000);
    c.admin(CLIENT, l, 12, 'compact');
    c.runFor(5_000);
    expect(adminAnswer(c, 11)).toMatchObject({ op: 'compact', ok: true, reason: '' });
    expect(adminAnswer(c, 12)).toMatchObject({ op: 'compact', ok: false, reason: 'nothing-to-compact' });
    expect(c.details(l)).toMatchObject({ snapshotIndex: applied, firstIndex: applied + 1 });
    // Recovery starts from that snapshot.
    c.crash(l);
    c.start(l);
    expect(last(c.events('raft.recovered', l)).f).toMatchObject({ applied });
    expect(c.details(l).kv).toEqual(c.details(followers(c, l)[0]).kv);
  });

  it('adds a learner, refuses a second change while one is pending, and removes a voter', () => {
    const c = cluster(4, { voters: [0, 1, 2] }).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    c.admin(CLIENT, l, 11, 'addLearner', 3);
    c.admin(CLIENT, l, 12, 'addVoter', 3);
    c.runFor(100_000);
    expect(c.events('kv.admin', l).map((e) => [e.f.op, e.f.ok, e.f.reason])).toEqual([['addLearner', true, ''], ['addVoter', false, 'refused']]);
    expect(last(c.events('raft.conf', l)).f).toMatchObject({ voters: '0,1,2', learners: '3' });
    expect(last(c.events('raft.conf', 3)).f).toMatchObject({ voters: '0,1,2', learners: '3' });
    const victim = followers(c, l).find((i) => i !== 3) as NodeId;
    c.admin(CLIENT, l, 13, 'remove', victim);
    c.runFor(100_000);
    const voters = [0, 1, 2].filter((i) => i !== victim).join(',');
    expect(last(c.events('raft.conf', l)).f).toMatchObject({ voters, learners: '3' });
    // The configuration change entries were reported as such.
    expect(c.events('raft.append', l).filter((e) => e.f.confs !== '').map((e) => e.f.confs)).toEqual([String(c.events('raft.append', l).find((e) => e.f.confs !== '')?.f.lo), expect.any(String)]);
  });

  it('sends a member added after a compaction a snapshot that includes it', () => {
    const c = cluster(4, { voters: [0, 1, 2] }).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    for (let i = 1; i <= 3; i++) {
      c.request(CLIENT, l, 1, 1 + i, i, { op: 'put', key: `k${i}`, value: `v${i}` });
      c.runFor(30_000);
    }
    c.admin(CLIENT, l, 11, 'compact');
    c.runFor(5_000);
    c.admin(CLIENT, l, 12, 'addLearner', 3);
    c.runFor(300_000);
    const sent = c.events('raft.snapshot_sent', l).filter((e) => e.f.to === 3);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    // The second snapshot is newer: taken at once because the first left the learner out.
    expect(sent[1].f.index as number).toBeGreaterThan(sent[0].f.index as number);
    const applied = last(c.events('raft.snapshot_applied', 3)).f;
    expect(applied.index).toBe(sent[sent.length - 1].f.index);
    expect(c.events('raft.snapshot_stored', 3).map((e) => e.f)).toContainEqual({ index: applied.index, term: applied.term });
    expect(c.details(3).kv).toEqual(c.details(l).kv);
    expect(c.details(3)).toMatchObject({ applied: c.details(l).applied, snapshotIndex: applied.index });
  });
});

describe('KvServer input validation', () => {
  it('refuses malformed or misaddressed messages, counts them per sender, and never throws', () => {
    const { c, l } = ready();
    c.runFor(30_000);
    const f = followers(c, l)[0];
    const fromLeader = c.sent.find((m) => m.from === l && m.to === f && m.msg.type === 'MsgHeartbeat');
    expect(fromLeader).toBeDefined();
    const hb = (fromLeader as { msg: Record<string, unknown> }).msg;
    const other = followers(c, l)[1];
    c.deliverNow(CLIENT, f, hb); // claims to be from the leader, came from the client
    c.deliverNow(l, other, hb); // addressed to another node
    c.deliverNow(CLIENT, f, { type: 'MsgHeartbeat' });
    c.deliverNow(CLIENT, f, seal({ type: 'kv.admin', rid: 'x', op: 'status', node: -1 }));
    c.deliverNow(CLIENT, f, { foo: 1 });
    c.deliverNow(CLIENT, f, null);
    c.deliverNow(CLIENT, f, { type: 'kv.req', clientId: 1, rid: 1, seq: 1, op: { op: 'get', key: 'a' }, sum: 1 });
    expect(c.events('msg.rejected', f).map((e) => [e.f.from, e.f.what])).toEqual([
      [CLIENT, 'raft'], [CLIENT, 'raft'], [CLIENT, 'admin'], [CLIENT, 'kv'], [CLIENT, 'kv'], [CLIENT, 'kv'],
    ]);
    expect(c.events('msg.rejected', other).map((e) => [e.f.from, e.f.what])).toEqual([[l, 'raft']]);
    expect(c.details(f).rejected).toBe(6);
    expect(c.details(other).rejected).toBe(1);
    c.deliverNow(CLIENT + 1, f, { bad: true });
    c.admin(CLIENT, f, 11, 'status');
    c.runFor(5_000);
    const st = c.answers(CLIENT).find((a) => a.rid === 11)?.status as { rejectedFrom: [number, number][] };
    expect(st.rejectedFrom).toEqual([[CLIENT, 6], [CLIENT + 1, 1]]);
    // At most REJECTED_FROM_MAX senders are listed: the most refused, then the lowest ids, by id.
    for (let id = 100; id < 166; id++) c.deliverNow(id, f, { bad: id });
    c.deliverNow(200, f, { bad: 1 });
    c.deliverNow(200, f, { bad: 2 });
    c.admin(CLIENT, f, 12, 'status');
    c.runFor(5_000);
    const st2 = c.answers(CLIENT).find((a) => a.rid === 12)?.status as { rejectedFrom: [number, number][] };
    expect(st2.rejectedFrom).toEqual([[CLIENT, 6], [CLIENT + 1, 1], ...Array.from({ length: 61 }, (_, i): [number, number] => [100 + i, 1]), [200, 2]]);
    // The cluster is unharmed: the valid copy from the leader is accepted.
    expect(c.events('msg.rejected', l)).toEqual([]);
    expect(c.role(f)).toBe('follower');
  });

  it('a server that cannot read its disk neither votes nor serves, and retries', () => {
    const c = cluster(3).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    const f = followers(c, l)[0];
    c.crash(f);
    c.disks[f].corrupt('raft.log', 0, 'garbage');
    const s = c.start(f);
    expect(c.events('raft.recover_failed', f).length).toBe(1);
    expect(String(c.events('raft.recover_failed', f)[0].f.error)).toContain('raft.log');
    expect(s.inspect()).toEqual({ role: 'recovering', summary: 'cannot read its disk' });
    // It holds nothing but an empty store, like a server never started.
    expect(s.memoryBytes()).toBe(new KvServer(serverConfig()).memoryBytes());
    c.request(CLIENT, f, 1, 2, 1, { op: 'get', key: 'a' });
    c.runFor(250_000);
    // Nothing sent at all: no vote, no answer, no ack; and it tried again twice.
    expect(c.sent.filter((m) => m.from === f && m.t > 200_000 && m.t >= c.t - 250_000)).toEqual([]);
    expect(c.events('raft.recover_failed', f).length).toBe(3);
    expect(c.events('raft.recover_failed', f).map((e) => e.t - c.events('raft.recover_failed', f)[0].t)).toEqual([0, 100_000, 200_000]);
  });
});

describe('KvServer elections and their telemetry', () => {
  it('reports campaigns, votes, grants, terms, roles and the new leader with its log', () => {
    const { c, l } = ready(3, { preVote: true });
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    const term = c.details(l).term as number;
    const lastIndex = c.details(l).lastIndex as number;
    c.crash(l);
    c.tel.length = 0;
    c.runUntilTrue(() => c.leader() !== -1 && c.leader() !== l);
    const l2 = c.leader();
    c.runFor(10_000);
    const v = followers(c, l).find((i) => i !== l2) as NodeId;
    // Each campaign is reported with the term it runs in, before the new term itself.
    expect(c.events('raft.campaign', l2).map((e) => e.f)).toEqual([{ term, pre: true, voter: true }, { term: term + 1, pre: false, voter: true }]);
    const names = c.tel.filter((e) => e.node === l2 && (e.name === 'raft.campaign' || e.name === 'raft.term')).map((e) => e.name);
    expect(names).toEqual(['raft.campaign', 'raft.campaign', 'raft.term']);
    expect(c.events('raft.term', l2).map((e) => e.f)).toEqual([{ term: term + 1 }]);
    expect(c.events('raft.vote', l2).map((e) => e.f)).toEqual([{ from: v, term: term + 1, granted: true, pre: true }, { from: v, term: term + 1, granted: true, pre: false }]);
    // The pre-vote's grant first (vote-up-to-date judges it too), then the vote's.
    expect(c.events('raft.granted', v).map((e) => e.f)).toEqual([
      { to: l2, term: term + 1, index: lastIndex, logTerm: term, ownIndex: lastIndex, ownTerm: term, pre: true },
      { to: l2, term: term + 1, index: lastIndex, logTerm: term, ownIndex: lastIndex, ownTerm: term, pre: false },
    ]);
    expect(c.events('raft.role', l2).map((e) => e.f)).toEqual([{ role: 'precandidate', term, voters: '0,1,2' }, { role: 'candidate', term: term + 1, voters: '0,1,2' }, { role: 'leader', term: term + 1, voters: '0,1,2' }]);
    expect(c.events('raft.lead', l2).map((e) => e.f)).toEqual([{ lead: -1, term }, { lead: l2, term: term + 1 }]);
    expect(last(c.events('raft.lead', v)).f).toEqual({ lead: l2, term: term + 1 });
    expect(c.events('raft.leader', l2).map((e) => e.f)).toEqual([{ term: term + 1, lastIndex: lastIndex + 1, logTerms: `0|1:${term},${lastIndex + 1}:${term + 1}`, voters: '0,1,2' }]);
    const ht = c.events('raft.higher_term', v).map((e) => e.f);
    expect(ht).toContainEqual({ from: l2, type: 'MsgVote', term: term + 1, after: term + 1, sticky: false, restarted: false, timerFresh: false });
    expect(c.events('raft.stats', l2).length).toBeGreaterThan(0);
  });

  /**
   * Follower x, cut off, campaigns in a higher term; follower y, which still hears the
   * leader, steps x's vote request (x hears nobody, the leader does not hear x): y's report.
   */
  function higherTermVote(checkQuorum: boolean): { c: ReturnType<typeof ready>['c']; l: number; x: number; y: number; term: number; seen: Emitted } {
    const { c, l } = ready(3, { checkQuorum });
    const [x, y] = followers(c, l);
    isolate(c, x);
    const term = c.details(l).term as number;
    c.runUntilTrue(() => (c.details(x).term as number) > term, 1_000_000);
    c.drop = (from, to) => from < c.n && to < c.n && (to === x || (from === x && to === l));
    c.runUntilTrue(() => c.events('raft.higher_term', y).some((e) => e.f.from === x), 1_000_000);
    return { c, l, x, y, term, seen: c.events('raft.higher_term', y).find((e) => e.f.from === x) as Emitted };
  }

  it('under CheckQuorum a node that hears its leader ignores a higher-term vote request (leader-sticky)', () => {
    const { c, l, x, y, term, seen } = higherTermVote(true);
    expect(seen.f).toEqual({ from: x, type: 'MsgVote', term: seen.f.term, after: term, sticky: true, restarted: false, timerFresh: false });
    expect(c.details(y).term).toBe(term);
    expect(c.sent.some((m) => m.from === y && m.to === x && m.msg.type === 'MsgVoteResp')).toBe(false);
    expect(c.role(l)).toBe('leader');
  });

  it('under CheckQuorum and PreVote a node that hears its leader ignores a pre-vote request too', () => {
    const { c, l } = ready(3, { checkQuorum: true, preVote: true });
    const [x, y] = followers(c, l);
    isolate(c, x);
    const term = c.details(l).term as number;
    c.runUntilTrue(() => c.sent.some((m) => m.from === x && m.to === y && m.msg.type === 'MsgPreVote'), 1_000_000);
    const pre = (c.sent.find((m) => m.from === x && m.to === y && m.msg.type === 'MsgPreVote') as { msg: Record<string, unknown> }).msg;
    c.deliverNow(x, y, pre);
    expect(last(c.events('raft.higher_term', y)).f).toEqual({ from: x, type: 'MsgPreVote', term: term + 1, after: term, sticky: true, restarted: false, timerFresh: false });
    // Pre-votes never start a term, sticky or not.
    expect(c.details(y).term).toBe(term);
  });

  it('a repeated vote request for a vote already granted is not reported as a new grant', () => {
    const c = cluster(3).startAll();
    const l = c.elect();
    c.runFor(5_000);
    const granted = c.events('raft.granted').filter((e) => e.f.to === l && e.f.pre === false);
    expect(granted.length).toBeGreaterThan(0);
    const v = granted[0].node;
    const req = (c.sent.find((m) => m.from === l && m.to === v && m.msg.type === 'MsgVote') as { msg: Record<string, unknown> }).msg;
    const votes = () => c.events('raft.granted', v).filter((e) => e.f.pre === false).length;
    const before = votes();
    c.deliverNow(l, v, req);
    c.runFor(5_000);
    expect(votes()).toBe(before);
    expect(c.details(v).vote).toBe(l);
  });

  it('without CheckQuorum a higher-term vote request is adopted', () => {
    const { x, seen } = higherTermVote(false);
    expect(seen.f).toMatchObject({ from: x, type: 'MsgVote', after: seen.f.term, sticky: false, restarted: false, timerFresh: false });
  });

  it('a cut-off leader steps down under CheckQuorum; with checkQuorumNeverResets it is reported stranded', () => {
    for (const bug of [false, true]) {
      const { c, l } = ready(3, { checkQuorum: true, bugs: bug ? { checkQuorumNeverResets: true } : {} });
      crashFollowers(c, l);
      c.runFor(400_000);
      const stranded = c.events('raft.stranded', l);
      if (!bug) {
        expect(c.role(l)).not.toBe('leader');
        expect(stranded).toEqual([]);
      } else {
        expect(c.role(l)).toBe('leader');
        expect(stranded.length).toBe(1);
        expect(stranded[0].f).toMatchObject({ term: c.details(l).term, electionTicks: 10 });
        expect(stranded[0].f.ticks as number).toBeGreaterThan(21);
        expect(stranded[0].f.ticks as number).toBeLessThanOrEqual(23);
        expect(c.violations.some((v) => v.startsWith('check-quorum'))).toBe(true);
        c.violations.length = 0;
      }
    }
  });

  it('with lease reads a restarted server is bound for its first election timeout, and only then', () => {
    for (const readMode of ['lease', 'safe'] as const) {
      const { c, l } = ready(3, { readMode, checkQuorum: true });
      const [x, y] = followers(c, l);
      isolate(c, x);
      const term = c.details(l).term as number;
      c.runUntilTrue(() => c.sent.some((m) => m.from === x && m.to === y && m.msg.type === 'MsgVote'), 1_000_000);
      const vote = (c.sent.find((m) => m.from === x && m.to === y && m.msg.type === 'MsgVote') as { msg: Record<string, unknown> }).msg;
      c.crash(l);
      c.crash(y);
      c.start(y);
      c.deliverNow(x, y, vote);
      const first = last(c.events('raft.higher_term', y)).f;
      if (readMode === 'lease') {
        expect(first).toEqual({ from: x, type: 'MsgVote', term: vote.term, after: term, sticky: true, restarted: true, timerFresh: false });
        expect(c.details(y).term).toBe(term);
      } else expect(first).toEqual({ from: x, type: 'MsgVote', term: vote.term, after: vote.term, sticky: false, restarted: false, timerFresh: false });
      // Ten ticks later the guard is over.
      c.runFor(101_000);
      c.crash(y);
      c.start(y);
      c.runFor(101_000);
      if (readMode === 'lease') {
        c.deliverNow(x, y, vote);
        expect(last(c.events('raft.higher_term', y)).f).toEqual({ from: x, type: 'MsgVote', term: vote.term, after: vote.term, sticky: false, restarted: false, timerFresh: false });
      }
    }
  });
});

describe('KvServer inspect, stats and compaction policy', () => {
  it('inspect shows the role, a summary, the last 20 log entries with long data cut, and the store', () => {
    const { c, l } = ready();
    const long = 'v'.repeat(80);
    for (let i = 1; i <= 21; i++) c.request(CLIENT, l, 1, 1 + i, i, i === 21 ? { op: 'put', key: 'k', value: long } : { op: 'delete', key: `k${i}` });
    c.runFor(100_000);
    const v = c.server(l).inspect();
    const d = v.details as Record<string, unknown>;
    expect(v.role).toBe('leader');
    expect(v.summary).toBe(`term ${d.term as number} · commit ${d.commit as number} · applied ${d.applied as number}`);
    expect(d).toMatchObject({ lead: l, commit: 23, applied: 23, lastIndex: 23, firstIndex: 1, snapshotIndex: 0, voters: [0, 1, 2], learners: [], rejected: 0, diskErrors: 0 });
    const log = d.log as { index: number; term: number; type: string; data: string }[];
    expect(log.map((e) => e.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 4));
    expect(log[19].data).toBe(`${JSON.stringify({ clientId: 1, seq: 21, op: { op: 'put', key: 'k', value: long } }).slice(0, 57)}...`);
    expect(log[18].data).toBe(JSON.stringify({ clientId: 1, seq: 20, op: { op: 'delete', key: 'k20' } }));
    expect(log[18]).toMatchObject({ index: 22, term: d.term, type: 'normal' });
    expect((d.kv as { keys: number }).keys).toBe(1);
    expect(d.electionElapsed as number).toBeLessThanOrEqual(d.electionTimeout as number);
    expect(d.votes).toBeUndefined();
    const f = followers(c, l)[0];
    expect(c.server(f).inspect().details?.kv).toEqual(d.kv);
  });

  it('a candidate shows its votes; a follower its election clock with the ticks not yet delivered', () => {
    const c = cluster(3).startAll();
    c.runFor(50_000);
    const d0 = c.details(0);
    expect(d0.electionElapsed).toBe(5);
    c.crash(1);
    c.crash(2);
    c.runUntilTrue(() => c.role(0) === 'candidate', 1_000_000);
    expect(c.details(0).votes).toEqual({ 0: true });
  });

  it('reports raft.stats at most every STATS_INTERVAL_US while busy', () => {
    const { c, l } = ready();
    c.runFor(1_000_000);
    const at = c.events('raft.stats', l).map((e) => e.t);
    expect(at.length).toBeGreaterThan(8);
    for (let i = 1; i < at.length; i++) {
      expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(STATS_INTERVAL_US);
      expect(at[i] - at[i - 1]).toBeLessThanOrEqual(STATS_INTERVAL_US + 20_000);
    }
  });

  it('compacts every snapshotEvery applied entries on each server, keeping the log after it', () => {
    const { c, l } = ready(3, { snapshotEvery: 4 });
    for (let i = 1; i <= 9; i++) {
      c.request(CLIENT, l, 1, 1 + i, i, { op: 'put', key: `k${i}`, value: `v${i}` });
      c.runFor(20_000);
    }
    c.runFor(50_000);
    for (let i = 0; i < 3; i++) {
      const d = c.details(i);
      expect(d.applied).toBe(11);
      expect(d.snapshotIndex as number).toBeGreaterThan(11 - 4);
      expect(d.firstIndex).toBe((d.snapshotIndex as number) + 1);
    }
  });
});

describe('KvServer test-only bug flags', () => {
  it('readWithoutReadIndex answers a cut-off leader\'s read at once, with no read point', () => {
    const { c, l } = ready(3, { bugs: { readWithoutReadIndex: true } });
    crashFollowers(c, l);
    c.request(CLIENT, l, 1, 2, 1, { op: 'get', key: 'a' });
    c.runFor(2_000);
    expect(answerTo(c, 2)).toEqual({ type: 'kv.resp', clientId: 1, rid: 2, result: { ok: true, value: null } });
    expect(c.events('kv.read')).toEqual([]);
  });

  it('sendBeforePersist sends a Ready\'s messages before its fsync completes', () => {
    const c = cluster(3, { bugs: { sendBeforePersist: true } });
    for (const d of c.disks) d.delayUs = 3_000;
    c.startAll();
    c.elect();
    const early = c.events('raft.syncing').filter((s) => (s.f.messages as number) > 0 && c.sent.some((m) => m.from === s.node && m.t === s.t && String(m.msg.type).startsWith('Msg')));
    expect(early.length).toBeGreaterThan(0);
    // A vote sent before its fsync reaches the candidate before it is durable: durability says so.
    expect(c.violations.some((v) => v.startsWith('durability'))).toBe(true);
    c.violations.length = 0;
  });
});

/** A subclass using every extension hook, as core/rag does. */
class Probe extends KvServer {
  readonly seen: unknown[][] = [];
  rounds = 0;
  /** A read asked from outside a hook (false while Raft is not running). */
  ask(): boolean {
    return this.requestReadIndex('outside');
  }
  override start(ctx: NodeContext): void {
    super.start(ctx);
    this.seen.push(['started', this.running, this.appliedIndex, this.knownLeader()]);
  }
  protected override onApplied(index: number, key: string, before: string | null, after: string | null): void {
    this.seen.push(['applied', index, key, before, after]);
  }
  protected override onOtherMessage(from: NodeId, raw: unknown): boolean {
    const type = (raw as { type?: unknown }).type;
    if (type === 'probe.read') this.seen.push(['asked', this.requestReadIndex('p1')]);
    else if (type === 'probe.timer') this.ctx.setTimer(5_000, 'probe');
    else return false;
    this.seen.push(['message', from]);
    return true;
  }
  protected override onOtherTimer(tag: string): boolean {
    if (tag !== 'probe') return false;
    this.seen.push(['timer', tag]);
    return true;
  }
  protected override onOtherReadState(ctx: string, index: number): void {
    this.seen.push(['read', ctx, index, this.appliedIndex, this.knownLeader()]);
  }
  protected override afterReadyRound(): void {
    this.rounds++;
  }
  protected override snapshotData(): string {
    return `${super.snapshotData()}\n${this.seen.filter((s) => s[0] === 'applied').length}`;
  }
  protected override restoreData(data: string, index: number): void {
    const cut = data.lastIndexOf('\n');
    super.restoreData(data.slice(0, cut), index);
    this.seen.push(['restored', index, Number(data.slice(cut + 1))]);
  }
}

describe('KvServer extension hooks', () => {
  it('a subclass sees applied changes, its own messages, timers and read states, and its snapshot data', () => {
    const c = cluster(3);
    for (let i = 0; i < 3; i++) c.start(i, (cfg) => new Probe(cfg));
    const l = c.elect();
    const p = c.server(l) as Probe;
    expect(p.seen[0]).toEqual(['started', true, 0, -1]);
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'a', value: 'x' });
    c.runFor(50_000);
    c.request(CLIENT, l, 1, 3, 2, { op: 'append', key: 'a', value: 'y' });
    c.runFor(50_000);
    const commit = c.details(l).commit as number;
    expect(p.seen.filter((s) => s[0] === 'applied')).toEqual([['applied', commit - 1, 'a', null, 'x'], ['applied', commit, 'a', 'x', 'xy']]);
    c.clientSend(CLIENT, l, { type: 'probe.read' }, true);
    c.clientSend(CLIENT, l, { type: 'probe.timer' }, true);
    c.runFor(50_000);
    expect(c.events('msg.rejected')).toEqual([]);
    expect(p.seen).toContainEqual(['asked', true]);
    expect(p.seen).toContainEqual(['read', 'p1', commit, commit, l]);
    expect(p.seen).toContainEqual(['timer', 'probe']);
    expect(p.rounds).toBeGreaterThan(0);
    // Ticks still run after the subclass's timer: the leader keeps leading.
    c.runFor(300_000);
    expect(c.role(l)).toBe('leader');
    // A compaction stores the subclass's data, and a restart hands it back.
    c.admin(CLIENT, l, 11, 'compact');
    c.runFor(5_000);
    c.crash(l);
    const q = c.start(l, (cfg) => new Probe(cfg)) as Probe;
    expect(q.seen[0]).toEqual(['restored', commit, 2]);
    expect(q.seen[1]).toEqual(['started', true, commit, -1]);
  });
});

describe('KvServer read-basis telemetry against real faults', () => {
  it('a leader that reads from a lease it no longer holds is caught by read-basis (leaseWithoutQuorumRound)', () => {
    for (const bug of [false, true]) {
      const bugs = bug ? { leaseWithoutQuorumRound: true, checkQuorumNeverResets: true } : { checkQuorumNeverResets: true };
      const { c, l } = ready(3, { readMode: 'lease', checkQuorum: true, bugs });
      crashFollowers(c, l);
      c.runFor(300_000);
      c.request(CLIENT, l, 1, 2, 1, { op: 'get', key: 'a' });
      c.runFor(50_000);
      expect(c.role(l)).toBe('leader');
      if (bug) {
        expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: null } });
        const basis = last(c.events('kv.read_basis', l)).f;
        expect(basis).toMatchObject({ lease: true, alone: false, afterAsked: false, revoked: false });
        expect(basis.sinceBasis as number).toBeGreaterThanOrEqual(30);
        expect(c.violations.some((v) => v.startsWith('read-basis'))).toBe(true);
      } else {
        expect(answerTo(c, 2)).toBeUndefined();
        expect(c.violations.some((v) => v.startsWith('read-basis'))).toBe(false);
      }
      c.violations.length = 0;
    }
  });

  it('a leader that keeps its lease after starting a transfer is caught by read-basis (leaseKeptOnTransfer)', () => {
    for (const bug of [false, true]) {
      const { c, l } = ready(3, { readMode: 'lease', checkQuorum: true, bugs: bug ? { leaseKeptOnTransfer: true } : {} });
      c.runFor(30_000);
      const [f] = followers(c, l);
      // The old leader hears nothing from now on, so it does not learn of the new term.
      c.drop = (from, to) => to === l && from < c.n;
      c.admin(CLIENT, l, 11, 'transfer', f);
      c.runFor(2_000);
      expect(c.sent.some((m) => m.from === l && m.msg.type === 'MsgTimeoutNow')).toBe(true);
      c.request(CLIENT, l, 1, 2, 1, { op: 'get', key: 'a' });
      c.runFor(3_000);
      if (bug) {
        expect(answerTo(c, 2)).toMatchObject({ result: { ok: true } });
        expect(last(c.events('kv.read_basis', l)).f).toMatchObject({ lease: true, afterAsked: false, revoked: true });
        expect(c.violations.some((v) => v.startsWith('read-basis'))).toBe(true);
      } else {
        expect(answerTo(c, 2)).toBeUndefined();
      }
      c.violations.length = 0;
    }
  });

  it('a healthy CheckQuorum cluster with lease reads, a transfer and a membership change tells the checks nothing wrong', () => {
    const c = cluster(4, { voters: [0, 1, 2], readMode: 'lease', checkQuorum: true }).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    c.admin(CLIENT, l, 11, 'addLearner', 3);
    c.runFor(100_000);
    c.admin(CLIENT, l, 12, 'addVoter', 3);
    for (let i = 1; i <= 10; i++) {
      c.request(CLIENT, l, 1, 20 + i, i, i % 2 === 0 ? { op: 'get', key: 'a' } : { op: 'append', key: 'a', value: `${i}` });
      c.runFor(40_000);
    }
    expect(last(c.events('raft.conf', l)).f).toMatchObject({ voters: '0,1,2,3', learners: '' });
    const f = followers(c, l)[0];
    c.admin(CLIENT, l, 13, 'transfer', f);
    c.runFor(600_000);
    expect(c.leader()).toBe(f);
    expect(c.events('kv.read_basis').length).toBeGreaterThan(0);
    expect(c.events('raft.stranded')).toEqual([]);
    // violations are checked after the test
  });
});

// Found by `npm run mutation -- core/kv/server.ts:481-578 core/kv/server.ts:701-1031`
// (docs/mutation.md): behaviour of the request bound, the read-basis watch, the telemetry
// the checks read (raft.match, kv.state, raft.role) and the views that no test pinned.
describe('KvServer bounds, basis watch and reports', () => {
  it('PENDING_MAX waiting requests are taken; past it a request or registration is redirected', () => {
    const { c, l } = ready();
    crashFollowers(c, l);
    c.runFor(5_000);
    // Reads wait for a quorum that never comes (Raft queues the first pendingReadsMax; the
    // server waits for all of them).
    for (let i = 0; i < PENDING_MAX - 1; i++) c.request(CLIENT, l, 1, 100 + i, 1, { op: 'get', key: 'a' });
    c.register(CLIENT, l, 'last', 50);
    c.runFor(5_000);
    expect(c.answers(CLIENT).length).toBe(1);
    expect(c.events('kv.read', l).length).toBe(PENDING_MAX - 1);
    // Now PENDING_MAX wait: one more of each is redirected.
    c.request(CLIENT, l, 1, 60, 1, { op: 'get', key: 'a' });
    c.request(CLIENT, l, 1, 61, 2, { op: 'put', key: 'a', value: 'x' });
    c.register(CLIENT, l, 'over', 62);
    c.runFor(5_000);
    expect(c.answers(CLIENT).slice(1)).toEqual([
      { type: 'kv.redirect', clientId: 1, rid: 60, leader: l },
      { type: 'kv.redirect', clientId: 1, rid: 61, leader: l },
      { type: 'kv.redirect', clientId: 0, rid: 62, leader: l },
    ]);
    expect(c.events('kv.read', l).length).toBe(PENDING_MAX - 1);
    expect(c.events('kv.propose', l).length).toBe(0);
  });

  it('memoryBytes counts the store, the log and the waiting requests in bytes', () => {
    const { c, l } = ready();
    const s = c.server(l);
    const mem0 = s.memoryBytes();
    expect(Number.isFinite(mem0)).toBe(true);
    expect(mem0).toBeGreaterThanOrEqual(4096);
    c.request(CLIENT, l, 1, 2, 1, { op: 'put', key: 'big', value: 'v'.repeat(10_000) });
    c.runFor(50_000);
    // The value is in the store (at least its length) and its entry in the log (128 bytes).
    expect(s.memoryBytes() - mem0).toBeGreaterThanOrEqual(10_000 + 128);
    crashFollowers(c, l);
    const mem1 = s.memoryBytes();
    c.request(CLIENT, l, 1, 3, 2, { op: 'put', key: 'k', value: 'v' });
    c.request(CLIENT, l, 1, 4, 2, { op: 'get', key: 'k' });
    c.runFor(5_000);
    expect(s.memoryBytes() - mem1).toBe(2 * 256 + 128);
  });

  it('a lease read reports the age of the newest broadcast a quorum of voters answered, not one half of them answered', () => {
    // Four voters: the leader and one follower are half, not a quorum.
    const { c, l } = ready(4, { readMode: 'lease', checkQuorum: true });
    c.runFor(100_000);
    const [f1, f2, f3] = followers(c, l);
    c.crash(f2);
    c.crash(f3);
    const cut = c.events('kv.read_basis', l).length;
    c.runFor(45_000);
    c.request(CLIENT, l, 1, 2, 1, { op: 'get', key: 'a' });
    c.runFor(2_000);
    expect(c.role(f1)).toBe('follower');
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: null } });
    const basis = c.events('kv.read_basis', l).slice(cut);
    expect(basis.length).toBe(1);
    expect(basis[0].f).toMatchObject({ lease: true, alone: false, afterAsked: false, revoked: false });
    // f1 kept answering heartbeats, but the newest quorum is from before the crash.
    expect(basis[0].f.sinceBasis as number).toBeGreaterThanOrEqual(4);
  });

  it('answers of learners do not make a quorum for the basis', () => {
    const c = cluster(5, { voters: [0, 1, 2], learners: [3, 4], readMode: 'lease', checkQuorum: true }).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(100_000);
    for (const v of [0, 1, 2]) if (v !== l) c.crash(v);
    const cut = c.events('kv.read_basis', l).length;
    c.runFor(45_000);
    c.request(CLIENT, l, 1, 2, 1, { op: 'get', key: 'a' });
    c.runFor(2_000);
    expect(answerTo(c, 2)).toMatchObject({ result: { ok: true, value: null } });
    const basis = c.events('kv.read_basis', l).slice(cut);
    expect(basis.length).toBe(1);
    expect(basis[0].f).toMatchObject({ lease: true, afterAsked: false });
    // The learners answered every heartbeat since; the basis is still the last round the voters answered.
    expect(c.sent.filter((m) => m.from === 3 && m.msg.type === 'MsgHeartbeatResp' && m.t > c.t - 20_000).length).toBeGreaterThan(0);
    expect(basis[0].f.sinceBasis as number).toBeGreaterThanOrEqual(4);
  });

  it('reads asked together each rest on their own broadcast', () => {
    const { c, l } = ready();
    c.runFor(30_000);
    const cut = c.events('kv.read_basis', l).length;
    for (let i = 0; i < 3; i++) c.request(CLIENT, l, 1, 10 + i, 1, { op: 'get', key: 'a' });
    c.runFor(20_000);
    for (let i = 0; i < 3; i++) expect(answerTo(c, 10 + i)).toMatchObject({ result: { ok: true, value: null } });
    const basis = c.events('kv.read_basis', l).slice(cut);
    expect(basis.map((b) => [b.f.ctx, b.f.afterAsked])).toEqual([[`${l}:0`, true], [`${l}:1`, true], [`${l}:2`, true]]);
  });

  it('a single voter\'s read has no broadcast to rest on; a leader listed first among three is not alone', () => {
    const one = cluster(1).startAll();
    one.elect();
    one.register(CLIENT, 0, 'n1');
    one.runFor(20_000);
    one.request(CLIENT, 0, 1, 2, 1, { op: 'get', key: 'a' });
    one.runFor(20_000);
    expect(last(one.events('kv.read_basis', 0)).f).toMatchObject({ alone: true, afterAsked: false, sinceBasis: -1 });
    const { c, l } = ready();
    if (l !== 0) {
      c.admin(CLIENT, l, 11, 'transfer', 0);
      c.runUntilTrue(() => c.role(0) === 'leader', 1_000_000);
      c.runFor(50_000);
    }
    c.request(CLIENT, 0, 1, 3, 1, { op: 'get', key: 'a' });
    c.runFor(20_000);
    expect(answerTo(c, 3)).toMatchObject({ result: { ok: true } });
    expect(last(c.events('kv.read_basis', 0)).f).toMatchObject({ alone: false, afterAsked: true });
  });

  it('a leader reports each follower\'s match when it moves, never its own, and only the leader does', () => {
    const { c, l } = ready();
    for (let i = 0; i < 4; i++) {
      c.request(CLIENT, l, 1, 10 + i, 1 + i, { op: 'put', key: 'a', value: `${i}` });
      c.runFor(30_000);
    }
    c.runFor(200_000);
    const matches = c.events('raft.match');
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.every((e) => e.node === l && e.f.to !== l)).toBe(true);
    for (const f of followers(c, l)) {
      const mine = matches.filter((e) => e.f.to === f).map((e) => e.f.match as number);
      // Strictly increasing: reported when it moves, not with every Ready.
      for (let i = 1; i < mine.length; i++) expect(mine[i]).toBeGreaterThan(mine[i - 1]);
      expect(mine[mine.length - 1]).toBe(c.details(l).lastIndex);
    }
  });

  it('reports the state after each applied index, and each role change once', () => {
    const { c, l } = ready();
    for (let i = 0; i < 3; i++) c.request(CLIENT, l, 1, 10 + i, 1 + i, { op: 'put', key: `k${i}`, value: 'v' });
    c.runFor(100_000);
    for (let n = 0; n < 3; n++) {
      const st = c.events('kv.state', n);
      const applied = c.details(n).applied as number;
      expect(st.map((e) => e.f.index)).toEqual(Array.from({ length: applied }, (_, i) => i + 1));
      expect(last(st).f.digest).toBe((c.details(n).kv as { digest: string }).digest);
      // A new leader's heartbeats change what a follower knows (its leader), not its role.
      const roles = c.events('raft.role', n).map((e) => e.f.role);
      for (let i = 1; i < roles.length; i++) expect(roles[i]).not.toBe(roles[i - 1]);
    }
    expect(c.events('raft.role', l).map((e) => e.f.role).slice(-1)).toEqual(['leader']);
  });

  it('a follower that sees the leader change reports no new role; the one that takes over does', () => {
    const { c, l } = ready();
    const [f, g] = followers(c, l);
    const before = c.events('raft.role', g).length;
    c.admin(CLIENT, l, 11, 'transfer', f);
    c.runUntilTrue(() => c.role(f) === 'leader', 1_000_000);
    c.runFor(100_000);
    expect(c.events('raft.lead', g).map((e) => e.f.lead).slice(-1)).toEqual([f]);
    expect(c.events('raft.role', g).length).toBe(before);
    expect(c.events('raft.role', f).map((e) => e.f.role).slice(-2)).toEqual(['candidate', 'leader']);
  });

  it('a follower catching up over two configuration changes in one append lists both, and learners by comma', () => {
    const c = cluster(5, { voters: [0, 1, 2], learners: [] }).startAll();
    const l = c.elect();
    c.register(CLIENT, l, 'n1');
    c.runFor(50_000);
    const f = followers(c, l).find((i) => i < 3) as NodeId;
    c.crash(f);
    c.admin(CLIENT, l, 11, 'addLearner', 3);
    c.runFor(100_000);
    c.admin(CLIENT, l, 12, 'addLearner', 4);
    c.runFor(100_000);
    const cut = c.events('raft.append', f).length;
    c.start(f);
    c.runFor(200_000);
    const appends = c.events('raft.append', f).slice(cut);
    const confs = appends.map((e) => String(e.f.confs)).filter((x) => x !== '');
    expect(confs.some((x) => x.split(',').length === 2)).toBe(true);
    for (const x of confs) for (const i of x.split(',')) expect(Number.isInteger(Number(i)) && Number(i) > 0).toBe(true);
    expect(last(c.events('raft.conf', f)).f).toMatchObject({ voters: '0,1,2', learners: '3,4' });
    // Reported when it changes, not with every Ready (f restarted: a new process reports again).
    for (const n of [0, 1, 2, 3, 4].filter((i) => i !== f)) {
      const seen = c.events('raft.conf', n).map((e) => `${String(e.f.voters)}|${String(e.f.learners)}`);
      for (let i = 1; i < seen.length; i++) expect(seen[i]).not.toBe(seen[i - 1]);
    }
  });

  it('a deposed leader redirects its waiting writes in (client id, seq) text order and registrations by nonce', () => {
    const { c, l } = ready();
    isolate(c, l);
    c.request(CLIENT, l, 12, 2, 2, { op: 'put', key: 'a', value: 'lost' });
    c.request(CLIENT, l, 12, 3, 1, { op: 'put', key: 'b', value: 'lost' });
    c.register(CLIENT, l, 'nb', 4);
    c.register(CLIENT, l, 'nc', 5);
    c.register(CLIENT, l, 'na', 6);
    c.runFor(10_000);
    const l2 = deposeIsolated(c, l);
    c.runFor(50_000);
    expect(c.answers(CLIENT).slice(1).map((a) => [a.clientId, a.rid, a.leader])).toEqual([
      [12, 3, l2], [12, 2, l2], [0, 6, l2], [0, 4, l2], [0, 5, l2],
    ]);
  });

  it('inspect cuts only data longer than 60 characters, shows votes only on candidates, and counts undelivered ticks', () => {
    const { c, l } = ready();
    const key = 'k'.repeat(60 - JSON.stringify({ clientId: 1, seq: 1, op: { op: 'delete', key: '' } }).length);
    c.request(CLIENT, l, 1, 2, 1, { op: 'delete', key });
    c.runFor(50_000);
    const log = c.details(l).log as { data: string }[];
    expect(log[log.length - 1].data.length).toBe(60);
    expect(log[log.length - 1].data.endsWith('...')).toBe(false);
    for (const n of [0, 1, 2]) expect('votes' in c.details(n)).toBe(false);
    // A follower's clock: ticks delivered by an input at 51 ms, three more due since.
    const c2 = cluster(3).startAll();
    c2.runFor(50_000);
    c2.admin(CLIENT, 0, 1, 'status');
    c2.runFor(31_000);
    expect(c2.role(0)).toBe('follower');
    expect(c2.details(0).electionElapsed).toBe(8);
  });

  it('a subclass on a server that cannot read its disk sees no leader and cannot ask for reads', () => {
    const c = cluster(3).startAll();
    c.elect();
    c.crash(1);
    c.disks[1].corrupt('raft.log', 0, 'garbage');
    const p = c.start(1, (cfg) => new Probe(cfg)) as Probe;
    expect(p.seen[0]).toEqual(['started', false, 0, -1]);
    expect(p.ask()).toBe(false);
  });
});
