// Goal: the host model keeps its promises: CPU service time and throttling, memory budget,
// pause/resume, clock drift, crash and restart from disk, and a process that throws.
// Method: small purpose-built processes run in a World; assertions read virtual times.
import { describe, expect, it } from 'vitest';
import type { NodeContext, NodeId, Process } from '../../core/env.ts';
import { World, type NodeSpec } from './world.ts';

/** Node 0 fires `count` messages at node 1 at time 0; node 1 records when it handles each. */
class Burst implements Process {
  ctx!: NodeContext;
  handledAt: number[] = [];
  received = 0;
  constructor(private readonly count: number, private readonly bytesPerMsg = 0) {}
  start(ctx: NodeContext): void {
    this.ctx = ctx;
    if (ctx.id === 0) for (let i = 0; i < this.count; i++) ctx.send(1, { type: 'm', i });
  }
  onMessage(): void {
    this.received++;
    this.handledAt.push(this.ctx.now());
  }
  onTimer(): void {}
  memoryBytes(): number {
    return this.received * this.bytesPerMsg;
  }
}

function pair(factory: () => Process, extra: Partial<NodeSpec> = {}): World {
  const spec: NodeSpec = { role: 'server', factory, cpu: { messageUs: 100, startUs: 1 }, ...extra };
  return new World({ seed: 't', nodes: [spec, spec], link: { latency: { kind: 'fixed', us: 1000 } }, latencyFloorUs: 1000 });
}

describe('World host model', () => {
  it('a busy CPU serves one event at a time: queueing delay equals service time', () => {
    const w = pair(() => new Burst(10));
    w.boot();
    w.run({ timeUs: 1_000_000 });
    const p = w.hosts[1].process as Burst;
    expect(p.handledAt.length).toBe(10);
    const gaps = p.handledAt.slice(1).map((t, i) => t - p.handledAt[i]);
    expect(gaps.every((g) => g === 100)).toBe(true);
  });

  it('throttling scales service time by the factor', () => {
    const w = pair(() => new Burst(10));
    w.hosts[1].cpu.throttle = 4;
    w.boot();
    w.run({ timeUs: 1_000_000 });
    const p = w.hosts[1].process as Burst;
    const gaps = p.handledAt.slice(1).map((t, i) => t - p.handledAt[i]);
    expect(gaps.every((g) => g === 400)).toBe(true);
  });

  it('a memory breach is an out-of-memory crash', () => {
    const w = pair(() => new Burst(10, 1000), { memoryBytesMax: 5_500 });
    w.boot();
    w.run({ timeUs: 1_000_000 });
    expect(w.hosts[1].status).toBe('down');
    expect(w.hosts[1].oomCrashes).toBe(1);
    expect(w.trace.count).toBeGreaterThan(0);
    expect(w.hosts[0].status).toBe('up');
  });

  it('a partition cuts messages sent while it holds; one already on the wire still arrives', () => {
    const w = pair(() => new Burst(1));
    w.boot();
    // Node 0 sends at time 0; its CPU frees at 1 µs and the message lands at 1,001 µs.
    w.at(500, 'cut', () => { w.partition({ shape: 'isolate', nodes: [1] }); });
    w.run({ timeUs: 100_000 });
    expect((w.hosts[1].process as Burst).received).toBe(1);
    const late = pair(() => new Burst(1));
    late.partition({ shape: 'isolate', nodes: [1] });
    late.boot();
    late.run({ timeUs: 100_000 });
    expect((late.hosts[1].process as Burst).received).toBe(0);
  });

  it('a paused node handles nothing until resumed, then everything in order', () => {
    const w = pair(() => new Burst(5));
    w.boot();
    w.at(0, 'pause', () => w.pauseNode(1));
    w.at(50_000, 'resume', () => w.resumeNode(1));
    w.run({ timeUs: 40_000 });
    expect((w.hosts[1].process as Burst).received).toBe(0);
    w.run({ timeUs: 100_000 });
    const p = w.hosts[1].process as Burst;
    expect(p.received).toBe(5);
    expect(p.handledAt[0]).toBe(50_000);
  });

  it('a drifting clock stretches timer intervals in true time', () => {
    class Ticker implements Process {
      ctx!: NodeContext;
      fired: number[] = [];
      start(ctx: NodeContext): void { this.ctx = ctx; ctx.setTimer(1_000_000, 't'); }
      onMessage(): void {}
      onTimer(): void { this.fired.push(this.ctx.now()); this.ctx.setTimer(1_000_000, 't'); }
    }
    const firings = (driftPpm: number): number[] => {
      const w = new World({ seed: 't', nodes: [{ role: 's', factory: () => new Ticker(), cpu: { timerUs: 0, startUs: 0 } }] });
      w.hosts[0].clock.setDrift(0, driftPpm);
      w.boot();
      w.run({ timeUs: 20_000_000 });
      return (w.hosts[0].process as Ticker).fired;
    };
    expect(firings(0).length).toBe(20);
    // 10% fast: a local second lasts 909,091 true µs, so 21 fit in 20 true seconds.
    const fast = firings(100_000);
    expect(fast.length).toBe(21);
    fast.forEach((local, i) => expect(Math.abs(local - (i + 1) * 1_000_000)).toBeLessThanOrEqual(i + 1));
  });

  it('a restart rebuilds state from the synced disk alone', () => {
    class Counter implements Process {
      ctx!: NodeContext;
      count = 0;
      start(ctx: NodeContext): void {
        this.ctx = ctx;
        const r = ctx.disk.read('c');
        this.count = r.ok ? r.records.length : -1;
        ctx.disk.append('c', 'synced');
        ctx.disk.fsync();
        ctx.disk.append('c', 'unsynced');
      }
      onMessage(): void {}
      onTimer(): void {}
    }
    const w = new World({ seed: 't', nodes: [{ role: 's', factory: () => new Counter(), disk: { tornWriteProb: 0 } }] });
    w.boot();
    for (let i = 1; i <= 3; i++) {
      w.at(i * 1000, 'crash', () => w.crashNode(0));
      w.at(i * 1000 + 500, 'restart', () => w.startNode(0));
    }
    w.run({ timeUs: 10_000 });
    expect((w.hosts[0].process as Counter).count).toBe(3);
  });

  it('a process that throws is reported as a violation and crashed, not propagated', () => {
    class Thrower implements Process {
      start(ctx: NodeContext): void { if (ctx.id === 0) ctx.send(1, { type: 'boom' }); }
      onMessage(_from: NodeId, _m: unknown): void { throw new Error('kaboom'); }
      onTimer(): void {}
    }
    const w = pair(() => new Thrower());
    w.boot();
    w.run({ timeUs: 100_000 });
    expect(w.violations.map((v) => v.check)).toEqual(['process-threw']);
    expect(w.violations[0].message).toMatch(/node 1 threw while handling msg boom: kaboom/);
    expect(w.hosts[1].status).toBe('down');
  });

  it('a process that misuses its context is told what it did wrong, by name and value', () => {
    const misuse: Record<number, (ctx: NodeContext) => void> = {
      0: (ctx) => ctx.send(7, { type: 'x' }),
      1: (ctx) => { ctx.setTimer(-5, 'late'); },
      2: (ctx) => ctx.chargeCpu?.(Number.NaN),
      3: (ctx) => { ctx.setTimer(Infinity, 'never'); },
    };
    class Misuser implements Process {
      start(ctx: NodeContext): void { misuse[ctx.id]?.(ctx); }
      onMessage(): void {}
      onTimer(): void {}
    }
    const w = new World({ seed: 't', nodes: [0, 1, 2, 3].map(() => ({ role: 's', factory: () => new Misuser() })) });
    w.boot();
    w.run({ timeUs: 1_000 });
    expect(w.violations.map((v) => v.message)).toEqual([
      'node 0 threw while handling start: send: no node 7',
      'node 1 threw while handling start: setTimer: delay must be a finite number of µs >= 0, got -5',
      'node 2 threw while handling start: chargeCpu: cost must be a finite number >= 0, got NaN',
      'node 3 threw while handling start: setTimer: delay must be a finite number of µs >= 0, got Infinity (a timer that never fires: set none)',
    ]);
  });

  it('a context used outside its own handler refuses, naming the call and the node', () => {
    let kept: NodeContext | null = null;
    class Keeper implements Process {
      start(ctx: NodeContext): void { kept = ctx; }
      onMessage(): void {}
      onTimer(): void {}
    }
    const w = new World({ seed: 't', nodes: [{ role: 's', factory: () => new Keeper() }] });
    w.boot();
    w.run({ timeUs: 1_000 });
    expect(() => (kept as unknown as NodeContext).send(0, { type: 'x' })).toThrow('send called by node 0 outside its own event handler');
    expect(() => (kept as unknown as NodeContext).setTimer(1, 't')).toThrow('setTimer called by node 0 outside its own event handler');
  });

  it('messages are frozen: a receiver that mutates one is caught, the sender keeps its copy', () => {
    const sent = { type: 'm', n: 1, inner: { xs: [1, 2] } };
    class Mutator implements Process {
      start(ctx: NodeContext): void { if (ctx.id === 0) ctx.send(1, sent); }
      onMessage(_from: NodeId, m: unknown): void { (m as { inner: { xs: number[] } }).inner.xs.push(3); }
      onTimer(): void {}
    }
    const w = pair(() => new Mutator());
    w.boot();
    w.run({ timeUs: 100_000 });
    expect(w.violations.map((v) => v.check)).toEqual(['process-threw']);
    expect(sent.inner.xs).toEqual([1, 2]);
  });
});
