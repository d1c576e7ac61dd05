// Goal: `faultline replay` reproduces recorded runs bit for bit and says so, and refuses
// quietly wrong replays: from a report.json, from a sweep entry (sweep.json#seed=N), from
// --scenario/--seed with --expect, with the full trace written on request; a tampered hash
// exits 1 naming both hashes. Method: record runs with the CLI in-process, replay them,
// compare hashes and the written trace, and edit a recorded hash to force a mismatch.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './cliHarness.ts';
import { describe, expect, it } from 'vitest';

const SWARM = 'test/regression/heartbeat-swarm.yaml';


describe('faultline replay', () => {
  it('replays a report.json with the same trace hash and writes the full trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-replay-'));
    const run = cli('run', '--scenario', 'heartbeat-chaos', '--seed', '11', '--out', dir, '--json');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out);
    const traceOut = join(dir, 'again.jsonl');
    const r = cli('replay', join(dir, 'report.json'), '--trace-out', traceOut, '--json');
    expect(r.code).toBe(0);
    const replayed = JSON.parse(r.out);
    expect(replayed.reproduced).toBe(true);
    expect(replayed.traceHash).toBe(report.traceHash);
    expect(readFileSync(traceOut, 'utf8')).toBe(readFileSync(join(dir, 'trace.jsonl'), 'utf8'));
  });

  it('replays a sweep entry, swarm faults included, and prints REPRODUCED', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-replay-'));
    expect(cli('sweep', '--scenario', SWARM, '--seeds', '40..43', '--jobs', '1', '--out', dir, '--json').code).toBe(0);
    const entry = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')).results.find((x: { seed: number }) => x.seed === 42);
    const r = cli('replay', `${join(dir, 'sweep.json')}#seed=42`);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`REPRODUCED  trace ${entry.traceHash} matches the recorded hash`);
    const json = JSON.parse(cli('replay', `${join(dir, 'sweep.json')}#seed=42`, '--json').out);
    expect(json.faults.length).toBeGreaterThanOrEqual(3);
    expect(cli('replay', `${join(dir, 'sweep.json')}#seed=99`).err).toMatch(/has no result for seed 99/);
    expect(cli('replay', join(dir, 'sweep.json')).err).toMatch(/name one, as in .*#seed=17/);
  });

  it('a failing seed replays as reproduced but still exits 1 with its violation', () => {
    const r = cli('replay', '--scenario', SWARM, '--seed', '141');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/nothing recorded to compare with/);
    expect(r.out).toMatch(/violation \[fd-accuracy\]/);
  });

  it('a hash that does not match exits 1 and names both hashes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-replay-'));
    const report = JSON.parse(cli('run', '--scenario', 'heartbeat-crash', '--seed', '4', '--out', dir, '--json').out);
    const file = join(dir, 'report.json');
    writeFileSync(file, JSON.stringify({ ...report, traceHash: '0123456789abcdef' }));
    const r = cli('replay', file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`DIFFERENT  trace ${report.traceHash}, but 0123456789abcdef was recorded`));
    expect(r.err).toMatch(/did not reproduce the recorded trace hash 0123456789abcdef/);
    expect(cli('replay', '--scenario', 'heartbeat-crash', '--seed', '4', '--expect', report.traceHash).code).toBe(0);
    expect(cli('replay', '--scenario', 'heartbeat-crash', '--seed', '4', '--expect', 'ffffffffffffffff').code).toBe(1);
  });

  it('missing or bad sources exit 2', () => {
    expect(cli('replay').code).toBe(2);
    expect(cli('replay', '/no/such/report.json').err).toMatch(/no such file/);
    expect(cli('replay', '--scenario', 'heartbeat-crash').code).toBe(2);
  });
});
