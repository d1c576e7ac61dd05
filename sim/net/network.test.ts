// Goal: the network does what its profile says. Method: send many messages over one link
// and compare measured loss, duplication and latency with the configured values (within
// statistical tolerance); check partitions cut exactly the configured directions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Streams } from '../kernel/random.ts';
import { DEFAULT_LINK } from './link.ts';
import { applyNetOp, Network, type NetOp, type PartitionShape } from './network.ts';

const N = 20_000;

function net(change: Partial<typeof DEFAULT_LINK>, nodes = 2): Network {
  return new Network(nodes, 100, new Streams('net-test'), { ...DEFAULT_LINK, ...change });
}

describe('Network', () => {
  it('loses and duplicates messages at the configured rates', () => {
    const n = net({ loss: 0.2, duplicate: 0.1 });
    let lost = 0;
    let dup = 0;
    for (let i = 0; i < N; i++) {
      const r = n.transmit(i * 10, 0, 1, { i }, 10);
      if (!r.ok) lost++;
      else if (r.deliveries.length === 2) dup++;
    }
    // Three standard deviations of a binomial proportion at these sizes is under 1%.
    expect(lost / N).toBeCloseTo(0.2, 1);
    expect(Math.abs(lost / N - 0.2)).toBeLessThan(0.009);
    expect(Math.abs(dup / (N - lost) - 0.1)).toBeLessThan(0.008);
  });

  it('samples uniform latency with the configured mean and bounds, never below L', () => {
    const n = net({ latency: { kind: 'uniform', minUs: 1000, maxUs: 3000 }, reorder: 1 });
    const xs: number[] = [];
    for (let i = 0; i < N; i++) {
      const r = n.transmit(0, 0, 1, {}, 1);
      if (r.ok) xs.push(r.deliveries[0].arrivalUs);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean - 2000)).toBeLessThan(20);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...xs)).toBeLessThanOrEqual(3000);
  });

  it('normal latency has the configured mean and spread, clamped to L', () => {
    const n = new Network(2, 500, new Streams('n'), { ...DEFAULT_LINK, latency: { kind: 'normal', meanUs: 5000, sdUs: 1000 }, reorder: 1 });
    const xs: number[] = [];
    for (let i = 0; i < N; i++) {
      const r = n.transmit(0, 0, 1, {}, 1);
      if (r.ok) xs.push(r.deliveries[0].arrivalUs);
    }
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean - 5000)).toBeLessThan(40);
    expect(Math.abs(sd - 1000)).toBeLessThan(40);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(500);
  });

  it('keeps FIFO order unless reordering is on', () => {
    const fifo = net({ latency: { kind: 'uniform', minUs: 100, maxUs: 5000 } });
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const r = fifo.transmit(i, 0, 1, {}, 1);
      if (!r.ok) throw new Error('unexpected drop');
      expect(r.deliveries[0].arrivalUs).toBeGreaterThanOrEqual(last);
      last = r.deliveries[0].arrivalUs;
    }
    const loose = net({ latency: { kind: 'uniform', minUs: 100, maxUs: 5000 }, reorder: 1 });
    let inversions = 0;
    last = 0;
    for (let i = 0; i < 1000; i++) {
      const r = loose.transmit(i, 0, 1, {}, 1);
      if (r.ok && r.deliveries[0].arrivalUs < last) inversions++;
      if (r.ok) last = r.deliveries[0].arrivalUs;
    }
    expect(inversions).toBeGreaterThan(100);
  });

  it('a bandwidth cap turns bursts into queueing delay and tail-drops past the queue bound', () => {
    const n = net({ latency: { kind: 'fixed', us: 1000 }, bandwidthBytesPerS: 1_000_000, queueUsMax: 50_000 });
    const arrivals: number[] = [];
    let dropped = 0;
    for (let i = 0; i < 100; i++) {
      const r = n.transmit(0, 0, 1, {}, 1000); // 1 ms of transmission each
      if (r.ok) arrivals.push(r.deliveries[0].arrivalUs);
      else dropped++;
    }
    expect(arrivals[0]).toBe(2000);
    expect(arrivals[9]).toBe(11_000);
    expect(arrivals.length).toBe(51);
    expect(dropped).toBe(49);
  });

  it('a partition blocks exactly the cut directions, and heals', () => {
    const shapes: fc.Arbitrary<PartitionShape> = fc.oneof(
      fc.constant<PartitionShape>({ shape: 'groups', groups: [[0, 1], [2, 3, 4]] }),
      fc.constant<PartitionShape>({ shape: 'oneway', from: [0], to: [1, 2] }),
      fc.constant<PartitionShape>({ shape: 'bridge', left: [0, 1, 2], right: [2, 3, 4], bridge: 2 }),
      fc.constant<PartitionShape>({ shape: 'isolate', nodes: [4] }),
    );
    const expected = (s: PartitionShape, a: number, b: number): boolean => {
      switch (s.shape) {
        case 'groups': return (a < 2) !== (b < 2);
        case 'oneway': return a === 0 && (b === 1 || b === 2);
        case 'bridge': return a !== 2 && b !== 2 && (a < 2) !== (b < 2);
        case 'isolate': return a !== b && (a === 4 || b === 4);
      }
    };
    fc.assert(fc.property(shapes, (shape) => {
      const n = net({}, 5);
      const id = n.partition(shape);
      for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) {
        if (a === b) continue;
        const r = n.transmit(0, a, b, {}, 1);
        expect(!r.ok && r.reason === 'partition').toBe(expected(shape, a, b));
      }
      n.heal(id);
      for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) if (a !== b) expect(n.isCut(a, b)).toBe(false);
    }));
  });

  it('corrupts messages at the configured rate, returning a changed copy', () => {
    const n = net({ corrupt: 0.5 });
    const msg = { type: 'x', a: 1, b: [1, 2, 3], c: { d: 'e' } };
    let corrupted = 0;
    for (let i = 0; i < 2000; i++) {
      const r = n.transmit(0, 0, 1, msg, 10);
      if (r.ok && r.deliveries[0].corrupted) {
        corrupted++;
        expect(JSON.stringify(r.deliveries[0].msg)).not.toBe(JSON.stringify(msg));
      }
    }
    expect(msg).toEqual({ type: 'x', a: 1, b: [1, 2, 3], c: { d: 'e' } });
    expect(Math.abs(corrupted / 2000 - 0.5)).toBeLessThan(0.05);
  });
});

describe('Network mirror (lockstep runners keep copies of the links)', () => {
  it('replaying the changes a mirror recorded gives a copy that transmits exactly like the original', () => {
    const change = fc.record({ loss: fc.double({ min: 0, max: 0.5, noNaN: true }), duplicate: fc.double({ min: 0, max: 0.5, noNaN: true }), reorder: fc.double({ min: 0, max: 1, noNaN: true }), extraUs: fc.nat(5_000) }, { requiredKeys: [] });
    const pair = fc.tuple(fc.nat(3), fc.nat(3)).filter(([a, b]) => a !== b);
    const step = fc.oneof(
      fc.record({ k: fc.constant('layer' as const), pairs: fc.uniqueArray(pair, { minLength: 1, maxLength: 4, selector: ([a, b]) => a * 4 + b }), change }),
      fc.record({ k: fc.constant('unlayer' as const), i: fc.nat() }),
      fc.record({ k: fc.constant('cut' as const), nodes: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 2 }) }),
      fc.record({ k: fc.constant('heal' as const), id: fc.nat(6) }),
      fc.record({ k: fc.constant('send' as const), from: fc.nat(3), to: fc.nat(3), size: fc.nat(2_000) }),
    );
    fc.assert(fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
      const original = new Network(4, 100, new Streams('mirror'), { ...DEFAULT_LINK, bandwidthBytesPerS: 1_000_000 });
      const log: NetOp[] = [];
      original.mirror = (op) => log.push(op);
      const copy = new Network(4, 100, new Streams('mirror'), original.baseProfile);
      const layers: { id: number; pairs: [number, number][] }[] = [];
      let layerId = 1;
      let replayed = 0;
      let now = 0;
      for (const st of steps) {
        now += 700;
        if (st.k === 'layer') {
          original.addLayer(layerId, st.pairs, st.change);
          layers.push({ id: layerId++, pairs: st.pairs });
        } else if (st.k === 'unlayer' && layers.length > 0) {
          const [l] = layers.splice(st.i % layers.length, 1);
          original.removeLayer(l.id, l.pairs);
        } else if (st.k === 'cut') original.partition({ shape: 'isolate', nodes: st.nodes });
        else if (st.k === 'heal') original.heal(st.id);
        else if (st.k === 'send' && st.from !== st.to) {
          // The copy learns the changes only when it next transmits, as a runner does.
          for (; replayed < log.length; replayed++) applyNetOp(copy, log[replayed]);
          const a = original.transmit(now, st.from, st.to, { now }, st.size);
          const b = copy.transmit(now, st.from, st.to, { now }, st.size);
          expect(b).toEqual(a);
        }
      }
      for (let from = 0; from < 4; from++) for (let to = 0; to < 4; to++) {
        for (; replayed < log.length; replayed++) applyNetOp(copy, log[replayed]);
        expect(copy.profile(from, to)).toEqual(original.profile(from, to));
        expect(copy.isCut(from, to)).toBe(original.isCut(from, to));
      }
    }), { numRuns: 200 });
  });
});
