// Goal: the seventh hostile-input round. Files and flags a hostile or careless user gives the
// CLI are refused with exit 2, a message naming the file, field or flag and the fix, no
// stack, nothing on stdout and nothing written; a sweep or run that could not finish says so
// instead of hanging.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts), or as a real process where a hang is the point; each was
// wrong before its fix (the comment says how).
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groundTruthRows, readVecs, writeVecs } from '../corpus/vecs.ts';
import { cli, cliAsync } from './cliHarness.ts';
import { esc, hostileTmp, nodeScript, refused, SCENARIO_HEAD, scenarioRefused as shared } from './support/hostile.ts';

const tmp = hostileTmp('fl-hostile7-');
const { dir, file, scenarioRefused } = tmp;

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

  it.each([
    // Each gave the reader's words alone, or for the alias no place at all ("(syntax): not valid YAML: Unresolved alias").
    ['faults:\n\t- { at: 1s, kind: pause, node: 1, duration: 1s }\n', /^ {2}line 7, column 1: not valid YAML: Tabs are not allowed as indentation; indent with spaces: YAML takes no tabs in indentation$/m],
    ['x: &a 1\ny: *b\n', /^ {2}line 7, column 4: the alias \*b names no anchor set before it: put &b on a value above this line, or write the value out$/m],
    ['description2: @me\n', /^ {2}line 6, column 15: not valid YAML: Plain value cannot start with reserved character @; quote the value \(e\.g\. "@name"\)/m],
    ['description2: "C:\\q"\n', /Invalid escape sequence \\q; in double quotes a backslash starts an escape.*write \\\\ for a backslash, or use single quotes$/m],
    ['description2: note: this\n', /Nested mappings are not allowed in compact mappings; a value holding ": " reads as a mapping inside a mapping: quote the value/m],
  ])('YAML %j exits 2 with the place and the fix', (tail, pattern) => {
    scenarioRefused(`${HEAD}${tail}`, pattern);
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
      const out = join(dir, `shard-${tmp.next()}`);
      expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..4', '--shard', shard, '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
      return out;
    };
    const one = sweep('1/2');
    const two = sweep('2/2');
    const doc = JSON.parse(readFileSync(join(one, 'sweep.json'), 'utf8')) as Record<string, unknown>;
    const relabelled = join(dir, `relabelled-${tmp.next()}`);
    mkdirSync(relabelled);
    writeFileSync(join(relabelled, 'sweep.json'), JSON.stringify({ ...doc, shards: ['2/3'] }));
    const out = join(dir, `merged-${tmp.next()}`);
    refused(cli('merge', relabelled, two, '--out', out),
      new RegExp(`^faultline: ${esc(join(relabelled, 'sweep.json'))}: not a valid sweep results file \\(2 problems\\):$`, 'm'),
      /^ {2}results\[0\]\.seed: 1 is not a seed of shard 2\/3 of 1\.\.4 \(seed s is in shard \(\(s - first\) mod n\) \+ 1 of n\), so the file says it ran seeds its shard never runs$/m,
      /^ {2}results\[1\]\.seed: 3 is not a seed of shard 2\/3/m,
      /fix or remove the fields named, or run the sweep again/);
    expect(existsSync(out)).toBe(false);
    refused(cli('replay', `${relabelled}#seed=1`), /results\[0\]\.seed: 1 is not a seed of shard 2\/3/);
    // The shards as written, and their merge, still merge.
    const merged = join(dir, `merged-${tmp.next()}`);
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

describe('a workload hook that never returns (defect 4)', () => {
  const MODULE = 'test/fixtures/workloads/hang.ts';
  const scenario = (where: string): string => file(`hang-${where}.yaml`, `name: hang\ndescription: x\nworkload: hang\ntopology: { nodes: 3 }\nduration: 1s\nliveness: { within: 100ms }\nhang: { where: ${where} }\n`);
  /** The built CLI as a real process (a thread held for good cannot be tested in this one). */
  const faultline = (...argv: string[]): Promise<{ code: number | null; out: string; err: string }> => nodeScript('bin/faultline.mjs', argv);

  it('run --timeout 2 ends a run held by a node\'s handler, nodes() or finish() with exit 2, saying where it was, and writes nothing (each held `faultline run` for good)', async () => {
    const outs = ['process', 'nodes', 'finish'].map((w) => join(dir, `hang-out-${w}`));
    const [inProcess, inNodes, inFinish] = await Promise.all(['process', 'nodes', 'finish'].map((w, i) => faultline('run', '--workload', MODULE, '--scenario', scenario(w), '--timeout', '2', '--out', join(outs[i], 'deeper'))));
    for (const r of [inProcess, inNodes, inFinish]) {
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(/^faultline: --timeout: the run of seed 1 was still going after 2 s of wall time, /);
      expect(r.err).toMatch(/a loop that never ends in the workload's code\? Nothing was decided and nothing written: find the loop, or give the run longer with --timeout/);
      expect(r.err).not.toMatch(/Waiting for the debugger|\n\s+at /);
    }
    expect(inProcess.err).toMatch(/still going after 2 s of wall time, in an event of node 0 \(its process's start, onMessage or onTimer\) at 30ms simulated, \d+ events run;.*\(replay: npx faultline run --workload test\/fixtures\/workloads\/hang\.ts --scenario .*hang-process\.yaml --seed 1\)\n$/);
    expect(inNodes.err).toMatch(/before its first event, while the scenario was checked and the run built \(in the workload's validate\(\), nodes\(\), install\(\) or a process factory\)/);
    expect(inFinish.err).toMatch(/past its last event \(1s simulated, \d+ events run: in the workload's finish\(\) or the end-of-run checks\)/);
    for (const o of outs) expect(existsSync(o), o).toBe(false);
  }, 90_000);

  it('run --workers 2 --timeout 2: the same, saying the nodes run in worker threads (this thread\'s kernel cannot say which event)', async () => {
    const r = await faultline('run', '--workload', MODULE, '--scenario', scenario('process'), '--workers', '2', '--timeout', '2');
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^faultline: --timeout: the run of seed 1 was still going after 2 s of wall time, at \S+ simulated, \d+ events run, with the nodes in 2 worker threads \(in a node's start, onMessage or onTimer there, or a scenario action\);/);
  }, 90_000);

  it('replay --timeout 2 ends the replay of such a run the same way, and writes no --trace-out', async () => {
    const trace = join(dir, 'hang-replay', 'trace.jsonl');
    const r = await faultline('replay', '--workload', MODULE, '--scenario', scenario('process'), '--seed', '4', '--timeout', '2', '--trace-out', trace);
    expect(r.code, r.err).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^faultline: --timeout: the run of seed 4 was still going after 2 s of wall time, in an event of node 0 \(its process's start, onMessage or onTimer\) at 30ms simulated/);
    expect(existsSync(join(dir, 'hang-replay'))).toBe(false);
  }, 90_000);

  it('sweep --jobs 1 --timeout 2 ends at a seed on its own thread with exit 1 naming it, as a worker\'s seed does (only workers\' seeds were timed: it hung)', async () => {
    const out = join(dir, 'hang-sweep');
    const r = await faultline('sweep', '--workload', MODULE, '--scenario', scenario('process'), '--seeds', '1..2', '--jobs', '1', '--timeout', '2', '--out', out);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toMatch(/^faultline: sweep: seed 1 gave no result for 2 s \(--timeout\) on the sweep's own thread: a loop that never ends in the workload's code\? Give it longer with --timeout if the seed needs it\n {2}reproduce it in one process: npx faultline run --workload test\/fixtures\/workloads\/hang\.ts --scenario .*hang-process\.yaml --seed 1\n {2}the 0 results so far are in /);
  }, 90_000);

  it('a run that ends in time has the same trace hash with --timeout as without, and replays with it; a malformed --timeout is refused by name', () => {
    const plain = JSON.parse(cli('run', '--scenario', 'heartbeat-crash', '--json').out) as { traceHash: string };
    const timed = cli('run', '--scenario', 'heartbeat-crash', '--json', '--timeout', '60s');
    expect(timed.code, timed.err).toBe(0);
    expect((JSON.parse(timed.out) as { traceHash: string }).traceHash).toBe(plain.traceHash);
    expect(cli('replay', '--scenario', 'heartbeat-crash', '--seed', '1', '--expect', plain.traceHash, '--timeout', '60').out).toMatch(/REPRODUCED/);
    refused(cli('replay', '--scenario', 'heartbeat-crash', '--seed', '1', '--timeout', '0'), /^faultline: --timeout: expected the replay's wall-time limit from 1s/);
    for (const bad of ['0', '1.5', '500ms', '2d', 'soon']) {
      refused(cli('run', '--scenario', 'heartbeat-crash', '--timeout', bad), new RegExp(`^faultline: --timeout: expected the run's wall-time limit from 1s to 86400s \\(a day\\), in seconds like 600 or as a duration like 90s or 10m, got "${esc(bad)}"`));
    }
  });
});

describe('flag refusals that named the problem but not the fix (defect 5)', () => {
  it('--out at an existing file, --history-out in a missing directory, and a reversed --seeds range exit 2 with the fix, and write nothing', () => {
    const existing = file('a-file', 'x');
    refused(cli('run', '--scenario', 'heartbeat-crash', '--out', existing), new RegExp(`^faultline: --out ${esc(existing)}: ${esc(existing)} is a file, so it cannot be used as a directory: give --out a directory \\(it is created if missing\\), or move the file away$`, 'm'));
    refused(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..2', '--out', join(existing, 'x')), /is a file, so nothing can be created under it: give --out a path whose parents are directories$/m);
    expect(readFileSync(existing, 'utf8')).toBe('x');
    const out = join(dir, `out-${tmp.next()}`);
    const history = join(dir, `missing-${tmp.last()}`, 'h.jsonl');
    refused(cli('run', '--scenario', 'raft-kv-basic', '--out', out, '--history-out', history), new RegExp(`^faultline: --history-out: cannot write ${esc(history)}: its directory does not exist \\(no directory is created for --history-out\\): create it first, or give a path in an existing directory$`, 'm'));
    expect(existsSync(out)).toBe(false);
    refused(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '5..1'), /^faultline: --seeds: the range 5\.\.1 is empty \(1 < 5\): write the smaller seed first, 1\.\.5$/m);
  });
});

describe('check tells a tagged value from its form, and a symbol from a keyword (defect 6)', () => {
  const history = (write: string, read: string): string => `{:process 0 :type :invoke :f :write :value ${write}}\n{:process 0 :type :ok :f :write :value ${write}}\n{:process 1 :type :invoke :f :read :value nil}\n{:process 1 :type :ok :f :read :value ${read}}\n`;
  it.each([
    // Each was LINEARIZABLE, exit 0: Clojure's (= #inst "2020-01-01" "2020-01-01") is false.
    ['#inst "2020-01-01"', '"2020-01-01"', /^faultline: .*: line 4: holds the string "2020-01-01", and line 1 the tagged value #inst "2020-01-01"; a tagged value reads as the form it tags here \(the tag is not kept\), but Clojure holds it unequal to that form untagged or under another tag, so the two would be checked as one value: write it one way\n$/],
    ['#foo/bar 1', '1', /line 4: holds the integer 1, and line 1 the tagged value #foo\/bar 1/],
    ['#inst "x"', '#uuid "x"', /line 4: holds the tagged value #uuid "x", and line 1 the tagged value #inst "x"/],
    // Was LINEARIZABLE too, and a symbol was called "the keyword :sym": (= :sym 'sym) is false.
    [':sym', 'sym', /line 4: holds the symbol sym, and line 1 the keyword :sym; keywords, symbols and strings compare by name here/],
  ])('a write of %s and a read of %s exit 2 naming both lines', async (write, read, pattern) => {
    refused(await cliAsync(dir, 'check', file('tagged.edn', history(write, read))), pattern);
  });

  it('a tagged value written one way throughout, and tagged events (#jepsen.history.Op{...}), are still judged', async () => {
    const ops = history('#inst "x"', '#inst "x"').split('\n').map((l, i) => (i < 2 ? `#jepsen.history.Op${l}` : l)).join('\n');
    const r = await cliAsync(dir, 'check', file('tagged-ok.edn', ops));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/LINEARIZABLE/);
  });
});

describe('JSON syntax errors a hand-edited file has come with the fix (defect 7)', () => {
  const J = '"name":"hostile","description":"x","workload":"heartbeat","topology":{"nodes":3}';
  it.each([
    // Each named the place and V8's words alone ("Unexpected non-whitespace character after JSON at position 99").
    [`{${J},"duration":"5s",}`, /^ {2}line 1, column 99: not valid JSON: Expected double-quoted property name; JSON allows no comma after the last item of an object or list: remove the comma$/m],
    [`{${J},"duration":"5s"} // the run`, /^ {2}line 1, column 100: not valid JSON: Unexpected non-whitespace character after JSON; JSON has no comments: remove it \(a YAML file may have # comments\)$/m],
    [`{${J},"duration":NaN}`, /^ {2}line 1, column 94: not valid JSON: Unexpected token 'N'; NaN and Infinity are not JSON numbers: write a finite number$/m],
    [`{${J},'duration':'5s'}`, /JSON strings and keys take double quotes \("\.\.\."\), not single ones$/m],
    [`{${J},"duration":"5s"}{}`, /a JSON file holds one value, and this follows the end of the first: remove it \(or the first\)$/m],
    [`{${J},"duration":"5s"`, /the JSON ends before every \{ and \[ is closed \(a cut file\?\)$/m],
  ])('%s exits 2 with the fix', (text, pattern) => {
    shared(file('scenario.json', text), join(dir, `scenario-out-${tmp.last()}`), pattern);
  });
});

describe('text a --workload module returns for faultline to print (defect 8)', () => {
  const scenario = (give: string): string => file(`garbage-${give}.yaml`, `name: garbage\ndescription: x\nworkload: garbage\ntopology: { nodes: 3 }\nduration: 1s\nliveness: { within: 100ms }\ngarbage: { give: ${give} }\n`);
  it.each([
    // Printed raw: the line break made a line of its own ("faultline: run PASS") and the escape cleared the terminal.
    ['validate-control', /^faultline: workload garbage: validate\(\) returned a problem whose message holds a control character \(U\+000A at character 4\): it would print raw into faultline's messages \(a line break reads as another line, an escape rewrites the terminal\); write plain text \(at \[0\]\)\n$/],
    // Printed "  garbage.give:  " and nothing more.
    ['validate-empty', /^faultline: workload garbage: validate\(\) returned a problem with an empty message at \[0\] \(path "garbage\.give"\): say what is wrong with the field and the fix\n$/],
    ['finish-control', /^faultline: workload garbage: finish\(\) returned an object whose stat "phase" holds a control character \(U\+000D at character 5\)/],
  ])('%s: run --json --out exits 2 naming the hook and the character, and writes nothing', async (give, pattern) => {
    const out = join(dir, `garbage-out-${tmp.next()}`);
    const r = await cliAsync(process.cwd(), 'run', '--workload', 'test/fixtures/workloads/garbage.ts', '--scenario', scenario(give), '--json', '--out', out);
    refused(r, pattern);
    expect(existsSync(out)).toBe(false);
  });
});

describe('a symbolic link that loops or leads nowhere, named to any reader (defect 9)', () => {
  it('check, merge, replay, --knowledge and --workload say what the link is and the fix (each said "no such file" of a file ls shows, or dumped ELOOP)', async () => {
    const loop = join(dir, `loop-${tmp.next()}.json`);
    symlinkSync(`${loop}.b`, loop);
    symlinkSync(loop, `${loop}.b`);
    const dangling = join(dir, `dangling-${tmp.last()}.edn`);
    symlinkSync(join(dir, 'nowhere-at-all'), dangling);
    const loops = new RegExp(`${esc(loop)}: is a symbolic link that loops \\(it leads back to itself\\): point it at the file, or name the file itself$`, 'm');
    refused(await cliAsync(dir, 'check', loop), loops);
    refused(await cliAsync(dir, 'check', dangling), new RegExp(`${esc(dangling)}: is a symbolic link to "${esc(join(dir, 'nowhere-at-all'))}", which does not exist: point it at the file, or name the file itself$`, 'm'));
    refused(cli('merge', loop), /^faultline: .*: is a symbolic link that loops/);
    refused(cli('replay', loop), /^faultline: replay: .*: is a symbolic link that loops/);
    refused(cli('replay', `${loop}#seed=1`), /: is a symbolic link that loops/);
    refused(cli('run', '--scenario', 'mapek-partition', '--knowledge', loop), /^faultline: --knowledge: cannot read .*: is a symbolic link that loops/);
    refused(await cliAsync(dir, 'run', '--workload', dangling, '--scenario', 'heartbeat-crash'), /^faultline: --workload .*: is a symbolic link to ".*nowhere-at-all", which does not exist/);
    // A file that is not there at all is still "no such file".
    refused(await cliAsync(dir, 'check', join(dir, 'absent.edn')), /cannot read .*absent\.edn: no such file$/m);
  });
});

describe('an output file named by a symbolic link (defect 10)', () => {
  it('is written through: the file the link names gets the content and the link stays (the link was replaced by a regular file, the target kept its old content)', async () => {
    const target = file('target.om', 'old\n');
    const link = join(dir, `link-${tmp.last()}.om`);
    symlinkSync(target, link);
    const r = await cliAsync(dir, 'run', '--scenario', 'heartbeat-crash', '--metrics-out', link, '--quiet');
    expect(r.code, r.err).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toMatch(/^# HELP /);
  });

  it('one that loops or names nothing exits 2 naming it, and creates nothing (the link was replaced, or its target created)', () => {
    const loop = join(dir, `out-loop-${tmp.next()}`);
    symlinkSync(`${loop}.b`, loop);
    symlinkSync(loop, `${loop}.b`);
    const dangling = join(dir, `out-dangling-${tmp.last()}`);
    symlinkSync(join(dir, `made-${tmp.last()}`), dangling);
    refused(cli('run', '--scenario', 'heartbeat-crash', '--metrics-out', loop), new RegExp(`^faultline: --metrics-out ${esc(loop)}: is a symbolic link that loops \\(it leads back to itself\\): point it at a file, or give --metrics-out another path$`, 'm'));
    refused(cli('run', '--scenario', 'raft-kv-basic', '--history-out', dangling), /^faultline: --history-out .*: is a symbolic link to ".*made-\d+", which does not exist: point it at a file, or give --history-out another path$/m);
    refused(cli('replay', '--scenario', 'heartbeat-crash', '--seed', '1', '--trace-out', dangling), /^faultline: --trace-out .*: is a symbolic link to ".*made-\d+", which does not exist/m);
    // As --out, a directory: it said "cannot create ...: EEXIST (file already exists)" of the one that names nothing.
    refused(cli('run', '--scenario', 'heartbeat-crash', '--out', join(dangling, 'sub')), /^faultline: --out .*: .*out-dangling-\d+ is a symbolic link to ".*made-\d+", which does not exist: point it at a directory, or give --out another path$/m);
    refused(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..2', '--out', loop), /is a symbolic link that loops \(it leads back to itself\): point it at a directory/);
    expect(lstatSync(loop).isSymbolicLink() && lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, `made-${tmp.last()}`))).toBe(false);
  });

  it('one that names the scenario file is refused as the scenario (an output over an input was seen through its directory only)', () => {
    const scenario = file('scenario.yaml', `${HEAD}`);
    const link = join(dir, `spans-${tmp.last()}.json`);
    symlinkSync(scenario, link);
    refused(cli('run', '--scenario', scenario, '--traces-out', link), new RegExp(`^faultline: --traces-out ${esc(link)}: is the file --scenario reads \\(${esc(scenario)}\\); writing --traces-out would overwrite it: give --traces-out another path`));
    expect(readFileSync(scenario, 'utf8')).toBe(HEAD);
  });
});

describe('a bare number of µs that is not whole (defect 11)', () => {
  it('raft.tick: 1e-3 exits 2 saying it is read as µs and what to write (it said "expected a non-negative duration", of a number that is one)', () => {
    scenarioRefused('name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\nraft: { tick: 1e-3 }\n',
      /^ {2}raft\.tick: 0\.001 is a bare number, read as µs, and the simulated clock counts whole microseconds: write 0 or 1, or a duration with its unit such as "1ms"$/m);
    scenarioRefused(`${SCENARIO_HEAD}duration: 5s\nfaults:\n  - { at: 2.5, kind: pause, node: 1, duration: 1s }\n`, /^ {2}faults\[0\]\.at: 2\.5 is a bare number, read as µs.*write 2 or 3/m);
  });
});

describe('a ground-truth .ivecs file for another base set (defect 12)', () => {
  const truth = (rows: number[][]) => readVecs(writeVecs(rows, 'ivecs'), 'ivecs', 'gt.ivecs');
  it('a neighbour outside the base set, or one named twice in a row, is refused by row and neighbour (it matched no result, and bench hnsw reported a low recall)', () => {
    expect(() => groundTruthRows(truth([[0, 1], [2, -1]]), 2, 2, 10, 'gt.ivecs')).toThrow(/^gt\.ivecs: row 2, neighbour 2 is -1, not an index of the base set's 10 vectors \(0 to 9\); is it the ground truth of this base set\?$/);
    expect(() => groundTruthRows(truth([[0, 10]]), 1, 2, 10, 'gt.ivecs')).toThrow(/row 1, neighbour 2 is 10, not an index of the base set's 10 vectors/);
    expect(() => groundTruthRows(truth([[3, 3]]), 1, 2, 10, 'gt.ivecs')).toThrow(/^gt\.ivecs: row 1 names vector 3 twice \(neighbours 1 and 2\); a ground truth lists k different nearest neighbours$/);
    expect(() => groundTruthRows(truth([[3, 4]]), 2, 2, 10, 'gt.ivecs')).toThrow(/holds 1 rows of 2 neighbours; need 2 rows of at least 2/);
    // Past the first k, a row is not read: its padding is no business of the check.
    expect(groundTruthRows(truth([[1, 2, -1]]), 1, 2, 10, 'gt.ivecs').map((r) => [...r])).toEqual([[1, 2]]);
  });
});

describe('operation times beyond 2^53 in a JSON history (defect 13)', () => {
  it('a call written as 1e300 exits 2 naming the item and the field (it was judged: 1e300 and 1e300 + 1 read as one time)', async () => {
    const op = (call: string, ret: string): string => `{"clientId":0,"input":{"op":"put","key":"a","value":"1"},"call":${call},"return":${ret},"output":{"ok":true,"value":"1"}}`;
    refused(await cliAsync(dir, 'check', file('far.json', `[${op('1e300', '1e300')}]`)), /^faultline: .*far\.json: item 1: call is 1e\+300, beyond 9007199254740991, where two different times can read as one number and their order be lost; give times in a unit that keeps them below it \(µs or ns since the test began\)\n$/);
    refused(await cliAsync(dir, 'check', file('far-return.json', `[${op('1', '1.8e19')}]`)), /item 1: return is 18000000000000000000, beyond 9007199254740991/);
  });
});

describe('a field name with an invisible or look-alike character (defect 14)', () => {
  it('exits 2 showing the character escaped, where it is, and the fix (it read "duration: unknown field (did you mean duration?)")', () => {
    scenarioRefused(`${HEAD}dura\u200btion: 6s\n`, /^ {2}"dura\\u200btion": unknown field \(did you mean duration\?\): a heartbeat scenario has .*; it holds U\+200B at character 5, which is not a plain letter \(an invisible character, or one that looks like a Latin letter\): field names are plain ASCII, so retype the name$/m);
    // A value too: it read '"pаuse" is not a kind this field knows (did you mean pause?)'.
    scenarioRefused(`${HEAD}faults:\n  - { at: 1s, kind: p\u0430use, node: 1, duration: 1s }\n`.replace('duration: 5s', 'duration: 10s'), /^ {2}faults\[0\]\.kind: "p\\u0430use" is not a kind this field knows \(did you mean pause\?\)/m);
    scenarioRefused(`${SCENARIO_HEAD.replace('nodes', 'n\u043edes')}duration: 5s\n`, /^ {2}topology: unknown field "n\\u043edes": this mapping takes nodes, spares, link, minLatency \("n\\u043edes": did you mean nodes\?\); it holds U\+043E at character 2/m);
  });
});
