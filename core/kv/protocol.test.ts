// Goal: the KV service's wire parsers (client protocol and admin API) accept exactly the
// well-formed sealed messages and turn everything else into null, at every boundary their
// contract names: seq from 1, leader from -1, a registered client id from 1, at most
// REGISTER_COUNT_MAX sessions, an admin node from -1, member lists without -1, reason and
// role lengths, REJECTED_FROM_MAX senders.
// Method: one valid message per kind, sealed, must parse to itself (sum dropped); then the
// same message with one field changed (or its seal broken) must parse to null, and values
// just inside each limit must still parse. Killed mutants of `npm run mutation` in
// core/kv/protocol.ts and core/kv/admin.ts (docs/mutation.md).
import { describe, expect, it } from 'vitest';
import { parseAdminAnswer, parseAdminRequest, parseServerStatus, REJECTED_FROM_MAX, type ServerStatus } from './admin.ts';
import { seal } from './integrity.ts';
import { parseKvAnswer, parseKvRequest } from './protocol.ts';
import { REGISTER_COUNT_MAX } from './types.ts';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function req(over: Record<string, unknown> = {}): Record<string, unknown> {
  return seal({ type: 'kv.req', clientId: 3, rid: 9, seq: 2, op: { op: 'put', key: 'k', value: 'v' }, ...over });
}

function status(over: Partial<Record<keyof ServerStatus, unknown>> = {}): Record<string, unknown> {
  return {
    id: 1, role: 'leader', term: 4, lead: 1, commit: 10, applied: 9, lastIndex: 11,
    voters: [1, 2, 3], learners: [4], progress: [{ node: 2, match: 10, active: true }, { node: 3, match: 7, active: false }],
    diskErrors: 0, rejectedFrom: [[5, 2]], nowUs: 1_000, memoryBytes: -1, memoryBytesMax: -1, diskBytesUsed: 0, diskBytesMax: -1, cpuBusyUs: 0,
    ...over,
  };
}

function withoutSum(m: Record<string, unknown>): Record<string, unknown> {
  const { sum: _sum, ...rest } = m;
  return rest;
}

describe('parseKvRequest', () => {
  it('accepts a sealed request with its fields, and keeps a valid traceparent', () => {
    expect(parseKvRequest(req())).toEqual({ type: 'kv.req', clientId: 3, rid: 9, seq: 2, op: { op: 'put', key: 'k', value: 'v' } });
    expect(parseKvRequest(req({ tp: TP }))).toEqual({ type: 'kv.req', clientId: 3, rid: 9, seq: 2, op: { op: 'put', key: 'k', value: 'v' }, tp: TP });
    expect(parseKvRequest(req({ seq: 1, clientId: 0, rid: 0 }))).toMatchObject({ seq: 1, clientId: 0, rid: 0 });
  });

  it('still serves a request whose traceparent is invalid, without it', () => {
    const parsed = parseKvRequest(req({ tp: 'not-a-traceparent' }));
    expect(parsed).not.toBeNull();
    expect(parsed).not.toHaveProperty('tp');
  });

  it('refuses a broken seal, a wrong type, bad counters, seq 0 and a bad op', () => {
    // A sealed message is frozen: a change in flight makes a copy, as a faulty network would.
    const broken = { ...req(), rid: 10 };
    expect(() => { (req() as { rid: number }).rid = 10; }).toThrow(TypeError);
    expect(parseKvRequest(broken)).toBeNull();
    expect(parseKvRequest(withoutSum(req()))).toBeNull();
    expect(parseKvRequest(req({ type: 'kv.resp' }))).toBeNull();
    expect(parseKvRequest(req({ clientId: -1 }))).toBeNull();
    expect(parseKvRequest(req({ rid: 1.5 }))).toBeNull();
    expect(parseKvRequest(req({ seq: 0 }))).toBeNull();
    expect(parseKvRequest(req({ seq: '2' }))).toBeNull();
    expect(parseKvRequest(req({ op: { op: 'put', key: 'k' } }))).toBeNull();
    expect(parseKvRequest(null)).toBeNull();
  });

  it('accepts a registration of 1..REGISTER_COUNT_MAX sessions with a nonce, and nothing else', () => {
    const reg = (over: Record<string, unknown> = {}) => seal({ type: 'kv.register', rid: 4, nonce: 'c1r4', count: 2, ...over });
    expect(parseKvRequest(reg())).toEqual({ type: 'kv.register', rid: 4, nonce: 'c1r4', count: 2 });
    expect(parseKvRequest(reg({ count: REGISTER_COUNT_MAX }))).toMatchObject({ count: REGISTER_COUNT_MAX });
    expect(parseKvRequest(reg({ count: REGISTER_COUNT_MAX + 1 }))).toBeNull();
    expect(parseKvRequest(reg({ count: 0 }))).toBeNull();
    expect(parseKvRequest(reg({ nonce: '' }))).toBeNull();
    expect(parseKvRequest(reg({ rid: -1 }))).toBeNull();
  });
});

describe('parseKvAnswer', () => {
  const resp = (over: Record<string, unknown> = {}) => seal({ type: 'kv.resp', clientId: 3, rid: 9, result: { ok: true, value: 'v' }, ...over });

  it('accepts results, redirects (leader -1 = none known) and registrations', () => {
    expect(parseKvAnswer(resp())).toEqual({ type: 'kv.resp', clientId: 3, rid: 9, result: { ok: true, value: 'v' } });
    expect(parseKvAnswer(resp({ result: { ok: false, error: 'cas-mismatch', current: null } }))).toEqual({
      type: 'kv.resp', clientId: 3, rid: 9, result: { ok: false, error: 'cas-mismatch', current: null },
    });
    expect(parseKvAnswer(seal({ type: 'kv.redirect', clientId: 3, rid: 9, leader: -1 }))).toEqual({ type: 'kv.redirect', clientId: 3, rid: 9, leader: -1 });
    expect(parseKvAnswer(seal({ type: 'kv.redirect', clientId: 0, rid: 9, leader: 2 }))).toEqual({ type: 'kv.redirect', clientId: 0, rid: 9, leader: 2 });
    expect(parseKvAnswer(seal({ type: 'kv.registered', clientId: 1, rid: 2, nonce: 'n', count: 3 }))).toEqual({
      type: 'kv.registered', clientId: 1, rid: 2, nonce: 'n', count: 3,
    });
  });

  it('refuses a leader below -1, a registered client id 0, bad results and unknown types', () => {
    expect(parseKvAnswer(seal({ type: 'kv.redirect', clientId: 3, rid: 9, leader: -2 }))).toBeNull();
    expect(parseKvAnswer(seal({ type: 'kv.redirect', clientId: 3, rid: 9, leader: 0.5 }))).toBeNull();
    expect(parseKvAnswer(seal({ type: 'kv.registered', clientId: 0, rid: 2, nonce: 'n', count: 3 }))).toBeNull();
    expect(parseKvAnswer(seal({ type: 'kv.registered', clientId: 1, rid: 2, nonce: 'n', count: 0 }))).toBeNull();
    expect(parseKvAnswer(seal({ type: 'kv.registered', clientId: 1, rid: 2, nonce: '', count: 1 }))).toBeNull();
    expect(parseKvAnswer(resp({ result: { ok: 'yes', value: 'v' } }))).toBeNull();
    expect(parseKvAnswer(resp({ clientId: -1 }))).toBeNull();
    expect(parseKvAnswer(resp({ rid: '9' }))).toBeNull();
    expect(parseKvAnswer(resp({ type: 'kv.req' }))).toBeNull();
    expect(parseKvAnswer(withoutSum(resp()))).toBeNull();
    expect(parseKvAnswer('kv.resp')).toBeNull();
  });
});

describe('admin API parsers', () => {
  it('accepts every admin op with a node from -1, and refuses anything else', () => {
    for (const op of ['status', 'addLearner', 'addVoter', 'remove', 'transfer', 'compact']) {
      expect(parseAdminRequest(seal({ type: 'kv.admin', rid: 1, op, node: -1 }))).toEqual({ type: 'kv.admin', rid: 1, op, node: -1 });
    }
    expect(parseAdminRequest(seal({ type: 'kv.admin', rid: 1, op: 'status', node: 4 }))).toMatchObject({ node: 4 });
    expect(parseAdminRequest(seal({ type: 'kv.admin', rid: 1, op: 'status', node: -2 }))).toBeNull();
    expect(parseAdminRequest(seal({ type: 'kv.admin', rid: 1, op: 'promote', node: 2 }))).toBeNull();
    expect(parseAdminRequest(seal({ type: 'kv.admin', rid: -1, op: 'status', node: 2 }))).toBeNull();
    expect(parseAdminRequest(seal({ type: 'kv.req', rid: 1, op: 'status', node: 2 }))).toBeNull();
    expect(parseAdminRequest({ type: 'kv.admin', rid: 1, op: 'status', node: 2 })).toBeNull();
  });

  it('parses a server status field for field, and refuses each malformed field', () => {
    expect(parseServerStatus(status())).toEqual(status());
    expect(parseServerStatus(status({ progress: [], rejectedFrom: [], learners: [], voters: [] }))).toMatchObject({ progress: [], rejectedFrom: [] });
    const bad: Partial<Record<keyof ServerStatus, unknown>>[] = [
      { term: 1.5 }, { commit: '10' }, { cpuBusyUs: undefined }, { role: 7 }, { role: 'x'.repeat(33) },
      { voters: [1, -1] }, { voters: 'all' }, { learners: [0.5] },
      { progress: [{ node: 2, match: 10 }] }, { progress: [{ node: 2, match: 1.5, active: true }] }, { progress: [{ node: -2, match: 1, active: true }] },
      { progress: [null] }, { progress: {} },
      { rejectedFrom: [[5]] }, { rejectedFrom: [[5, 2, 9]] }, { rejectedFrom: [[5, -1]] }, { rejectedFrom: [[-2, 1]] }, { rejectedFrom: [5, 2] },
      { voters: Array.from({ length: 4097 }, (_, i) => i) }, { progress: Array.from({ length: 4097 }, (_, i) => ({ node: i, match: 0, active: true })) },
      { rejectedFrom: Array.from({ length: REJECTED_FROM_MAX + 1 }, (_, i) => [i, 1]) },
    ];
    for (const b of bad) expect(parseServerStatus(status(b)), JSON.stringify(b).slice(0, 80)).toBeNull();
    expect(parseServerStatus(status({ role: 'x'.repeat(32), rejectedFrom: Array.from({ length: REJECTED_FROM_MAX }, (_, i) => [i, 1]) }))).not.toBeNull();
    // At most 4096 members, node 0 included.
    expect(parseServerStatus(status({
      voters: Array.from({ length: 4096 }, (_, i) => i),
      progress: Array.from({ length: 4096 }, (_, i) => ({ node: i, match: 0, active: true })),
    }))).not.toBeNull();
    expect(parseServerStatus(null)).toBeNull();
    expect(parseServerStatus('status')).toBeNull();
  });

  it('parses an admin answer with its status, and refuses a bad op, reason or status', () => {
    const ans = (over: Record<string, unknown> = {}) => seal({ type: 'kv.admin.resp', rid: 2, op: 'transfer', ok: false, reason: 'not-leader', status: status(), ...over });
    expect(parseAdminAnswer(ans())).toEqual({ type: 'kv.admin.resp', rid: 2, op: 'transfer', ok: false, reason: 'not-leader', status: status() });
    expect(parseAdminAnswer(ans({ ok: true, reason: 'r'.repeat(200) }))).toMatchObject({ ok: true });
    expect(parseAdminAnswer(ans({ reason: 'r'.repeat(201) }))).toBeNull();
    expect(parseAdminAnswer(ans({ reason: null }))).toBeNull();
    expect(parseAdminAnswer(ans({ op: 'move' }))).toBeNull();
    expect(parseAdminAnswer(ans({ ok: 1 }))).toBeNull();
    expect(parseAdminAnswer(ans({ rid: -2 }))).toBeNull();
    expect(parseAdminAnswer(ans({ type: 'kv.admin' }))).toBeNull();
    expect(parseAdminAnswer(ans({ status: status({ term: null }) }))).toBeNull();
    expect(parseAdminAnswer(withoutSum(ans()))).toBeNull();
  });
});
