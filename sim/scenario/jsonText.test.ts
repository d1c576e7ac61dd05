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
