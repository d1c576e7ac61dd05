// Goal: a bad scenario file is rejected before anything runs, with every problem listed by
// path and exit code 2: one case per class of mistake (unknown fault kind, negative
// duration, node out of range, YAML syntax, wrong types, no room for the liveness phase,
// bad swarm ranges). Method: write each file to a temp dir, run it through the CLI
// in-process with `--out`, and check the exit code, the messages and that no output
// directory was created (nothing ran).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { validateScenario } from '../sim/scenario/parse.ts';

const HEAD = ['name: bad', 'description: x', 'workload: heartbeat', 'topology: { nodes: 3 }'];

function reject(lines: string[], ...patterns: RegExp[]): string {
  return rejectText('bad.yaml', lines.join('\n') + '\n', ...patterns);
}

function rejectText(name: string, text: string | Uint8Array, ...patterns: RegExp[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'fl-bad-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  let out = '';
  let err = '';
  const io = { out: (s: string) => { out += s; }, err: (s: string) => { err += s; }, errIsTty: false, cwd: dir };
  const outDir = join(dir, 'out');
  for (const argv of [['run', '--scenario', file, '--out', outDir], ['sweep', '--scenario', file, '--seeds', '1..2', '--jobs', '1', '--out', outDir], ['shrink', '--scenario', file, '--seed', '1']]) {
    err = '';
    expect(main(argv, io)).toBe(2);
    for (const p of patterns) expect(err).toMatch(p);
  }
  expect(out).toBe('');
  expect(existsSync(outDir)).toBe(false);
  return err;
}

describe('bad scenario files', () => {
  it('an unknown fault kind is named by path', () => {
    reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 1s, kind: explode, node: 1 }'], /faults\[0\]\.kind/);
  });

  it('a negative duration is rejected, whether written as text or as a number', () => {
    const err = reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 1s, kind: pause, node: 1, duration: -200ms }', '  - { at: -5, kind: pause, node: 1, duration: 1s }'],
      /faults\[0\]\.duration: expected a non-negative duration/, /faults\[1\]\.at: expected a non-negative duration/);
    expect(err).toMatch(/2 problems/);
  });

  it('a node index out of range names the field and the topology size', () => {
    reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 1s, kind: byzantine, mode: forge, node: 3, duration: 1s }', '  - { at: 1s, kind: partition, groups: [[0], [1, 9]], duration: 1s }'],
      /faults\[0\]\.node: node 3 is out of range: the topology has 3 nodes/, /faults\[1\]\.groups\[1\]\[1\]: node 9 is out of range/);
  });

  it('partition groups and bridge sides must each hold a node and share none', () => {
    const err = reject([...HEAD, 'duration: 5s', 'faults:',
      '  - { at: 1s, kind: partition, groups: [[0, 1], [1, 2], []], duration: 1s }',
      '  - { at: 1s, kind: bridge, left: [0, 0], right: [0, 2], bridge: 1, duration: 1s }',
      '  - { at: 1s, kind: bridge, left: [1], right: [2], bridge: 1, duration: 1s }'],
    /faults\[0\]\.groups\[1\]: node 1 is also in groups\[0\]: a node belongs to one group only/, /faults\[0\]\.groups\[2\]: is empty/,
    /faults\[1\]\.left: lists node 0 twice/, /faults\[1\]\.right: node 0 is also in left: a node belongs to one side only/,
    /faults\[2\]\.left: holds no node but the bridge/);
    expect(err).toMatch(/5 problems/);
    // The bridge node itself may be listed on either side or both: it is the one left connected.
    const ok = validateScenario({ name: 'ok', description: 'x', workload: 'heartbeat', topology: { nodes: 3 }, duration: '5s', faults: [{ at: '1s', kind: 'bridge', left: [0, 1], right: [1, 2], bridge: 1, duration: '1s' }] });
    expect(ok.ok).toBe(true);
  });

  it('a missing field is called required, with what to add; a fault after the end names both times', () => {
    reject(['name: bad', 'workload: heartbeat', 'duration: 5s'], /description: is required: add it \(a string\)/, /topology: is required: add it \(an object\)/);
    reject(['name: bad', 'workload: nope', 'duration: 5s'], /description: is required: add it \(a string\)/, /workload: no workload named "nope"/);
    reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 6s, kind: crash, node: 1 }'], /faults\[0\]\.at: is after the end of the run \(6s > duration 5s\): move it earlier or make the run longer/);
  });

  it('a YAML syntax error gives the line and column', () => {
    reject(['name: bad', 'topology: { nodes: [3', 'duration: 5s'], /not valid YAML/, /line \d+, column \d+/);
  });

  it('wrong types are listed together, each with its path', () => {
    reject(['name: Bad Name', 'description: x', 'workload: heartbeat', 'topology: { nodes: three }', 'duration: true', 'faults:', '  - { at: 1s, kind: throttle, node: 1.5, factor: fast, duration: 1s }'],
      /name: use lowercase/, /topology\.nodes/, /duration: expected a non-negative duration/, /faults\[0\]\.node: must be an integer/, /faults\[0\]\.factor/);
  });

  it('a run too short for the liveness phase after the last heal is rejected', () => {
    reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 2s, kind: slowStart, node: 1, duration: 1s, startDelay: 500ms }', 'liveness: { within: 2s }'],
      /duration: leaves no room for the liveness phase: the last fault heals at 3500ms and liveness.within is 2s, so the run must last at least 5500ms/);
  });

  it('a fault lasting exactly until the end of the run needs no liveness phase of its own', () => {
    const ok = validateScenario({ name: 'ok', description: 'x', workload: 'heartbeat', topology: { nodes: 3 }, duration: '5s', faults: [{ at: '3s', kind: 'throttle', node: 1, factor: 4, duration: '2s' }], liveness: { within: '2s' } });
    expect(ok.ok).toBe(true);
    const short = validateScenario({ name: 'bad', description: 'x', workload: 'heartbeat', topology: { nodes: 3 }, duration: '5s', faults: [{ at: '3s', kind: 'throttle', node: 1, factor: 4, duration: '1999ms' }], liveness: { within: '2s' } });
    expect(short.ok).toBe(false);
  });

  it('bad swarm ranges and unknown swarm kinds are listed by path', () => {
    reject([...HEAD, 'duration: 10s', 'swarm: { kinds: [crash, meteor], count: 8..3, window: [1s, 9s], duration: 200ms..2s }'],
      /swarm\.kinds\[1\]/, /swarm\.count: the range is empty: 8 > 3/);
    reject([...HEAD, 'duration: 10s', 'swarm: { kinds: [crash], count: 3, window: [1s, 9s], duration: 200ms..2s }'],
      /swarm\.window: leaves no room for the liveness phase/);
  });

  it('a section another workload reads is refused by name, with the workloads that read it', () => {
    reject([...HEAD, 'duration: 5s', 'raft: { electionTicks: 20 }', 'load: { rate: 10 }'],
      /raft: the heartbeat workload does not read a raft section \(raft-kv and load-kv and rag and mapek do\): remove it, or set workload to raft-kv or load-kv or rag or mapek/,
      /load: the heartbeat workload does not read a load section \(load-kv and mapek do\)/);
    reject([...HEAD, 'duration: 5s', 'retries: 3'], /retries: unknown field: a heartbeat scenario has name, description, workload, .*, heartbeat/);
  });

  it('an unknown workload is named, with the known ones, beside the other problems', () => {
    reject(['name: bad', 'description: x', 'workload: paxos-kv', 'topology: { nodes: 0 }', 'duration: 5s'],
      /workload: no workload named "paxos-kv"; known: heartbeat, raft-kv, load-kv/, /topology\.nodes/);
  });

  // Issue 13's validation rules: each is refused with exit 2 and the field's path.
  const RAFT = ['name: bad', 'description: x', 'workload: raft-kv', 'topology: { nodes: 3 }', 'duration: 5s'];

  it('a Raft tick of 0 is refused (time would never advance)', () => {
    reject([...RAFT, 'raft: { tick: 0ms }'], /raft\.tick: must be longer than 0/);
    reject([...HEAD, 'duration: 5s', 'heartbeat: { interval: 0 }'], /heartbeat\.interval: must be longer than 0/);
  });

  it('heartbeatTicks at or above electionTicks is refused', () => {
    reject([...RAFT, 'raft: { electionTicks: 5, heartbeatTicks: 5 }'], /raft\.heartbeatTicks: must be below electionTicks \(5 >= 5\)/);
  });

  it('a uniform latency with min above max is refused, in the topology and in a link fault', () => {
    reject([...HEAD.slice(0, 3), 'topology: { nodes: 3, link: { latency: { kind: uniform, min: 30ms, max: 10ms } } }', 'duration: 5s',
      'faults:', '  - { at: 1s, kind: link, from: [0], to: [1], set: { latency: { kind: longtail, min: 2s, alpha: 1.5, max: 1s } }, duration: 1s }'],
    /topology\.link\.latency\.min: is above max \(30ms > 10ms\)/, /faults\[0\]\.set\.latency\.min: is above max \(2s > 1s\)/);
  });

  it('a JSON file is held to what YAML is: a key given twice is refused with its place, a syntax error gets a line and column, a byte order mark is allowed', () => {
    const doc = '{"name":"bad","description":"x","workload":"heartbeat",\n"topology":{"nodes":5, "nodes": 3},"duration":"5s"}';
    rejectText('bad.json', doc, /line 2, column 24: not valid JSON: "nodes" is given twice in one object/);
    rejectText('bad.json', '{\n  "name": "bad",\n}\n', /line 3, column 1: not valid JSON/);
    const ok = '\ufeff{"name":"ok","description":"x","workload":"heartbeat","topology":{"nodes":3},"duration":"5s"}';
    const dir = mkdtempSync(join(tmpdir(), 'fl-bom-'));
    writeFileSync(join(dir, 'ok.json'), ok);
    let err = '';
    const io = { out: () => {}, err: (s: string) => { err += s; }, errIsTty: false, cwd: dir };
    expect(main(['run', '--scenario', join(dir, 'ok.json'), '--quiet'], io), err).toBe(0);
  });

  it('a file that is not UTF-8 text, or far too large to be a scenario, is refused before the YAML reader sees it', () => {
    const yaml = ['name: enc', 'description: café', 'workload: heartbeat', 'topology: { nodes: 3 }', 'duration: 5s', ''].join('\n');
    rejectText('latin1.yaml', Buffer.from(yaml, 'latin1'), /latin1\.yaml is not valid UTF-8 text \(binary, or saved as Latin-1 or another encoding\); save it as UTF-8/);
    rejectText('utf16.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(yaml, 'utf16le')]), /utf16\.yaml is UTF-16 text; save it as UTF-8/);
    rejectText('nul.yaml', Buffer.from(`${yaml}\0`), /nul\.yaml holds a NUL byte \(at byte \d+\)/);
    rejectText('big.yaml', `${yaml}${'# padding\n'.repeat(900_000)}`, /big\.yaml is 9,\d{3},\d{3} bytes; a scenario file holds at most 8,388,608/);
  });

  it('a file nested thousands of levels deep is refused with its place, not a stack overflow', () => {
    rejectText('deep.json', `{"name": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, /line 1, column 1010: not valid JSON: nested more than 1000 levels deep/);
    rejectText('deepmap.json', `${'{"a": '.repeat(20_000)}1${'}'.repeat(20_000)}`, /not valid JSON: nested more than 1000 levels deep/);
    rejectText('deep.yaml', `name: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`, /line 1, column \d+: nested too deeply for the YAML reader/);
  });

  it('a fault that would change nothing, or a value it would ignore, is refused rather than run as if tested', () => {
    // Each of these ran and passed: a clock fault with neither step nor driftPpm, a link fault
    // setting nothing, a factor on a leader crash, a clock step of 285 years.
    reject([...RAFT.slice(0, 4), 'duration: 10s', 'faults:', '  - { at: 1s, kind: clock, node: 1 }', '  - { at: 1s, kind: link, from: [0], to: [1], set: {}, duration: 1s }', '  - { at: 1s, kind: leader, do: crash, factor: 5, duration: 1s }'],
      /faults\[0\]: a clock fault needs step \(µs to move the clock by\) or driftPpm, or both; with neither it changes nothing/,
      /faults\[1\]\.set: names nothing to change, so this fault does nothing/,
      /faults\[2\]\.factor: only leader throttle takes a factor; leader crash would ignore it: remove it, or set do: throttle/);
    reject([...HEAD, 'duration: 10s', 'faults:', '  - { at: 1s, kind: clock, node: 1, step: 9000000000000000 }', '  - { at: 1s, kind: clock, node: 2, step: -2592000000001 }'],
      /faults\[0\]\.step: a clock step is a number of µs .* at most 30 days either way/, /faults\[1\]\.step: a clock step/);
  });

  it('an empty file, a list or a single value is named for what it is; a missing duration is required, NaN is NaN', () => {
    rejectText('empty.yaml', '', /\(root\): the file is empty \(or holds only comments\); a scenario is a mapping of fields: name, description, workload/);
    rejectText('comment.yaml', '# nothing yet\n', /\(root\): the file is empty/);
    rejectText('list.json', '[1, 2]', /\(root\): the file holds a list; a scenario is a mapping/);
    rejectText('scalar.yaml', '42\n', /\(root\): the file holds a single value \(42\); a scenario is a mapping/);
    reject([...HEAD, 'duration: 10s', 'faults:', '  - { at: 1s, kind: pause, node: 1 }', '  - { at: .nan, kind: crash, node: 1 }'],
      /faults\[0\]\.duration: is required: add it \(a non-negative duration like "1\.5s"/, /faults\[1\]\.at: expected a non-negative duration like "1\.5s", "250ms" or "10m", got NaN/);
  });

  it('values that would crash or stall the run are refused by field: no latency floor, a heartbeat timeout within the interval, unbounded CPU and clock factors', () => {
    reject([...HEAD.slice(0, 3), 'topology: { nodes: 3, minLatency: 0s }', 'duration: 5s'], /topology\.minLatency: must be longer than 0: every message takes at least this long/);
    reject([...HEAD, 'duration: 5s', 'heartbeat: { interval: 100ms, timeout: 100ms }'], /heartbeat\.timeout: must be longer than heartbeat\.interval/);
    reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 1s, kind: throttle, node: 1, factor: 1e15, duration: 1s }', '  - { at: 1s, kind: clock, node: 2, driftPpm: 1e300 }'],
      /faults\[0\]\.factor: must be at most 10000, got 1000000000000000\n/, /faults\[1\]\.driftPpm: must be less than 1000000, got 1e\+300/);
  });

  it('an aimed nemesis with rounds under 1ms is refused (millions of rounds, none of them a real one)', () => {
    reject([...RAFT.slice(0, 4), 'duration: 10s', 'faults:', '  - { at: 1s, kind: figure8, duration: 2s, period: 1us }', '  - { at: 1s, kind: diverge, duration: 2s, period: 999us }'],
      /faults\[0\]\.period: must be at least 1ms: a round needs time for an election/, /faults\[1\]\.period: must be at least 1ms/);
    reject([...RAFT.slice(0, 4), 'duration: 10s', 'faults:', '  - { at: 1s, kind: staleWrite, duration: 2s, period: 500us }', '  - { at: 1s, kind: staleWrite, duration: 2s, fsync: 0ms }'],
      /faults\[0\]\.period: must be at least 1ms/, /faults\[1\]\.fsync: must be longer than 0: this is the time the fault adds to an fsync/);
  });

  it('faults that aim at a leader are refused on a workload without one, fixed or drawn by the swarm', () => {
    reject([...HEAD, 'duration: 10s', 'faults:', '  - { at: 1s, kind: figure8, duration: 2s }', '  - { at: 1s, kind: crashOn, on: vote, duration: 2s }'],
      /faults\[0\]\.kind: a figure8 fault needs a workload with a leader \(raft-kv/, /faults\[1\]\.kind: a crashOn fault needs a workload with a leader/);
    reject([...HEAD, 'duration: 10s', 'swarm: { kinds: [crash, leader-crash, diverge], count: 3, window: [1s, 5s], duration: 200ms..2s }'],
      /swarm\.kinds: the swarm kinds leader-crash, diverge need a workload with a leader .*not heartbeat: remove them/);
    reject([...HEAD, 'duration: 10s', 'faults:', '  - { at: 1s, kind: staleWrite, duration: 2s }', 'swarm: { kinds: [stale-write], count: 1, window: [1s, 5s], duration: 1s }'],
      /faults\[0\]\.kind: a staleWrite fault needs a workload with a leader/, /swarm\.kinds: the swarm kind stale-write needs a workload with a leader/);
  });

  it('faults that cut the leader off with a follower are refused on one server, fixed or drawn by the swarm (the run used to crash)', () => {
    reject(['name: bad', 'description: x', 'workload: raft-kv', 'topology: { nodes: 1 }', 'duration: 10s', 'faults:', '  - { at: 1s, kind: figure8, duration: 2s }', '  - { at: 1s, kind: staleWrite, duration: 2s }', 'swarm: { kinds: [crash, diverge, stale-write], count: 2, window: [1s, 5s], duration: 1s }', 'liveness: { within: 2s }'],
      /faults\[0\]\.kind: a figure8 fault needs at least 2 servers .*but the topology has 1: add nodes or remove it/, /faults\[1\]\.kind: a staleWrite fault needs at least 2 servers/,
      /swarm\.kinds: the swarm kinds diverge, stale-write need at least 2 servers/);
  });

  it('a node listed twice in an isolate, oneway or link fault, or a oneway from a node to itself alone, is refused', () => {
    reject([...HEAD, 'duration: 5s', 'faults:', '  - { at: 1s, kind: isolate, nodes: [1, 1], duration: 1s }', '  - { at: 1s, kind: oneway, from: [0], to: [0], duration: 1s }',
      '  - { at: 1s, kind: link, from: [0, 0], to: [1], set: { loss: 0.5 }, duration: 1s }'],
    /faults\[0\]\.nodes: lists node 1 twice/, /faults\[1\]\.to: names only node 0, the node in from: a node has no link to itself/, /faults\[2\]\.from: lists node 0 twice/);
  });

  it('a duration beyond 30 days is refused, written as text or as a number of µs', () => {
    reject([...HEAD, 'duration: 100000000000000000000', 'liveness: { within: 800h }'],
      /duration: 100000000000000000000 is longer than 30 days, the longest duration a scenario may name/, /liveness\.within: "800h" is longer than 30 days/);
  });

  describe('a setting the run would silently ignore is refused, naming the field', () => {
    const base = (workload: string, more: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'x', description: 'x', workload, topology: { nodes: 3 }, duration: '5s', ...more });
    const problems = (doc: Record<string, unknown>): string[] => {
      const r = validateScenario(doc);
      return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
    };

    it('spares on a workload that never brings one in (heartbeat, rag, load-kv, raft-kv without an operator that adds learners)', () => {
      for (const w of ['heartbeat', 'load-kv', 'rag']) expect(problems(base(w, { topology: { nodes: 3, spares: 2 }, duration: '20s' }))).toEqual([expect.stringMatching(/^topology\.spares: the .* workload brings in no spare servers, so 2 spares would never run: remove topology\.spares, or use a workload that has spares \(raft-kv, mapek\)/)]);
      expect(problems(base('raft-kv', { topology: { nodes: 3, spares: 1 } }))).toEqual([expect.stringMatching(/^topology\.spares: no admin: section brings the spare servers in/)]);
      expect(problems(base('raft-kv', { topology: { nodes: 3, spares: 1 }, admin: { ops: { addLearner: 0, transfer: 1 } } }))).toEqual([expect.stringMatching(/^topology\.spares: admin\.ops\.addLearner is 0, so nothing brings the spare servers in/)]);
      expect(problems(base('raft-kv', { topology: { nodes: 3, spares: 1 }, admin: {} }))).toEqual([]);
      expect(problems(base('mapek', { topology: { nodes: 3, spares: 1 } }))).toEqual([]);
    });

    it('mapek: load and gateway sections on manager.base raft-kv, and closed-loop client fields on load-kv', () => {
      expect(problems(base('mapek', { load: { clients: 2 }, gateway: {} }))).toEqual([
        expect.stringMatching(/^load: manager\.base is raft-kv, which does not read a load section \(load-kv does/),
        expect.stringMatching(/^gateway: manager\.base is raft-kv, which does not read a gateway section/),
      ]);
      expect(problems(base('mapek', { manager: { base: 'load-kv' }, clients: { count: 8, keys: 10 }, load: { phases: [{ name: 'a', duration: '2s' }] } }))).toEqual([
        expect.stringMatching(/^clients\.count: mapek with manager\.base load-kv sends its requests from load\.clients \(open loop\) and reads only clients\.keys and clients\.mix/),
      ]);
      expect(problems(base('load-kv', { clients: { timeout: '1s', readers: 2, keys: 10, mix: { get: 1 } }, load: { phases: [{ name: 'a', duration: '2s' }] } }))).toEqual([
        expect.stringMatching(/^clients\.timeout: load-kv sends its requests from load\.clients/),
        expect.stringMatching(/^clients\.readers: load-kv .*: remove it, or set load\.clients$/),
      ]);
    });

    it('a CPU time for a message type the node never receives, a load phase of no time', () => {
      const load = (more: Record<string, unknown>): Record<string, unknown> => base('load-kv', { load: { phases: [{ name: 'a', duration: '2s' }], ...more } });
      expect(problems(load({ serverCpu: { byType: { 'kv.req': '300us', MsgApp: '50us' } }, gatewayCpu: { byType: { 'gw.req': '10us', 'kv.resp': '5us' } } }))).toEqual([]);
      expect(problems(load({ serverCpu: { byType: { 'kv.rq': '300us' } }, gatewayCpu: { byType: { MsgApp: '5us' } } }))).toEqual([
        expect.stringMatching(/^load\.serverCpu\.byType\.kv\.rq: a server never receives a message of type "kv\.rq", so this time would never apply; a server receives MsgApp, .*kv\.req, kv\.register, kv\.admin$/),
        expect.stringMatching(/^load\.gatewayCpu\.byType\.MsgApp: a gateway never receives a message of type "MsgApp"/),
      ]);
      expect(problems(base('load-kv', { load: { phases: [{ name: 'a', duration: '2s' }, { name: 'b', duration: 0 }] } }))).toEqual([
        expect.stringMatching(/^load\.phases\[1\]\.duration: must be longer than 0: a phase of no time never sends a request/),
      ]);
    });

    it('a swarm that draws no fault, a bandwidth of 0, a fraction of a microsecond', () => {
      expect(problems(base('heartbeat', { swarm: { kinds: ['crash'], count: '0..0', window: ['1s', '2s'], duration: ['100ms', '200ms'] } }))).toEqual([
        expect.stringMatching(/^swarm\.count: draws no fault at all \(0\.\.0\): remove the swarm section/),
      ]);
      expect(problems(base('heartbeat', { swarm: { kinds: ['crash'], count: '0..2', window: ['1s', '2s'], duration: ['100ms', '200ms'] } }))).toEqual([]);
      expect(problems(base('heartbeat', { topology: { nodes: 3, link: { bandwidthBytesPerS: 0 } }, faults: [{ at: '1s', kind: 'link', from: [0], to: [1], set: { bandwidthBytesPerS: 0 }, duration: '1s' }] }))).toEqual([
        expect.stringMatching(/^topology\.link\.bandwidthBytesPerS: must be at least 1 byte per second: leave it out for no cap/),
        expect.stringMatching(/^faults\[0\]\.set\.bandwidthBytesPerS: must be at least 1 byte per second/),
      ]);
      expect(problems(base('heartbeat', { faults: [{ at: '1.5us', kind: 'crash', node: 1 }, { at: '0.0001ms', kind: 'crash', node: 2 }] }))).toEqual([
        'faults[0].at: "1.5us" is 1.5 microseconds, and the simulated clock counts whole microseconds: write 1us or 2us',
        'faults[1].at: "0.0001ms" is 0.1 microseconds, and the simulated clock counts whole microseconds: write 0s or 1us',
      ]);
      const whole = validateScenario(base('heartbeat', { faults: [{ at: '1.1s', kind: 'crash', node: 1 }, { at: '1.0005s', kind: 'crash', node: 2 }] }));
      expect(whole.ok && whole.scenario.faults.map((f) => f.at)).toEqual([1_100_000, 1_000_500]);
    });
  });

  it("zod's own wording is replaced by what the field takes, what the file gave and the fix (the fields or values allowed, the closest to a typo)", () => {
    const problems = (more: Record<string, unknown>): string[] => {
      const r = validateScenario({ name: 'x', description: 'x', workload: 'raft-kv', topology: { nodes: 3 }, duration: '5s', ...more });
      return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
    };
    expect(problems({ topology: { nodes: 3, lnk: {} }, faults: [{ at: '1s', kind: 'crash', node: 1, durration: '1s', extra: 1 }] })).toEqual([
      'topology: unknown field "lnk": this mapping takes nodes, spares, link, minLatency (lnk: did you mean link?)',
      'faults[0]: unknown fields "durration", "extra": this mapping takes at, kind, node, duration (durration: did you mean duration?)',
    ]);
    expect(problems({ faults: [{ at: '1s', kind: 'crsh', node: 1 }, { at: '1s', node: 1 }, 5] })).toEqual([
      expect.stringMatching(/^faults\[0\]\.kind: "crsh" is not a kind this field knows \(did you mean crash\?\); expected one of crash, restart, .*, byzantine$/),
      expect.stringMatching(/^faults\[1\]\.kind: is required: add kind, one of crash, restart, /),
      expect.stringMatching(/^faults\[2\]: expected a mapping with kind: one of crash, .* \(e\.g\. \{ kind: crash, \.\.\. \}\), got 5$/),
    ]);
    expect(problems({ topology: { nodes: 3, link: { latency: '5ms' } }, raft: { readMode: 'leas', electionTicks: -1, snapshotEvery: 1.5 }, clients: { keys: 'many' }, liveness: 5 })).toEqual([
      'topology.link.latency: expected a mapping with kind: one of fixed, uniform, normal, longtail (e.g. { kind: fixed, ... }), got "5ms"',
      'liveness: expected a mapping of fields (within), got 5',
      'raft.electionTicks: must be at least 2, got -1',
      'raft.readMode: expected one of safe, lease, got "leas" (did you mean lease?)',
      'raft.snapshotEvery: expected a whole number, got 1.5',
      'clients.keys: expected a number, got "many"',
    ]);
    expect(problems({ fualts: [] })).toEqual([expect.stringMatching(/^fualts: unknown field \(did you mean faults\?\): a raft-kv scenario has name, /)]);
    expect(problems({ faults: { crash: 1 } })).toEqual(['faults: expected a list ([a, b], or one "- item" line each), got a mapping']);
    expect(problems({ faults: [{ at: '1s', kind: 'partition', groups: [[0]], duration: '1s' }] })).toEqual(['faults[0].groups: needs at least 2 items, got 1']);
    // A schema's own message is kept as it is.
    expect(problems({ topology: { nodes: 3, minLatency: 0 } })).toEqual([expect.stringMatching(/^topology\.minLatency: must be longer than 0: every message takes at least this long/)]);
  });
});

