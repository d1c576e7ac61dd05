// Goal: hysteresis turns a flapping condition into one raised symptom, not one per flap,
// and clears only after the condition has been gone for the configured rounds.
// Method: feed sequences of present/absent rounds and count raises and clears.
import { describe, expect, it } from 'vitest';
import { SymptomTracker } from './symptomTracker.ts';

const down = { kind: 'unreachable' as const, target: 2, value: 1, detail: '' };

describe('SymptomTracker', () => {
  it('raises after raiseRounds present rounds and clears after clearRounds absent ones', () => {
    const t = new SymptomTracker(2, 3);
    expect(t.update(1, [down]).raised).toEqual([]);
    const r = t.update(2, [down]);
    expect(r.raised.map((s) => s.kind)).toEqual(['unreachable']);
    expect(r.raised[0].sinceUs).toBe(2);
    expect(t.isRaised('unreachable', 2)).toBe(true);
    expect(t.update(3, []).cleared).toEqual([]);
    expect(t.update(4, []).cleared).toEqual([]);
    expect(t.update(5, []).cleared.map((s) => s.target)).toEqual([2]);
    expect(t.active()).toEqual([]);
  });

  it('a condition flapping every round is raised once and never cleared while it flaps', () => {
    const t = new SymptomTracker(1, 3);
    let raised = 0;
    let cleared = 0;
    for (let i = 0; i < 100; i++) {
      const r = t.update(i, i % 2 === 0 ? [down] : []);
      raised += r.raised.length;
      cleared += r.cleared.length;
    }
    expect(raised).toBe(1);
    expect(cleared).toBe(0);
  });

  it('a condition that never holds raiseRounds in a row is never raised', () => {
    const t = new SymptomTracker(3, 1);
    for (let i = 0; i < 50; i++) expect(t.update(i, i % 3 === 2 ? [] : [down]).raised).toEqual([]);
  });

  it('per-kind raise rounds override the default', () => {
    const t = new SymptomTracker(5, 1, { 'disk-errors': 1 });
    expect(t.update(0, [{ kind: 'disk-errors', target: 1, value: 3, detail: '' }]).raised).toHaveLength(1);
  });
});
