// Goal: JSON a user hands faultline is read as JSON.parse reads it, except that a key
// given twice is refused (with its place), a byte order mark is allowed, and every syntax
// error has a line and column. Method: a property over arbitrary JSON texts (fast-check's
// json(), objects from JSON.stringify and pretty-printed), then fixed hostile cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJson } from './jsonText.ts';

describe('parseJson', () => {
  it('reads any valid JSON without duplicate keys exactly as JSON.parse does', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, pretty) => {
      const text = JSON.stringify(v, null, pretty ? 2 : undefined);
      const r = parseJson(text);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.value).toEqual(JSON.parse(text));
    }), { numRuns: 500 });
  });

  it('refuses a key given twice at any depth, naming it and its place; the same key in two objects is fine', () => {
    expect(parseJson('{"a": {"b": 1,\n "b": 2}}')).toEqual({ ok: false, line: 2, column: 2, reason: '"b" is given twice in one object (JSON.parse would keep only the last); keep one' });
    expect(parseJson('[{"k": 1}, {"k": 2}]')).toEqual({ ok: true, value: [{ k: 1 }, { k: 2 }] });
    const escaped = parseJson('{"a": 1, "\\u0061": 2}');
    expect(escaped.ok).toBe(false);
  });

  it('finds a key given twice in an object of many keys, where the keys are kept in a set', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}": ${i}`);
    expect(parseJson(`{${keys.join(', ')}}`).ok).toBe(true);
    for (const late of [3, 17, 39]) {
      const r = parseJson(`{${keys.join(', ')}, "k${late}": 0}`);
      expect(r).toMatchObject({ ok: false, line: 1, reason: `"k${late}" is given twice in one object (JSON.parse would keep only the last); keep one` });
    }
  });

  it('with exactIntegers, refuses exactly the integer literals a double cannot hold, whatever their length', () => {
    const exact = (t: string): boolean => parseJson(t, { exactIntegers: true }).ok;
    expect(exact('[999999999999999, -999999999999999, 9007199254740991, -9007199254740991]')).toBe(true);
    expect(exact('[9007199254740992]')).toBe(false);
    expect(exact('{"id": -9007199254740993}')).toBe(false);
    expect(exact('12345678901234567890')).toBe(false);
    // Not integers: a fraction or an exponent is a number JSON.parse rounds by design.
    expect(exact('[12345678901234567890.5, 1e400, 9007199254740993e0]')).toBe(true);
    expect(parseJson('[9007199254740993]').ok).toBe(true);
  });

  it('skips a byte order mark, and places syntax errors by line and column', () => {
    expect(parseJson('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const trailing = parseJson('{\n  "a": 1,\n}');
    expect(trailing).toMatchObject({ ok: false, line: 3, column: 1 });
    const word = parseJson('{"a": nope}');
    expect(word).toMatchObject({ ok: false, line: 1, column: 7 });
    const cut = parseJson('{"a": [1, 2');
    expect(parseJson('').ok).toBe(false);
    expect(cut).toMatchObject({ ok: false, line: 1 });
  });
});
