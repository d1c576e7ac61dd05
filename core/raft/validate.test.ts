// Goal: validateMessage accepts every message Raft itself sends and rejects malformed or
// byzantine input (wrong types, negative or fractional numbers, unknown types, oversized
// arrays, incoherent appends) without ever throwing.
// Method: table tests of hand-made bad messages, plus a fast-check property over arbitrary
// JSON values and over mutations of a valid MsgApp.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { MESSAGE_TYPES, type Entry, type Message, type MessageType } from './types.ts';
import { MESSAGE_LIMITS, validateDelivered, validateMessage } from './validate.ts';

const app: Message = {
  type: 'MsgApp',
  from: 1,
  to: 2,
  term: 3,
  index: 4,
  logTerm: 2,
  commit: 4,
  entries: [{ term: 3, index: 5, type: 'normal', data: 'x' }],
};

describe('validateMessage', () => {
  it('accepts a well-formed message and strips unknown fields', () => {
    expect(validateMessage({ ...app, extra: 'drop me' })).toEqual(app);
  });

  const bad: [string, unknown][] = [
    ['not an object', 'MsgApp'],
    ['null', null],
    ['unknown type', { ...app, type: 'MsgEvil' }],
    ['negative term', { ...app, term: -1 }],
    ['fractional index', { ...app, index: 1.5 }],
    ['string from', { ...app, from: '1' }],
    ['self-addressed', { ...app, to: 1 }],
    ['NaN commit', { ...app, commit: Number.NaN }],
    ['entry with bad type', { ...app, entries: [{ term: 3, index: 5, type: 'evil', data: 'x' }] }],
    ['entry with numeric data', { ...app, entries: [{ term: 3, index: 5, type: 'normal', data: 5 }] }],
    ['gap in entries', { ...app, entries: [{ term: 3, index: 6, type: 'normal', data: 'x' }] }],
    ['entry term above message term', { ...app, entries: [{ term: 4, index: 5, type: 'normal', data: 'x' }] }],
    ['entry term below logTerm', { ...app, entries: [{ term: 1, index: 5, type: 'normal', data: 'x' }] }],
    ['MsgApp without commit', { ...app, commit: undefined }],
    ['huge entries array', { ...app, entries: new Array(MESSAGE_LIMITS.entriesMax + 1).fill(app.entries?.[0]) }],
    ['oversized context', { type: 'MsgHeartbeat', from: 1, to: 2, term: 1, context: 'x'.repeat(MESSAGE_LIMITS.contextLengthMax + 1) }],
    ['MsgSnap without snapshot', { type: 'MsgSnap', from: 1, to: 2, term: 1 }],
    ['snapshot with bad conf', { type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: { meta: { index: 1, term: 1, conf: { voters: [-1], learners: [] } }, data: '' } }],
    ['joint-consensus snapshot', { type: 'MsgSnap', from: 1, to: 2, term: 1, snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [], votersOutgoing: [2] } }, data: '' } }],
    ['reject as string', { type: 'MsgAppResp', from: 2, to: 1, term: 1, reject: 'yes' }],
    ['vote without log position', { type: 'MsgVote', from: 2, to: 1, term: 1 }],
  ];
  for (const [name, input] of bad) {
    it(`rejects ${name}`, () => {
      expect(validateMessage(input)).toBeNull();
    });
  }

  it('never throws on arbitrary input, and whatever it accepts is stable under re-validation', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('MsgApp', 'MsgVote', 'MsgHeartbeat'), from: fc.jsonValue(), to: fc.jsonValue(), term: fc.jsonValue() })), (x) => {
        const m = validateMessage(x);
        if (m !== null) expect(validateMessage(m)).toEqual(m);
      }),
      { numRuns: 500, seed: 7 },
    );
  });

  it('rejects every single-field corruption of a MsgApp that breaks a type', () => {
    const fields = ['from', 'to', 'term', 'index', 'logTerm', 'commit'] as const;
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.constantFrom(-1, 0.5, '7', null, [], Number.POSITIVE_INFINITY), (field, value) => {
        expect(validateMessage({ ...app, [field]: value })).toBeNull();
      }),
      { numRuns: 100, seed: 11 },
    );
  });

  it('accepts a message of each type exactly when it carries what its type requires, copying the known fields in one order', () => {
    // The specification, written out: the fields each type cannot do without.
    const requires: Record<string, string[]> = {
      MsgApp: ['index', 'logTerm', 'commit'], MsgVote: ['index', 'logTerm'], MsgPreVote: ['index', 'logTerm'], MsgSnap: ['snapshot'],
      MsgReadIndex: ['context'], MsgReadIndexResp: ['index', 'context'], MsgTransferLeader: ['transferee'],
    };
    const optional: Record<string, unknown> = {
      logTerm: 1, index: 4, commit: 2, rejectHint: 0, transferee: 3, round: 5, reject: true, context: 'c', entries: [],
      snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [] } }, data: '' },
    };
    const order = ['type', 'from', 'to', 'term', ...Object.keys(optional)];
    fc.assert(
      fc.property(fc.constantFrom(...MESSAGE_TYPES), fc.shuffledSubarray(Object.keys(optional)), fc.boolean(), (type, fields, extra) => {
        const input: Record<string, unknown> = Object.fromEntries(fields.map((f) => [f, optional[f]]));
        Object.assign(input, { term: 3, to: 2, type, from: 1 });
        if (extra) input.unknown = 'dropped';
        const m = validateMessage(input);
        const complete = (requires[type] ?? []).every((f) => fields.includes(f));
        expect(m !== null).toBe(complete);
        if (m !== null) {
          expect(Object.keys(m)).toEqual(order.filter((k) => k in input));
          expect(m).toEqual(Object.fromEntries(Object.keys(m).map((k) => [k, input[k]])));
        }
      }),
      { numRuns: 600, seed: 23 },
    );
  });

  it('accepts every message a running cluster sends', () => {
    const net = new TestNetwork({ voters: [1, 2, 3], config: { preVote: true, checkQuorum: true } });
    net.elect(1);
    net.propose(1, 'x');
    net.raw(2).readIndex('r');
    net.processReady(2);
    net.run(5);
    // deliver() throws on any message that fails validation, so reaching here is the check.
    expect(net.deliveredCount).toBeGreaterThan(10);
    expect(net.node(2).readStates).toHaveLength(1);
  });
});

describe('validateDelivered', () => {
  // Goal: remembering the answer for a repeated frozen message changes no answer, and what
  // is remembered cannot be edited. Method: messages (valid and not, frozen and not, with
  // and without entries, with a `sum` that spreads them or not) each delivered three times,
  // every answer compared with validateMessage's.
  const heartbeat = fc.record({ type: fc.constantFrom('MsgHeartbeat', 'MsgHeartbeatResp', 'MsgBogus'), from: fc.nat(3), to: fc.nat(3), term: fc.nat(3), commit: fc.option(fc.nat(5), { nil: undefined }), sum: fc.oneof(fc.nat(), fc.constant('x')) }, { requiredKeys: ['type', 'from', 'to', 'term', 'sum'] });
  const message = fc.oneof(heartbeat, fc.constant(app), fc.jsonValue());

  it('answers as validateMessage does, every time', () => {
    fc.assert(fc.property(fc.array(fc.tuple(message, fc.boolean()), { maxLength: 20 }), (steps) => {
      for (const [template, frozen] of steps) {
        const x = frozen && template !== null && typeof template === 'object' ? Object.freeze(structuredClone(template)) : template;
        for (let time = 0; time < 3; time++) expect(validateDelivered(x)).toEqual(validateMessage(x));
      }
    }));
  });

  it('refuses what is not an object, null included, without reading from it', () => {
    for (const x of [null, undefined, 'MsgHeartbeat', 7]) expect(validateDelivered(x)).toBeNull();
  });

  it('keeps no copy of a frozen message carrying a snapshot', () => {
    const snap = Object.freeze({ type: 'MsgSnap', from: 1, to: 2, term: 3, sum: 77, snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [] } }, data: '' } });
    const answers = [validateDelivered(snap), validateDelivered(snap), validateDelivered(snap)];
    expect(new Set(answers).size).toBe(3);
    expect(answers[2]?.snapshot?.meta.index).toBe(1);
  });

  it('keeps a frozen copy of a frozen flat message from its second delivery on', () => {
    const x = Object.freeze({ type: 'MsgHeartbeat', to: 2, commit: 7, from: 1, term: 3, sum: 123_457 });
    const first = validateDelivered(x);
    const second = validateDelivered(x);
    const third = validateDelivered(x);
    expect(first).not.toBe(second);
    expect(third).toBe(second);
    expect(Object.isFrozen(third)).toBe(true);
    expect(third).toEqual({ type: 'MsgHeartbeat', from: 1, to: 2, term: 3, commit: 7 });
    // Not frozen (a copy off a worker's wire, a fault's rewrite) or carrying entries: a fresh copy every time.
    const open = { type: 'MsgHeartbeat', to: 2, commit: 7, from: 1, term: 3, sum: 123_458 };
    const answers = [validateDelivered(open), validateDelivered(open), validateDelivered(open)];
    expect(new Set(answers).size).toBe(3);
    expect(answers.some((m) => Object.isFrozen(m))).toBe(false);
    const append = Object.freeze({ ...app, sum: 99 });
    expect(validateDelivered(append)).not.toBe(validateDelivered(append));
    expect(validateDelivered(append)).not.toBe(validateDelivered(append));
  });
});

describe('validateMessage, one fault at a time', () => {
  // Goal: every refusal is pinned by a case that no other check would also refuse.
  // Method: for each message type a valid message; each bad case differs from it (or from a
  // valid heartbeat, entry or snapshot) in exactly one way, and each limit is tried at the
  // limit (accepted) and one past it (refused).
  const snap = (): Record<string, unknown> => ({ meta: { index: 1, term: 1, conf: { voters: [1], learners: [] } }, data: '' });
  const valid: Record<MessageType, Record<string, unknown>> = {
    MsgApp: { ...app },
    MsgAppResp: { type: 'MsgAppResp', from: 2, to: 1, term: 3, index: 4 },
    MsgVote: { type: 'MsgVote', from: 2, to: 1, term: 3, index: 4, logTerm: 2 },
    MsgVoteResp: { type: 'MsgVoteResp', from: 1, to: 2, term: 3 },
    MsgPreVote: { type: 'MsgPreVote', from: 2, to: 1, term: 3, index: 4, logTerm: 2 },
    MsgPreVoteResp: { type: 'MsgPreVoteResp', from: 1, to: 2, term: 3 },
    MsgHeartbeat: { type: 'MsgHeartbeat', from: 1, to: 2, term: 3, commit: 4 },
    MsgHeartbeatResp: { type: 'MsgHeartbeatResp', from: 2, to: 1, term: 3 },
    MsgSnap: { type: 'MsgSnap', from: 1, to: 2, term: 3, snapshot: snap() },
    MsgReadIndex: { type: 'MsgReadIndex', from: 2, to: 1, term: 0, context: 'r' },
    MsgReadIndexResp: { type: 'MsgReadIndexResp', from: 1, to: 2, term: 3, index: 4, context: 'r' },
    MsgTimeoutNow: { type: 'MsgTimeoutNow', from: 1, to: 2, term: 3 },
    MsgTransferLeader: { type: 'MsgTransferLeader', from: 2, to: 1, term: 0, transferee: 3 },
    MsgProp: { type: 'MsgProp', from: 2, to: 1, term: 0, entries: [{ term: 1, index: 1, type: 'normal', data: 'p' }] },
  };
  // The specification, written out: the fields each type cannot do without.
  const required: Record<MessageType, string[]> = {
    MsgApp: ['index', 'logTerm', 'commit'], MsgAppResp: [], MsgVote: ['index', 'logTerm'], MsgVoteResp: [],
    MsgPreVote: ['index', 'logTerm'], MsgPreVoteResp: [], MsgHeartbeat: [], MsgHeartbeatResp: [], MsgSnap: ['snapshot'],
    MsgReadIndex: ['context'], MsgReadIndexResp: ['index', 'context'], MsgTimeoutNow: [], MsgTransferLeader: ['transferee'], MsgProp: [],
  };
  const without = (x: Record<string, unknown>, field: string): Record<string, unknown> => {
    const out = { ...x };
    delete out[field];
    return out;
  };

  for (const type of MESSAGE_TYPES) {
    it(`${type}: a well-formed one is accepted as it is`, () => {
      expect(validateMessage(valid[type])).toEqual(valid[type]);
    });
    for (const field of required[type]) {
      it(`${type}: refused without ${field}`, () => {
        expect(validateMessage(without(valid[type], field))).toBeNull();
      });
    }
  }

  const heartbeat = valid.MsgHeartbeat;
  const accepted: [string, Record<string, unknown>][] = [
    ['from 0', { ...heartbeat, from: 0 }],
    ['term 0', { ...heartbeat, term: 0 }],
    ['the largest safe integer as a number', { ...heartbeat, commit: Number.MAX_SAFE_INTEGER }],
    ['rejectHint 0', { ...heartbeat, rejectHint: 0 }],
    ['transferee 0', { ...heartbeat, transferee: 0 }],
    ['round 0', { ...heartbeat, round: 0 }],
    ['reject false', { ...heartbeat, reject: false }],
    ['an empty context', { ...heartbeat, context: '' }],
    ['a context of contextLengthMax', { ...heartbeat, context: 'c'.repeat(MESSAGE_LIMITS.contextLengthMax) }],
    ['no entries', { ...heartbeat, entries: [] }],
    ['a snapshot with an empty votersOutgoing', { ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [], votersOutgoing: [] } }, data: '' } }],
    ['a conf entry with empty data', { ...valid.MsgProp, entries: [{ term: 1, index: 1, type: 'conf', data: '' }] }],
    ['an append whose terms repeat and rise to the message term', { ...app, index: 4, logTerm: 2, entries: [2, 2, 3].map((term, i) => ({ term, index: 5 + i, type: 'normal', data: '' })) }],
  ];
  for (const [name, input] of accepted) {
    it(`accepts ${name}`, () => {
      const m = validateMessage(input);
      expect(m).not.toBeNull();
      expect(m).toEqual(validateMessage(m));
    });
  }

  it('drops an empty votersOutgoing from the copy and copies the member lists', () => {
    const conf = { voters: [1, 2], learners: [3], votersOutgoing: [] };
    const m = validateMessage({ ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1, conf }, data: 'd' } });
    expect(m?.snapshot).toEqual({ meta: { index: 1, term: 1, conf: { voters: [1, 2], learners: [3] } }, data: 'd' });
    expect(m?.snapshot?.meta.conf.voters).not.toBe(conf.voters);
  });

  const entry = (over: Record<string, unknown>): Record<string, unknown> => ({ ...valid.MsgProp, entries: [{ term: 1, index: 1, type: 'normal', data: 'p', ...over }] });
  const conf = (over: Record<string, unknown>): Record<string, unknown> => ({ ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [], ...over } }, data: '' } });
  const refused: [string, unknown][] = [
    ['an array with a message\'s fields', Object.assign([], heartbeat)],
    ['a type that is not a string', { ...heartbeat, type: 7 }],
    ['from equal to to', { ...heartbeat, from: 2 }],
    ['to not a number', { ...heartbeat, to: '2' }],
    ['term above the largest safe integer', { ...heartbeat, term: Number.MAX_SAFE_INTEGER + 1 }],
    ['logTerm negative', { ...heartbeat, logTerm: -1 }],
    ['index a string', { ...heartbeat, index: '4' }],
    ['commit null', { ...heartbeat, commit: null }],
    ['rejectHint negative', { ...heartbeat, rejectHint: -1 }],
    ['rejectHint a string', { ...heartbeat, rejectHint: '0' }],
    ['transferee fractional', { ...heartbeat, transferee: 1.5 }],
    ['transferee a string', { ...heartbeat, transferee: '3' }],
    ['round negative', { ...heartbeat, round: -1 }],
    ['round a string', { ...heartbeat, round: '1' }],
    ['reject a number', { ...heartbeat, reject: 1 }],
    ['reject null', { ...heartbeat, reject: null }],
    ['context a number', { ...heartbeat, context: 5 }],
    ['context an array', { ...heartbeat, context: ['c'] }],
    ['a context one past contextLengthMax', { ...heartbeat, context: 'c'.repeat(MESSAGE_LIMITS.contextLengthMax + 1) }],
    ['entries not an array', { ...heartbeat, entries: {} }],
    ['entries null', { ...heartbeat, entries: null }],
    ['snapshot a string', { ...heartbeat, snapshot: 'image' }],
    ['snapshot null', { ...heartbeat, snapshot: null }],
    // One entry of a MsgProp (no coherence check there) wrong in one way.
    ['an entry that is null', { ...valid.MsgProp, entries: [null] }],
    ['an entry that is an array with an entry\'s fields', { ...valid.MsgProp, entries: [Object.assign([], { term: 1, index: 1, type: 'normal', data: 'p' })] }],
    ['an entry of term 0', entry({ term: 0 })],
    ['an entry with a string term', entry({ term: '1' })],
    ['an entry of index 0', entry({ index: 0 })],
    ['an entry with a fractional index', entry({ index: 1.5 })],
    ['an entry without a type', entry({ type: undefined })],
    ['an entry of an unknown type', entry({ type: 'evil' })],
    ['an entry without data', entry({ data: undefined })],
    ['an entry with numeric data', entry({ data: 1 })],
    ['an entry whose data is an array', entry({ data: ['p'] })],
    ['a second entry that is malformed', { ...valid.MsgProp, entries: [{ term: 1, index: 1, type: 'normal', data: 'p' }, { term: 1, index: 2, type: 'normal' }] }],
    // A snapshot wrong in one way.
    ['a snapshot without meta', { ...valid.MsgSnap, snapshot: { data: '' } }],
    ['a snapshot whose meta is a string', { ...valid.MsgSnap, snapshot: { meta: 'm', data: '' } }],
    ['a snapshot without data', { ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [] } } } }],
    ['a snapshot with numeric data', { ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1, conf: { voters: [1], learners: [] } }, data: 0 } }],
    ['a snapshot with a negative index', { ...valid.MsgSnap, snapshot: { meta: { index: -1, term: 1, conf: { voters: [1], learners: [] } }, data: '' } }],
    ['a snapshot with a string term', { ...valid.MsgSnap, snapshot: { meta: { index: 1, term: '1', conf: { voters: [1], learners: [] } }, data: '' } }],
    ['a snapshot without conf', { ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1 }, data: '' } }],
    ['a snapshot whose conf is an array with a conf\'s fields', { ...valid.MsgSnap, snapshot: { meta: { index: 1, term: 1, conf: Object.assign([], { voters: [1], learners: [] }) }, data: '' } }],
    ['a conf without voters', conf({ voters: undefined })],
    ['a conf whose voters are not an array', conf({ voters: 1 })],
    ['a conf with a fractional voter', conf({ voters: [1.5] })],
    ['a conf without learners', conf({ learners: undefined })],
    ['a conf with a negative learner', conf({ learners: [-2] })],
    ['a conf whose votersOutgoing is not an array', conf({ votersOutgoing: 'x' })],
    ['a conf in joint consensus', conf({ votersOutgoing: [1] })],
    // An append incoherent in one way.
    ['an append whose second entry leaves a gap', { ...app, entries: [{ term: 3, index: 5, type: 'normal', data: '' }, { term: 3, index: 7, type: 'normal', data: '' }] }],
    ['an append whose terms go down', { ...app, entries: [{ term: 3, index: 5, type: 'normal', data: '' }, { term: 2, index: 6, type: 'normal', data: '' }] }],
  ];
  for (const [name, input] of refused) {
    it(`refuses ${name}`, () => {
      expect(validateMessage(input)).toBeNull();
    });
  }

  it('takes up to entriesMax entries and refuses one more', () => {
    const ents = (count: number): Entry[] => Array.from({ length: count }, (_, i) => ({ term: 3, index: 5 + i, type: 'normal', data: '' }));
    expect(validateMessage({ ...app, entries: ents(MESSAGE_LIMITS.entriesMax) })?.entries).toHaveLength(MESSAGE_LIMITS.entriesMax);
    expect(validateMessage({ ...app, entries: ents(MESSAGE_LIMITS.entriesMax + 1) })).toBeNull();
  });

  it('takes up to membersMax voters or learners and refuses one more', () => {
    const ids = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);
    for (const side of ['voters', 'learners']) {
      expect(validateMessage(conf({ [side]: ids(MESSAGE_LIMITS.membersMax) }))?.snapshot?.meta.conf[side as 'voters']).toHaveLength(MESSAGE_LIMITS.membersMax);
      expect(validateMessage(conf({ [side]: ids(MESSAGE_LIMITS.membersMax + 1) })), side).toBeNull();
    }
  });

  it('takes entry data up to entryDataLengthMax and refuses one more character', () => {
    const data = 'd'.repeat(MESSAGE_LIMITS.entryDataLengthMax);
    expect(validateMessage(entry({ data }))?.entries?.[0].data).toBe(data);
    expect(validateMessage(entry({ data: `${data}d` }))).toBeNull();
  });

  it('takes snapshot data up to snapshotDataLengthMax and refuses one more character', () => {
    const data = 's'.repeat(MESSAGE_LIMITS.snapshotDataLengthMax);
    const meta = { index: 1, term: 1, conf: { voters: [1], learners: [] } };
    expect(validateMessage({ ...valid.MsgSnap, snapshot: { meta, data } })?.snapshot?.data).toBe(data);
    expect(validateMessage({ ...valid.MsgSnap, snapshot: { meta, data: `${data}s` } })).toBeNull();
  });
});
