// Goal: the ninth hostile-input round. Files, flags and workload modules a hostile or
// careless user gives the CLI are refused with exit 2, a message naming the file, field,
// hook or flag and the fix, no stack, nothing on stdout and nothing written; nothing a
// run could not judge passes.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts), or as a real process where the process's own end is the
// point; each was wrong before its fix (the comment says how).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from './cliHarness.ts';
import { esc, hostileTmp, nodeScript, refused } from './support/hostile.ts';

const tmp = hostileTmp('fl-hostile9-');
const { dir, file, scenarioRefused } = tmp;

const ROOT = process.cwd();

describe('a workload module that misuses the world or its node context (defect 1)', () => {
  const MODULE = 'test/fixtures/workloads/brokenContract.ts';
  const scenario = (where: string): string => file(`contract-${where}.yaml`, `name: contract\ndescription: x\nworkload: broken-contract\ntopology: { nodes: 3 }\nduration: 1s\nliveness: { within: 100ms }\ncontract: { where: ${where} }\n`);
  const frame = / \(called at \S+brokenContract\.ts:\d+:\d+\)\n$/;

  it.each([
    // Each printed PASS, then Node's stack of the rejection after the await, exit 1.
    ['asyncAt', /^faultline: workload broken-contract: the world\.at action "async action" returned a Promise \(is it an async function\?\): an action runs synchronously at its time; .*; drop async, and do the work before returning\n$/],
    ['asyncListener', /^faultline: workload broken-contract: a world\.onTelemetry listener returned a Promise \(is it an async function\?\): a listener runs synchronously, inside the event that emitted the telemetry; .*; drop async/],
    // Recorded as given: "violation [contract] at 50ms on node 8", exit 1.
    ['violateNoNode', /^faultline: workload broken-contract: world\.violate\("contract", 8, \.\.\.\) names node 8, which this run does not have: its nodes are 0\.\.2 \(world\.nodeCount 3, every node nodes\(\) returned\); name one of them, or null for a violation of the system as a whole/, frame],
    ['violateFraction', /world\.violate\("contract", 0\.5, \.\.\.\) names node 0\.5, which this run does not have/],
    // Moved to now without a word: the run passed.
    ['atPast', /^faultline: workload broken-contract: world\.at\(10000, "in the past"\) was called at 50ms \(50000 µs\) for 10ms \(10000 µs\), a time already past: an action runs at or after now; schedule it at world\.nowUs or later \(world\.nowUs \+ delay\)/, frame],
    ['asyncConclude', /^faultline: workload broken-contract: a world\.onConclude hook returned a Promise \(is it an async function\?\): a hook runs synchronously, before the verdict; .*; drop async/],
    // setTimer(2.5) was rounded to 3 µs without a word.
    ['timerFraction', /^faultline: workload broken-contract: setTimer\(2\.5, "tick"\) of node 0's process asks for a delay of 2\.5 µs, not a whole number: simulated time counts whole µs, so say which one: Math\.ceil\(delay\) \(3 µs\) or Math\.round\(delay\) \(3 µs\)/, frame],
  ])('%s: run --out exits 2 naming the call and the fix, and writes nothing', async (where, ...patterns) => {
    const out = join(dir, `contract-out-${tmp.next()}`);
    const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', scenario(where), '--json', '--out', out);
    refused(r, ...(patterns as RegExp[]));
    expect(existsSync(out)).toBe(false);
  });

  it('under run --workers 2 the same calls end the same way (a listener and a timer run in the workers\' events)', async () => {
    for (const where of ['asyncListener', 'timerFraction', 'violateNoNode']) {
      const file = scenario(where);
      const one = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', file);
      const out = join(dir, `contract-out-${tmp.next()}`);
      const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', file, '--workers', '2', '--out', out);
      expect(r.code, `${where} ${r.err}`).toBe(2);
      expect(r.err, where).toBe(one.err);
      expect(existsSync(out)).toBe(false);
    }
  }, 120_000);

  it('process.exit(0) in a handler under run --workers 2 (with and without --kernel-hosts-first) ends as in one thread (it was exit 1, "worker 0 (nodes 0, 2) exited with code 0")', async () => {
    const file = scenario('exit0');
    for (const extra of [[], ['--kernel-hosts-first']]) {
      const out = join(dir, `exit-out-${tmp.next()}`);
      const r = await nodeScript('bin/faultline.mjs', ['run', '--workload', MODULE, '--scenario', file, '--workers', '2', ...extra, '--out', out]);
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(new RegExp(`^faultline: the process was ended by process\\.exit\\(0\\) before the command finished: a --workload module \\(${esc(MODULE)}\\) called it while loading or in a hook or handler; nothing was judged, so the exit code is 2\\. .*remove the process\\.exit call\\n$`));
      expect(existsSync(out)).toBe(false);
    }
  }, 120_000);

  it('the gossip example, which keeps the contract, still runs', async () => {
    expect((await cliAsync(ROOT, 'run', '--workload', 'test/fixtures/workloads/gossip.ts', '--scenario', 'test/fixtures/workloads/gossip.yaml', '--quiet')).code).toBe(0);
  });
});

describe('times the run leaves no room for (defect 2)', () => {
  const KV = 'name: h\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3 }\nduration: 5s\n';
  const LOAD = 'name: h\ndescription: x\nworkload: load-kv\ntopology: { nodes: 3 }\nduration: 5s\nload: { start: 1s, phases: [{ name: steady, duration: 2s }]';
  it.each([
    // Each ran and passed (or failed "liveness", blaming the system) with nothing tested.
    ['clients.timeout 1e12 µs', `${KV}clients: { timeout: 1e12 }\n`, /^ {2}clients\.timeout: is 1000000s, at least the run's duration \(5s\): no client could give up on an unanswered operation and retry it at another server before the run ends, .*; give a timeout of a few round trips \(the default is 300ms\)$/m],
    ['clients.interval 10s', `${KV}clients: { interval: 10s }\n`, /^ {2}clients\.interval: is 10s, at least the run's duration \(5s\): .*; give an interval well below the run \(the default is 20ms\)$/m],
    ['raft.tick 6s', `${KV}raft: { tick: 6s }\n`, /^ {2}raft\.tick: is 6s, so the shortest election timeout \(raft\.electionTicks 15 ticks\) is 90s, at least the run's duration \(5s\): no server could start an election before the run ends, .*; shorten raft\.tick \(the default is 10ms\) or lengthen the run$/m],
    ['load.timeout 1h', `${LOAD}, timeout: 1h }\n`, /^ {2}load\.timeout: is 1h, at least the run's duration \(5s\): no request could time out at its client before the run ends, .*; give a deadline of a few seconds at most \(the default is 2s\)$/m],
    ['gateway.attemptTimeout 5s', `${LOAD} }\ngateway: { attemptTimeout: 5s }\n`, /^ {2}gateway\.attemptTimeout: is 5s, at least the run's duration \(5s\): no backend attempt could time out before the run ends/m],
    ['manager.interval 20s', 'name: h\ndescription: x\nworkload: mapek\ntopology: { nodes: 3 }\nduration: 15s\nmanager: { interval: 20s }\n', /^ {2}manager\.interval: is 20s, at least the run's duration \(15s\): the manager would not complete one .* round before the run ends, .*; give an interval well below the run \(the default is 200ms\)$/m],
  ])('%s exits 2 naming the field, its value, the run\'s duration and the fix', (_name, text, pattern) => {
    scenarioRefused(text, pattern);
  });

  it('an operator with no moment to act exits 2 naming admin.start or admin.stop (admin.start 10s in a 5s run, or a stop before the start, took no action and passed)', () => {
    const ADMIN = 'name: h\ndescription: x\nworkload: raft-kv\ntopology: { nodes: 3, spares: 1 }\nduration: 5s\n';
    scenarioRefused(`${ADMIN}admin: { start: 10s, every: 100ms }\n`,
      /^ {2}admin\.start: is 10s, after the operator's last moment \(4s: the run's duration 5s minus clients\.quiesce 1s\): the operator would take no action, .*; start it earlier \(the default is 1s\), or lengthen the run$/m);
    scenarioRefused(`${ADMIN}admin: { start: 1s, every: 100ms, stop: 500ms }\n`,
      /^ {2}admin\.stop: is 500ms, before admin\.start \(1s\): the operator would take no action, .*; give a stop after the start, or remove it \(the default is when the clients stop\)$/m);
  });

  it('a latency as long as the run exits 2 naming topology.minLatency or the link latency (no message arrived, and the run failed fd-accuracy or liveness, blaming the system)', () => {
    const TOPO = (t: string): string => `name: h\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3, ${t} }\nduration: 5s\n`;
    scenarioRefused(TOPO('link: { latency: { kind: fixed, value: 10s } }'),
      /^ {2}topology\.link\.latency\.value: is 10s, at least the run's duration \(5s\): every message takes at least this long, so none would arrive before the run ends, .*; give a latency well below the run \(a few ms is typical\)$/m);
    scenarioRefused(TOPO('minLatency: 5s'), /^ {2}topology\.minLatency: is 5s, at least the run's duration \(5s\): every message takes at least this long/m);
  });

  it('the same fields shorter than the run still run', () => {
    expect(cli('run', '--scenario', file('short.yaml', `${KV}clients: { timeout: 4s, interval: 50ms }\nraft: { tick: 20ms }\n`), '--quiet').code).toBe(0);
  });
});

describe('sweep files of another faultline (defect 3)', () => {
  const sweep = (name: string, shard: string): string => {
    const out = join(dir, name);
    expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..4', '--shard', shard, '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
    return out;
  };
  const edit = (path: string, from: string | RegExp, to: string): void => {
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(from);
    writeFileSync(path, text.replace(from, to));
  };

  it('sweep writes faultlineVersion; merge refuses shards of two versions and replay a seed another version ran, naming both (both were taken as this version\'s, and a replay then reported a hash mismatch as nondeterminism)', () => {
    const a = sweep('version-a', '1/2');
    const b = sweep('version-b', '2/2');
    const version = (JSON.parse(readFileSync(join(a, 'sweep.json'), 'utf8')) as { faultlineVersion: string }).faultlineVersion;
    expect(version).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    expect(readFileSync(join(a, 'results.jsonl'), 'utf8')).toContain(`"faultlineVersion":"${version}"`);
    edit(join(b, 'sweep.json'), `"faultlineVersion": "${version}"`, '"faultlineVersion": "0.0.9"');
    const merged = join(dir, 'version-merged');
    refused(cli('merge', a, b, '--out', merged), new RegExp(`^faultline: merge: ${esc(join(b, 'sweep.json'))} was swept by faultline 0\\.0\\.9 but ${esc(join(a, 'sweep.json'))} by faultline ${esc(version)}: a seed's trace hash holds only within one version, .*; sweep every shard with one faultline and merge those\\n$`));
    expect(existsSync(merged)).toBe(false);
    refused(cli('replay', `${join(b, 'sweep.json')}#seed=2`), new RegExp(`^faultline: replay: ${esc(join(b, 'sweep.json'))} was swept by faultline 0\\.0\\.9, and this is faultline ${esc(version)}: .*: replay it with faultline 0\\.0\\.9 \\(npx faultline@0\\.0\\.9 replay \\S+#seed=2\\), or run the seed afresh with this one \\(faultline run --scenario heartbeat-crash --seed 2\\)\\n$`));
  });

  it('a file without faultlineVersion (written before it existed) still merges and replays', () => {
    const a = sweep('old-a', '1/2');
    const b = sweep('old-b', '2/2');
    for (const d of [a, b]) edit(join(d, 'sweep.json'), /\n\s*"faultlineVersion": "[^"]*",/, '');
    expect(cli('merge', a, b, '--out', join(dir, 'old-merged')).code).toBe(0);
    expect(cli('replay', `${join(b, 'sweep.json')}#seed=2`).code).toBe(0);
  });

  it('a later results format is refused naming the format and the faultline that wrote it (it said "fix or remove the fields named ... edited or damaged")', () => {
    const a = sweep('later', '1/1');
    edit(join(a, 'sweep.json'), '"version": 2', '"version": 3');
    edit(join(a, 'sweep.json'), /"faultlineVersion": "[^"]*"/, '"faultlineVersion": "9.0.0"');
    refused(cli('merge', join(a, 'sweep.json'), '--out', join(dir, 'later-merged')), /^faultline: \S+sweep\.json: the file is format version 3 \(written by faultline 9\.0\.0\), and this faultline \(\S+\) reads format versions 1 and 2: read it with the faultline that wrote it, or run the sweep again with this one\n$/);
    edit(join(a, 'results.jsonl'), '"version":2', '"version":3');
    refused(cli('replay', `${join(a, 'results.jsonl')}#seed=1`), /^faultline: \S+results\.jsonl: the file is format version 3 \(written by faultline \S+\), and this faultline \(\S+\) reads format version 2 of a results log: read it with the faultline that wrote it, or run the sweep again\n$/);
    expect(existsSync(join(dir, 'later-merged'))).toBe(false);
  });
});

describe('shrink and explore under a wall-time limit (defect 4)', () => {
  it('shrink --timeout and explore --timeout end a command still going with exit 2, saying how far it got and the fix, and leave no --out (neither had any limit: a long shrink or exploration held CI for good)', async () => {
    const shrunk = join(dir, 'timeout-shrink', 'x.yaml');
    const explored = join(dir, 'timeout-explore');
    const [shrink, explore] = [
      await nodeScript('bin/faultline.mjs', ['shrink', '--scenario', 'teeth-read-without-read-index', '--seed', '1', '--timeout', '1s', '--out', shrunk]),
      await nodeScript('bin/faultline.mjs', ['explore', '--scenario', 'swarm-raft-mixed', '--runs', '1000', '--timeout', '2s', '--out', explored, '--quiet']),
    ];
    for (const r of [shrink, explore]) {
      expect(r.code, r.err).toBe(2);
      expect(r.out).toBe('');
    }
    expect(shrink.err).toMatch(/^faultline: --timeout: shrink of seed 1 was still going after 1 s of wall time, after \d+ runs?( \(the first, of the failing seed itself, had not finished\))?; it stopped part way, so nothing was decided and nothing written: give it longer with --timeout, or less to do with --tests-max \(now 500\)\n$/);
    expect(explore.err).toMatch(/^faultline: --timeout: explore was still going after 2 s of wall time, after \d+ of 1000 runs; it stopped part way, so nothing was decided and nothing written: give it longer with --timeout, or less to do with --runs \(now 1000\)\n$/);
    expect(existsSync(join(dir, 'timeout-shrink'))).toBe(false);
    expect(existsSync(explored)).toBe(false);
  }, 90_000);

  it('a --timeout that is no wall-time limit is refused naming the flag', () => {
    refused(cli('shrink', '--scenario', 'raft-kv-basic', '--seed', '1', '--timeout', '0'), /^faultline: --timeout: expected the shrink's wall-time limit from 1s to 86400s \(a day\), in seconds like 600 or as a duration like 90s or 10m, got "0"\n$/);
    refused(cli('explore', '--scenario', 'swarm-raft-mixed', '--timeout', 'soon'), /^faultline: --timeout: expected the exploration's wall-time limit from 1s/);
  });
});

describe('scenario files (defect 5)', () => {
  it('a swarm without window or duration names each field once, with the form it takes (it said "swarm.window[0]: is required" and "[1]", of a list not given)', () => {
    scenarioRefused('name: h\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3 }\nduration: 5s\nswarm: { count: 2, kinds: [crash] }\n',
      /^ {2}swarm\.window: is required: add it \(a range like \[1s, 8s\] or "1s\.\.8s"\)\n {2}swarm\.duration: is required: add it \(a range like "200ms\.\.2s" or \[200ms, 2s\]\)$/m);
  });

  it('a name of 300 characters exits 2 naming name and the fix (shrink ran every run, then failed writing NAME-seed1-shrunk.yaml with ENAMETOOLONG, blamed on an --out never given)', () => {
    scenarioRefused(`name: ${'a'.repeat(300)}\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 3 }\nduration: 5s\n`,
      /^ {2}name: is longer than 100 characters: a scenario's name is a short identifier that names its output files \(NAME-seedN-shrunk\.yaml\) and heads every report; shorten it, and say the rest in description$/m);
  });
});

describe('a results log whose header miscounts its seeds (defect 7)', () => {
  it('a seedCount below the seeds its range and shard hold exits 2 naming line 1 and the result past it, and merge writes nothing (it merged as "partial: logged 3 of its 1 seeds", PASS)', () => {
    const out = join(dir, 'count-sweep');
    expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..3', '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
    const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n');
    const header = JSON.parse(lines[0]) as { seedCount: number };
    expect(header.seedCount).toBe(3);
    const log = file('count.jsonl', [JSON.stringify({ ...header, seedCount: 1 }), ...lines.slice(1)].join('\n'));
    const merged = join(dir, 'count-merged');
    refused(cli('merge', log, '--out', merged),
      /^ {2}line 1: seedCount: is 1, but seeds 1\.\.3, shard 1\/1, hold 3 seeds$/m,
      /^ {2}line 3: is result 2, but the header says the sweep runs 1 seeds$/m,
      /fix or remove the fields named, or run the sweep again/);
    expect(existsSync(merged)).toBe(false);
  });
});

describe('a history whose events are out of order (defect 8)', () => {
  it('EDN or JSON events whose :index does not grow exit 2 naming both places and the fix (the file order was checked as the history\'s, without a word)', async () => {
    refused(await cliAsync(ROOT, 'check', file('out-of-order.edn', '{:index 5, :process 0, :type :invoke, :f :write, :value 1}\n{:index 2, :process 0, :type :ok, :f :write, :value 1}\n')),
      /^faultline: \S+out-of-order\.edn: line 2: :index is 2, but line 1 came before it with :index 5: a history's indices grow in the order its events happened, .*; sort the events by :index, or check each history on its own\n$/);
    refused(await cliAsync(ROOT, 'check', file('out-of-order.json', '[{"index": 0, "process": 0, "type": "invoke", "f": "write", "value": 1}, {"index": 0, "process": 0, "type": "ok", "f": "write", "value": 1}]')),
      /: item 2: "index" is 0, but item 1 came before it with "index" 0: /);
    expect((await cliAsync(ROOT, 'check', file('in-order.json', '[{"index": 0, "process": 0, "type": "invoke", "f": "write", "value": 1}, {"index": 1, "process": 0, "type": "ok", "f": "write", "value": 1}]'), '--quiet')).code).toBe(0);
  });
});

describe('--out DIR that already holds an earlier run (defect 9)', () => {
  it('a passing run into the DIR of a failing one leaves no violations.txt saying it failed (the old file stayed beside the new report)', () => {
    const out = join(dir, 'reused-out');
    expect(cli('run', '--scenario', 'teeth-read-without-read-index', '--out', out, '--quiet').code).toBe(1);
    expect(existsSync(join(out, 'violations.txt'))).toBe(true);
    expect(cli('run', '--scenario', 'heartbeat-crash', '--out', out, '--quiet').code).toBe(0);
    expect(existsSync(join(out, 'violations.txt'))).toBe(false);
    expect((JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { scenario: string }).scenario).toBe('heartbeat-crash');
  });
});

describe('sweep flags (defect 10)', () => {
  it('--shard 3/3 of 1..2 exits 2 saying why the shard is empty and the fix, and leaves no --out (it said only "holds no seeds of 1..2")', () => {
    const out = join(dir, 'empty-shard');
    refused(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..2', '--shard', '3/3', '--jobs', '1', '--out', out),
      /^faultline: --shard 3\/3 holds no seeds of 1\.\.2: seed s is in shard \(\(s - first\) mod n\) \+ 1 of n, and the range has 2 seeds, so shards past 2 run none; split it into at most 2 shards, or sweep a longer range\n$/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('bench environment variables (defect 6)', () => {
  it('FAULTLINE_MTTR_SEEDS=abc and FAULTLINE_MEMORY_QUICK=true exit 2 naming the variable and what it takes, with nothing on stdout (the first ran NaN seeds and measured nothing; the second ran the ten-minute slices it was meant to skip)', async () => {
    const [mttr, memory] = [
      await nodeScript('bin/bench.mjs', ['mttr'], { FAULTLINE_MTTR_SEEDS: 'abc' }),
      await nodeScript('bin/bench.mjs', ['memory'], { FAULTLINE_MEMORY_QUICK: 'true' }),
    ];
    expect(mttr.code, mttr.err).toBe(2);
    expect(mttr.err).toBe('bench: mttr: FAULTLINE_MTTR_SEEDS: expected a positive integer (at most 999999999), got "abc"\n');
    expect(memory.code, memory.err).toBe(2);
    expect(memory.err).toBe('bench: memory: FAULTLINE_MEMORY_QUICK: expected 1 (on) or 0 (off), got "true"\n');
    expect(mttr.out + memory.out).toBe('');
  }, 90_000);
});
