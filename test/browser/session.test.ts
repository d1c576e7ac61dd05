// Goal: the UI's worker-side code (live session, full-run summary, interventions, export)
// runs the exact simulation the CLI runs, in any chunking, forwards and backwards.
// Method: in Node, without a browser: load catalogue scenarios with the CLI's parser,
// drive LiveSession through play-sized chunks, steps and backward seeks, and compare its
// state and hashes with runScenario's; export a session with interventions to YAML, parse
// it back with parseScenarioText and check that runScenario gives the UI's hash.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/run/runScenario.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { exportScenarioYaml } from '../../ui/lib/exportScenario.ts';
import { crash, cut, healCut, pause, resume, setLink, throttle } from '../../ui/lib/interventions.ts';
import { openUntilUs, sessionScenario } from '../../ui/lib/sessionScenario.ts';
import { readUrlState, writeUrlState } from '../../ui/lib/urlState.ts';
import { LiveSession } from '../../ui/sim/liveSession.ts';
import type { FrameRequest } from '../../ui/sim/protocol.ts';
import { summarize } from '../../ui/sim/summary.ts';

const wall = (): number => 0;

function load(name: string): Scenario {
  const r = parseScenarioText(readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  return r.scenario;
}

const req = (action: FrameRequest['action']): FrameRequest => ({ action, selected: null, log: { nodes: null, kinds: null, limit: 10 } });

describe('the UI runs the CLI simulation', () => {
  it('gives the CLI hash in the summary and at the end of an uneven chunked live run', () => {
    const s = load('heartbeat-crash');
    const cli = runScenario(s, 42).report.traceHash;
    expect(summarize({ scenario: s, seed: 42, interventions: [] }, wall).traceHash).toBe(cli);
    const live = new LiveSession({ scenario: s, seed: 42, interventions: [] }, wall);
    let f = live.frame(req({ kind: 'none' }));
    for (let t = 0; t < s.duration; t += 16_667 * 3) f = live.frame(req({ kind: 'run', toUs: t }));
    for (let i = 0; i < 25; i++) f = live.frame(req({ kind: 'step' }));
    f = live.frame(req({ kind: 'run', toUs: s.duration }));
    expect(f.tUs).toBe(s.duration);
    expect(f.hashSoFar).toBe(cli);
  });

  it('replays to the same state when seeking back, and steps move time forward by one traced event', () => {
    const s = load('heartbeat-crash');
    const live = new LiveSession({ scenario: s, seed: 7, interventions: [] }, wall);
    const at3 = live.frame(req({ kind: 'seek', toUs: 3_000_000 }));
    live.frame(req({ kind: 'seek', toUs: 8_000_000 }));
    const back = live.frame(req({ kind: 'seek', toUs: 3_000_000 }));
    expect(back.replayed).toBe(true);
    expect(back.hashSoFar).toBe(at3.hashSoFar);
    expect(back.hosts.map((h) => h.status)).toEqual(['up', 'up', 'down', 'up', 'up']);
    const step = live.frame(req({ kind: 'step' }));
    expect(step.stepped).not.toBeNull();
    expect(step.tUs).toBeGreaterThan(3_000_000);
    expect(step.traced).toBe(back.traced + 1);
  });

  it('exports a session with every kind of intervention that the CLI replays to the same hash', () => {
    const s = load('heartbeat-crash');
    const until = (at: number): number => openUntilUs(s, at);
    let iv = crash([], 0, 1_000_000);
    iv = pause(iv, 3, 1_500_000, until(1_500_000));
    iv = resume(iv, 3, 2_500_000);
    iv = cut(iv, 1, 4, 4_000_000, until(4_000_000));
    iv = healCut(iv, 1, 4, 6_000_000);
    iv = throttle(iv, 1, 20, 6_500_000, until(6_500_000));
    iv = setLink(iv, 3, 4, { latency: { kind: 'fixed', value: 40_000 }, loss: 0.25 }, 7_000_000, until(7_000_000));
    expect(iv.find((f) => f.kind === 'pause')).toMatchObject({ at: 1_500_000, duration: 1_000_000 });
    // Open-ended faults heal where the liveness phase begins, so the run keeps its length.
    expect(iv.find((f) => f.kind === 'throttle')).toMatchObject({ at: 6_500_000, duration: 1_500_000 });
    expect(sessionScenario(s, 42, iv).duration).toBe(s.duration);
    const ui = summarize({ scenario: s, seed: 42, interventions: iv }, wall);
    const text = exportScenarioYaml(s, iv, 42);
    const parsed = parseScenarioText(text, 'heartbeat-crash-session.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.scenario).toEqual(sessionScenario(s, 42, iv));
    const cli = runScenario(parsed.scenario, 42).report;
    expect(cli.traceHash).toBe(ui.traceHash);
    expect(cli.traceHash).not.toBe(runScenario(s, 42).report.traceHash);
  });

  it('lengthens the run when an intervention leaves no room for the liveness phase, as the parser requires', () => {
    const s = load('heartbeat-crash');
    const iv = pause(crash([], 2, 9_500_000), 0, 9_600_000, openUntilUs(s, 9_600_000));
    const run = sessionScenario(s, 5, iv);
    expect(run.duration).toBe(9_600_000 + 1_000_000 + s.liveness.within);
    const parsed = parseScenarioText(exportScenarioYaml(s, iv, 5), 'x.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(runScenario(parsed.scenario, 5).report.traceHash).toBe(summarize({ scenario: s, seed: 5, interventions: iv }, wall).traceHash);
  });

  it('keeps scenario, seed, time and interventions in the URL', () => {
    const iv = crash([], 2, 1_234_567);
    const url = writeUrlState({ scenario: 'heartbeat-crash', seed: 42, tUs: 3_500_000, interventions: iv });
    expect(url).toContain('t=3500ms');
    const back = readUrlState(url);
    expect(back).toEqual({ scenario: 'heartbeat-crash', seed: 42, tUs: 3_500_000, interventions: iv, problems: [] });
    expect(readUrlState('?seed=banana&t=soon').problems).toHaveLength(2);
  });

  it('summarises a Raft run with role changes on the timeline and Raft metrics in the series', () => {
    const s = load('raft-kv-basic');
    const sum = summarize({ scenario: s, seed: 42, interventions: [] }, wall);
    expect(sum.traceHash).toBe(runScenario(s, 42).report.traceHash);
    expect(sum.markers.some((m) => m.kind === 'role' && m.label.includes('leader'))).toBe(true);
    expect(Object.keys(sum.series.metrics)).toEqual(expect.arrayContaining(['term', 'commit']));
  });
});
