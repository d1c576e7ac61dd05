// Goal: failure explanations are readable and accurate: they list each operation with its
// times and observation, the prefix with the value it leaves, and why each candidate for
// the next step fails.
// Method: explainIllegal on hand-made failing partitions, checked line by line.
import { describe, expect, it } from 'vitest';
import type { Operation } from './history.ts';
import { CANDIDATES_LISTED_MAX, describeOperation, explainIllegal, FULL_EXPLANATION, LISTED_OPS_MAX, PREFIX_SHOWN_MAX, showValue } from './explain.ts';
import { kvModel } from './kvModel.ts';

const put = (opId: number, value: string, call: number, ret: number): Operation =>
  ({ clientId: opId, opId, input: { op: 'put', key: 'x', value }, call, return: ret, output: { ok: true, value } });
const get = (opId: number, value: string | null, call: number, ret: number): Operation =>
  ({ clientId: opId, opId, input: { op: 'get', key: 'x' }, call, return: ret, output: { ok: true, value } });

describe('explainIllegal', () => {
  it('explains a stale read after a concurrent write', () => {
    const ops = [put(1, '1', 0, 10), put(2, '2', 5, 40), get(3, '2', 12, 20), get(4, '1', 22, 30)];
    const text = explainIllegal(kvModel, 'x', ops, [0, 1, 2], 4);
    expect(text.split('\n')).toEqual([
      'Key "x": these 4 operations have no linearization.',
      '  #1 client 1 [0 .. 10 µs] put("x", "1") -> "1"',
      '  #2 client 2 [5 .. 40 µs] put("x", "2") -> "2"',
      '  #3 client 3 [12 .. 20 µs] get("x") -> "2"',
      '  #4 client 4 [22 .. 30 µs] get("x") -> "1"',
      'Longest linearizable prefix found (3 of 4): #1 put("x", "1") -> "1", #2 put("x", "2") -> "2", #3 get("x") -> "2"; the value is then "2".',
      'Next, #4 had to take effect by 30 µs (its return), so one of these had to come next:',
      '  #4 get("x") observed "1", but from "2" it would return "2"',
    ]);
  });

  it('says when nothing can go first and when reads were left out', () => {
    const text = explainIllegal(kvModel, 'x', [get(1, 'v', 0, 10)], [], 3);
    expect(text).toContain('this operation has no linearization (2 of the 3 on this key, all reads, were left out');
    expect(text).toContain('No operation can take effect first: the key starts as null.');
    expect(text).toContain('#1 get("x") observed "v", but from null it would return null');
  });

  it('shows unknown outcomes and long values compactly', () => {
    const unknown: Operation = { clientId: 9, opId: 5, input: { op: 'append', key: 'x', value: 'z' }, call: 25, return: Infinity, output: null };
    expect(describeOperation(unknown)).toBe('#5 client 9 [25 µs .. no return] append("x", "z") -> unknown');
    const long = showValue('v'.repeat(100));
    expect(long.length).toBeLessThan(60);
    expect(long).toContain('(100 chars)');
  });

  it('caps the listing of a large partition', () => {
    const ops = Array.from({ length: LISTED_OPS_MAX + 5 }, (_, i) => put(i, `${i}`, 10 * i, 10 * i + 5));
    ops.push(get(999, 'nope', 10_000, 10_010));
    const text = explainIllegal(kvModel, 'x', ops, ops.slice(0, -1).map((_, i) => i), ops.length);
    expect(text).toContain('… and 6 more');
    // The prefix shows its last operations only.
    expect(text).toContain(`Longest linearizable prefix found (${ops.length - 1} of ${ops.length}): … ${ops.length - 1 - PREFIX_SHOWN_MAX} earlier, then #${ops.length - 1 - PREFIX_SHOWN_MAX} put`);
    expect(text).toContain('#999 get("x") observed "nope"');
  });
});

describe('compact and full explanations', () => {
  // A failure deep in a long history: a 200-step prefix, then a read no order explains.
  const ops = Array.from({ length: 200 }, (_, i) => put(i, `${i}`, 10 * i, 10 * i + 5));
  ops.push(...Array.from({ length: 30 }, (_, i) => get(1000 + i, 'nope', 5_000, 5_010 + i)));
  const prefix = ops.slice(0, 200).map((_, i) => i);

  it('the compact form bounds the listing, the prefix and the candidates', () => {
    const text = explainIllegal(kvModel, 'x', ops, prefix, ops.length);
    expect(text).toContain(`… and ${ops.length - LISTED_OPS_MAX} more`);
    expect(text).toContain(`Longest linearizable prefix found (200 of 230): … ${200 - PREFIX_SHOWN_MAX} earlier, then #${200 - PREFIX_SHOWN_MAX} put("x", "${200 - PREFIX_SHOWN_MAX}")`);
    expect(text).toContain(`… and ${30 - CANDIDATES_LISTED_MAX} more candidates`);
    expect(text.length).toBeLessThan(8_000);
  });

  it('the full form leaves nothing out', () => {
    const text = explainIllegal(kvModel, 'x', ops, prefix, ops.length, FULL_EXPLANATION);
    expect(text).not.toMatch(/more$|earlier, then|more candidates/m);
    for (const op of ops) expect(text).toContain(`#${op.opId} client`);
    expect(text).toContain('#0 put("x", "0") -> "0", #1 put("x", "1")');
  });
});
