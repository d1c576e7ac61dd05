// Goal: cardinality control. The number of series of a five-node raft-kv run stays under a
// fixed bound however long it runs, and every label value comes from its bounded set.
// Method: run raft-kv-basic (5 servers, 3 clients) for its 12 s and for 10x as long with
// its faults repeated every 12 s, count the series in the exposition (prom-client's text,
// one sample line per series), and compare with the bound the taxonomy implies (every
// label's set plus `other`, per registry: 2,174 for these eight nodes).
import { describe, expect, it } from 'vitest';
import { loadScenarioRef } from '../../cli/scenarioRef.ts';
import { NODE_NAMES, OTHER } from '../../core/telemetry/labels.ts';
import { METRICS, seriesBound } from '../../core/telemetry/metrics.ts';
import { runScenario } from '../../sim/run/runScenario.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { TelemetrySession } from '../../sim/telemetry/session.ts';

/** The most series a run of these node roles can have, from the taxonomy alone. */
function taxonomyBound(roles: readonly string[]): number {
  let n = 0;
  for (const m of METRICS) {
    if (m.scope === 'sim') n += seriesBound(m, roles.length);
    else for (const r of roles) if (m.roles === undefined || m.roles.includes(r)) n += seriesBound(m, roles.length);
  }
  return n;
}

async function seriesOf(s: Scenario): Promise<{ count: number; text: string; roles: string[] }> {
  let session: TelemetrySession | null = null;
  runScenario(s, 1, { observe: (w, sc) => (session = TelemetrySession.attach(w, sc, { seed: 1 })) });
  const sess = session as unknown as TelemetrySession;
  return { count: await sess.registries.seriesCount(), text: await sess.render('prometheus'), roles: sess.world.config.nodes.map((n) => n.role) };
}

/** The scenario with its faults repeated every `periodUs` until `durationUs`. */
function repeated(s: Scenario, periodUs: number, durationUs: number): Scenario {
  const faults = [];
  for (let k = 0; k * periodUs + periodUs <= durationUs; k++) for (const f of s.faults) faults.push({ ...f, at: f.at + k * periodUs });
  return { ...s, duration: durationUs, faults };
}

describe('cardinality', () => {
  it('a 5-node raft-kv run has the same bounded number of series at 12 s and at 120 s', async () => {
    const base = loadScenarioRef('raft-kv-basic').scenario;
    const short = await seriesOf(base);
    const long = await seriesOf(repeated(base, 12_000_000, 120_000_000));
    const bound = taxonomyBound(short.roles);
    expect(short.roles).toEqual(['server', 'server', 'server', 'server', 'server', 'client', 'client', 'client']);
    expect(short.count).toBeGreaterThan(500);
    expect(long.count).toBeLessThanOrEqual(bound);
    // Series appear as label combinations first happen (a node's first term as leader, its
    // first snapshot), so a longer run may have a few more, never more than the bound.
    expect(long.count).toBeGreaterThanOrEqual(short.count);
    // 2211 since the session-bound and candidate-persists checks; 2209 since the executed-once check; 2208 since the campaign-due check; 2207 since the replication-progress check; 2206 since the transfer-bounded check; 2205 since the lead-sound check; 2204 since the fail-sound check; 2203 since the leader-commits-term check; 2202 since the snapshot-sound and exactly-once checks; 2200 since the vote-due and transfer-completes checks; 2198 since the answer-sound check; 2197 since the state-agreement check; 2196 since the quorum-liveness check; 2195 since the read-basis check; 2194 since the membership check; 2193 since the check-quorum check; 2192 since the vote-up-to-date and campaign-voter checks;
    // 2190 since the leader-sticky check (one more `check` value on the violations counter);
    // 2189 since the staleWrite fault kind (one more `kind` value on the two fault metrics);
    // 2187 since the vote-sound, read-leader-sound, term-sound, conf-one-at-a-time and term-adopt checks
    // (one more `check` label value each on the violations counter) and the leaseEdge fault
    // kind (one more `kind` value on the two fault metrics); 2180 since read-index-sound.
    expect(bound).toBe(2211);
  }, 120_000);

  it('every label value in the exposition comes from its bounded set', async () => {
    const { text, roles } = await seriesOf(loadScenarioRef('raft-kv-basic').scenario);
    const nodes = roles.map((_, i) => `n${i}`);
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const name = line.replace(/[{ ].*$/, '').replace(/_(bucket|sum|count)$/, '');
      const spec = METRICS.find((m) => m.name === name || m.name === `${name}_total`);
      expect(spec, line).toBeDefined();
      for (const [, label, value] of line.matchAll(/([a-z_]+)="([^"]*)"/g)) {
        if (label === 'node') expect(nodes).toContain(value);
        else if (label === 'le') continue;
        else {
          const set = spec?.labels[label];
          expect(set, `${label} on ${name}`).toBeDefined();
          expect([...(set === NODE_NAMES ? nodes : (set as readonly string[])), OTHER], line).toContain(value);
        }
      }
    }
  });
});
