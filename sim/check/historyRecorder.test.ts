// Goal: a recorder that overflowed keeps a prefix that is sound to check: completions that
// arrive after the overflow are left unknown, so a read recorded before the overflow that
// returns a write recorded after it (or never) cannot make a legal history look illegal;
// and a stale read inside the prefix is still found.
// Method: feed kv.invoke / kv.complete telemetry straight into a recorder with room for a
// few operations, then check the history with the KV model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { World } from '../world/world.ts';
import { HistoryRecorder } from './historyRecorder.ts';
import { checkKvHistory } from './linearizability.ts';

type Listener = (t: number, node: number, name: string, f: Record<string, unknown>) => void;

function recorder(opsMax: number): { rec: HistoryRecorder; emit: (t: number, name: string, f: Record<string, unknown>) => void } {
  let listener: Listener = () => {};
  const world = { onTelemetry: (l: Listener) => { listener = l; } } as unknown as World;
  const rec = new HistoryRecorder(world, opsMax);
  return { rec, emit: (t, name, f) => listener(t, 0, name, f) };
}

const put = (key: string, value: string): string => JSON.stringify({ op: 'put', key, value });
const get = (key: string): string => JSON.stringify({ op: 'get', key });
const ok = (value: string | null): string => JSON.stringify({ ok: true, value });

describe('an overflowed history recorder', () => {
  it('leaves completions after the overflow unknown, so a read of an unrecorded write is no violation', () => {
    const { rec, emit } = recorder(2);
    emit(10, 'kv.invoke', { clientId: 1, rid: 1, input: put('k', 'a') });
    emit(20, 'kv.complete', { clientId: 1, rid: 1, output: ok('a') });
    emit(30, 'kv.invoke', { clientId: 2, rid: 1, input: get('k') });
    // The recorder is full: this write is not recorded, and the read returns its value.
    emit(40, 'kv.invoke', { clientId: 3, rid: 1, input: put('k', 'b') });
    emit(50, 'kv.complete', { clientId: 3, rid: 1, output: ok('b') });
    emit(60, 'kv.complete', { clientId: 2, rid: 1, output: ok('b') });
    expect(rec.overflow).toBe(true);
    const ops = rec.history();
    expect(ops).toHaveLength(2);
    expect(ops[1].return).toBe(Infinity);
    expect(checkKvHistory(ops).verdict).toBe('ok');
  });

  it('still finds a stale read that completed inside the prefix', () => {
    const { rec, emit } = recorder(3);
    emit(10, 'kv.invoke', { clientId: 1, rid: 1, input: put('k', 'a') });
    emit(20, 'kv.complete', { clientId: 1, rid: 1, output: ok('a') });
    emit(30, 'kv.invoke', { clientId: 2, rid: 1, input: get('k') });
    emit(40, 'kv.complete', { clientId: 2, rid: 1, output: ok(null) });
    emit(50, 'kv.invoke', { clientId: 3, rid: 1, input: put('k', 'c') });
    emit(60, 'kv.invoke', { clientId: 4, rid: 1, input: get('k') });
    expect(rec.overflow).toBe(true);
    expect(checkKvHistory(rec.history()).verdict).toBe('illegal');
  });
});

describe('the history as a source read one operation at a time', () => {
  // The end-of-run check reads the recorder through source() (one key's operations held
  // at a time) and counts(); both must say exactly what history() and its filters say.
  it('gives the checker the same verdict, partitions, steps and failure as history(), and the same counts', () => {
    const event = fc.record({
      client: fc.nat({ max: 3 }),
      kind: fc.constantFrom('invoke', 'invoke', 'complete', 'complete', 'refused', 'unknown'),
      op: fc.oneof(fc.record({ op: fc.constant('put'), key: fc.constantFrom('a', 'b', 'c'), value: fc.constantFrom('1', '2') }), fc.record({ op: fc.constant('get'), key: fc.constantFrom('a', 'b', 'c') })),
      out: fc.oneof(fc.record({ ok: fc.constant(true), value: fc.constantFrom('1', '2', null) }), fc.constant({ ok: false, error: 'session-expired' })),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 40 }), fc.integer({ min: 2, max: 30 }), (events, opsMax) => {
        const { rec, emit } = recorder(opsMax);
        const rid = [0, 0, 0, 0];
        const open = [false, false, false, false];
        events.forEach((e, t) => {
          if (e.kind === 'invoke') {
            if (open[e.client]) return;
            rid[e.client]++;
            open[e.client] = true;
            emit(t * 10, 'kv.invoke', { clientId: e.client, rid: rid[e.client], input: JSON.stringify(e.op) });
          } else if (open[e.client]) {
            open[e.client] = false;
            const f: Record<string, unknown> = { clientId: e.client, rid: rid[e.client], output: e.kind === 'complete' ? JSON.stringify(e.out) : '' };
            if (e.kind === 'refused') f.refused = true;
            emit(t * 10, 'kv.complete', f);
          }
        });
        const ops = rec.history();
        expect(checkKvHistory(rec.source())).toEqual(checkKvHistory(ops));
        expect(rec.counts()).toEqual({
          operations: ops.length,
          ok: ops.filter((o) => o.output !== null && o.output.ok).length,
          unknown: ops.filter((o) => o.return === Infinity).length,
        });
      }),
      { numRuns: 400 },
    );
  });
});
