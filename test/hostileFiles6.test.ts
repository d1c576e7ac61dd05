// Goal: the sixth hostile-input round. Files and flags a hostile or careless user gives the
// CLI are refused with exit 2, a message naming the file, field or flag and the fix, no
// stack, nothing on stdout and nothing written; nothing they say is dropped, cut short or
// read other than as written.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts); each was wrong before its fix (the comment says how).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { materialize } from '../sim/faults/swarm.ts';
import { parseScenarioText, validateScenario } from '../sim/scenario/parse.ts';
import { scenarioToYaml } from '../sim/scenario/toYaml.ts';
import { cli, cliAsync } from './cliHarness.ts';
import { refused, SCENARIO_HEAD, hostileTmp } from './support/hostile.ts';

const tmp = hostileTmp('fl-hostile6-');
const { dir, file, scenarioRefused } = tmp;

const HEAD = `${SCENARIO_HEAD}duration: 10s\n`;
const faults = (...lines: string[]): string => `${HEAD}faults:\n${lines.map((l) => `  - ${l}\n`).join('')}`;

describe('faults that take one node down or pause it at overlapping times (defect 1)', () => {
  it.each([
    // Each ran (exit 0) with the node back up at 3s: a crash of 3s was one of 2s.
    [['{ at: 1s, kind: crash, node: 1, duration: 3s }', '{ at: 2s, kind: crash, node: 1, duration: 1s }'], /^ {2}faults\[1\]: overlaps faults\[0\] on node 1 \(crash 1s\.\.4s, and this crash 2s\.\.3s\): a node is down or paused by one fault at a time, so the first heal \(at 3s\) brings it back and the other fault ends early or does nothing; give the two faults times that do not overlap, or make them one fault/m],
    [['{ at: 1s, kind: pause, node: 1, duration: 3s }', '{ at: 2s, kind: crash, node: 1, duration: 1s }'], /^ {2}faults\[1\]: overlaps faults\[0\] on node 1 \(pause 1s\.\.4s, and this crash 2s\.\.3s\)/m],
    [['{ at: 2s, kind: pause, node: 2, duration: 1s }', '{ at: 1s, kind: slowStart, node: 2, duration: 3s, startDelay: 100ms }'], /^ {2}faults\[1\]: overlaps faults\[0\] on node 2 \(pause 2s\.\.3s, and this slowStart 1s\.\.4s\)/m],
    // A crash for good overlaps whatever follows it on that node until a restart.
    [['{ at: 1s, kind: shutdown, node: 0 }', '{ at: 5s, kind: pause, node: 0, duration: 1s }'], /^ {2}faults\[1\]: overlaps faults\[0\] on node 0 \(shutdown from 1s on, and this pause 5s\.\.6s\)/m],
    // Touching, listed in the other order: the crash at 2s comes first and the restart at 2s undoes it.
    [['{ at: 2s, kind: crash, node: 1, duration: 1s }', '{ at: 1s, kind: crash, node: 1, duration: 1s }'], /^ {2}faults\[1\]: overlaps faults\[0\] on node 1/m],
  ])('%j exits 2 naming the later fault and the one it overlaps', (list, pattern) => {
    scenarioRefused(faults(...list), pattern, /recorded: true/);
  });

  it('faults one after the other on a node, on different nodes, or recorded from a run still run', () => {
    for (const text of [
      faults('{ at: 1s, kind: crash, node: 1, duration: 1s }', '{ at: 2s, kind: pause, node: 1, duration: 1s }'),
      faults('{ at: 1s, kind: crash, node: 1 }', '{ at: 2s, kind: restart, node: 1 }', '{ at: 3s, kind: pause, node: 1, duration: 1s }'),
      faults('{ at: 1s, kind: crash, node: 1, duration: 3s }', '{ at: 2s, kind: crash, node: 2, duration: 1s }'),
      `${faults('{ at: 1s, kind: crash, node: 1, duration: 3s }', '{ at: 2s, kind: crash, node: 1, duration: 1s }')}recorded: true\n`,
    ]) {
      const r = cli('run', '--scenario', file('ok.yaml', text), '--quiet');
      expect(r.code, r.err).toBe(0);
    }
  });

  it('a swarm seed written out (as shrink and explore write it) says recorded: true and reads back as the same scenario, overlaps and all', () => {
    const swarm = parseScenarioText(readFileSync('scenarios/swarm-raft-nodes.yaml', 'utf8'), 'swarm-raft-nodes.yaml');
    if (!swarm.ok) throw new Error(JSON.stringify(swarm.problems));
    // A seed whose draws overlap on a node: a hand-written file with these faults is refused.
    const seed = [...Array(50).keys()].find((k) => !validateScenario({ ...materialize(swarm.scenario, k), recorded: undefined }).ok);
    expect(seed).toBeDefined();
    const s = materialize(swarm.scenario, seed as number);
    const text = scenarioToYaml(s, 'test');
    expect(text).toMatch(/^recorded: true$/m);
    const back = parseScenarioText(text, 'x.yaml');
    expect(back.ok ? back.scenario : back.problems).toEqual(s);
  });
});

describe('a clock or drift fault that changes nothing (defect 2)', () => {
  it.each([
    // Each ran and passed (exit 0) as if the clock had been tested.
    ['{ at: 1s, kind: drift, node: 1, ppm: 0, duration: 2s }', /^ {2}faults\[0\]\.ppm: is 0, and no other fault makes node 1's clock drift at 1s: its clock already runs at the true rate, so the fault changes nothing and a run would pass as if it had been tested; give a drift in ppm \(e\.g\. 200 or -200\), or remove the fault/m],
    ['{ at: 1s, kind: clock, node: 1, driftPpm: 0 }', /^ {2}faults\[0\]\.driftPpm: is 0, and no other fault makes node 1's clock drift/m],
    ['{ at: 1s, kind: clock, node: 1, step: 0, driftPpm: 100 }', /^ {2}faults\[0\]\.step: is 0: the clock moves by nothing, so this part of the fault changes nothing; give the µs to step by \(e\.g\. 5000000 for 5s\), or remove step/m],
  ])('%s exits 2 naming the field', (fault, pattern) => {
    scenarioRefused(faults(fault), pattern);
  });

  it('a drift of 0 over another drift of the node (it resets the clock to the true rate) still runs', () => {
    const ok = file('ok.yaml', faults('{ at: 1s, kind: drift, node: 1, ppm: 500, duration: 5s }', '{ at: 2s, kind: drift, node: 1, ppm: 0, duration: 1s }'));
    expect(cli('run', '--scenario', ok, '--quiet').code).toBe(0);
  });
});

describe('a byzantine field the mode never reads (defect 3)', () => {
  it('fraction on a flood, rate on a corrupt exit 2 naming the field and the mode that reads it (each was dropped without a word)', () => {
    scenarioRefused(faults('{ at: 1s, kind: byzantine, mode: flood, node: 1, fraction: 0.9, duration: 2s }'),
      /^ {2}faults\[0\]\.fraction: the flood mode does not read fraction \(only mode corrupt does: the share of the node's messages corrupted\); flood injects rate messages per second: remove fraction, or set mode: corrupt/m);
    scenarioRefused(faults('{ at: 1s, kind: byzantine, mode: corrupt, node: 1, rate: 9, duration: 2s }'),
      /^ {2}faults\[0\]\.rate: the corrupt mode does not read rate \(only forge, replay, flood and malformed do: messages injected per second\)/m);
  });
});

describe('recorded: is true or left out', () => {
  it('recorded: false or "yes" exits 2 naming it', () => {
    scenarioRefused(`${HEAD}recorded: "yes"\n`, /^ {2}recorded: expected true \(the faults were recorded from a run and run as recorded\), or leave it out/m);
  });
});


describe('a merge that lacks seeds of its range (defect 4)', () => {
  it('one shard of two, or a sweep that did not finish, is inconclusive naming the missing seeds (it was PASS, exit 0: "2 passed of 2 seeds" for seeds 1..4)', () => {
    const shard = (i: number): string => {
      const out = join(dir, `shard-${tmp.next()}`);
      expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..4', '--shard', `${i}/2`, '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
      return out;
    };
    const one = shard(1);
    const r = cli('merge', one);
    expect(r.code, r.err).toBe(3);
    expect(r.out).toMatch(/^ {2}INCONCLUSIVE {2}2 passed/m);
    expect(r.out).toMatch(/^ {2}seeds 2, 4 of 1\.\.4 are in no input \(a shard not merged, or a sweep that did not finish\), so nothing says they pass: exit 3; merge every shard, or sweep the missing seeds and merge them too \(--allow-inconclusive accepts the gap\)$/m);
    expect((JSON.parse(cli('merge', one, '--json').out) as { summary: { missing: unknown } }).summary.missing).toEqual({ count: 2, first: [2, 4] });
    expect(cli('merge', one, '--allow-inconclusive').code).toBe(0);
    // Both shards: every seed is there, a pass.
    const both = cli('merge', one, shard(2));
    expect(both.code, both.err).toBe(0);
    expect(both.out).toMatch(/PASS {2}4 passed/);
    // A results log that stopped after seed 1 of 1..3.
    const log = join(dir, `log-${tmp.next()}`);
    expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..3', '--jobs', '1', '--out', log, '--quiet').code).toBe(0);
    const lines = readFileSync(join(log, 'results.jsonl'), 'utf8').split('\n');
    const cut = join(dir, `cut-${tmp.next()}`);
    mkdirSync(cut);
    writeFileSync(join(cut, 'results.jsonl'), `${lines[0]}\n${lines[1]}\n`);
    const partial = cli('merge', cut);
    expect(partial.code).toBe(3);
    expect(partial.out).toMatch(/seeds 2, 3 of 1\.\.3 are in no input/);
  });
});

describe('check tells an integer from a double and a decimal (defect 5)', () => {
  const history = (write: string, read: string): string => `{:process 0 :type :invoke :f :write :value ${write}}\n{:process 0 :type :ok :f :write :value ${write}}\n{:process 1 :type :invoke :f :read :value nil}\n{:process 1 :type :ok :f :read :value ${read}}\n`;
  it.each([
    // Each was LINEARIZABLE, exit 0: Clojure's (= 1 1M), (= 1 1.0) and (= 1.5 1.5M) are false.
    ['1M', '1', /line 4: holds the integer 1, and line 1 the decimal 1M; Clojure holds an integer, a double and a decimal of one value unequal \(\(= 1 1\.0\) and \(= 1 1M\) are false\), but both read as the number 1 here, so the two would be checked as one value: write it one way/],
    ['1.0', '1', /line 4: holds the integer 1, and line 1 the double 1\.0/],
    ['1.5M', '1.5', /line 4: holds the double 1\.5, and line 1 the decimal 1\.5M/],
  ])('a write of %s and a read of %s exit 2 naming both lines', async (write, read, pattern) => {
    refused(await cliAsync(dir, 'check', file('mixed.edn', history(write, read))), pattern);
  });

  it('a decimal of more digits than a number holds exactly exits 2 by line and column (0.30000000000000001 was read as 0.3)', async () => {
    refused(await cliAsync(dir, 'check', file('digits.edn', history('0.30000000000000001', '0.3'))), /line 1, column 44: the decimal 0\.30000000000000001 has 17 significant digits; a number holds 15 exactly, so it could compare equal to a different decimal: write at most 15/);
  });

  it('one value written one way throughout is still judged', async () => {
    for (const [w, r] of [['1M', '1M'], ['1.0', '1.0'], ['1.5', '1.5'], ['1N', '1']]) expect((await cliAsync(dir, 'check', file('one-way.edn', history(w, r)))).code, `${w} ${r}`).toBe(0);
  });
});

describe('control characters in paths (defect 6)', () => {
  it('a flag value or argument holding a line break or an escape exits 2 naming it, shown escaped, and writes nothing (the path was printed raw into messages and replay commands)', async () => {
    const out = join(dir, `o\nut-${tmp.next()}`);
    refused(cli('run', '--scenario', 'heartbeat-crash', '--out', out), /^faultline: --out: ".*o\\nut-\d+" holds a control character \(U\+000A at character \d+\); it would print raw into messages and replay commands \(a line break reads as another line, an escape rewrites the terminal\): rename the file or directory, or give another value\. See `faultline run --help`\.$/m);
    expect(existsSync(out)).toBe(false);
    refused(cli('merge', `a\u001b[31mb`), /^faultline: an argument: "a\\u001b\[31mb" holds a control character \(U\+001B at character 2\)/);
    refused(cli('sweep', '--scenario', `x\u0007.yaml`, '--seeds', '1..2'), /^faultline: --scenario: "x\\u0007\.yaml" holds a control character \(U\+0007 at character 2\)/);
    // --initial is JSON text, where a line break is white space: it is judged as JSON.
    expect((await cliAsync(dir, 'check', '--initial', '{\n}', 'nowhere.edn')).err).not.toMatch(/control character/);
  });

  it('a sweep file whose recorded scenario path holds one exits 2 by field', () => {
    const out = join(dir, `sweep-${tmp.next()}`);
    expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..2', '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as Record<string, unknown>;
    const bad = file('sweep.json', JSON.stringify({ ...doc, scenarioRef: 'heartbeat\u001b[2Jcrash' }));
    refused(cli('merge', bad), /^ {2}scenarioRef: holds a control character \(U\+001B at character 10\): it would print raw into replay commands and messages/m);
    refused(cli('replay', `${bad}#seed=1`), /scenarioRef: holds a control character/);
  });
});

describe('settings of a gateway policy that is switched off (defect 7)', () => {
  const load = (gateway: string, workload = 'load-kv'): string => `name: hostile\ndescription: x\nworkload: ${workload}\ntopology: { nodes: 3${workload === 'mapek' ? ', spares: 1' : ''} }\nduration: 4s\n${workload === 'mapek' ? 'manager: { base: load-kv }\n' : ''}load: { rate: 100, start: 500ms, phases: [ { name: p, duration: 1s } ] }\ngateway: ${gateway}\n`;
  it.each([
    // Each ran with the policy off: the same trace as no gateway section at all, exit 0.
    ['{ rateLimit: { rate: 5 } }', /^ {2}gateway\.rateLimit\.rate: gateway\.rateLimit is off \(enabled is false unless the file says enabled: true\), so rate does nothing and a run would pass as if it had been tested: add enabled: true to switch gateway\.rateLimit on, or remove rate$/m],
    ['{ bulkhead: { concurrency: 1, queue: 0 } }', /^ {2}gateway\.bulkhead\.concurrency: gateway\.bulkhead is off[\s\S]*^ {2}gateway\.bulkhead\.queue: gateway\.bulkhead is off/m],
    ['{ retry: { enabled: false, attempts: 7 } }', /^ {2}gateway\.retry\.attempts: gateway\.retry is off \(enabled: false\), so attempts does nothing/m],
    ['{ retry: { budget: { ratio: 0.5 } } }', /^ {2}gateway\.retry\.budget\.ratio: gateway\.retry\.budget is off/m],
  ])('gateway %s exits 2 naming the field', (gateway, pattern) => {
    scenarioRefused(load(gateway), pattern);
  });

  it('the same for mapek on load-kv; a policy switched on, or off and nothing more, still runs', () => {
    scenarioRefused(load('{ breaker: { window: 5 } }', 'mapek'), /^ {2}gateway\.breaker\.window: gateway\.breaker is off/m);
    expect(cli('run', '--scenario', file('ok.yaml', load('{ bulkhead: { enabled: true, concurrency: 1 }, breaker: { enabled: false } }')), '--quiet').code).toBe(0);
  });
});

describe('rag corpus and section settings (defect 8)', () => {
  const rag = (section: string): string => `name: hostile\ndescription: x\nworkload: rag\ntopology: { nodes: 3 }\nduration: 6s\nrag: ${section}\n`;
  it.each([
    // A "synthetic corpus: count must be a positive integer" stack, exit 1.
    ['{ corpus: synthetic-0x0 }', /^ {2}rag\.corpus: synthetic-0x0: the document count must be from 1 to 1,000,000, got 0; name a corpus such as synthetic-10000x128$/m],
    // Tried to allocate 1.6 TB: a heap-limit crash, exit 1.
    ['{ corpus: synthetic-100000000x4096 }', /^ {2}rag\.corpus: synthetic-100000000x4096: the document count must be from 1 to 1,000,000/m],
    ['{ corpus: synthetic-100000x4096 }', /^ {2}rag\.corpus: synthetic-100000x4096: 100000 vectors of 4096 numbers are 409,600,000 numbers, over the 50,000,000 \(200 MB\) a generated corpus may hold/m],
    // Silently capped at the corpus's 778 documents.
    ['{ docs: 5000 }', /^ {2}rag\.docs: is 5000, but corpus fiori holds 778 documents: give at most 778 \(0: all of them\)$/m],
    // The cache was off: capacity did nothing, exit 0.
    ['{ cache: { enabled: false, capacity: 5 } }', /^ {2}rag\.cache\.capacity: rag\.cache is off \(enabled: false\), so capacity does nothing/m],
  ])('rag %s exits 2 naming the field', (section, pattern) => {
    scenarioRefused(rag(section), pattern);
  });
});

describe('settings of a manager that is switched off (defect 7b)', () => {
  it('manager: { enabled: false, interval: 50ms } exits 2 naming manager.interval (it ran without a manager, exit 0); base is still read', () => {
    const mapek = (manager: string): string => `name: hostile\ndescription: x\nworkload: mapek\ntopology: { nodes: 3, spares: 1 }\nduration: 10s\nmanager: ${manager}\n`;
    scenarioRefused(mapek('{ enabled: false, interval: 50ms, base: raft-kv }'), /^ {2}manager\.interval: manager is off \(enabled: false\), so interval does nothing and a run would pass as if it had been tested: add enabled: true to switch manager on, or remove interval$/m);
    expect(cli('run', '--scenario', file('ok.yaml', mapek('{ enabled: false, base: raft-kv }')), '--quiet').code).toBe(0);
  });
});

describe('raft settings the seed replaces, or a swarm nobody draws (defect 9)', () => {
  it('raft.swarm: true beside a setting the seed draws exits 2 naming it (the value was replaced by the draw without a word); on mapek, which draws none, swarm itself is refused (it did nothing)', () => {
    scenarioRefused('name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\nraft: { swarm: true, electionTicks: 30, fsync: { min: 1ms, max: 2ms } }\n',
      /^ {2}raft\.electionTicks: raft\.swarm is true, so each seed draws electionTicks and the 30 given here would be replaced: remove electionTicks, or remove swarm: true to run with it$/m);
    scenarioRefused('name: hostile\ndescription: x\nworkload: mapek\ntopology: { nodes: 3, spares: 1 }\nduration: 10s\nraft: { swarm: true }\n',
      /^ {2}raft\.swarm: the mapek workload does not draw raft settings from the seed, so swarm: true would do nothing: remove it \(raft-kv, load-kv and rag draw them\)$/m);
    // A setting the seed does not draw (fsync) still goes with swarm.
    expect(cli('run', '--scenario', file('ok.yaml', 'name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\nraft: { swarm: true, fsync: { min: 1ms, max: 2ms } }\n'), '--quiet').code).toBe(0);
  });
});

describe('client settings with no clients (defect 10)', () => {
  it('clients: { count: 0, keys: 9, mix: ... } exits 2 naming each setting (the run had no clients, so they did nothing, exit 0)', () => {
    scenarioRefused('name: hostile\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\nclients: { count: 0, keys: 9, mix: { put: 1 } }\n',
      /^ {2}clients\.keys: clients\.count and clients\.readers are 0, so there are no clients and keys does nothing: give clients\.count \(e\.g\. 3\), or remove keys$/m, /^ {2}clients\.mix: clients\.count and clients\.readers are 0/m);
    expect(cli('run', '--scenario', 'raft-idle', '--quiet').code).toBe(0);
  });
});

describe('workloads that would check nothing (defect 11)', () => {
  it('heartbeat on one node, and load whose every phase has factor 0, exit 2 naming the field (each passed, exit 0, having checked nothing)', () => {
    scenarioRefused('name: hostile\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 1 }\nduration: 5s\n',
      /^ {2}topology\.nodes: is 1: a heartbeat failure detector watches the other nodes, and a single node has none, so nothing would be checked and the run would pass as if it had been tested; give at least 2 nodes$/m);
    scenarioRefused('name: hostile\ndescription: x\nworkload: load-kv\ntopology: { nodes: 3 }\nduration: 4s\nload: { rate: 100, start: 500ms, phases: [ { name: p, duration: 1s, factor: 0 }, { name: q, duration: 1s, factor: 0 } ] }\n',
      /^ {2}load\.phases: every phase has factor 0, so no request would be sent and the run would pass as if it had been tested: give at least one phase a factor above 0 \(1 is load\.rate\)$/m);
  });
});
