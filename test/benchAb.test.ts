// Goal: `npm run bench:ab` compares this tree with a commit in one process and says whether
// every run is the same; bad arguments exit 2 naming the flag.
// Method: compare the tree with HEAD on a short catalogue scenario (one pair, one seed):
// the JSON must name both commits and report equal trace hashes and a positive speedup;
// an unknown --base, a bad --pairs and an unknown scenario exit 2 with their names.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../cli/catalog.ts';

const SCRIPT = join(PACKAGE_ROOT, 'scripts', 'benchAb.mjs');

function ab(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('bench:ab', () => {
  it('runs HEAD and the working tree side by side with the same trace hashes', () => {
    const r = ab(['--pairs', '1', '--seeds', '1', 'heartbeat-idle']);
    expect(r.err).toContain('pair 1/1');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { base: { ref: string; commit: string }; scenarios: Record<string, { speedup: number; sameHashes: boolean; eventsPerRun: number }> };
    expect(j.base.ref).toBe('HEAD');
    expect(j.base.commit).toMatch(/^[0-9a-f]{40}$/);
    const s = j.scenarios['heartbeat-idle'];
    expect(s.sameHashes).toBe(true);
    expect(s.speedup).toBeGreaterThan(0);
    expect(s.eventsPerRun).toBeGreaterThan(1000);
  }, 120_000);

  it('exits 2 naming the flag or scenario that is wrong', () => {
    const base = ab(['--base', 'no-such-ref-xyz']);
    expect(base.code).toBe(2);
    expect(base.err).toContain('--base: no commit named "no-such-ref-xyz"');
    const pairs = ab(['--pairs', '0']);
    expect(pairs.code).toBe(2);
    expect(pairs.err).toContain('--pairs must be an integer from 1 to 1000');
    const unknown = ab(['--pairs', '1', 'no-such-scenario']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('no catalogue scenario "no-such-scenario"');
    expect(unknown.out).toBe('');
  }, 120_000);
});
