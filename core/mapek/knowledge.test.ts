// Goal: the knowledge base prefers the actions that worked, explores only as often as it
// is told to and always the same way for a seed, learns thresholds within bounds, and
// survives a save and a load unchanged.
// Method: record episodes, rank candidates, round-trip through JSON, and feed bad files.
import { describe, expect, it } from 'vitest';
import { seeded } from '../../test/support/seeded.ts';
import { emptyKnowledge, Knowledge, parseKnowledge, THRESHOLD_K_MAX, THRESHOLD_K_MIN } from './knowledge.ts';

const episode = (action: 'restart' | 'replace', outcome: 'recovered' | 'failed' | 'no-effect', ttrUs = 1_000_000) => ({ cause: 'unresponsive' as const, target: 3, action, outcome, ttrUs, atUs: 0, run: 0 });

describe('Knowledge', () => {
  it('keeps the prior order until evidence, then prefers what recovered', () => {
    const k = new Knowledge(null, 0);
    const r = seeded('k');
    expect(k.rank('unresponsive', ['restart', 'replace'], r)).toEqual(['restart', 'replace']);
    k.record(episode('restart', 'failed'));
    // A failed restart (1/3) falls behind the untried replace (1/2).
    expect(k.rank('unresponsive', ['restart', 'replace'], r)).toEqual(['replace', 'restart']);
    k.record(episode('replace', 'recovered'));
    k.record(episode('restart', 'recovered'));
    k.record(episode('restart', 'recovered'));
    // restart 2/4 + 1 = 3/6 = 0.5; replace 2/3: replace stays ahead.
    expect(k.rank('unresponsive', ['restart', 'replace'], r)).toEqual(['replace', 'restart']);
    expect(k.stats('unresponsive', 'restart')).toEqual({ tries: 3, recovered: 2, ttrUsSum: 2_000_000 });
  });

  it('breaks a tie in success by the faster recovery', () => {
    const k = new Knowledge(null, 0);
    k.record(episode('restart', 'recovered', 50_000_000));
    k.record(episode('replace', 'recovered', 1_000_000));
    expect(k.rank('unresponsive', ['restart', 'replace'], seeded('x'))).toEqual(['replace', 'restart']);
  });

  it('explores about as often as configured, identically for the same seed', () => {
    const draw = (seed: string): string[] => {
      const k = new Knowledge(null, 0.2);
      const r = seeded(seed);
      return Array.from({ length: 1000 }, () => k.rank('crashed', ['restart', 'replace'], r)[0]);
    };
    const a = draw('explore');
    expect(draw('explore')).toEqual(a);
    const explored = a.filter((x) => x === 'replace').length;
    expect(explored).toBeGreaterThan(150);
    expect(explored).toBeLessThan(250);
    expect(new Set(Array.from({ length: 200 }, () => new Knowledge(null, 0).rank('crashed', ['restart', 'replace'], seeded('y'))[0]))).toEqual(new Set(['restart']));
  });

  it('learns thresholds up on false alarms and down on true ones, within bounds', () => {
    const k = new Knowledge(null, 0);
    let v = 6;
    for (let i = 0; i < 100; i++) v = k.learnThreshold('gw.p99', 6, true);
    expect(v).toBe(THRESHOLD_K_MAX);
    for (let i = 0; i < 500; i++) v = k.learnThreshold('gw.p99', 6, false);
    expect(v).toBe(THRESHOLD_K_MIN);
    expect(k.thresholdK('canary.latency', 6)).toBe(6);
  });

  it('saves and loads: the loaded base ranks, scores and counts runs the same way', () => {
    const k = new Knowledge(null, 0);
    k.record(episode('restart', 'failed'));
    k.record(episode('replace', 'recovered'));
    k.saveBaseline('canary.latency', { mean: 5000, variance: 1e6, count: 40 });
    k.learnThreshold('gw.p99', 6, true);
    const file = JSON.parse(JSON.stringify(k.toJSON())) as unknown;
    const parsed = parseKnowledge(file);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.data.runs).toBe(1);
    const l = new Knowledge(parsed.data, 0);
    expect(l.rank('unresponsive', ['restart', 'replace'], seeded('z'))).toEqual(['replace', 'restart']);
    expect(l.baseline('canary.latency')).toEqual({ mean: 5000, variance: 1e6, count: 40 });
    expect(l.thresholdK('gw.p99', 6)).toBe(6.6);
    expect(l.toJSON().runs).toBe(2);
  });

  it('refuses a malformed file with every problem by path', () => {
    const bad = { ...emptyKnowledge(), version: 9, actions: { melted: {}, crashed: { reboot: { tries: 1, recovered: 2, ttrUsSum: 0 } } }, thresholds: { x: 99 } };
    const r = parseKnowledge(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^version: expected 1/),
      expect.stringMatching(/^actions\.melted: unknown cause/),
      expect.stringMatching(/^actions\.crashed\.reboot: unknown action/),
      expect.stringMatching(/^actions\.crashed\.reboot: expected \{ tries, recovered <= tries/),
      expect.stringMatching(/^thresholds\.x: expected a number in \[2, 12\]/),
    ]));
    expect(parseKnowledge('nope').ok).toBe(false);
  });
});
