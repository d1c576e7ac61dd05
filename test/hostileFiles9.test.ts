// Goal: the ninth hostile-input round. Files, flags and workload modules a hostile or
// careless user gives the CLI are refused with exit 2, a message naming the file, field,
// hook or flag and the fix, no stack, nothing on stdout and nothing written; nothing a
// run could not judge passes.
// Method: each case writes its input into a fresh temporary directory and runs the CLI
// in-process (test/cliHarness.ts), or as a real process where the process's own end is the
// point; each was wrong before its fix (the comment says how).
import { existsSync } from 'node:fs';
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
    // setTimer(2.5) was rounded to 3 µs without a word.
    ['timerFraction', /^faultline: workload broken-contract: setTimer\(2\.5, "tick"\) of node 0's process asks for a delay of 2\.5 µs, not a whole number: simulated time counts whole µs, so say which one: Math\.ceil\(delay\) \(3 µs\) or Math\.round\(delay\) \(3 µs\)/, frame],
  ])('%s: run --out exits 2 naming the call and the fix, and writes nothing', async (where, ...patterns) => {
    const out = join(dir, `contract-out-${tmp.next()}`);
    const r = await cliAsync(ROOT, 'run', '--workload', MODULE, '--scenario', scenario(where), '--json', '--out', out);
    refused(r, ...patterns);
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
