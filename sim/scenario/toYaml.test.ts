// Goal: the one scenario writer (shrink output, UI export) writes files that parse back to
// the same Scenario, say only what differs from the defaults, and write every duration in
// human units. Method: every catalogue scenario (swarm sampled for one seed) is written and
// parsed back; the text is read for defaults and raw µs numbers.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { materialize } from '../faults/swarm.ts';
import { parseScenarioText } from './parse.ts';
import { scenarioToYaml } from './toYaml.ts';

const dir = new URL('../../scenarios/', import.meta.url);

function load(file: string) {
  const r = parseScenarioText(readFileSync(new URL(file, dir), 'utf8'), file);
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.problems)}`);
  return r.scenario;
}

describe('scenarioToYaml', () => {
  it('writes every catalogue scenario so that it parses back to the same Scenario', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const s = materialize(load(f), 3);
      const back = parseScenarioText(scenarioToYaml(s, 'round trip'), f);
      expect(back.ok ? back.scenario : back.problems, f).toEqual(s);
    }
  });

  it('leaves out every value equal to its default and writes durations in human units', () => {
    const s = load('raft-kv-basic.yaml');
    const text = scenarioToYaml({ ...s, faults: [...s.faults, { at: 1_234_000, kind: 'crash', node: 1 }] }, 'h');
    const doc = parseYaml(text) as Record<string, unknown>;
    // raft:, clients: and liveness: hold only defaults here (the catalogue file spells some out).
    expect(Object.keys(doc)).toEqual(['name', 'description', 'workload', 'topology', 'duration', 'faults']);
    expect(doc.topology).toEqual({ nodes: 5, link: { latency: { kind: 'uniform', min: '1ms', max: '5ms' } } });
    expect((doc.faults as unknown[]).at(-1)).toEqual({ at: '1234ms', kind: 'crash', node: 1 });
    expect(text).not.toMatch(/\b(at|duration|interval|timeout|min|max|within|tick): \d+(\.\d+)?([,}]|$)/m);
    expect(text).toContain("duration: 12s");
    expect(text.split('\n').length).toBeLessThan(30);
  });

  it('writes a workload\'s own sections with their durations as text and only the fields that differ', () => {
    const text = scenarioToYaml(load('load-2x.yaml'), 'h');
    const doc = parseYaml(text) as Record<string, Record<string, unknown>>;
    expect(doc.load.serverCpu).toEqual({ fsync: '100us', byType: { 'kv.req': '450us' } });
    expect(doc.raft).toEqual({ readMode: 'lease' });
    expect(text).not.toContain('liveness');
  });
});
