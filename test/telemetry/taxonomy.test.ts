// Goal: the taxonomy (core/telemetry) is the single list of names, and the code and the
// documentation keep to it. Method: scan the sources for every event name a module emits,
// compare the scenario schema's fault kinds and the checks' names with the bounded label
// sets, check the naming rules of every metric, and compare docs/telemetry.md with the
// tables generated from the taxonomy.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS } from '../../core/telemetry/events.ts';
import { CHECKS, FAULT_KINDS } from '../../core/telemetry/labels.ts';
import { METRICS } from '../../core/telemetry/metrics.ts';
import { faultSchema } from '../../sim/scenario/schema.ts';
import { regenerate } from '../../sim/telemetry/taxonomyDoc.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('the telemetry taxonomy', () => {
  it('lists every event a module emits', () => {
    const names = new Set(EVENTS.map((e) => e.name));
    const emitted = new Set<string>();
    for (const file of [...sources('core'), ...sources('sim')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:telemetry\.emit|tel\.emit|sink\.telemetry\([^,]+,[^,]+),?\s*\(?\s*'([a-z]+\.[a-z_]+)'/g)) emitted.add(m[1]);
    }
    expect(emitted.size).toBeGreaterThan(30);
    for (const e of emitted) expect(names, `${e} is emitted but not in core/telemetry/events.ts`).toContain(e);
  });

  it('knows every fault kind of the scenario schema and every check that reports violations', () => {
    const kinds = faultSchema.options.map((o) => o.shape.kind.value);
    expect(new Set(kinds)).toEqual(new Set(FAULT_KINDS));
    const checks = new Set<string>();
    for (const file of [...sources('sim'), ...sources('core')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/violate\(\s*(?:t,\s*)?'([a-z-]+)'/g)) checks.add(m[1]);
    }
    expect(checks.size).toBeGreaterThan(8);
    for (const c of checks) expect(CHECKS, `check ${c} is not in CHECKS`).toContain(c);
  });

  it('names metrics the Prometheus way', () => {
    const seen = new Set<string>();
    for (const m of METRICS) {
      expect(seen.has(m.name), m.name).toBe(false);
      seen.add(m.name);
      expect(m.name).toMatch(/^faultline_[a-z][a-z0-9_]*$/);
      expect(m.name.endsWith('_total'), m.name).toBe(m.kind === 'counter');
      if (m.unit !== '') expect(m.name).toMatch(new RegExp(`_${m.unit}(_total)?$`));
      if (/_(seconds|bytes)(_total)?$/.test(m.name)) expect(m.unit, m.name).not.toBe('');
      for (const l of Object.keys(m.labels)) expect(['node', 'le'], `${m.name} label ${l}`).not.toContain(l);
      expect(m.help.endsWith('.')).toBe(true);
    }
  });

  it('docs/telemetry.md holds the tables generated from it (npm run docs:telemetry)', () => {
    const doc = readFileSync('docs/telemetry.md', 'utf8');
    expect(regenerate(doc) === doc, 'docs/telemetry.md differs from the taxonomy: run npm run docs:telemetry').toBe(true);
    for (const m of METRICS) expect(doc).toContain(`\`${m.name}\``);
  });
});
