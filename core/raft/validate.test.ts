// Goal: validateMessage accepts every message Raft itself sends and rejects malformed or
// byzantine input (wrong types, negative or fractional numbers, unknown types, oversized
// arrays, incoherent appends) without ever throwing.
// Method: table tests of hand-made bad messages, plus a fast-check property over arbitrary
// JSON values and over mutations of a valid MsgApp.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TestNetwork } from '../../test/support/raft/testNetwork.ts';
import { MESSAGE_TYPES, type Message } from './types.ts';
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
