// Goal: manager failover through a lease in the KV store is safe and live. Two instances
// never act at the same time, even with their clocks running at different rates within the
// drift margin; when the active one dies, the other takes over within the stated bound;
// and a holder that cannot reach the store stops acting before anyone else starts.
// Method: two Lease instances, each with a real KvSession, talk to an in-memory
// linearizable KV store through a tiny event loop with message delays; their clocks run at
// chosen rates. Every tick records who believes it is active, in true time.
import { describe, expect, it } from 'vitest';
import { seal } from '../kv/integrity.ts';
import type { KvOp, KvResult } from '../kv/types.ts';
import { parseKvAnswer } from '../kv/protocol.ts';
import { DRIFT_MARGIN, Lease } from './lease.ts';
import { KvSession } from './kvSession.ts';

interface Ev { t: number; seq: number; run: () => void }

class Loop {
  t = 0;
  private seq = 0;
  private q: Ev[] = [];
  at(t: number, run: () => void): void {
    this.q.push({ t, seq: this.seq++, run });
    this.q.sort((a, b) => a.t - b.t || a.seq - b.seq);
  }
  runUntil(end: number): void {
    while (this.q.length > 0 && this.q[0].t <= end) {
      const e = this.q.shift() as Ev;
      this.t = e.t;
      e.run();
    }
    this.t = end;
  }
}

/** One instance: a lease over a KV session, on a clock of the given rate. */
function instance(loop: Loop, store: Map<string, string>, id: number, rate: number, net: { up: (id: number) => boolean }, delayUs = 3_000) {
  const cfg = { enabled: true, durationUs: 1_500_000, renewUs: 300_000, key: 'lease' };
  const now = (): number => Math.floor(loop.t * rate);
  const timers = new Map<number, boolean>();
  let timerNext = 1;
  let alive = true;
  let sessions = id * 1000;
  let session: KvSession;
  const port = {
    now,
    setTimer: (afterUs: number, tag: string): number => {
      const tid = timerNext++;
      timers.set(tid, true);
      loop.at(loop.t + Math.ceil(afterUs / rate), () => {
        if (alive && timers.delete(tid)) session.onTimer(tag);
      });
      return tid;
    },
    cancelTimer: (tid: number): void => { timers.delete(tid); },
    send: (_to: number, msg: unknown): void => {
      if (!net.up(id)) return;
      const m = msg as { type: string; clientId: number; rid: number; op: KvOp; nonce: string };
      loop.at(loop.t + delayUs, () => {
        // The one server registers a session (ids from 1) or applies the operation.
        const answer = m.type === 'kv.register'
          ? { type: 'kv.registered', clientId: ++sessions, rid: m.rid, nonce: m.nonce, count: 1 }
          : { type: 'kv.resp', clientId: m.clientId, rid: m.rid, result: apply(store, m.op) };
        loop.at(loop.t + delayUs, () => {
          if (!alive || !net.up(id)) return;
          const a = parseKvAnswer(seal(answer));
          if (a !== null) session.onAnswer(a);
        });
      });
    },
  };
  session = new KvSession(port, () => [0], 1000 + id, 100_000, 3);
  const lease = new Lease(cfg, `m${id}.1`, session, now);
  const tick = (): void => {
    if (!alive) return;
    lease.tick(() => {});
    loop.at(loop.t + Math.ceil(cfg.renewUs / rate), tick);
  };
  loop.at(Math.ceil(cfg.renewUs / rate), tick);
  return { lease, cfg, kill: () => { alive = false; }, isActive: () => alive && lease.isActive() };
}

function apply(store: Map<string, string>, op: KvOp): KvResult {
  const cur = store.get(op.key) ?? null;
  if (op.op === 'get') return { ok: true, value: cur };
  if (op.op === 'cas') {
    if (cur !== op.expected) return { ok: false, error: 'cas-mismatch', current: cur };
    store.set(op.key, op.value);
    return { ok: true, value: op.value };
  }
  throw new Error(`unexpected op ${op.op}`);
}

/** Runs to `endUs`, sampling every 10 ms; returns the overlap (both active) and the active intervals. */
function watch(loop: Loop, a: { isActive: () => boolean }, b: { isActive: () => boolean }, endUs: number, events: [number, () => void][]) {
  let overlap = 0;
  const firstActive: (number | null)[] = [null, null];
  const lastActive: (number | null)[] = [null, null];
  for (const [t, f] of events) loop.at(t, f);
  for (let t = 10_000; t <= endUs; t += 10_000) {
    loop.runUntil(t);
    const act = [a.isActive(), b.isActive()];
    if (act[0] && act[1]) overlap++;
    act.forEach((x, i) => {
      if (!x) return;
      firstActive[i] ??= t;
      lastActive[i] = t;
    });
  }
  return { overlap, firstActive, lastActive };
}

describe('Lease (manager failover through the KV store)', () => {
  it('one instance holds it; when it dies the other takes over within the bound, never overlapping', () => {
    const loop = new Loop();
    const store = new Map<string, string>();
    const net = { up: () => true };
    const a = instance(loop, store, 0, 1, net);
    const b = instance(loop, store, 1, 1, net);
    const w = watch(loop, a, b, 10_000_000, [[4_000_000, () => { (a.isActive() ? a : b).kill(); }]]);
    expect(w.overlap).toBe(0);
    const [first, second] = w.firstActive[0] !== null && w.firstActive[0] < 4_000_000 ? [0, 1] : [1, 0];
    expect(w.firstActive[first]).toBeLessThan(1_000_000);
    const takeover = (w.firstActive[second] as number) - 4_000_000;
    expect(takeover).toBeGreaterThan(0);
    expect(takeover).toBeLessThanOrEqual(Lease.takeoverBoundUs(a.cfg, 10_000));
  });

  it('clocks running at different rates within the drift margin never make both act', () => {
    for (const [ra, rb] of [[1 + DRIFT_MARGIN * 0.9, 1 - DRIFT_MARGIN * 0.9], [1 - DRIFT_MARGIN * 0.9, 1 + DRIFT_MARGIN * 0.9]]) {
      const loop = new Loop();
      const store = new Map<string, string>();
      const net = { up: () => true };
      const a = instance(loop, store, 0, ra, net);
      const b = instance(loop, store, 1, rb, net);
      const w = watch(loop, a, b, 12_000_000, [[5_000_000, () => { (a.isActive() ? a : b).kill(); }]]);
      expect(w.overlap, `rates ${ra} and ${rb}`).toBe(0);
      expect(w.firstActive[0] !== null && w.firstActive[1] !== null).toBe(true);
    }
  });

  it('a holder cut off from the store stops acting before the other instance starts', () => {
    const loop = new Loop();
    const store = new Map<string, string>();
    let cut = -1;
    const net = { up: (id: number) => id !== cut };
    const a = instance(loop, store, 0, 1, net);
    const b = instance(loop, store, 1, 1, net);
    const w = watch(loop, a, b, 10_000_000, [[3_000_000, () => { cut = a.isActive() ? 0 : 1; }]]);
    expect(w.overlap).toBe(0);
    const holder = cut;
    const other = 1 - holder;
    expect(w.lastActive[holder] as number).toBeLessThan(w.firstActive[other] as number);
    expect((w.lastActive[holder] as number) - 3_000_000).toBeLessThanOrEqual(1_500_000);
  });
});
