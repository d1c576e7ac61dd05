// Goal: a seek served by the seek cache (ui/sim/keyframes.ts) shows exactly what a straight
// run to that moment shows, forward and backward, and play, step and the end's trace hash
// from there are the CLI's.
// Method: in Node, without a browser: fill a session's cache (a wall clock that never
// advances lets `prepare` finish in one call), seek around in it, and compare every frame,
// field by field (all but the wall time it took), with the frame of a new session that
// seeks straight to the same moment; then step and play on from a parked world and
// compare again; the cache's own bookkeeping (the keyframe taken leaves it, the world left
// behind joins it, capacity holds) is checked from its status.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildRun, EVENTS_MAX_DEFAULT, runScenario } from '../../sim/run/runScenario.ts';
import { parseScenarioText } from '../../sim/scenario/parse.ts';
import type { Scenario } from '../../sim/scenario/schema.ts';
import { PARKED_EXTRA, worldBytes } from '../../ui/sim/keyframes.ts';
import { LiveSession, RING_CAPACITY } from '../../ui/sim/liveSession.ts';
import type { Frame, FrameAction, FrameRequest } from '../../ui/sim/protocol.ts';

const still = (): number => 0;

function load(name: string, duration?: number): Scenario {
  const r = parseScenarioText(readFileSync(new URL(`../../scenarios/${name}.yaml`, import.meta.url), 'utf8'), `${name}.yaml`);
  if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r.problems)}`);
  return duration === undefined ? r.scenario : { ...r.scenario, duration };
}

const req = (action: FrameAction, selected: number | null = 1): FrameRequest => ({ action, selected, log: { nodes: null, kinds: null, limit: 150 } });

/** Everything the page renders from a frame: all of it but the worker's wall time and whether it went back. */
function shown(f: Frame): Omit<Frame, 'workMs' | 'replayed'> {
  const { workMs: _w, replayed: _r, ...rest } = f;
  return rest;
}

/** What a new session shows after one seek straight to `t` (and then `then`, if given). */
function straight(s: Scenario, seed: number, t: number, then: FrameAction[] = []): Frame {
  const fresh = new LiveSession({ scenario: s, seed, interventions: [] }, still);
  let f = fresh.frame(req({ kind: 'seek', toUs: t }));
  for (const a of then) f = fresh.frame(req(a));
  return f;
}

describe('the seek cache', () => {
  it('shows at every moment, forward and backward, exactly what a straight run to it shows (raft-kv-basic)', () => {
    const s = load('raft-kv-basic');
    const seed = 3;
    const live = new LiveSession({ scenario: s, seed, interventions: [] }, still, { slotsMax: 4 });
    expect(live.prepare(1)).toBe(false);
    const filled = live.keyframeStatus;
    expect(filled.ready).toBe(true);
    // Four slots over 12 s: keyframes every 3 s and one at the end.
    expect(filled.timesUs).toEqual([3_000_000, 6_000_000, 9_000_000, 12_000_000]);
    const end = s.duration;
    const times = [end, 0.25 * end, 0.75 * end, 0.5 * end, 0, 0.1 * end, 0.9 * end, 0.33 * end + 17, end, 2_999_999, 8_990_000, 0.8 * end];
    const expected = new Map<number, Frame>();
    for (const t of times) {
      const f = live.frame(req({ kind: 'seek', toUs: t }));
      expect(f.tUs).toBe(Math.round(t));
      const want = expected.get(t) ?? straight(s, seed, t);
      expected.set(t, want);
      expect(shown(f)).toEqual(shown(want));
    }
    // Stepping and playing on from a moment the cache served is the straight run's too.
    live.frame(req({ kind: 'seek', toUs: 4_500_000 }));
    const steps: FrameAction[] = [{ kind: 'step' }, { kind: 'step' }, { kind: 'run', toUs: 4_700_000 }, { kind: 'step' }];
    let f: Frame | null = null;
    for (const a of steps) f = live.frame(req(a));
    expect(shown(f as Frame)).toEqual(shown(straight(s, seed, 4_500_000, steps)));
    const last = live.frame(req({ kind: 'run', toUs: end }));
    expect(last.hashSoFar).toBe(runScenario(s, seed).report.traceHash);
  });

  it('serves a backward seek from the keyframe before it, and keeps the world it leaves as one (ten simulated minutes of raft-idle, shortened to one)', () => {
    const s = load('raft-idle', 60_000_000);
    const live = new LiveSession({ scenario: s, seed: 1, interventions: [] }, still, { slotsMax: 3 });
    live.prepare(1);
    expect(live.keyframeStatus.timesUs).toEqual([20_000_000, 40_000_000, 60_000_000]);
    // Forward to 50 s: from the keyframe at 40 s, which leaves the cache; the world at 0 is not kept.
    const at50 = live.frame(req({ kind: 'seek', toUs: 50_000_000 }));
    expect(live.keyframeStatus.timesUs).toEqual([20_000_000, 60_000_000]);
    expect(shown(at50)).toEqual(shown(straight(s, 1, 50_000_000)));
    // Back to 25 s: from the keyframe at 20 s; the world at 50 s is parked.
    const at25 = live.frame(req({ kind: 'seek', toUs: 25_000_000, wallMs: 1_000 }));
    expect(at25.replayed).toBe(true);
    expect(at25.seekingToUs).toBeNull();
    expect(live.keyframeStatus.timesUs).toEqual([50_000_000, 60_000_000]);
    expect(shown(at25)).toEqual(shown(straight(s, 1, 25_000_000)));
    // Idle time refills the gaps the seeks left, counting the live world at 25 s as one.
    expect(live.keyframeStatus.ready).toBe(false);
    live.prepare(1);
    expect(live.keyframeStatus).toMatchObject({ ready: true, timesUs: [20_000_000, 45_000_000, 50_000_000, 60_000_000] });
    // Just before a keyframe: on from the live world at 25 s (a world cannot go back), the keyframes untouched.
    expect(shown(live.frame(req({ kind: 'seek', toUs: 44_999_999 })))).toEqual(shown(straight(s, 1, 44_999_999)));
    expect(live.keyframeStatus.timesUs).toEqual([20_000_000, 45_000_000, 50_000_000, 60_000_000]);
    // The live world at the end is the end's keyframe: idle time builds no second one.
    live.frame(req({ kind: 'seek', toUs: 60_000_000 }));
    expect(live.keyframeStatus.timesUs).toEqual([20_000_000, 44_999_999, 45_000_000, 50_000_000]);
    expect(live.prepare(1)).toBe(false);
    expect(live.keyframeStatus.ready).toBe(true);
    // However the page wanders, the cache holds at most slotsMax + PARKED_EXTRA worlds.
    for (let i = 1; i <= 12; i++) live.frame(req({ kind: 'seek', toUs: (i * 4_900_000) % 60_000_000 }, null));
    live.prepare(1);
    expect(live.keyframeStatus.timesUs.length).toBeLessThanOrEqual(3 + PARKED_EXTRA);
    expect(shown(live.frame(req({ kind: 'seek', toUs: 33_333_333 })))).toEqual(shown(straight(s, 1, 33_333_333)));
  });

  it('continues a seek from the builder when it is ahead, and prepares in bounded slices of wall time', () => {
    const s = load('raft-idle', 60_000_000);
    let now = 0;
    // Each wall-clock read advances 1 ms: a slice of 5 ms runs only a few hundred events.
    const clock = (): number => now++;
    const live = new LiveSession({ scenario: s, seed: 2, interventions: [] }, clock, { slotsMax: 3 });
    expect(live.prepare(5)).toBe(true);
    const building = live.keyframeStatus.building;
    expect(building).not.toBeNull();
    expect(building?.toUs).toBe(60_000_000);
    expect(building?.nowUs).toBeGreaterThan(0);
    expect(building?.nowUs).toBeLessThan(60_000_000);
    const f = live.frame(req({ kind: 'seek', toUs: 60_000_000 }));
    expect(live.keyframeStatus.building).toBeNull();
    expect(shown(f)).toEqual(shown(straight(s, 2, 60_000_000)));
  });

  it('spreads the keyframes evenly within the bound on the parked worlds\' estimated heap, and says when not even one fits', () => {
    const s = load('raft-idle', 60_000_000);
    const { world } = buildRun(s, 1, false);
    world.run({ timeUs: 60_000_000, eventsMax: EVENTS_MAX_DEFAULT });
    const ring = 25 * RING_CAPACITY;
    const w = worldBytes(world);
    // Room for two rings and 1.6 worlds at the end: keyframes at 30 s and 60 s (two rings and 1.5 worlds), not three.
    const bounded = new LiveSession({ scenario: s, seed: 1, interventions: [] }, still, { slotsMax: 3, bytesMax: Math.round(2 * ring + 1.6 * w) });
    expect(bounded.prepare(1)).toBe(false);
    expect(bounded.keyframeStatus).toMatchObject({ ready: true, stoppedBy: null, timesUs: [30_000_000, 60_000_000], spacingUs: 30_000_000 });
    // Worlds the page leaves behind are parked only while the bound holds: the least useful ones go, never the end.
    bounded.frame(req({ kind: 'seek', toUs: 10_000_000 }));
    bounded.frame(req({ kind: 'seek', toUs: 45_000_000 }));
    expect(bounded.keyframeStatus.timesUs).toEqual([10_000_000, 60_000_000]);
    bounded.frame(req({ kind: 'seek', toUs: 5_000_000 }));
    expect(bounded.keyframeStatus.timesUs).toEqual([60_000_000]);
    expect(shown(bounded.frame(req({ kind: 'seek', toUs: 50_000_000 })))).toEqual(shown(straight(s, 1, 50_000_000)));
    // A bound below one whole run keeps nothing, and the cache says why it stopped.
    const tiny = new LiveSession({ scenario: s, seed: 1, interventions: [] }, still, { slotsMax: 3, bytesMax: Math.round((ring + w) * 0.9) });
    expect(tiny.prepare(1)).toBe(false);
    expect(tiny.keyframeStatus).toMatchObject({ ready: true, stoppedBy: 'memory bound', timesUs: [] });
  });

  it('runs on toward an unfinished seek\'s target while the page draws its frame, and the finished seek is the straight run\'s', () => {
    const s = load('raft-idle', 60_000_000);
    let now = 0;
    const clock = (): number => now++;
    const live = new LiveSession({ scenario: s, seed: 4, interventions: [] }, clock);
    const first = live.frame(req({ kind: 'seek', toUs: 40_000_000, wallMs: 3 }));
    expect(first.seekingToUs).toBe(40_000_000);
    expect(live.seeking).toBe(true);
    // Idle slices run the live world on; the cache waits until the seek is done.
    let slices = 0;
    while (live.seeking && slices++ < 10_000) live.prepare(3);
    expect(live.seeking).toBe(false);
    expect(live.keyframeStatus.building).toBeNull();
    expect(live.nowUs).toBe(40_000_000);
    const done = live.frame(req({ kind: 'seek', toUs: 40_000_000, wallMs: 3 }));
    expect(done.seekingToUs).toBeNull();
    expect(shown(done)).toEqual(shown(straight(s, 4, 40_000_000)));
    // Any other request ends the pending seek: idle time goes to the cache again.
    live.frame(req({ kind: 'seek', toUs: 10_000_000, wallMs: 1 }));
    expect(live.seeking).toBe(true);
    live.frame(req({ kind: 'none' }));
    expect(live.seeking).toBe(false);
  });
});
