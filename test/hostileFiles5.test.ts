// Goal: the fifth hostile-input round. Files and flags a hostile or careless user gives the
// CLI are refused with exit 2, a message naming the file, field or flag and the fix, no
// stack, nothing on stdout and nothing written; nothing they say is dropped or read other
// than as written.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts); each was wrong before its fix (the comment says how).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync } from './cliHarness.ts';
import { esc, refused, SCENARIO_HEAD, hostileTmp } from './support/hostile.ts';

const tmp = hostileTmp('fl-hostile5-');
const { dir, file, scenarioRefused } = tmp;

const HEAD = SCENARIO_HEAD;

describe('run writes no output over a file it reads (defect 1)', () => {
  it('--traces-out, --metrics-out, --logs-out or --out over the --scenario file or a --workload module exits 2 and leaves the file as it was (the scenario was replaced by the spans)', async () => {
    const scenario = file('scenario.yaml', readFileSync('scenarios/heartbeat-crash.yaml', 'utf8'));
    const before = readFileSync(scenario, 'utf8');
    for (const flag of ['--traces-out', '--metrics-out', '--logs-out']) {
      refused(cli('run', '--scenario', scenario, flag, scenario, '--quiet'), new RegExp(`^faultline: ${flag} ${esc(scenario)}: is the file --scenario reads \\(.*\\); writing ${flag} would overwrite it: give ${flag} another path`));
    }
    // A JSON scenario named report.json inside --out, which run writes.
    const outDir = join(dir, `out-${tmp.next()}`);
    mkdirSync(outDir);
    const json = JSON.stringify({ name: 'hostile', description: 'x', workload: 'heartbeat', topology: { nodes: 3 }, duration: '5s' });
    writeFileSync(join(outDir, 'report.json'), json);
    refused(cli('run', '--scenario', join(outDir, 'report.json'), '--out', outDir, '--quiet'), /--out .*report\.json: is the file --scenario reads/);
    expect(readFileSync(join(outDir, 'report.json'), 'utf8')).toBe(json);
    // A module imports 'faultline', so its copy lives in the checkout (.scratch is ignored by git).
    mkdirSync('.scratch', { recursive: true });
    const module = join(mkdtempSync(join(process.cwd(), '.scratch', 'hostile5-')), 'w.ts');
    const moduleText = readFileSync('test/fixtures/workloads/garbage.ts', 'utf8');
    writeFileSync(module, moduleText);
    try {
      const r = await cliAsync(process.cwd(), 'run', '--workload', module, '--scenario', 'heartbeat-crash', '--traces-out', module, '--quiet');
      refused(r, new RegExp(`--traces-out ${esc(module)}: is the file --workload reads`));
      expect(readFileSync(module, 'utf8')).toBe(moduleText);
    } finally {
      rmSync(dirname(module), { recursive: true, force: true });
    }
    expect(readFileSync(scenario, 'utf8')).toBe(before);
  });
});

describe('sweep writes no output over a file it reads (defect 1b)', () => {
  it('sweep --out DIR over a scenario file in DIR named junit.xml exits 2 and leaves it (it was replaced by the JUnit report)', () => {
    const outDir = join(dir, `sweep-out-${tmp.next()}`);
    mkdirSync(outDir);
    const scenario = join(outDir, 'junit.xml');
    writeFileSync(scenario, `${HEAD}duration: 2s\n`);
    refused(cli('sweep', '--scenario', scenario, '--seeds', '1..1', '--jobs', '1', '--out', outDir, '--quiet'), new RegExp(`^faultline: --out ${esc(scenario)}: is the file --scenario reads`));
    expect(readFileSync(scenario, 'utf8')).toBe(`${HEAD}duration: 2s\n`);
    expect(existsSync(join(outDir, 'results.jsonl'))).toBe(false);
  });
});

describe('YAML scenario files are read as YAML 1.2 (defect 2)', () => {
  it('a %YAML 1.1 directive exits 2 naming its line (the file ran under YAML 1.1: nodes 010 ran 8 nodes, 1:30 was 90 µs, << merged)', () => {
    scenarioRefused(`%YAML 1.1\n---\nname: hostile\ndescription: x\nworkload: heartbeat\ntopology: { nodes: 010 }\nduration: 5s\n`,
      /^ {2}line 1, column 1: the directive %YAML 1\.1 asks for YAML 1\.1, whose rules read 010 as 8, 1:30 as 90, yes as true and << as a merge; faultline reads YAML 1\.2: remove the line$/m);
    scenarioRefused(`%YAML 1.1\n---\n${HEAD}duration: 5s\nfaults:\n  - &x { at: 1s, kind: pause, node: 1, duration: 1s }\n  - { <<: *x, at: 2s }\n`, /line 1, column 1: the directive %YAML 1\.1/, /line 10, column 7: a merge key \(<<\) is not YAML 1\.2/);
    // %YAML 1.2 says what faultline reads anyway.
    const ok = file('ok.yaml', `%YAML 1.2\n---\n${HEAD}duration: 5s\n`);
    expect(cli('run', '--scenario', ok, '--quiet').code).toBe(0);
  });
});

describe('every key of a scenario is a name (defect 3)', () => {
  it('a list or mapping as a key, or a null key, exits 2 by line and column (a Node warning was printed and the key called "[ a, b ]"; ~: was a field named "")', () => {
    scenarioRefused(`${HEAD}duration: 5s\n? [a, b]\n: 1\n`, /^ {2}line 6, column 3: a key that is a list or mapping: every key of a scenario is a field name such as duration; name the field$/m);
    scenarioRefused(`${HEAD}duration: 5s\nfaults:\n  - { at: 1s, kind: crash, node: 1, ? { x: 1 } : 2 }\n`, /^ {2}line 7, column 39: a key that is a list or mapping/m);
    scenarioRefused(`${HEAD}duration: 5s\n~: 1\n`, /^ {2}line 6, column 1: an empty key \(null\): every key of a scenario is a field name/m);
  });
});

describe('a fault written to change nothing is refused (defect 4)', () => {
  it.each([
    // Each ran and passed (exit 0) as if the fault had been tested.
    ['{ at: 1s, kind: pause, node: 1, duration: 0s }', /^ {2}faults\[0\]\.duration: is 0: the pause fault starts and heals at the same instant, so the fault changes nothing and a run would pass as if it had been tested; give it a duration \(e\.g\. 1s\), or remove the fault$/m],
    ['{ at: 1s, kind: partition, groups: [[0], [1, 2]], duration: 0ms }', /^ {2}faults\[0\]\.duration: is 0: the partition fault/m],
    ['{ at: 1s, kind: throttle, node: 1, factor: 1, duration: 1s }', /^ {2}faults\[0\]\.factor: is 1: the node runs at its own speed/m],
    ['{ at: 1s, kind: tornWrites, node: 1, prob: 0, duration: 1s }', /^ {2}faults\[0\]\.prob: is 0: the tornWrites fault never fires/m],
    ['{ at: 1s, kind: memory, node: 1, bytes: 0, duration: 1s }', /^ {2}faults\[0\]\.bytes: is 0: the node holds no more memory than before/m],
    ['{ at: 1s, kind: byzantine, mode: corrupt, node: 1, fraction: 0, duration: 1s }', /^ {2}faults\[0\]\.fraction: is 0: no message of the node is corrupted/m],
  ])('%s exits 2 naming the field', (fault, pattern) => {
    scenarioRefused(`${HEAD}duration: 5s\nfaults:\n  - ${fault}\n`, pattern);
  });

  it('a swarm whose faults may last 0 exits 2 naming swarm.duration, for explore too (its drawn faults must read back)', () => {
    scenarioRefused(`${HEAD}duration: 8s\nswarm: { kinds: [pause], count: 1..2, window: [1s, 2s], duration: 0s..1s }\n`, /^ {2}swarm\.duration\[0\]: must be longer than 0: a drawn fault that lasts 0 starts and heals at the same instant, so it changes nothing \(start the range above 0, e\.g\. 100ms\.\.2s\)$/m);
    refused(cli('explore', '--scenario', join(dir, `${tmp.last()}-scenario.yaml`), '--runs', '2', '--quiet'), /swarm\.duration\[0\]: must be longer than 0/);
  });

  it('a crash of 0s (a reboot on the spot) still runs', () => {
    const ok = file('ok.yaml', `${HEAD}duration: 5s\nfaults:\n  - { at: 1s, kind: crash, node: 1, duration: 0s }\n`);
    expect(cli('run', '--scenario', ok, '--quiet').code).toBe(0);
  });
});

describe('check tells a keyword from a string (defect 5)', () => {
  it('a history writing one name as a keyword and as a string, in a value or a key, exits 2 naming both lines (a read of :a passed for a write of "a": LINEARIZABLE, exit 0)', async () => {
    const edn = file('mixed.edn', '{:process 0 :type :invoke :f :write :value "a"}\n{:process 0 :type :ok :f :write :value "a"}\n{:process 1 :type :invoke :f :read :value nil}\n{:process 1 :type :ok :f :read :value :a}\n');
    refused(await cliAsync(dir, 'check', edn), new RegExp(`^faultline: ${esc(edn)}: line 4: holds the keyword :a, and line 1 the string "a"; keywords and strings compare by name here, so the two would be checked as one value: write it one way\\n$`));
    const keyed = file('mixed-key.edn', '{:process 0 :type :invoke :f :write :value 1 :key :a}\n{:process 0 :type :ok :f :write :value 1 :key :a}\n{:process 1 :type :invoke :f :read :value nil :key "a"}\n{:process 1 :type :ok :f :read :value 1 :key "a"}\n');
    refused(await cliAsync(dir, 'check', keyed, '--model', 'kv'), /line 3: holds the string "a", and line 1 the keyword :a/);
    const log = file('mixed.log', 'INFO  jepsen.util - 0\t:invoke\t:write\t:a\nINFO  jepsen.util - 0\t:ok\t:write\t:a\nINFO  jepsen.util - 1\t:invoke\t:read\tnil\nINFO  jepsen.util - 1\t:ok\t:read\t"a"\n');
    refused(await cliAsync(dir, 'check', log), /line 4: holds the string "a", and line 1 the keyword :a/);
    // Written one way throughout, the same history is judged.
    expect((await cliAsync(dir, 'check', file('keywords.edn', readFileSync(edn, 'utf8').replace('"a"', ':a').replace('"a"', ':a')))).code).toBe(0);
  });
});

describe('a field with an empty name is named (defect 6)', () => {
  it('\'\': 1 at the top of a scenario exits 2 saying so (the message had no path: "  : unknown field")', () => {
    scenarioRefused(`${HEAD}duration: 5s\n'': 1\n`, /^ {2}\(root\): unknown field "" \(a field with an empty name\): a heartbeat scenario has name, description/m);
  });

  it('in a sweep file, "" is shown as "" (it was "(root): unknown field" and "results[0].: unknown field")', () => {
    const out = join(dir, `sweep-${tmp.next()}`);
    expect(cli('sweep', '--scenario', 'heartbeat-crash', '--seeds', '1..2', '--jobs', '1', '--out', out, '--quiet').code).toBe(0);
    const doc = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { results: Record<string, unknown>[] } & Record<string, unknown>;
    refused(cli('merge', file('top.json', JSON.stringify({ ...doc, '': 1 }))), /^ {2}"": unknown field: remove it/m);
    refused(cli('merge', file('entry.json', JSON.stringify({ ...doc, results: [{ ...doc.results[0], '': 1 }, doc.results[1]] }))), /^ {2}results\[0\]\."": unknown field: remove it/m);
  });
});

describe('a replay command names a path with spaces or quotes so that it reads back (defect 7)', () => {
  it('run --out of a scenario at "a b/it\'s $x.yaml" writes a report replay reproduces (it was refused as damaged: "Unexpected argument"), and prints a command a shell runs', () => {
    const sub = join(dir, `sp ace ${tmp.next()}`);
    mkdirSync(sub);
    const scenario = join(sub, "it's $x.yaml");
    writeFileSync(scenario, `${HEAD}duration: 2s\n`);
    const out = join(dir, `rp-${tmp.last()}`);
    const r = cli('run', '--scenario', scenario, '--out', out, '--quiet');
    expect(r.code, r.err).toBe(0);
    const quoted = `'${scenario.replace(/'/g, "'\\''")}'`;
    expect(r.out).toContain(`replay: npx faultline run --scenario ${quoted} --seed 1`);
    expect(spawnSync('sh', ['-c', `printf '%s\\n' ${quoted}`], { encoding: 'utf8' }).stdout).toBe(`${scenario}\n`);
    const replayed = cli('replay', join(out, 'report.json'));
    expect(replayed.code, replayed.err).toBe(0);
    expect(replayed.out).toMatch(/REPRODUCED/);
    // A hand-edited command whose quote is not closed is named as such.
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, unknown>;
    const cut = file('report.json', JSON.stringify({ ...report, replay: `npx faultline run --scenario 'a b.yaml --seed 1` }));
    refused(cli('replay', cut), /replay: a quote is not closed in "npx faultline run --scenario 'a b\.yaml --seed 1"/);
  });
});
