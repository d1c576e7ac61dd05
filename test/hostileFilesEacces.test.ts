// Goal: a results file, report or knowledge file that cannot be read (EACCES) is refused
// with "cannot read FILE: permission denied", exit 2, not "not valid JSON: EACCES...".
// Method: node:fs's readFileSync is made to fail with EACCES for paths containing
// "noperm" (a chmod 000 file is readable when the tests run as root, as in CI containers).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { cli } from './cliHarness.ts';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (String(path).includes('noperm')) throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES', path: String(path) });
    return (fs.readFileSync as (...a: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
  return { ...fs, default: { ...fs, readFileSync }, readFileSync };
});

describe('unreadable files', () => {
  it('merge, replay and --knowledge say permission denied', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fl-eacces-'));
    const file = join(dir, 'noperm.json');
    writeFileSync(file, '{}');
    for (const r of [cli('merge', file), cli('replay', `${file}#seed=1`), cli('replay', file), cli('run', '--scenario', 'mapek-crash', '--knowledge', file)]) {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(new RegExp(`cannot read ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: permission denied`));
      expect(r.err).not.toMatch(/not valid JSON/);
    }
  });
});
