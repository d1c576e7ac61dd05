// Goal: the worked example behaves as docs/tutorial.md says: with reads served by the
// backup, a sweep finds a linearizability violation within a few seeds, the shrunk
// schedule still fails, and with every read served by the primary the same seeds pass.
// Method: the public API only (as a user's own test would): register the example's
// workload, parse its scenario files, sweep seeds in this thread. The 1,000-seed sweep of
// the fixed version is a command in the tutorial, too long for `npm test`.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseScenarioText, registerWorkload, runScenario, sweep, type Scenario } from 'faultline';
import primaryBackup from './primaryBackup.ts';

registerWorkload(primaryBackup);

function scenario(file: string): Scenario {
  const path = new URL(file, import.meta.url);
  const parsed = parseScenarioText(readFileSync(path, 'utf8'), path.pathname);
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  return parsed.scenario;
}

const SEEDS = [1, 2, 3, 4, 5, 6];

describe('the primary-backup example', () => {
  it('finds the stale backup read within a few seeds, and the shrunk schedule still fails', () => {
    const outcomes = sweep(scenario('buggy.yaml'), [1, 2, 3]);
    const failing = outcomes.filter((o) => o.violations.length > 0);
    expect(failing.map((o) => o.seed)).toContain(3);
    for (const o of failing) expect(o.violations.map((v) => v.check)).toEqual(['linearizability']);
    const shrunk = runScenario(scenario('buggy-seed3-shrunk.yaml'), 3).report;
    expect(shrunk.violations.map((v) => v.check)).toEqual(['linearizability']);
    expect(shrunk.violations[0].message).toMatch(/not linearizable/);
  }, 120_000);

  it('passes the same seeds with every read served by the primary', () => {
    const outcomes = sweep(scenario('fixed.yaml'), SEEDS);
    expect(outcomes.flatMap((o) => o.violations.map((v) => `seed ${o.seed}: ${v.check}`))).toEqual([]);
    expect(outcomes.every((o) => o.stats.linearizability === 'ok')).toBe(true);
    expect(outcomes.every((o) => (o.stats.operations as number) > 300)).toBe(true);
  }, 120_000);

  it('gives the trace hashes docs/tutorial.md quotes for its runs', () => {
    const doc = readFileSync(new URL('../../docs/tutorial.md', import.meta.url), 'utf8');
    const seed1 = runScenario(scenario('buggy.yaml'), 1).report.traceHash;
    const shrunk3 = runScenario(scenario('buggy-seed3-shrunk.yaml'), 3).report.traceHash;
    expect(doc).toContain(`trace ${seed1}`);
    expect(doc).toContain(`(\`${shrunk3}\` here)`);
  }, 120_000);
});
