// Goal: evented code (timers, await, setImmediate, nextTick, an EventEmitter, Date,
// Math.random) runs deterministically on virtual nodes: timers fire at virtual times,
// every promise continuation runs inside the event that caused it, a restart starts a
// fresh realm, randomness follows the seed, and Node built-ins that reach real I/O are
// refused as a finding of the node.
// Method: a two-node workload running fixtures/pingpong.cjs through eventedProcess, run
// with runScenario; assertions on the telemetry's virtual times and on trace hashes.
import { describe, expect, it } from 'vitest';
import { defineWorkload, registerWorkload, runScenario, validateScenario, z, type Scenario } from 'faultline';
import { eventedProcess } from 'faultline/evented';

const PROGRAM = new URL('./fixtures/pingpong.cjs', import.meta.url);
const seen: { t: number; node: number; name: string; f: Record<string, unknown> }[] = [];

registerWorkload(defineWorkload({
  name: 'evented-pingpong',
  description: 'Two evented programs ping and pong (adapter test).',
  sections: { pingpong: z.object({ requireFs: z.boolean().default(false) }).strict().default({ requireFs: false }) },
  nodes: (s) => [0, 1].map(() => ({ role: 'server', factory: () => eventedProcess({ entry: PROGRAM, config: { requireFs: s.pingpong.requireFs } }) })),
  install(world) {
    world.onTelemetry((t, node, name, f) => {
      if (name.startsWith('app.')) seen.push({ t, node, name, f: { ...f } });
    });
    return {};
  },
}));

function scenario(extra: Record<string, unknown> = {}): Scenario {
  const r = validateScenario({
    name: 'pingpong', description: 'adapter test', workload: 'evented-pingpong', topology: { nodes: 2, link: { latency: { kind: 'fixed', value: '2ms' } } },
    duration: '1s', liveness: { within: '200ms' }, ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.scenario;
}

function run(s: Scenario, seed: number) {
  seen.length = 0;
  const { report } = runScenario(s, seed);
  return { report, events: [...seen] };
}

describe('eventedProcess', () => {
  it("fires timers at virtual times and drains each event's promises inside it", () => {
    const { report, events } = run(scenario(), 1);
    expect(report.violations).toEqual([]);
    const answers = events.filter((e) => e.name === 'app.answer');
    const pongs = events.filter((e) => e.name === 'app.pong');
    // A ping every 100 ms for 1 s: 9 or 10 answered, each after 2 ms on the wire and 5 ms of
    // awaited timer (Date counts whole milliseconds, so 6 or 7).
    expect(answers.length).toBeGreaterThanOrEqual(9);
    for (const a of answers) expect([6, 7]).toContain(a.f.waitedMs);
    // The pong for ping n arrives 100n + 2 (ping) + 5 (timer) + 2 (pong) ms after start (plus
    // the nodes' CPU service time, a few µs per event).
    const near = (t: number, ms: number) => t >= ms * 1000 - 1000 && t < ms * 1000 + 100;
    pongs.forEach((p, i) => expect(near(p.t, 100 * (i + 1) + 9), `pong ${i} at ${p.t}`).toBe(true));
    // The answer is emitted at the virtual instant its 5 ms timer fired: the setImmediate and
    // nextTick continuations after it ran inside that same event.
    answers.forEach((a, i) => expect(near(a.t, 100 * (i + 1) + 7), `answer ${i} at ${a.t}`).toBe(true));
  });

  it('gives the same run for the same seed, and seeds Math.random per node', () => {
    const a = run(scenario(), 7);
    const b = run(scenario(), 7);
    const c = run(scenario(), 8);
    expect(b.report.traceHash).toBe(a.report.traceHash);
    const randoms = (r: typeof a) => r.events.filter((e) => e.name === 'app.start').map((e) => e.f.random);
    expect(randoms(b)).toEqual(randoms(a));
    expect(randoms(c)).not.toEqual(randoms(a));
    expect(new Set(randoms(a)).size).toBe(2);
  });

  it('starts a fresh realm on restart: timers of the crashed incarnation never fire', () => {
    const { report, events } = run(scenario({ faults: [{ at: '250ms', kind: 'crash', node: 0, duration: '300ms' }] }), 1);
    expect(report.violations).toEqual([]);
    const starts = events.filter((e) => e.name === 'app.start' && e.node === 0);
    expect(starts.map((e) => e.t)).toEqual([0, 550_000]);
    // Node 0 pings at 100 and 200 ms, is down from 250 to 550 ms, then pings 100 ms after its restart.
    const pongTimes = events.filter((e) => e.name === 'app.pong').map((e) => Math.floor(e.t / 1000));
    expect(pongTimes.slice(0, 3)).toEqual([109, 209, 659]);
  });

  it('moves Date with a clock step but fires no timer early: timers are monotonic, as in Node', () => {
    const { events } = run(scenario({ faults: [{ at: '150ms', kind: 'clock', node: 0, step: 5_000_000 }] }), 1);
    const pongs = events.filter((e) => e.name === 'app.pong');
    // Still one ping per 100 ms of real time after the step...
    expect(pongs.slice(0, 4).map((p) => Math.round(p.t / 1000))).toEqual([109, 209, 309, 409]);
    // ...while Date on node 0 jumped 5 s ahead.
    expect(pongs.slice(0, 4).map((p) => p.f.elapsedMs)).toEqual([109, 5209, 5309, 5409]);
  });

  it('refuses a Node built-in that reaches real I/O, as a finding of the node', () => {
    const { report } = run(scenario({ pingpong: { requireFs: true } }), 1);
    const threw = report.violations.filter((v) => v.check === 'process-threw');
    expect(threw.length).toBeGreaterThan(0);
    expect(threw[0].message).toMatch(/requires Node's "fs", which a simulated node cannot use/);
  });
});
