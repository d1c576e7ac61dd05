// Goal: decodeSnapshot refuses every malformed image with an Error naming the first problem
// (a snapshot is trusted state: a bad one must stop the restore, and say where), and
// compareCodeUnits orders keys by UTF-16 code units, never by locale.
// Method: a valid image encoded by encodeSnapshot round-trips; then one field at a time is
// broken and the exact problem is asserted. These kill mutants that survived
// `npm run mutation` in core/kv/snapshotCodec.ts (docs/mutation.md).
import { describe, expect, it } from 'vitest';
import { compareCodeUnits, decodeSnapshot, encodeSnapshot, SNAPSHOT_VERSION, type KvImage } from './snapshotCodec.ts';

const image: KvImage = {
  maxSessions: 2,
  commandCount: 5,
  data: [['A', '1'], ['a', '2'], ['b', '']],
  sessions: [
    { clientId: 1, seq: 0, lastUsed: 1, result: null },
    { clientId: 2, seq: 3, lastUsed: 5, result: { ok: false, error: 'cas-mismatch', current: null } },
  ],
  digest: 'd',
};
const good = JSON.parse(encodeSnapshot(image)) as Record<string, unknown>;
const decode = (patch: Record<string, unknown>) => () => decodeSnapshot(JSON.stringify({ ...good, ...patch }));
const PREFIX = 'KvStateMachine.restore: bad snapshot: ';

describe('compareCodeUnits', () => {
  it('orders by UTF-16 code units and gives 0 only for equal strings', () => {
    expect(compareCodeUnits('a', 'b')).toBe(-1);
    expect(compareCodeUnits('b', 'a')).toBe(1);
    expect(compareCodeUnits('a', 'a')).toBe(0);
    expect(compareCodeUnits('Z', 'a')).toBe(-1);
    expect(compareCodeUnits('10', '9')).toBe(-1);
    expect(compareCodeUnits('é', 'z')).toBe(1);
    expect(compareCodeUnits('', 'a')).toBe(-1);
  });
});

describe('decodeSnapshot', () => {
  it('round-trips an image, with fields in canonical order', () => {
    expect(decodeSnapshot(encodeSnapshot(image))).toEqual(image);
    expect(Object.keys(good)).toEqual(['version', 'maxSessions', 'commandCount', 'data', 'sessions', 'digest']);
    expect(good.version).toBe(SNAPSHOT_VERSION);
  });

  it('names the first problem of a malformed image', () => {
    const cases: [Record<string, unknown> | string, string][] = [
      ['[]', 'expected a JSON object'],
      ['null', 'expected a JSON object'],
      ['"snapshot"', 'expected a JSON object'],
      [{ maxSessions: 0 }, 'maxSessions: expected a positive integer'],
      [{ maxSessions: 1.5 }, 'maxSessions: expected a positive integer'],
      [{ commandCount: -1 }, 'commandCount: expected a non-negative integer'],
      [{ digest: 7 }, 'digest: expected a string'],
      [{ sessions: {} }, 'sessions: expected an array'],
      [{ sessions: [[1, 0, 1]] }, 'sessions[0]: expected [clientId, seq, lastUsed, result]'],
      [{ sessions: ['1,0,1,null'] }, 'sessions[0]: expected [clientId, seq, lastUsed, result]'],
      [{ sessions: [[-1, 0, 1, null]] }, 'sessions[0]: ids, seq and stamp must be non-negative integers'],
      [{ sessions: [[1, 0.5, 1, null]] }, 'sessions[0]: ids, seq and stamp must be non-negative integers'],
      [{ sessions: [[1, 0, '1', null]] }, 'sessions[0]: ids, seq and stamp must be non-negative integers'],
      [{ sessions: [[2, 0, 1, null], [2, 0, 2, null]] }, 'sessions[1]: client ids must be sorted and unique'],
      [{ sessions: [[2, 0, 1, null], [1, 0, 2, null]] }, 'sessions[1]: client ids must be sorted and unique'],
      [{ sessions: [[1, 0, 1, null], [2, 0, 2, null], [3, 0, 3, null]] }, 'sessions: 3 exceed maxSessions 2'],
      [{ data: {} }, 'data: expected an array of [key, value] pairs'],
      [{ data: [['k']] }, 'data[0]: expected [key, value] strings'],
      [{ data: ['kv'] }, 'data[0]: expected [key, value] strings'],
      [{ data: [[1, 'v']] }, 'data[0]: expected [key, value] strings'],
      [{ data: [['a', '1'], ['a', '2']] }, 'data[1]: keys must be sorted and unique'],
      [{ data: [['b', '1'], ['a', '2']] }, 'data[1]: keys must be sorted and unique'],
    ];
    for (const [patch, want] of cases) {
      const run = typeof patch === 'string' ? () => decodeSnapshot(patch) : decode(patch);
      expect(run, want).toThrow(`${PREFIX}${want}`);
    }
    // A session count equal to maxSessions is fine; keys and client ids in order are fine.
    expect(decode({ sessions: [[1, 0, 1, null], [2, 0, 2, null]] })().sessions).toHaveLength(2);
  });
});
