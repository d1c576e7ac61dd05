// Goal: the standard ANN data-set files (.fvecs, .ivecs, .bvecs) read back exactly what was
// written, and a damaged file is refused with its name, the record and the fault, never
// read as fewer or shifted vectors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readVecs, vecsKindOf, VecsError, writeVecs } from '../../corpus/vecs.ts';

function refused(bytes: Uint8Array, kind: 'fvecs' | 'ivecs' | 'bvecs', message: RegExp): void {
  let caught: unknown;
  try {
    if (kind === 'ivecs') readVecs(bytes, 'ivecs', 'x.ivecs');
    else readVecs(bytes, kind, `x.${kind}`);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(VecsError);
  expect((caught as Error).message).toMatch(message);
}

describe('vecs files', () => {
  it('round-trips float and integer rows, and reads only the first rows with a limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 25 }), (dim, count, limit) => {
        const rows = Array.from({ length: count }, (_, r) => Array.from({ length: dim }, (_, j) => Math.fround((r * 31 + j * 7) / 3 - 11)));
        const f = readVecs(writeVecs(rows, 'fvecs'), 'fvecs', 'a.fvecs');
        expect([f.dim, f.count]).toEqual([dim, count]);
        expect(Array.from(f.data)).toEqual(rows.flat());
        const ints = rows.map((row) => row.map((v) => Math.round(v)));
        expect(Array.from(readVecs(writeVecs(ints, 'ivecs'), 'ivecs', 'a.ivecs').data)).toEqual(ints.flat());
        const cut = readVecs(writeVecs(rows, 'fvecs'), 'fvecs', 'a.fvecs', limit);
        expect(cut.count).toBe(Math.min(count, limit));
        expect(Array.from(cut.data)).toEqual(rows.slice(0, limit).flat());
      }),
    );
    // bvecs: a dimension, then one byte per component.
    const b = new Uint8Array([2, 0, 0, 0, 7, 255, 2, 0, 0, 0, 0, 9]);
    expect(Array.from(readVecs(b, 'bvecs', 'a.bvecs').data)).toEqual([7, 255, 0, 9]);
    expect([vecsKindOf('sift_base.fvecs'), vecsKindOf('gt.ivecs'), vecsKindOf('notes.txt')]).toEqual(['fvecs', 'ivecs', null]);
  });

  it('refuses a damaged file, naming the record', () => {
    const good = writeVecs([[1, 2, 3], [4, 5, 6]], 'fvecs');
    refused(new Uint8Array(0), 'fvecs', /x\.fvecs: the file is empty/);
    refused(good.slice(0, 3), 'fvecs', /3 bytes is not even one record's dimension/);
    refused(good.slice(0, good.length - 1), 'fvecs', /not a whole number of 16-byte records \(dimension 3\)/);
    // Byte 16 is record 2's dimension.
    refused(good.map((x, i) => (i === 16 ? 4 : x)), 'fvecs', /record 2 gives dimension 4 but record 1 gave 3/);
    const bigEndian = good.slice();
    bigEndian.set([0, 0, 0, 3], 0);
    refused(bigEndian, 'fvecs', /record 1 gives dimension 50331648; .* little-endian/);
    refused(writeVecs([[1, NaN]], 'fvecs'), 'fvecs', /record 1, component 2 is NaN; vectors must be finite/);
    refused(writeVecs([[1, 2]], 'fvecs').map((x, i) => (i < 4 ? [0xff, 0xff, 0xff, 0xff][i] : x)), 'fvecs', /dimension -1/);
  });
});
