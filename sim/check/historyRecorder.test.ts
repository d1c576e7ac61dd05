// Goal: a recorder that overflowed keeps a prefix that is sound to check: completions that
// arrive after the overflow are left unknown, so a read recorded before the overflow that
// returns a write recorded after it (or never) cannot make a legal history look illegal;
// and a stale read inside the prefix is still found.
// Method: feed kv.invoke / kv.complete telemetry straight into a recorder with room for a
// few operations, then check the history with the KV model.
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
