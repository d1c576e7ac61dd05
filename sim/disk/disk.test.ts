// Goal: the disk keeps exactly what was synced through a crash, may tear only the first
// lost record, reports a full disk and read errors as values. Method: fast-check random
// operation sequences against a model of "last synced content".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Streams } from '../kernel/random.ts';
import { SimDisk } from './disk.ts';

type Op = { k: 'append'; f: string; r: string } | { k: 'replace'; f: string; rs: string[] } | { k: 'sync' } | { k: 'remove'; f: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('append' as const), f: fc.constantFrom('log', 'meta'), r: fc.string({ minLength: 2, maxLength: 8 }) }),
  fc.record({ k: fc.constant('replace' as const), f: fc.constantFrom('log', 'meta'), rs: fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 3 }) }),
  fc.record({ k: fc.constant('remove' as const), f: fc.constantFrom('log', 'meta') }),
  fc.constant({ k: 'sync' as const }),
);

describe('SimDisk', () => {
  it('a crash loses exactly the unsynced writes (the first lost append may survive torn)', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 40 }), fc.nat(1000), (ops, seed) => {
      const disk = new SimDisk(new Streams(String(seed)).get('disk'), { tornWriteProb: 0.5 });
      const synced = new Map<string, string[]>();
      const live = new Map<string, string[]>();
      for (const op of ops) {
        if (op.k === 'append') { disk.append(op.f, op.r); live.set(op.f, [...(live.get(op.f) ?? []), op.r]); }
        if (op.k === 'replace') { disk.replace(op.f, op.rs); live.set(op.f, [...op.rs]); }
        if (op.k === 'remove') { disk.remove(op.f); live.delete(op.f); }
        if (op.k === 'sync') { disk.fsync(); synced.clear(); for (const [f, rs] of live) synced.set(f, [...rs]); }
      }
      disk.crash();
      for (const f of ['log', 'meta']) {
        const r = disk.read(f);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        const want = synced.get(f) ?? [];
        expect(r.records.slice(0, want.length)).toEqual(want);
        const extra = r.records.slice(want.length);
        expect(extra.length).toBeLessThanOrEqual(1);
        if (extra.length === 1) {
          const lost = (live.get(f) ?? [])[want.length];
          expect(lost.startsWith(extra[0]) && extra[0].length < lost.length).toBe(true);
        }
      }
    }), { numRuns: 300 });
  });

  it('a full disk fails writes with ENOSPC and keeps earlier content', () => {
    const disk = new SimDisk(new Streams('1').get('d'), { capacityBytes: 10 });
    expect(disk.append('a', '12345')).toEqual({ ok: true });
    expect(disk.append('a', '123456')).toEqual({ ok: false, error: 'ENOSPC' });
    const r = disk.read('a');
    expect(r.ok && r.records).toEqual(['12345']);
  });

  it('injected read errors come back as EIO values at the configured rate', () => {
    const disk = new SimDisk(new Streams('1').get('d'), { readErrorProb: 0.3 });
    disk.append('a', 'x');
    let errors = 0;
    for (let i = 0; i < 10_000; i++) if (!disk.read('a').ok) errors++;
    expect(errors / 10_000).toBeGreaterThan(0.27);
    expect(errors / 10_000).toBeLessThan(0.33);
  });

  it('a lying fsync persists nothing', () => {
    const disk = new SimDisk(new Streams('1').get('d'), { fsyncLies: true, tornWriteProb: 0 });
    disk.append('a', 'x');
    expect(disk.fsync()).toEqual({ ok: true });
    disk.crash();
    const r = disk.read('a');
    expect(r.ok && r.records).toEqual([]);
  });
});

describe('SimDisk disk time', () => {
  it('takes none by default and draws nothing; a range is drawn within its bounds; a slow layer adds to it', () => {
    const stream = new Streams('disk-time').get('d');
    const plain = new SimDisk(stream);
    for (let i = 0; i < 5; i++) expect(plain.fsyncDelayUs()).toBe(0);
    // Asking drew nothing: the disk's stream is where an untouched one is.
    expect(stream.next()).toBe(new Streams('disk-time').get('d').next());
    const probe = new Streams('disk-time').get('p');
    const d = new SimDisk(new Streams('disk-time').get('d'), { fsyncMinUs: 500, fsyncMaxUs: 8000 });
    const seen = Array.from({ length: 200 }, () => d.fsyncDelayUs());
    for (const us of seen) expect(us >= 500 && us <= 8000 && Number.isInteger(us)).toBe(true);
    expect(new Set(seen).size).toBeGreaterThan(50);
    d.faults = { ...d.faults, fsyncSlowUs: 30_000 };
    expect(d.fsyncDelayUs()).toBeGreaterThanOrEqual(30_500);
    const fixed = new SimDisk(probe, { fsyncMinUs: 2000, fsyncMaxUs: 2000 });
    expect(fixed.fsyncDelayUs()).toBe(2000);
  });
});
