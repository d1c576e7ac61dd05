// Goal: histories recorded elsewhere (Jepsen EDN and log lines, JSON events, faultline's own
// operations) read to the operations they mean, the same in every format, with every event
// accounted for; and a malformed file is an error naming its line, never a silently shorter
// history. The verdicts are the checker's (tested elsewhere); here they show the conversion
// kept what decides them (a failed cas, an :info, an open invoke).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../linearizability.ts';
import { EDN_DEPTH_MAX, EdnError, EdnTagged, Keyword, readEdn } from './edn.ts';
import { detectFormat, HistoryFileError, modelFor, readHistoryText, type ReadHistoryOptions } from './readHistory.ts';

function verdictOf(text: string, opts: ReadHistoryOptions = {}): string {
  const h = readHistoryText(text, opts);
  return checkHistory(modelFor(h.model, opts.initial ?? null), h.ops).verdict;
}

function ednError(text: string): EdnError {
  try {
    readEdn(text);
  } catch (e) {
    if (e instanceof EdnError) return e;
    throw e;
  }
  throw new Error(`read without an error: ${text}`);
}

describe('readEdn', () => {
  it('reads the values histories hold', () => {
    const [m] = readEdn('{:process 0, :type :invoke, :f :cas, :value [3 nil], :s "a\\"b\\u00e9", :x 1.5, :t true, :n -7N}');
    const map = m.value as Map<string, unknown>;
    expect(map.get('process')).toBe(0);
    expect(map.get('type')).toEqual(new Keyword('invoke'));
    expect(map.get('value')).toEqual([3, null]);
    expect(map.get('s')).toBe('a"bé');
    expect([map.get('x'), map.get('t'), map.get('n')]).toEqual([1.5, true, -7]);
    expect(readEdn('#{1 2} (3 4) #_ {:dropped 1} #inst "2020-01-01" ; a comment\n#jepsen.history.Op{:a 1}').map((f) => f.value)).toEqual([[1, 2], [3, 4], new EdnTagged('inst', '2020-01-01'), new EdnTagged('jepsen.history.Op', new Map([['a', 1]]))]);
    expect(readEdn('{:a 1}\n\n{:b 2}').map((f) => f.line)).toEqual([1, 3]);
  });

  it('refuses what it cannot read exactly, with the line and column', () => {
    const cases: [string, RegExp, number, number][] = [
      ['{:a 1}\n{:b 2', /"\{" is not closed/, 2, 1],
      ['{:a 1}}', /"\}" closes nothing/, 1, 7],
      ['[1 2}', /does not close "\["/, 1, 5],
      ['{:a 1 :b}', /a value for every key/, 1, 1],
      ['{:a 1 :a 2}', /the key :a twice/, 1, 1],
      ['#{1 1}', /the same element twice/, 1, 1],
      ['12345678901234567890', /too large to compare exactly/, 1, 1],
      ['"abc', /string is not closed/, 1, 1],
      ['1/2', /ratios/, 1, 1],
      ['\\a', /character literals/, 1, 1],
      ['{[1] 2}', /map key must be/, 1, 1],
      ['"\\q"', /unknown escape/, 1, 2],
      ['[1 #_]', /"\]" closes nothing/, 1, 6],
    ];
    for (const [text, reason, line, column] of cases) {
      const e = ednError(text);
      expect(e.reason, text).toMatch(reason);
      expect([e.line, e.column], text).toEqual([line, column]);
    }
  });

  it('refuses nesting past its bound instead of overflowing the stack', () => {
    expect(ednError('['.repeat(100_000)).reason).toMatch(new RegExp(`deeper than ${EDN_DEPTH_MAX}`));
    expect(ednError('#_'.repeat(100_000) + '1').reason).toMatch(/deeper than/);
    expect(readEdn('['.repeat(EDN_DEPTH_MAX) + ']'.repeat(EDN_DEPTH_MAX))).toHaveLength(1);
  });
});

const LOG_OK = `INFO  jepsen.core - Running test
INFO  jepsen.util - 0\t:invoke\t:write\t1
INFO  jepsen.util - 0\t:ok\t:write\t1
INFO  jepsen.util - :nemesis\t:info\t:start\tnil
INFO  jepsen.util - 1\t:invoke\t:read\tnil
INFO  jepsen.util - 2   :invoke :cas    [1 2]
INFO  jepsen.util - 1\t:ok\t:read\t1
INFO  jepsen.util - 2   :ok     :cas    [1 2]
INFO  jepsen.util - 3\t:invoke\t:read\tnil
INFO  jepsen.util - 3\t:ok\t:read\t2
`;

describe('readHistoryText', () => {
  it('reads Jepsen log lines: operations paired by process, nemesis and other lines counted', () => {
    const h = readHistoryText(LOG_OK);
    expect(h.format).toBe('jepsen-log');
    expect(h.model).toBe('register');
    expect(h.counts).toEqual({ events: 8, operations: 4, unknownOutcome: 0, failed: 0, nonClientEvents: 1, otherLines: 1 });
    expect(h.ops.map((o) => [o.clientId, o.input, o.call, o.return, o.output])).toEqual([
      [0, { op: 'write', value: 1 }, 0, 1, { ok: true }],
      [1, { op: 'read' }, 2, 4, { ok: true, value: 1 }],
      [2, { op: 'cas', expected: 1, value: 2 }, 3, 5, { ok: true }],
      [3, { op: 'read' }, 6, 7, { ok: true, value: 2 }],
    ]);
    expect(verdictOf(LOG_OK)).toBe('ok');
    expect(verdictOf(LOG_OK.replace('3\t:ok\t:read\t2', '3\t:ok\t:read\t1'))).toBe('illegal');
  });

  it('keeps what a failed cas says, and leaves out what failed with no effect', () => {
    // The register holds 1; a cas from 1 that failed says it did not hold 1: illegal.
    const lines = ['{:process 0 :type :invoke :f :write :value 1}', '{:process 0 :type :ok :f :write :value 1}', '{:process 1 :type :invoke :f :cas :value [1 5]}', '{:process 1 :type :fail :f :cas :value [1 5]}'];
    const text = lines.join('\n');
    expect(verdictOf(text)).toBe('illegal');
    expect(verdictOf(text, { casFail: 'refused' })).toBe('ok');
    expect(readHistoryText(text, { casFail: 'refused' }).counts.failed).toBe(1);
    // A failed write did not happen: a read of its value afterwards is illegal.
    const failedWrite = ['{:process 0 :type :invoke :f :write :value 7}', '{:process 0 :type :fail :f :write :value 7}', '{:process 1 :type :invoke :f :read :value nil}', '{:process 1 :type :ok :f :read :value 7}'].join('\n');
    expect(readHistoryText(failedWrite).counts).toMatchObject({ operations: 1, failed: 1 });
    expect(verdictOf(failedWrite)).toBe('illegal');
  });

  it('gives :info and never-completed operations an unknown outcome', () => {
    const info = ['{:process 0 :type :invoke :f :write :value 7}', '{:process 0 :type :info :f :write :value :timed-out}', '{:process 1 :type :invoke :f :read :value nil}', '{:process 1 :type :ok :f :read :value 7}', '{:process 1 :type :invoke :f :read :value nil}', '{:process 1 :type :ok :f :read :value nil}'];
    // The write may take effect late (after the first read) or... not at all: no order
    // explains 7 then nil, since nothing writes nil back.
    expect(verdictOf(info.join('\n'))).toBe('illegal');
    expect(verdictOf(info.slice(0, 4).join('\n'))).toBe('ok');
    const open = readHistoryText(info.slice(0, 1).concat(info.slice(2, 4)).join('\n'));
    expect(open.counts.unknownOutcome).toBe(1);
    expect(open.ops[1].return).toBe(Infinity);
    expect(checkHistory(modelFor('register'), open.ops).verdict).toBe('ok');
  });

  it('reads keyed key-value histories, with the initial value a system gives a missing key', () => {
    const text = ['{:process 0, :type :invoke, :f :get, :key "k", :value nil}', '{:process 0, :type :ok, :f :get, :key "k", :value ""}', '{:process 0, :type :invoke, :f :append, :key "k", :value "x"}', '{:process 0, :type :ok, :f :append, :key "k", :value "x"}', '{:process 1, :type :invoke, :f :get, :key "k", :value nil}', '{:process 1, :type :ok, :f :get, :key "k", :value "x"}'].join('\n');
    expect(readHistoryText(text).model).toBe('kv');
    expect(verdictOf(text)).toBe('illegal');
    expect(verdictOf(text, { initial: '' })).toBe('ok');
    expect(() => modelFor('kv', 3)).toThrow(/JSON string/);
  });

  it('reads a file without client operations as no operations, with its counts', () => {
    expect(readHistoryText('INFO  jepsen.core - nothing here\nINFO  jepsen.util - setting up', { format: 'jepsen-log' })).toMatchObject({ ops: [], counts: { otherLines: 2, events: 0 } });
    // With no jepsen.util line at all, --format jepsen-log would skip every line: that is not a log of a history.
    expect(() => readHistoryText('INFO  jepsen.core - nothing here', { format: 'jepsen-log' })).toThrow(/no line is a jepsen\.util log line/);
    expect(readHistoryText('{:process :nemesis :type :info :f :start}')).toMatchObject({ ops: [], counts: { nonClientEvents: 1 } });
    expect(readHistoryText('{:process 0 :type :invoke :f :write :value 1}\n{:process 0 :type :fail :f :write :value 1}')).toMatchObject({ ops: [], counts: { failed: 1 } });
    expect(() => readHistoryText(' \n')).toThrow(/the file is empty/);
  });

  it('reads a nil read as a value by default, as observing nothing with nilReads unseen (Knossos)', () => {
    const text = ['{:process 0 :type :invoke :f :read :value nil}', '{:process 0 :type :ok :f :read :value nil}', '{:process 0 :type :invoke :f :read :value nil}', '{:process 0 :type :ok :f :read :value 0}'].join('\n');
    expect(verdictOf(text, { initial: 0 })).toBe('illegal');
    expect(verdictOf(text, { initial: 0, nilReads: 'unseen' })).toBe('ok');
    expect(readHistoryText(text, { nilReads: 'unseen' }).ops[0].output).toEqual({ ok: true });
    const kv = '{:process 0 :type :invoke :f :get :key "a" :value nil}\n{:process 0 :type :ok :f :get :key "a" :value nil}';
    expect(readHistoryText(kv, { nilReads: 'unseen' }).ops[0].output).toBeNull();
    expect(verdictOf(kv, { initial: 'x' })).toBe('illegal');
    expect(verdictOf(kv, { initial: 'x', nilReads: 'unseen' })).toBe('ok');
  });

  it('reads jepsen.independent tuples as keys with --independent', () => {
    const text = ['{:process 0 :type :invoke :f :write :value [1 5]}', '{:process 0 :type :ok :f :write :value [1 5]}', '{:process 1 :type :invoke :f :read :value [2 nil]}', '{:process 1 :type :ok :f :read :value [2 nil]}', '{:process 1 :type :invoke :f :read :value [1 nil]}', '{:process 1 :type :ok :f :read :value [1 5]}'].join('\n');
    const h = readHistoryText(text, { independent: true });
    expect(h.ops.map((o) => o.input)).toEqual([{ op: 'write', key: '1', value: 5 }, { op: 'read', key: '2' }, { op: 'read', key: '1' }]);
    expect(verdictOf(text, { independent: true })).toBe('ok');
    expect(verdictOf(text.replace('[2 nil]}\n{:process 1 :type :invoke :f :read :value [1 nil]', '[2 5]}\n{:process 1 :type :invoke :f :read :value [1 nil]'), { independent: true })).toBe('illegal');
    expect(() => readHistoryText('{:process 0 :type :invoke :f :write :value 5}', { independent: true })).toThrow(/^line 1: value is 5; with --independent every value is a \[key value\] tuple/);
  });

  it('reads JSON: events, and faultline operations with null for no return', () => {
    const events = JSON.stringify([
      { process: 0, type: 'invoke', f: 'enqueue', value: 1 },
      { process: 0, type: 'ok', f: 'enqueue', value: 1 },
      { process: 1, type: 'invoke', f: 'dequeue', value: null },
      { process: 1, type: 'ok', f: 'dequeue', value: 1 },
    ]);
    expect(detectFormat(events)).toBe('json');
    const q = readHistoryText(events);
    expect(q.model).toBe('queue');
    expect(verdictOf(events)).toBe('ok');
    const ops = [
      { clientId: 0, input: { op: 'add', value: 'a' }, call: 0, return: 10, output: { ok: true } },
      { clientId: 1, input: { op: 'read' }, call: 20, return: 30, output: { ok: true, values: [] } },
      { clientId: 2, input: { op: 'add', value: 'b' }, call: 40, return: null, output: null },
    ];
    const lines = ops.map((o) => JSON.stringify(o)).join('\n');
    const s = readHistoryText(lines);
    expect(s.model).toBe('set');
    expect(s.ops[2].return).toBe(Infinity);
    expect(verdictOf(lines)).toBe('illegal');
    expect(verdictOf(JSON.stringify({ history: ops.slice(0, 1) }))).toBe('ok');
  });

  it('reads multi-register transactions from EDN, JSON events and log lines alike (Knossos\'s :read/:write and Elle\'s :r/:w)', () => {
    // Knossos's data: one vector of events, keywords for keys, nil for reads not yet done.
    const edn = `; x and y start at 0
[{:type :invoke, :f :txn, :value [[:read :x nil] [:read :y nil]], :process 0}
{:type :invoke, :f :txn, :value [[:w :y 2] [:r :y nil]], :process 1}
{:type :ok, :f :txn, :value [[:w :y 2] [:r :y 2]], :process 1}
{:type :ok, :f :txn, :value [[:read :x 0] [:read :y nil]], :process 0}
{:type :invoke, :f :txn, :value [[:write :x 1]], :process 2}
{:type :info, :f :txn, :value [[:write :x 1]], :process 2}]`;
    const h = readHistoryText(edn);
    expect([h.format, h.model, h.modelFrom]).toEqual(['edn', 'multi-register', 'inferred from txn']);
    expect(h.ops.map((o) => [o.input, o.output])).toEqual([
      [{ op: 'txn', txn: [{ f: 'w', key: 'y', value: 2 }, { f: 'r', key: 'y' }] }, { ok: true, txn: [{ f: 'w', key: 'y', value: 2 }, { f: 'r', key: 'y', value: 2 }] }],
      // The nil read observed nothing (Knossos: "nil reads are always legal").
      [{ op: 'txn', txn: [{ f: 'r', key: 'x' }, { f: 'r', key: 'y' }] }, { ok: true, txn: [{ f: 'r', key: 'x', value: 0 }, { f: 'r', key: 'y' }] }],
      [{ op: 'txn', txn: [{ f: 'w', key: 'x', value: 1 }] }, null],
    ]);
    expect(h.counts.unknownOutcome).toBe(1);
    expect(verdictOf(edn, { initial: 0 })).toBe('ok');
    expect(verdictOf(edn)).toBe('illegal');
    // With nilReads 'value' a nil read says the register held nil: y was 0 or 2, never nil.
    expect(readHistoryText(edn, { nilReads: 'value' }).ops[1].output).toEqual({ ok: true, txn: [{ f: 'r', key: 'x', value: 0 }, { f: 'r', key: 'y', value: null }] });
    expect(verdictOf(edn, { initial: 0, nilReads: 'value' })).toBe('illegal');
    // The same events as JSON and as log lines read to the same operations.
    const events = [
      { process: 3, type: 'invoke', f: 'txn', value: [['r', 0, null], ['w', 1, 3]] },
      { process: 3, type: 'ok', f: 'txn', value: [['r', 0, 5], ['w', 1, 3]] },
    ];
    const log = 'INFO  jepsen.util - 3 :invoke :txn [[:r 0 nil] [:w 1 3]]\nINFO  jepsen.util - 3 :ok :txn [[:r 0 5] [:w 1 3]]';
    const fromEdn = readHistoryText(events.map((e) => `{:process 3, :type :${e.type}, :f :txn, :value ${e.type === 'ok' ? '[[:r 0 5] [:w 1 3]]' : '[[:r 0 nil] [:w 1 3]]'}}`).join('\n'));
    expect(fromEdn.ops[0].output).toEqual({ ok: true, txn: [{ f: 'r', key: '0', value: 5 }, { f: 'w', key: '1', value: 3 }] });
    expect(readHistoryText(JSON.stringify(events)).ops).toEqual(fromEdn.ops);
    expect(readHistoryText(log).ops).toEqual(fromEdn.ops);
    expect(verdictOf(log, { initial: 5 })).toBe('ok');
    expect(verdictOf(log)).toBe('illegal');
  });

  it('reads mutex histories, leaving out failed acquires and releases as Knossos does', () => {
    const text = ['{:process 0 :type :invoke :f :acquire :value nil}', '{:process 0 :type :ok :f :acquire :value nil}', '{:process 1 :type :invoke :f :release}', '{:process 1 :type :fail :f :release :error :not-held}', '{:process 1 :type :invoke :f :acquire}', '{:process 0 :type :invoke :f :release}', '{:process 0 :type :ok :f :release}', '{:process 1 :type :ok :f :acquire}'].join('\n');
    const h = readHistoryText(text);
    expect([h.model, h.counts.operations, h.counts.failed]).toEqual(['mutex', 3, 1]);
    expect(h.ops.map((o) => [o.input, o.output])).toEqual([[{ op: 'acquire' }, { ok: true }], [{ op: 'release' }, { ok: true }], [{ op: 'acquire' }, { ok: true }]]);
    expect(verdictOf(text)).toBe('ok');
    // Process 1's acquire completes before process 0's release is invoked: two holders.
    const twoHolders = text.split('\n');
    twoHolders.splice(5, 0, twoHolders.splice(7, 1)[0]);
    expect(verdictOf(twoHolders.join('\n'))).toBe('illegal');
    expect(() => modelFor('mutex', 0)).toThrow(/--initial: only the register, kv and multi-register models start from a value \(a mutex starts free\)/);
  });

  it('refuses a txn that is not a list of [f k v] micro-ops, or whose completion is another transaction, naming the line', () => {
    const inv = (value: string, line2?: string): string => [`{:process 0 :type :invoke :f :txn :value ${value}}`, line2 ?? `{:process 0 :type :ok :f :txn :value ${value}}`].join('\n');
    const bad: [string, RegExp][] = [
      [inv(':x'), /^line 1: txn's value is "x"; a transaction is a list of \[f k v\] micro-ops, e\.g\. \[\[:r :x nil\] \[:w :y 2\]\]/],
      [inv('[[:r :x]]'), /^line 1: micro-op 1 of the txn is \["r","x"\]; each micro-op is \[f k v\]/],
      [inv('[[:w :x 1] 7]'), /^line 1: micro-op 2 of the txn is 7; each micro-op is \[f k v\]/],
      [inv('[[:append :x 1]]'), /^line 1: micro-op 1 of the txn is \["append","x",1\]; its f must be :r \(or :read\) or :w \(or :write\)/],
      [inv('[[:r [1] nil]]'), /^line 1: micro-op 1 of the txn is \["r",\[1\],null\]; its key must be a keyword, a string or a number/],
      [inv('[[:w :x {:a 1}]]'), /^line 1: the value of micro-op 1 of the txn is \{"a":1\}; expected a string or a number \(or nil\/null\)/],
      [inv('[[:r :x nil]]', '{:process 0 :type :ok :f :txn :value [[:r :x 1] [:r :y 2]]}'), /^line 2: the txn completes with 2 micro-ops but was invoked with 1/],
      [inv('[[:r :x nil]]', '{:process 0 :type :ok :f :txn :value [[:r :y 1]]}'), /^line 2: micro-op 1 of the txn completes as \[r y\] but was invoked as \[r x\]/],
      [inv('[[:w :x 1]]', '{:process 0 :type :ok :f :txn :value [[:w :x 2]]}'), /^line 2: micro-op 1 of the txn completes writing 2 but was invoked writing 1/],
      ['INFO  jepsen.util - 3 :invoke :txn [[:r 0 nil] [:x 1 3]]', /^line 1: micro-op 2 of the txn is \["x",1,3\]; its f must be/],
      ['[{"process": 0, "type": "invoke", "f": "txn", "value": {"r": 1}}]', /^item 1: txn's value is \{"r":1\}/],
      ['{:process 0 :type :invoke :f :txn :value []}\n{:process 1 :type :invoke :f :acquire}', /^the history's functions \(acquire, txn\) fit no model; choose one with --model register\|kv\|set\|queue\|mutex\|multi-register$/],
      ['[{"clientId": 0, "input": {"op": "txn", "txn": [["r", "x", null]]}, "call": 0, "return": 2, "output": null}]', /^item 1: input.txn\[0\] is \["r","x",null\]; a micro-op is \{"f": "r" or "w", "key": a string, "value"\}/],
      ['[{"clientId": 0, "input": {"op": "txn", "txn": [{"f": "r", "key": "x"}]}, "call": 0, "return": 2, "output": {"ok": true, "txn": [{"f": "r", "key": "y", "value": 1}]}}]', /^item 1: output.txn\[0\] is \{"f":"r","key":"y","value":1\} but input.txn\[0\] is \{"f":"r","key":"x"\}/],
      ['[{"clientId": 0, "input": {"op": "txn", "txn": [{"f": "w", "key": "x", "value": [1]}]}, "call": 0, "return": 2, "output": null}]', /^item 1: input.txn\[0\].value is \[1\]; a write's value is a string, a number or null/],
    ];
    for (const [text, message] of bad) {
      let caught: unknown;
      try {
        readHistoryText(text);
      } catch (e) {
        caught = e;
      }
      expect(caught, text).toBeInstanceOf(HistoryFileError);
      expect((caught as Error).message, text).toMatch(message);
    }
    // faultline's own operations of both models, well formed, read and checked.
    const ops = [
      { clientId: 0, input: { op: 'txn', txn: [{ f: 'w', key: 'x', value: 1 }] }, call: 0, return: 10, output: { ok: true } },
      { clientId: 1, input: { op: 'txn', txn: [{ f: 'r', key: 'x' }] }, call: 20, return: 30, output: { ok: true, txn: [{ f: 'r', key: 'x', value: 1 }] } },
    ];
    expect(readHistoryText(JSON.stringify(ops)).model).toBe('multi-register');
    expect(verdictOf(JSON.stringify(ops))).toBe('ok');
    const locks = [{ clientId: 0, input: { op: 'acquire' }, call: 0, return: 10, output: { ok: true } }, { clientId: 1, input: { op: 'acquire' }, call: 20, return: 30, output: { ok: true } }];
    expect(verdictOf(JSON.stringify(locks))).toBe('illegal');
  });

  it('refuses files that are not histories of sequential clients, naming the line', () => {
    const bad: [string, RegExp, ReadHistoryOptions?][] = [
      ['{:process 0 :type :invoke :f :read}\n{:process 0 :type :invoke :f :read}', /^line 2: process 0 invokes read while its read from line 1 is still open/],
      ['{:process 0 :type :ok :f :read :value 1}', /^line 1: process 0 completes read \(ok\) but has no operation open/],
      ['{:process 0 :type :invoke :f :read}\n{:process 0 :type :ok :f :write :value 1}', /^line 2: process 0 completes write but invoked read/],
      ['{:process 0 :type :invoke :f :frobnicate}', /fit no model; choose one with --model/],
      ['{:process 0 :type :invoke :f :get :key "k"}\n{:process 1 :type :invoke :f :read}', /^line 2: a key-value operation needs a key/],
      ['{:process 0 :type :begin :f :read}', /^line 1: type is "begin"; it must be one of invoke, ok, fail, info/],
      ['{:process -1 :type :invoke :f :read}', /^line 1: process is -1/],
      ['{:type :invoke :f :read}', /^line 1: the event has no process/],
      ['{:process 0 :type :invoke :f :cas :value 3}', /^line 1: cas's value is 3; a cas gives \[expected new\]/],
      ['{:process 0 :type :invoke :f :write :value [1]}', /^line 1: the written value is \[1\]/],
      ['[1 2]', /^event 1 of the vector on line 1: expected an EDN map/],
      ['INFO  jepsen.util - 0 :invoke :read', /^line 1: an operation line is "process :type :f value"/],
      ['INFO  jepsen.util - 0 :invoke :read [1', /^line 1, column \d+: "\[" is not closed/],
      ['{"process": 0, "type": "invoke", "f": "read"}\n{"process": 0, "type": "ok", "f": "read", "value": 1', /^line 2, column \d+:/],
      ['[{"clientId": 0, "input": {"op": "read"}, "call": 5, "return": 2, "output": null}]', /^item 1: return \(2\) is before call \(5\)/],
      ['[{"clientId": 0, "input": {"op": "put", "key": "k", "value": 1}, "call": 0, "return": 2, "output": null}]', /^item 1: input.value is 1; expected a string/],
      ['[{"clientId": 0, "input": {"op": "read"}, "call": 0, "return": 2, "output": {"ok": true, "value": [1]}}]', /^item 1: output.value is \[1\]; the register model expects a string, a number or null/],
      ['[{"clientId": 0, "input": {"op": "get", "key": "k"}, "call": 0, "return": 2, "output": {"ok": false, "error": "nope"}}]', /^item 1: output.error is "nope"; the kv model expects "cas-mismatch" or "session-expired"/],
      ['INFO  jepsen.core - nothing here', /^line 1: expected an EDN map \(one event\), got "INFO"/],
      ['{:process 0 :type :invoke :f :enqueue :value 1}', /f is enqueue, which the register model does not know/, { model: 'register' }],
    ];
    for (const [text, message, opts] of bad) {
      let caught: unknown;
      try {
        readHistoryText(text, opts);
      } catch (e) {
        caught = e;
      }
      expect(caught, text).toBeInstanceOf(HistoryFileError);
      expect((caught as Error).message, text).toMatch(message);
    }
  });

  it('answers any text with a history or a HistoryFileError, never another exception', () => {
    // Text built from the pieces histories are made of, so the reader gets deep into them.
    const piece = fc.constantFrom('{', '}', '[', ']', '(', ')', '#{', '#_', '#inst ', ':process ', ':type ', ':invoke ', ':ok ', ':fail ', ':info ', ':f ', ':read ', ':write ', ':cas ', ':key ', ':value ', 'nil ', '0 ', '1 ', '-1 ', '2.5 ', '"k" ', '"\\u00e9" ', '"', '\\', ',', '\n', ';c\n', 'INFO  jepsen.util - ', '\t', '{"process": 0, "type": "invoke", "f": "read"}', '"input"', '"call"', ':', '99999999999999999999 ', '\u0000', ':txn ', ':acquire ', ':release ', ':r ', ':w ', ':append ', ':x ', '[:r :x nil] ', '[:w 1 2] ', '[[:read :y 3]] ', '[[:r 0 nil] [:w 1 3]] ');
    const opts = fc.record({ model: fc.constantFrom(undefined, 'register', 'kv', 'set', 'queue', 'mutex', 'multi-register'), format: fc.constantFrom(undefined, 'edn', 'jepsen-log', 'json'), independent: fc.boolean(), nilReads: fc.constantFrom(undefined, 'value', 'unseen') }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }).map((p) => p.join('')), opts, (text, o) => {
        try {
          const h = readHistoryText(text, o as ReadHistoryOptions);
          checkHistory(modelFor(h.model), h.ops, { maxSteps: 10_000 });
        } catch (e) {
          if (!(e instanceof HistoryFileError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
    // faultline's own operations with arbitrary inputs and outputs: validated, then checked.
    const value = fc.oneof(fc.constant(null), fc.integer({ min: -2, max: 2 }), fc.constantFrom('a', 'b', ''), fc.boolean(), fc.constant([1]), fc.constant({}));
    const microOp = fc.oneof(value, fc.record({ f: fc.constantFrom('r', 'w', 'x'), key: value, value }, { requiredKeys: ['f'] }));
    const txn = fc.oneof(value, fc.array(microOp, { maxLength: 3 }));
    const input = fc.record({ op: fc.constantFrom('get', 'put', 'append', 'cas', 'delete', 'read', 'write', 'add', 'remove', 'contains', 'enqueue', 'dequeue', 'acquire', 'release', 'txn', 'x'), key: value, value, expected: value, txn }, { requiredKeys: ['op'] });
    const output = fc.oneof(fc.constant(null), fc.record({ ok: fc.boolean(), value, values: fc.oneof(value, fc.array(value, { maxLength: 3 })), error: fc.constantFrom(undefined, 'cas-mismatch', 'session-expired', 'x'), current: value, txn }, { requiredKeys: ['ok'] }));
    const op = fc.record({ clientId: fc.nat(3), input, call: fc.nat(20), return: fc.oneof(fc.constant(null), fc.nat(40)), output });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), fc.constantFrom(undefined, 'register', 'kv', 'set', 'queue', 'mutex', 'multi-register'), (ops, model) => {
        const text = JSON.stringify(ops.map((o) => ({ ...o, return: o.return === null ? null : o.call + o.return })));
        try {
          const h = readHistoryText(text, { model: model as ReadHistoryOptions['model'] });
          checkHistory(modelFor(h.model), h.ops, { maxSteps: 10_000 });
        } catch (e) {
          if (!(e instanceof HistoryFileError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('reads one history the same from EDN, JSON events and Jepsen log lines', () => {
    type Ev = { process: number; type: 'invoke' | 'ok' | 'fail' | 'info'; f: 'read' | 'write' | 'cas'; value: number | null | [number, number] };
    // Random well-formed register histories: each client invokes, then completes.
    const history = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom<Ev['f']>('read', 'write', 'cas'), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom<Ev['type']>('ok', 'ok', 'fail', 'info')), { minLength: 1, maxLength: 30 }).map((steps) => {
      const events: Ev[] = [];
      const open = new Map<number, Ev>();
      for (const [p, f, a, b, end] of steps) {
        const o = open.get(p);
        if (o === undefined) {
          const e: Ev = { process: p, type: 'invoke', f, value: f === 'read' ? null : f === 'write' ? a : [a, b] };
          open.set(p, e);
          events.push(e);
        } else {
          open.delete(p);
          events.push({ process: p, type: o.f === 'read' && end === 'ok' ? 'ok' : end, f: o.f, value: o.f === 'read' ? (a === 0 ? null : a) : o.value });
        }
      }
      return events;
    });
    const edn = (v: Ev['value']): string => (v === null ? 'nil' : Array.isArray(v) ? `[${v.join(' ')}]` : String(v));
    fc.assert(
      fc.property(history, (events) => {
        const asEdn = events.map((e) => `{:process ${e.process}, :type :${e.type}, :f :${e.f}, :value ${edn(e.value)}}`).join('\n');
        const asJson = events.map((e) => JSON.stringify(e)).join('\n');
        const asLog = events.map((e) => `INFO  jepsen.util - ${e.process}\t:${e.type}\t:${e.f}\t${edn(e.value)}`).join('\n');
        const [a, b, c] = [asEdn, asJson, asLog].map((t) => readHistoryText(t, { model: 'register' }));
        expect([a.format, b.format, c.format]).toEqual(['edn', 'json', 'jepsen-log']);
        expect(b.ops).toEqual(a.ops);
        expect(c.ops).toEqual(a.ops);
        expect(b.counts).toEqual(a.counts);
        // Every event is an operation's invoke or completion, or a failure counted.
        const invokes = events.filter((e) => e.type === 'invoke').length;
        expect(a.counts.operations + a.counts.failed).toBe(invokes);
      }),
      { numRuns: 200 },
    );
  });
});
