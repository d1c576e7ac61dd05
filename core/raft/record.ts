// One durable record: a version tag, a CRC-32 of the payload and the JSON payload.
//
// Contract: encodeRecord(v) = `v1|<crc32 hex of json>|<json>`. decodeRecord returns the
// parsed payload or a reason; a torn or bit-flipped record always fails the checksum or the
// parse, never decodes to a different value silently (up to CRC-32's detection power).

import { crc32Hex } from '../hash/crc32.ts';

export const RECORD_VERSION = 'v1';

export type DecodedRecord = { ok: true; value: unknown } | { ok: false; reason: string };

export function encodeRecord(value: unknown): string {
  return encodeRecordJson(JSON.stringify(value));
}

/** The record of a payload already in JSON text: encodeRecord(v) is encodeRecordJson(JSON.stringify(v)). */
export function encodeRecordJson(json: string): string {
  return `${RECORD_VERSION}|${crc32Hex(json)}|${json}`;
}

export function decodeRecord(record: string): DecodedRecord {
  const first = record.indexOf('|');
  const second = first < 0 ? -1 : record.indexOf('|', first + 1);
  if (second < 0) return { ok: false, reason: 'malformed record' };
  const version = record.slice(0, first);
  if (version !== RECORD_VERSION) return { ok: false, reason: `unknown record version ${JSON.stringify(version.slice(0, 8))}` };
  const json = record.slice(second + 1);
  if (record.slice(first + 1, second) !== crc32Hex(json)) return { ok: false, reason: 'checksum mismatch' };
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch {
    return { ok: false, reason: 'unparseable payload' };
  }
}
