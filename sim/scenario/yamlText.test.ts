// Goal: YAML a user hands faultline is one document of plain values, and whatever else it
// holds is a problem placed by line and column, never a console warning with the text kept
// as if nothing had happened. Method: hostile texts (tags of every sort, a second document,
// merge keys, an alias bomb, deep nesting) through parseYamlText, with process.emitWarning
// watched; plain YAML (anchors, aliases, core tags that fit) still reads as before.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseYamlText } from './yamlText.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function problems(text: string): string[] {
  const warn = vi.spyOn(process, 'emitWarning');
  const r = parseYamlText(text);
  expect(warn).not.toHaveBeenCalled();
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('parseYamlText', () => {
  it('refuses tags outside the core schema, by the place of the tag (the run went on with the text, exit 0)', () => {
    const found = problems('a: !custom x\nb: !!js/function "f()"\nc: !!binary aGVsbG8=\nd: [!!timestamp 2001-12-14]\n');
    expect(found).toEqual([
      expect.stringMatching(/^line 1, column 4: the tag !custom is not one faultline reads: .*; remove the tag$/),
      expect.stringMatching(/^line 2, column 4: the tag !!js\/function is not one/),
      expect.stringMatching(/^line 3, column 4: the tag !!binary is not one/),
      expect.stringMatching(/^line 4, column 5: the tag !!timestamp is not one/),
    ]);
  });

  it('refuses a core tag that does not fit its value (`!!float 5s` was read as the text "5s" with a console warning)', () => {
    expect(problems('duration: !!float 5s\n')).toEqual(['line 1, column 11: the tag !!float does not fit the value it is on (the YAML reader would keep the value as text): remove the tag']);
  });

  it('refuses a second document, with the fix rather than the reader\'s API', () => {
    const [found] = problems('a: 1\n---\nb: 2\n');
    expect(found).toMatch(/^line 2, column 1: a second YAML document starts here .*remove the `---` line and what follows it/);
    expect(found).not.toMatch(/parseAllDocuments/);
  });

  it('refuses a merge key, which YAML 1.2 reads as a field named "<<"', () => {
    expect(problems('base: &b { x: 1 }\nc:\n  <<: *b\n  y: 2\n')).toEqual([expect.stringMatching(/^line 3, column 3: a merge key \(<<\) is not YAML 1\.2.*Write the fields out/)]);
  });

  it('still refuses syntax errors, duplicate keys, alias bombs and deep nesting by place', () => {
    expect(problems('a: [1\nb: 2\n')[0]).toMatch(/^line \d+, column \d+: not valid YAML: /);
    expect(problems('a: 1\na: 2\n')).toEqual(['line 2, column 1: the key "a" is given twice in one mapping (first at line 1, column 1); a field has one value: keep the one you mean and remove the other']);
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    expect(problems(bomb)).toEqual([expect.stringMatching(/^line 3, column 8: aliases expand past the YAML reader's limit from here: .*write the values out/)]);
    expect(problems(`a: ${'['.repeat(5000)}${']'.repeat(5000)}\n`)[0]).toMatch(/^line 1, column \d+: nested too deeply for the YAML reader/);
  });

  it('reads plain YAML as before: anchors, aliases, core tags that fit, a leading ---, an empty file', () => {
    expect(parseYamlText('---\nl: &l { kind: fixed, value: 1ms }\nm: *l\nn: !!str 5\ni: !!int 7\n')).toEqual({ ok: true, value: { l: { kind: 'fixed', value: '1ms' }, m: { kind: 'fixed', value: '1ms' }, n: '5', i: 7 } });
    expect(parseYamlText('')).toEqual({ ok: true, value: null });
    expect(parseYamlText('# only a comment\n')).toEqual({ ok: true, value: null });
  });
});
