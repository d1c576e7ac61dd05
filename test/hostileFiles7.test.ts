// Goal: the seventh hostile-input round. Files and flags a hostile or careless user gives the
// CLI are refused with exit 2, a message naming the file, field or flag and the fix, no
// stack, nothing on stdout and nothing written; a sweep or run that could not finish says so
// instead of hanging.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts), or as a real process where a hang is the point; each was
// wrong before its fix (the comment says how).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cliHarness.ts';
import { SCENARIO_HEAD, scenarioRefused as shared } from './support/hostile.ts';

let dir: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-hostile7-'));
});

function file(name: string, text: string | Buffer): string {
  const p = join(dir, `${++n}-${name}`);
  writeFileSync(p, text);
  return p;
}

/** The scenario `text`, written to a file of its own, is refused (see support/hostile.ts). */
function scenarioRefused(text: string, ...patterns: RegExp[]): void {
  shared(file('scenario.yaml', text), join(dir, `scenario-out-${n}`), ...patterns);
}

const HEAD = `${SCENARIO_HEAD}duration: 5s\n`;

describe('YAML the reader takes other than it shows (defect 1)', () => {
  it('a key given twice exits 2 naming the key, both places and the fix, every one of them (it said "Map keys must be unique" of the first alone)', () => {
    scenarioRefused(`${SCENARIO_HEAD.replace('{ nodes: 3 }', '{ nodes: 3, nodes: 4 }')}duration: 5s\nduration: 6s\n`,
      /^ {2}line 4, column 23: the key "nodes" is given twice in one mapping \(first at line 4, column 13\); a field has one value: keep the one you mean and remove the other$/m,
      /^ {2}line 6, column 1: the key "duration" is given twice in one mapping \(first at line 5, column 1\)/m);
  });

  it('an alias bomb exits 2 at the alias that multiplies, with the fix (it said "(syntax): not valid YAML: Excessive alias count indicates a resource exhaustion attack")', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)];
    scenarioRefused(`${HEAD}${levels.join('\n')}\n`, /^ {2}line 8, column 8: aliases expand past the YAML reader's limit from here: an alias \(\*name\) of a value that holds aliases itself repeats all of them.*write the values out/m);
  });

  it('lines ended by a carriage return alone exit 2 at the first, saying so (it said "Nested mappings are not allowed in compact mappings" at line 1)', () => {
    scenarioRefused(HEAD.replace(/\n/g, '\r'), /^ {2}line 1, column 14: a carriage return \(CR\) ends a line here without a line feed \(old Mac OS line ends\).*save it with LF \(Unix\) or CRLF \(Windows\) line ends$/m);
    // CRLF, with a byte order mark, still reads.
    expect(cli('run', '--scenario', file('crlf.yaml', `\uFEFF${HEAD.replace(/\n/g, '\r\n')}`), '--quiet').code).toBe(0);
  });
});
