// encodeRecord/decodeRecord: a record round-trips, and each way of being broken is named.
import { describe, expect, it } from 'vitest';
import { crc32Hex } from '../hash/crc32.ts';
import { decodeRecord, encodeRecord } from './record.ts';

describe('record', () => {
  it('round-trips a value', () => {
    const v = { term: 3, entries: [{ index: 1, data: 'a|b' }] };
    expect(decodeRecord(encodeRecord(v))).toEqual({ ok: true, value: v });
  });

  it('names a record without two separators as malformed', () => {
    for (const r of ['', 'v1', 'v1|abc', '|x']) expect(decodeRecord(r)).toEqual({ ok: false, reason: 'malformed record' });
  });

  it('names an unknown version, a checksum mismatch and an unparseable payload', () => {
    expect(decodeRecord(`v2|${crc32Hex('1')}|1`)).toEqual({ ok: false, reason: 'unknown record version "v2"' });
    expect(decodeRecord(`v123456789|${crc32Hex('1')}|1`)).toEqual({ ok: false, reason: 'unknown record version "v1234567"' });
    expect(decodeRecord(`|${crc32Hex('1')}|1`)).toEqual({ ok: false, reason: 'unknown record version ""' });
    expect(decodeRecord(`v1|${crc32Hex('1')}|2`)).toEqual({ ok: false, reason: 'checksum mismatch' });
    expect(decodeRecord(`v1|${crc32Hex('{')}|{`)).toEqual({ ok: false, reason: 'unparseable payload' });
  });
});
