// Goal: the public API works the way a user uses it: a script in a project of their own
// imports the package by its name ('faultline', resolved by Node through package.json's
// `exports`, no alias and no hook), defines and registers a workload, validates a
// scenario (a bad section is refused by path), runs it, sweeps seeds, replays one and
// checks a history with the linearizability checker. Method: a temporary project whose
// node_modules/faultline links to this package runs test/fixtures/api/user.ts under tsx;
// the same script's results are then checked in this process, imported the same way, so
// the hash is the same in both.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as faultline from 'faultline';

const ROOT = new URL('..', import.meta.url).pathname;
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href;

interface Output {
  hash: string;
  got: number;
  violations: string[];
  swept: string[];
  reproduced: boolean;
  bad: { path: string; message: string }[];
  linear: string;
  stale: string;
  register: string[];
  fifo: string;
}

let userOutput: Output | undefined;

/** Runs the user's script in its own project once; both tests read the result. */
function runUserProject(): Output {
  if (userOutput !== undefined) return userOutput;
  const dir = mkdtempSync(join(tmpdir(), 'fl-api-'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules', 'faultline'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: { faultline: '*' } }));
  copyFileSync(join(ROOT, 'test/fixtures/api/user.ts'), join(dir, 'user.ts'));
  const p = spawnSync(process.execPath, ['--import', TSX, 'user.ts'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  if (p.status !== 0) throw new Error(`user.ts failed (${p.status}): ${p.stderr}`);
  userOutput = JSON.parse(p.stdout) as Output;
  return userOutput;
}

describe('the public API, imported by name', () => {
  it('a user project defines, runs, sweeps and replays a workload and checks a history', () => {
    const out = runUserProject();
    expect(out.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(out.got).toBeGreaterThanOrEqual(40);
    expect(out.violations).toEqual([]);
    expect(out.swept).toHaveLength(3);
    expect(new Set(out.swept).size).toBe(3);
    expect(out.reproduced).toBe(true);
    expect(out.bad).toEqual([{ path: 'counter.every', message: expect.stringMatching(/must be longer than 0/) }]);
    expect([out.linear, out.stale]).toEqual(['ok', 'illegal']);
    expect(out.register).toEqual(['ok', 'illegal']);
    expect(out.fifo).toBe('illegal');
  }, 60_000);

  it('exports the documented names, and the same script gives the same hash in this process', async () => {
    for (const name of ['defineWorkload', 'registerWorkload', 'findWorkload', 'registeredWorkloads', 'validateScenario', 'parseScenarioText', 'runScenario', 'sweep', 'replay', 'checkKvHistory', 'checkHistory', 'kvModel', 'registerModel', 'setModel', 'queueModel', 'mutexModel', 'multiRegisterModel', 'multiRegisterModelWith', 'HistoryRecorder', 'RaftInvariants', 'readHistoryText', 'modelFor', 'HistoryFileError', 'z', 'duration', 'positiveDuration', 'WorkloadError', 'WorkloadDefinitionError']) {
      expect(faultline, name).toHaveProperty(name);
    }
    expect(faultline.registeredWorkloads().map((w) => w.name)).toEqual(['heartbeat', 'raft-kv', 'load-kv', 'rag', 'mapek']);
    const log: string[] = [];
    const original = console.log;
    console.log = (s: string) => log.push(s);
    try {
      await import('./fixtures/api/user.ts');
    } finally {
      console.log = original;
    }
    expect((JSON.parse(log[0]) as Output).hash).toBe(runUserProject().hash);
  }, 60_000);
});
