// Goal: commands and session registrations survive encoding exactly, and malformed or
// forged input decodes to null.
// Method: a fast-check round-trip property over valid commands, then a table of
// malformed inputs (bad JSON, wrong types, extra or missing fields, oversized keys).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMAND_TEXT_LENGTH_MAX, decodeEntry, encodeCommand, encodeRegister } from './commandCodec.ts';
import { REGISTER_COUNT_MAX, type KvCommand, type KvOp } from './types.ts';
import { KEY_LENGTH_MAX, VALUE_LENGTH_MAX } from './validate.ts';

const arbKey = fc.string({ maxLength: 8 });
const arbValue = fc.string({ maxLength: 8 });
const arbOp: fc.Arbitrary<KvOp> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: arbKey }),
  fc.record({ op: fc.constant('put' as const), key: arbKey, value: arbValue }),
  fc.record({ op: fc.constant('append' as const), key: arbKey, value: arbValue }),
  fc.record({ op: fc.constant('cas' as const), key: arbKey, expected: fc.option(arbValue, { nil: null }), value: arbValue }),
  fc.record({ op: fc.constant('delete' as const), key: arbKey }),
);
const arbCommand: fc.Arbitrary<KvCommand> = fc.record({
  clientId: fc.nat({ max: 1_000_000 }),
  seq: fc.integer({ min: 1, max: 1_000_000 }),
  op: arbOp,
});

describe('encodeCommand / encodeRegister / decodeEntry', () => {
  it('round-trips every valid command', () => {
    fc.assert(fc.property(arbCommand, (c) => {
      const text = encodeCommand(c);
      expect(decodeEntry(text)).toEqual(c);
      expect(encodeCommand(decodeEntry(text) as KvCommand)).toBe(text);
    }));
  });

  it('gives frozen values, the same for equal texts, and the same answers after the memo has moved on', () => {
    const text = encodeCommand({ clientId: 3, seq: 9, op: { op: 'put', key: 'k', value: 'v' } });
    const a = decodeEntry(text) as KvCommand;
    // Another replica's copy of the text (an equal string, not the same one).
    const b = decodeEntry(JSON.stringify(JSON.parse(text))) as KvCommand;
    expect(b).toBe(a);
    expect(Object.isFrozen(a) && Object.isFrozen(a.op)).toBe(true);
    expect(() => {
      (a.op as { key: string }).key = 'other';
    }).toThrow(TypeError);
    const bad = '{"clientId":1,"seq":0,"op":{"op":"get","key":"k"}}';
    expect(decodeEntry(bad)).toBeNull();
    // Push both out of the memo (it keeps 256 texts), then decode afresh: equal answers.
    for (let i = 0; i < 300; i++) decodeEntry(encodeCommand({ clientId: i, seq: 1, op: { op: 'get', key: `k${i}` } }));
    const again = decodeEntry(text);
    expect(again).not.toBe(a);
    expect(again).toEqual({ clientId: 3, seq: 9, op: { op: 'put', key: 'k', value: 'v' } });
    expect(decodeEntry(bad)).toBeNull();
  });

  it('round-trips a registration, and refuses a bad nonce or count', () => {
    expect(decodeEntry(encodeRegister('c1r7', 1))).toEqual({ register: 'c1r7', count: 1 });
    expect(encodeRegister('g0r3', 32)).toBe('{"register":"g0r3","count":32}');
    expect(decodeEntry('{"register":"","count":1}')).toBeNull();
    expect(decodeEntry('{"register":7,"count":1}')).toBeNull();
    expect(decodeEntry(`{"register":"${'n'.repeat(65)}","count":1}`)).toBeNull();
    expect(decodeEntry('{"register":"a"}')).toBeNull();
    expect(decodeEntry('{"register":"a","count":0}')).toBeNull();
    expect(decodeEntry(`{"register":"a","count":${REGISTER_COUNT_MAX + 1}}`)).toBeNull();
    expect(decodeEntry('{"register":"a","count":1,"x":1}')).toBeNull();
    expect(() => encodeRegister('', 1)).toThrow(/nonce/);
    expect(() => encodeRegister('a', 0)).toThrow(/count/);
  });

  const op = '{"op":"get","key":"k"}';
  const malformed: Array<[string, string]> = [
    ['not JSON', '{clientId:1'],
    ['a JSON array', '[1,2,{"op":"get","key":"k"}]'],
    ['null', 'null'],
    ['a missing op', '{"clientId":1,"seq":1}'],
    ['an extra top-level field', `{"clientId":1,"seq":1,"op":${op},"x":1}`],
    ['a negative clientId', `{"clientId":-1,"seq":1,"op":${op}}`],
    ['a fractional seq', `{"clientId":1,"seq":1.5,"op":${op}}`],
    ['seq zero', `{"clientId":1,"seq":0,"op":${op}}`],
    ['a string clientId', `{"clientId":"1","seq":1,"op":${op}}`],
    ['an unknown op name', '{"clientId":1,"seq":1,"op":{"op":"incr","key":"k"}}'],
    ['a numeric key', '{"clientId":1,"seq":1,"op":{"op":"get","key":7}}'],
    ['put without value', '{"clientId":1,"seq":1,"op":{"op":"put","key":"k"}}'],
    ['put with a null value', '{"clientId":1,"seq":1,"op":{"op":"put","key":"k","value":null}}'],
    ['get with an extra field', '{"clientId":1,"seq":1,"op":{"op":"get","key":"k","value":"v"}}'],
    ['cas without expected', '{"clientId":1,"seq":1,"op":{"op":"cas","key":"k","value":"v"}}'],
    ['cas with a numeric expected', '{"clientId":1,"seq":1,"op":{"op":"cas","key":"k","expected":3,"value":"v"}}'],
    ['an oversized key', `{"clientId":1,"seq":1,"op":{"op":"get","key":"${'k'.repeat(KEY_LENGTH_MAX + 1)}"}}`],
  ];
  for (const [name, text] of malformed) {
    it(`rejects ${name}`, () => {
      expect(decodeEntry(text)).toBeNull();
    });
  }

  it('accepts a cas expecting null', () => {
    expect(decodeEntry('{"clientId":2,"seq":3,"op":{"op":"cas","key":"k","expected":null,"value":"v"}}'))
      .toEqual({ clientId: 2, seq: 3, op: { op: 'cas', key: 'k', expected: null, value: 'v' } });
  });

  it('rejects arbitrary strings without throwing', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const c = decodeEntry(s);
      expect(c === null || typeof c === 'object').toBe(true);
    }));
  });

  it('decodes every valid command encodeCommand writes, the longest with every character escaped included', () => {
    // JSON writes a control character as \u0001: six characters for one.
    const key = '\u0001'.repeat(KEY_LENGTH_MAX);
    const text = encodeCommand({ clientId: Number.MAX_SAFE_INTEGER, seq: Number.MAX_SAFE_INTEGER, op: { op: 'cas', key, expected: null, value: '\u0001'.repeat(VALUE_LENGTH_MAX) } });
    expect(text.length).toBeGreaterThan(6 * VALUE_LENGTH_MAX);
    expect(text.length).toBeLessThanOrEqual(COMMAND_TEXT_LENGTH_MAX);
    expect(decodeEntry(text)).toMatchObject({ clientId: Number.MAX_SAFE_INTEGER, op: { op: 'cas', key } });
  });

  it('decodes the longest command whose value is all quotes, and refuses any text past the limit unparsed', () => {
    const longest = encodeCommand({ clientId: 1, seq: 1, op: { op: 'put', key: 'k'.repeat(KEY_LENGTH_MAX), value: '"'.repeat(VALUE_LENGTH_MAX) } });
    expect(decodeEntry(longest)).not.toBeNull();
    // Valid JSON (trailing blanks), but longer than the limit: refused before parsing.
    const small = encodeCommand({ clientId: 1, seq: 1, op: { op: 'get', key: 'k' } });
    expect(decodeEntry(small + ' '.repeat(COMMAND_TEXT_LENGTH_MAX - small.length))).not.toBeNull();
    expect(decodeEntry(small + ' '.repeat(COMMAND_TEXT_LENGTH_MAX - small.length + 1))).toBeNull();
  });

  it('refuses to encode an invalid op, naming the problem', () => {
    expect(() => encodeCommand({ clientId: 1, seq: 1, op: { op: 'put', key: 'k' } as unknown as KvOp })).toThrow('encodeCommand: op: put takes exactly op, key and value');
  });
});
