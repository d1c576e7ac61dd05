// Goal: the seventh hostile-input round. Files and flags a hostile or careless user gives the
// CLI are refused with exit 2, a message naming the file, field or flag and the fix, no
// stack, nothing on stdout and nothing written; a sweep or run that could not finish says so
// instead of hanging.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts), or as a real process where a hang is the point; each was
// wrong before its fix (the comment says how).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './cliHarness.ts';
import { esc, refused, SCENARIO_HEAD, scenarioRefused as shared } from './support/hostile.ts';

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

describe('a sweep file whose seeds are not its shard\'s (defect 2)', () => {
  it('shard 1/2\'s results relabelled 2/3 exit 2 naming each seed and the rule, for merge and replay, and merge writes nothing (merge said PASS, 4 of 4 seeds)', () => {
    const sweep = (shard: string): string => {
      const out = join(dir, `shard-${++n}`);
      expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..4', '--shard', shard, '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
      return out;
    };
    const one = sweep('1/2');
    const two = sweep('2/2');
    const doc = JSON.parse(readFileSync(join(one, 'sweep.json'), 'utf8')) as Record<string, unknown>;
    const relabelled = join(dir, `relabelled-${++n}`);
    mkdirSync(relabelled);
    writeFileSync(join(relabelled, 'sweep.json'), JSON.stringify({ ...doc, shards: ['2/3'] }));
    const out = join(dir, `merged-${++n}`);
    refused(cli('merge', relabelled, two, '--out', out),
      new RegExp(`^faultline: ${esc(join(relabelled, 'sweep.json'))}: not a valid sweep results file \\(2 problems\\):$`, 'm'),
      /^ {2}results\[0\]\.seed: 1 is not a seed of shard 2\/3 of 1\.\.4 \(seed s is in shard \(\(s - first\) mod n\) \+ 1 of n\), so the file says it ran seeds its shard never runs$/m,
      /^ {2}results\[1\]\.seed: 3 is not a seed of shard 2\/3/m,
      /fix or remove the fields named, or run the sweep again/);
    expect(existsSync(out)).toBe(false);
    refused(cli('replay', `${relabelled}#seed=1`), /results\[0\]\.seed: 1 is not a seed of shard 2\/3/);
    // The shards as written, and their merge, still merge.
    const merged = join(dir, `merged-${++n}`);
    expect(cli('merge', one, two, '--out', merged).code).toBe(0);
    expect(cli('merge', merged).code).toBe(0);
  });
});

describe('rag settings the run would never read, or that stall it (defect 3)', () => {
  const rag = (section: string): string => `name: hostile\ndescription: x\nworkload: rag\ntopology: { nodes: 3 }\nduration: 6s\nrag: ${section}\n`;
  it.each([
    // Each ran and passed (exit 0) with the setting unread: no client sent a query.
    ['{ queries: { clients: 0, rate: 50 } }', /^ {2}rag\.queries\.rate: rag\.queries\.clients is 0, so no query is sent: rate does nothing, and a run would pass as if it had been tested; give rag\.queries\.clients \(e\.g\. 4\), or remove rate$/m],
    ['{ queries: { rate: 0, freshShare: 0.5, sampleEvery: 1 }, recallMin: 0.5 }', /^ {2}rag\.queries\.freshShare: rag\.queries\.rate is 0, so no query is sent: freshShare does nothing[\s\S]*^ {2}rag\.queries\.sampleEvery: rag\.queries\.rate is 0[\s\S]*^ {2}rag\.recallMin: rag\.queries\.rate is 0, so no query is sent: recallMin does nothing.*give rag\.queries\.rate \(e\.g\. 200\), or remove recallMin$/m],
    // Passed (exit 0): every answer held the 10 documents there were, so recall@100 was recall@10.
    ['{ corpus: synthetic-10x4, queries: { k: 100 } }', /^ {2}rag\.queries\.k: is 100, but the run indexes 10 documents \(all of corpus synthetic-10x4\), so an answer holds at most 10 and recall@100 would be checked as recall@10: give at most 10, or index more documents$/m],
    ['{ docs: 3, corpus: synthetic-10x4, queries: { k: 5 } }', /^ {2}rag\.queries\.k: is 5, but the run indexes 3 documents \(rag\.docs\)/m],
    // Ran for minutes on end (six million audits of three replicas for 6 s).
    ['{ auditInterval: 1us }', /^ {2}rag\.auditInterval: must be at least 1ms \(got 1us\): the auditor asks every replica a search once per interval.*give e\.g\. 250ms \(the default\), or 0 for no auditor$/m],
  ])('rag %s exits 2 naming the field', (section, pattern) => {
    scenarioRefused(rag(section), pattern);
  });

  it('no queries said twice (clients: 0, rate: 0), or no auditor, still runs', () => {
    expect(cli('run', '--scenario', file('ok.yaml', rag('{ corpus: synthetic-50x8, queries: { clients: 0, rate: 0 }, auditInterval: 0 }')), '--quiet').code).toBe(0);
  });
});
