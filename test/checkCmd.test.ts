// Goal: `faultline check` gives a history file's verdict as a user needs it: linearizable
// (exit 0), not (exit 1, with the failing operations explained), undecided within its
// budget (exit 3, never a pass); and refuses a bad file or flag with exit 2 naming the file,
// the line and the fix, before printing any verdict.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAsync } from './cliHarness.ts';

let dir: string;
const file = (name: string, text: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const GOOD = ['INFO  jepsen.util - 0\t:invoke\t:write\t1', 'INFO  jepsen.util - 0\t:ok\t:write\t1', 'INFO  jepsen.util - 1\t:invoke\t:read\tnil', 'INFO  jepsen.util - 1\t:ok\t:read\t1', 'INFO  jepsen.util - 2\t:invoke\t:cas\t[2 3]', 'INFO  jepsen.util - 2\t:fail\t:cas\t[2 3]', 'INFO  jepsen.util - 3\t:invoke\t:write\t9', 'INFO  jepsen.util - 3\t:fail\t:write\t9'].join('\n');
// Read 1, then (strictly later) read 0 with nothing writing 0: a stale read.
const STALE = ['{:process 0, :type :invoke, :f :write, :value 0}', '{:process 0, :type :ok, :f :write, :value 0}', '{:process 0, :type :invoke, :f :write, :value 1}', '{:process 0, :type :ok, :f :write, :value 1}', '{:process 1, :type :invoke, :f :read, :value nil}', '{:process 1, :type :ok, :f :read, :value 0}'].join('\n');

// Two writes in flight at once, then reads: a search must order the writes.
const OVERLAP = ['{:process 0, :type :invoke, :f :write, :value 1}', '{:process 1, :type :invoke, :f :write, :value 2}', '{:process 2, :type :invoke, :f :read, :value nil}', '{:process 0, :type :ok, :f :write, :value 1}', '{:process 1, :type :ok, :f :write, :value 2}', '{:process 2, :type :ok, :f :read, :value 1}', '{:process 2, :type :invoke, :f :read, :value nil}', '{:process 2, :type :ok, :f :read, :value 2}'].join('\n');

// Knossos's kinds of history (data/multi-register, data/mutex): a transaction over two
// registers that start at 0, read concurrently with a write of both (it sees all or none).
const TXN = (readY: number): string => `[{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:write :y 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]]}
{:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:write :y 1]]}
{:process 1, :type :ok, :f :txn, :value [[:read :x 1] [:read :y ${readY}]]}
{:process 2, :type :invoke, :f :txn, :value [[:r :x nil]]}
{:process 2, :type :ok, :f :txn, :value [[:r :x nil]]}]`;
// A lock: process 1's acquire overlaps process 2's release, so a search must order them.
const LOCK = ['{:process 0, :type :invoke, :f :acquire, :value nil}', '{:process 0, :type :ok, :f :acquire, :value nil}', '{:process 1, :type :invoke, :f :acquire, :value nil}', '{:process 2, :type :invoke, :f :release, :value nil}', '{:process 2, :type :ok, :f :release, :value nil}', '{:process 1, :type :ok, :f :acquire, :value nil}', '{:process 3, :type :invoke, :f :release, :value nil}', '{:process 3, :type :fail, :f :release, :error :not-held}'].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fl-check-'));
});

const check = (...argv: string[]) => cliAsync(dir, 'check', ...argv);

describe('faultline check', () => {
  it('says LINEARIZABLE (exit 0) or NOT LINEARIZABLE (exit 1) with the failing operations', async () => {
    const good = file('good.log', GOOD);
    const ok = await check(good);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/jepsen-log, model register \(inferred from cas, read, write\): 3 operations, 1 failed \(left out: no effect\)/);
    expect(ok.out).toMatch(/LINEARIZABLE: 1 partition in \d+ segments?, \d+ search steps?, /);
    const stale = await check(file('stale.edn', STALE));
    expect(stale.code).toBe(1);
    expect(stale.out).toMatch(/NOT LINEARIZABLE/);
    expect(stale.out).toMatch(/read\(\) observed 0, but from 1 it would return 1/);
    expect(stale.out).toMatch(/times are the events' positions in the file/);
  });

  it('is INCONCLUSIVE (exit 3) when the search runs out, never a pass', async () => {
    const overlap = file('overlap.edn', OVERLAP);
    expect((await check(overlap)).code).toBe(0);
    const r = await check(overlap, '--steps', '1');
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/INCONCLUSIVE: .*spent its budget of 1 step.* \(--steps 1 per search\)/);
    expect((await check(overlap, '--steps', '1', '--allow-inconclusive')).code).toBe(0);
    // A history of a nemesis alone decides nothing: inconclusive, not linearizable.
    const nemesis = await check(file('nemesis.edn', '{:process :nemesis, :type :info, :f :start, :value nil}'));
    expect(nemesis.code).toBe(3);
    expect(nemesis.out).toMatch(/INCONCLUSIVE: the history holds no client operation to check \(edn, model register .*1 non-client event skipped\); nothing was decided/);
    // Made illegal (the last read sees 3, which nobody wrote), it is still undecided within 1 step, not failed or passed.
    expect((await check(file('overlap-bad.edn', OVERLAP.replace(/:value 2}$/, ':value 3}')), '--steps', '1')).code).toBe(3);
  });

  it('prints one JSON object with --json, and a line per file and a total for several', async () => {
    const good = file('good3.log', GOOD);
    const stale = file('stale3.edn', STALE);
    const r = await check(good, stale, '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as { verdict: string; files: { file: string; verdict: string; operations: number; illegal?: { opIds: number[]; explanation: string } }[] };
    expect(doc.verdict).toBe('fail');
    expect(doc.files.map((f) => [f.file, f.verdict, f.operations])).toEqual([
      [good, 'linearizable', 3],
      [stale, 'not-linearizable', 3],
    ]);
    expect(doc.files[1].illegal?.opIds).toContain(2);
    const human = await check(good, stale);
    expect(human.out).toMatch(/2 histories: 1 linearizable, 1 not, 0 inconclusive/);
    expect(human.err).toMatch(/good3\.log: LINEARIZABLE/);
    const quiet = await check(good, stale, '--quiet');
    expect(quiet.out).not.toMatch(/good3\.log/);
    expect(quiet.out).toMatch(/stale3\.edn/);
  });

  it('checks multi-register and mutex histories (Knossos\'s models), inferred from txn and acquire/release', async () => {
    const good = file('txn-good.edn', TXN(1));
    const ok = await check(good, '--initial', '0');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/edn, model multi-register \(inferred from txn\): 3 operations/);
    expect(ok.out).toMatch(/LINEARIZABLE: 1 partition/);
    // Half of the write transaction seen: x is 1 but y still 0.
    const torn = await check(file('txn-torn.edn', TXN(0)), '--initial', '0');
    expect(torn.code).toBe(1);
    expect(torn.out).toMatch(/txn\(r "x", r "y"\) observed \[r "x" 1, r "y" 0\], but from \{"x": 1, "y": 1, others 0\} it would return \[r "x" 1, r "y" 1\]/);
    // Without --initial every register starts as nil, so a read of 0 was written by nobody.
    expect((await check(good)).code).toBe(0);
    expect((await check(file('txn-zero.edn', TXN(1).replace('[:read :x 1]', '[:read :x 0]')))).code).toBe(1);
    const lock = file('lock.edn', LOCK);
    const l = await check(lock, '--json');
    expect(l.code).toBe(0);
    const doc = JSON.parse(l.out) as { files: { model: string; verdict: string; operations: number; failed: number }[] };
    expect(doc.files[0]).toMatchObject({ model: 'mutex', verdict: 'linearizable', operations: 3, failed: 1 });
    // Process 1's acquire answered before process 2's release began: two holders at once.
    const twoHolders = await check(file('lock-bad.edn', LOCK.replace('{:process 2, :type :invoke, :f :release, :value nil}\n{:process 2, :type :ok, :f :release, :value nil}\n{:process 1, :type :ok, :f :acquire, :value nil}', '{:process 1, :type :ok, :f :acquire, :value nil}\n{:process 2, :type :invoke, :f :release, :value nil}\n{:process 2, :type :ok, :f :release, :value nil}')), '--model', 'mutex');
    expect(twoHolders.code).toBe(1);
    expect(twoHolders.out).toMatch(/acquire\(\) observed ok, but from held it would return refused/);
    // Out of steps is INCONCLUSIVE for these models too, never a pass.
    for (const [f, extra] of [[lock, []], [good, ['--initial', '0']]] as const) {
      const r = await check(f, ...extra, '--steps', '1');
      expect(r.code, f).toBe(3);
      expect(r.out, f).toMatch(/INCONCLUSIVE: the search of the last \d+ operations spent its budget of 1 step/);
    }
    expect((await check(file('txn-torn2.edn', TXN(0)), '--initial', '0', '--steps', '1')).code).toBe(3);
  });

  it('hints at --initial when a key-value history reads "" for a missing key', async () => {
    const kv = file('kv.edn', ['{:process 0, :type :invoke, :f :get, :key "k", :value nil}', '{:process 0, :type :ok, :f :get, :key "k", :value ""}'].join('\n'));
    const r = await check(kv);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/hint: .*--initial '""'/);
    expect((await check(kv, '--initial', '""')).code).toBe(0);
  });

  it('agrees with the run\'s own linearizability verdict on what `run --history-out` wrote, and the run keeps its hash', async () => {
    const plain = JSON.parse(cli('run', '--scenario', 'raft-kv-basic', '--seed', '1', '--json').out) as { traceHash: string };
    for (const [scenario, code, verdict] of [['raft-kv-basic', 0, 'linearizable'], ['teeth-read-without-read-index', 1, 'not-linearizable']] as const) {
      const out = join(dir, `${scenario}.jsonl`);
      const run = await cliAsync(dir, 'run', '--scenario', scenario, '--seed', '1', '--json', '--history-out', out);
      const report = JSON.parse(run.out) as { traceHash: string; violations: { check: string }[] };
      expect(report.violations.some((v) => v.check === 'linearizability')).toBe(code === 1);
      if (scenario === 'raft-kv-basic') expect(report.traceHash).toBe(plain.traceHash);
      const r = await check(out, '--model', 'kv', '--json');
      expect(r.code, scenario).toBe(code);
      const doc = JSON.parse(r.out) as { files: { verdict: string; operations: number }[] };
      expect(doc.files[0].verdict).toBe(verdict);
      expect(doc.files[0].operations).toBeGreaterThan(500);
    }
  }, 60_000);

  it('`run --history-out` on a run that records no key-value history is refused before the run, and writes nothing', async () => {
    for (const [scenario, why] of [['raft-idle', /the scenario has no clients \(clients\.count and clients\.readers are 0\)/], ['heartbeat-idle', /the heartbeat workload has no key-value clients/], ['rag-basic', /the rag workload's clients query a vector index/]] as const) {
      const out = join(dir, `none-${scenario}.jsonl`);
      const run = await cliAsync(dir, 'run', '--scenario', scenario, '--seed', '1', '--history-out', out);
      expect(run.code, scenario).toBe(2);
      expect(run.err, scenario).toMatch(/^faultline: --history-out: this run records no key-value history: /);
      expect(run.err, scenario).toMatch(why);
      expect(run.out, scenario).toBe('');
      expect(existsSync(out), scenario).toBe(false);
    }
  });

  it('refuses bad files and flags with exit 2, naming the file and line, and prints no verdict', async () => {
    const good = file('good4.log', GOOD);
    const broken = file('broken.edn', STALE + '\n{:process 2, :type :ok, :f :read, :value 1}');
    const cases: [string[], RegExp][] = [
      [[good, broken], /broken\.edn: line 7: process 2 completes read \(ok\) but has no operation open/],
      [[file('bin.edn', Buffer.from([0x7b, 0x00, 0x7d]))], /bin\.edn holds a NUL byte/],
      [[file('latin1.edn', Buffer.from([0x7b, 0xe9, 0x7d]))], /not valid UTF-8/],
      [[dir], /is a directory; name a file/],
      [[join(dir, 'missing.edn')], /missing\.edn: cannot read .*: no such file/],
      [[file('empty.json', '')], /empty\.json: the file is empty/],
      [[good, '--model', 'graph'], /--model: expected one of register, kv, set, queue, mutex, multi-register, got "graph"/],
      [[file('txn-bad.edn', '{:process 0, :type :invoke, :f :txn, :value [[:r :x nil] [:cas :x 1 2]]}')], /txn-bad\.edn: line 1: micro-op 2 of the txn is \["cas","x",1,2\]; each micro-op is \[f k v\]/],
      [[file('txn-op.edn', '{:process 0, :type :invoke, :f :txn, :value [[:append :x 1]]}')], /txn-op\.edn: line 1: micro-op 1 of the txn is \["append","x",1\]; its f must be :r \(or :read\) or :w \(or :write\)/],
      [[file('lock-initial.edn', LOCK), '--initial', '0'], /lock-initial\.edn: --initial: only the register, kv and multi-register models start from a value \(a mutex starts free\)/],
      [[good, '--initial', 'abc'], /--initial: expected a JSON value/],
      [[good, '--initial', '[1]'], /--initial: expected a string, a number or null/],
      [[good, '--steps', '0'], /--steps: expected a positive integer/],
      [[good, '--timeout', 'soon'], /--timeout: expected a duration/],
      [[good, good], /is named twice/],
      [[], /name at least one history file/],
    ];
    for (const [argv, message] of cases) {
      const r = await check(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.out, argv.join(' ')).toBe('');
    }
  });

  // Each of these was read and checked before (exit 0 or 3): a value rounded, a client's
  // events skipped, a reading flag that changed nothing, a missing value taken as nil.
  it('refuses what it would otherwise read wrongly or ignore: exit 2 naming the file, the place and the fix', async () => {
    const good = file('good5.log', GOOD);
    const set = file('set.edn', '{:process 0, :type :invoke, :f :add, :value 1}\n{:process 0, :type :ok, :f :add, :value 1}');
    const ops = file('ops.json', '[{"clientId": 0, "input": {"op": "write", "value": 1}, "call": 0, "return": 1, "output": {"ok": true}}]');
    const cases: [string[], RegExp][] = [
      // Integers past 2^53 in JSON: JSON.parse rounds them, so two different values compare equal.
      [[file('big.jsonl', '{"process": 0, "type": "invoke", "f": "write", "value": 12345678901234567890}\n{"process": 0, "type": "ok", "f": "write", "value": 12345678901234567891}')], /big\.jsonl: line 1, column 57: the integer 12345678901234567890 is too large to compare exactly .*write it as a string/],
      [[file('big.json', '[{"process": 0, "type": "invoke", "f": "write", "value": 1},\n {"process": 0, "type": "ok", "f": "write", "value": 99999999999999999999}]')], /big\.json: line 2, column \d+: the integer 99999999999999999999 is too large/],
      [[good, '--initial', '12345678901234567890'], /--initial: the integer 12345678901234567890 is too large to compare exactly/],
      // A key given twice on the first line of JSON Lines was blamed on line 2 ("non-whitespace after JSON").
      [[file('dupkey.jsonl', '{"process": 0, "process": 1, "type": "invoke", "f": "write", "value": 1}\n{"process": 0, "type": "ok", "f": "write", "value": 1}')], /dupkey\.jsonl: line 1, column \d+: "process" is given twice/],
      // A quoted client id was skipped as a nemesis: the client's operations were never checked.
      [[file('strproc.jsonl', '{"process": "0", "type": "invoke", "f": "write", "value": 1}\n{"process": "0", "type": "ok", "f": "write", "value": 1}')], /strproc\.jsonl: line 1: process is "0", a number written as a string; .*write "process": 0/],
      [[file('strproc.edn', '{:process "1", :type :invoke, :f :read, :value nil}')], /strproc\.edn: line 1: process is "1", a number written as a string; .*write :process 1/],
      // A value missing where the model reads one was taken as nil.
      [[file('nowrite.edn', '{:process 0, :type :invoke, :f :write}\n{:process 0, :type :ok, :f :write}')], /nowrite\.edn: line 1: the event has no value, and the written value is read from it; give the value/],
      [[file('noread.edn', '{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, :type :ok, :f :read}')], /noread\.edn: line 2: the event has no value, and the value read is read from it/],
      [[file('nocas.json', '{"process": 0, "type": "invoke", "f": "cas"}')], /nocas\.json: line 1: the event has no value, and cas's \[expected new\] is read from it/],
      // Reading flags the file's model (or format) never uses changed nothing, without a word.
      [[set, '--cas-fail', 'refused'], /set\.edn: --cas-fail: the set model has no cas operation, so --cas-fail would change nothing; drop it/],
      [[set, '--nil-reads', 'unseen'], /set\.edn: --nil-reads: the set model has no register read that returns nil.*drop it/],
      [[ops, '--independent'], /ops\.json: --independent: this file holds faultline's own operations .*drop it/],
      [[ops, '--cas-fail', 'mismatch'], /ops\.json: --cas-fail: this file holds faultline's own operations/],
      // --format jepsen-log on a file with no jepsen.util line skipped every line (exit 3, "nothing decided").
      [[set, '--format', 'jepsen-log'], /set\.edn: no line is a jepsen\.util log line .*drop --format jepsen-log \(read as --format jepsen-log, but the text looks like edn: drop --format or give --format edn\)/],
      [[set, '--format', 'json'], /set\.edn: line 1, column 2: .*\(read as --format json, but the text looks like edn/],
      // faultline's own operations: a misspelt field was read as absent (a read that observed nothing passes any history).
      [[file('typo-out.json', '[{"clientId": 0, "input": {"op": "write", "value": 1}, "call": 0, "return": 1, "output": {"ok": true}}, {"clientId": 1, "input": {"op": "read"}, "call": 2, "return": 3, "output": {"ok": true, "vlaue": 7}}]')], /typo-out\.json: item 2: output\.vlaue is not a field of a register model's output; it has ok, value, current, error: fix or remove it/],
      [[file('typo-in.json', '[{"clientId": 0, "input": {"op": "read", "kye": "a"}, "call": 0, "return": 1, "output": {"ok": true, "value": null}}]')], /typo-in\.json: item 1: input\.kye is not a field of a register read; it has op, key: fix or remove it/],
      [[file('typo-op.json', '[{"clientId": 0, "input": {"op": "read"}, "call": 0, "retrun": 1, "output": {"ok": true, "value": null}}]')], /typo-op\.json: item 1: "retrun" is not a field of an operation; an operation has clientId, opId, input, call, return, output/],
      [[file('opid.json', '[{"clientId": 0, "opId": 0.5, "input": {"op": "read"}, "call": 0, "return": 1, "output": {"ok": true, "value": null}}]')], /opid\.json: item 1: opId is 0\.5; an opId is a non-negative integer/],
      // An event that lost its key was checked as a register of its own.
      [[file('lostkey.edn', '{:process 0, :type :invoke, :f :write, :value 1, :key "a"}\n{:process 0, :type :ok, :f :write, :value 1, :key "a"}\n{:process 1, :type :invoke, :f :read, :value nil}\n{:process 1, :type :ok, :f :read, :value 1}')], /lostkey\.edn: line 3: this read has no key, but the write on line 1 has key "a"; .*give every event a key or none/],
      // A write completed with another value than it was invoked with: the invoke's was taken, the other not read.
      [[file('twovalues.log', 'INFO  jepsen.util - 0\t:invoke\t:write\t1\nINFO  jepsen.util - 0\t:ok\t:write\t2')], /twovalues\.log: line 2: process 0 completes write 2 but invoked write 1 \(line 1\); a write's completion repeats the invoke's value, so one of the two lines is wrong/],
      [[file('twocas.edn', '{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :ok, :f :cas, :value [1 3]}')], /twocas\.edn: line 2: process 0 completes cas \[1,3\] but invoked cas \[1,2\]/],
      // Keys beside "history" were ignored (a "model" there chose nothing).
      [[file('wrapped.json', '{"model": "set", "history": [{"process": 0, "type": "invoke", "f": "read", "value": null}]}')], /wrapped\.json: line 1: the document holds "history" and also "model", which nothing reads; .*choose the model with --model/],
      // A key written as a number and as a string (1 and "1") was one key.
      [[file('keykinds.jsonl', '{"process": 0, "type": "invoke", "f": "write", "value": 1, "key": 1}\n{"process": 0, "type": "ok", "f": "write", "value": 1, "key": 1}\n{"process": 1, "type": "invoke", "f": "read", "value": null, "key": "1"}')], /keykinds\.jsonl: line 3: the key is the string "1", and on line 1 it is the number 1; keys compare as text here, so the two would be checked as one key: write each key one way/],
      [[file('tuples.edn', '{:process 0, :type :invoke, :f :write, :value [1 5]}\n{:process 1, :type :invoke, :f :write, :value ["1" 6]}'), '--independent'], /tuples\.edn: line 2: the key is the string "1", and on line 1 it is the number 1/],
      // --quiet with --json changed nothing.
      [[good, '--json', '--quiet'], /^faultline: --quiet: leaves the linearizable histories out of the text output, and --json prints every history in one object; give one or the other\n$/],
      // One file by two names was checked and counted twice.
      [[good, `${dir}/./good5.log`], /check: .*good5\.log and .*\/\.\/good5\.log are the same file/],
    ];
    for (const [argv, message] of cases) {
      const r = await check(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
      expect(r.out, argv.join(' ')).toBe('');
    }
    // What still reads: a named process (a nemesis) is skipped and counted, a read's invoke needs no value.
    const fine = await check(file('fine.edn', '{:process :nemesis, :type :info, :f :start}\n{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read, :value nil}'));
    expect(fine.code).toBe(0);
    expect(fine.out).toMatch(/1 operation, 1 non-client event skipped/);
  });
});
