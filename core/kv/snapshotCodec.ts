// The snapshot image of the key-value state machine: canonical, versioned JSON.
//
// Contract: encodeSnapshot writes fields in a fixed order, data sorted by key (UTF-16
// code units, never locale) and sessions sorted by client id, so equal states give equal
// text. decodeSnapshot checks the version and every field and throws an Error that names
// the first problem; a snapshot is trusted state, so a bad one must stop the restore.

import type { KvResult } from './types.ts';
import { canonicalResult, isCount, isKey, isValue, parseKvResult } from './validate.ts';

/** 2: sessions are registered, and a fresh one has no result yet (null). */
export const SNAPSHOT_VERSION = 2;

export interface KvImage {
  maxSessions: number;
  commandCount: number;
  /** [key, value] pairs sorted by key. */
  data: Array<[string, string]>;
  /** Sessions sorted by client id. */
  sessions: Array<{ clientId: number; seq: number; lastUsed: number; result: KvResult | null }>;
  digest: string;
}

export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function encodeSnapshot(image: KvImage): string {
  return JSON.stringify({
    version: SNAPSHOT_VERSION,
    maxSessions: image.maxSessions,
    commandCount: image.commandCount,
    data: image.data,
    sessions: image.sessions.map((s) => [s.clientId, s.seq, s.lastUsed, s.result === null ? null : canonicalResult(s.result)]),
    digest: image.digest,
  });
}

function bad(problem: string): never {
  throw new Error(`KvStateMachine.restore: bad snapshot: ${problem}`);
}

function decodeData(x: unknown): Array<[string, string]> {
  if (!Array.isArray(x)) bad('data: expected an array of [key, value] pairs');
  const data: Array<[string, string]> = [];
  x.forEach((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || !isKey(pair[0]) || !isValue(pair[1])) {
      bad(`data[${i}]: expected [key, value] strings`);
    }
    if (i > 0 && compareCodeUnits(data[i - 1][0], pair[0]) >= 0) bad(`data[${i}]: keys must be sorted and unique`);
    data.push([pair[0], pair[1]]);
  });
  return data;
}

function decodeSessions(x: unknown): KvImage['sessions'] {
  if (!Array.isArray(x)) bad('sessions: expected an array');
  const out: KvImage['sessions'] = [];
  x.forEach((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== 4) bad(`sessions[${i}]: expected [clientId, seq, lastUsed, result]`);
    const [clientId, seq, lastUsed, result] = row as unknown[];
    if (!isCount(clientId) || !isCount(seq) || !isCount(lastUsed)) bad(`sessions[${i}]: ids, seq and stamp must be non-negative integers`);
    if (i > 0 && out[i - 1].clientId >= clientId) bad(`sessions[${i}]: client ids must be sorted and unique`);
    if (result === null) {
      if (seq !== 0) bad(`sessions[${i}]: only a session without writes (seq 0) may have no result`);
      out.push({ clientId, seq, lastUsed, result: null });
      return;
    }
    const parsed = parseKvResult(result);
    if (!parsed.ok) bad(`sessions[${i}].${parsed.problem}`);
    out.push({ clientId, seq, lastUsed, result: parsed.value });
  });
  return out;
}

export function decodeSnapshot(text: string): KvImage {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    bad('not JSON');
  }
  if (typeof x !== 'object' || x === null || Array.isArray(x)) bad('expected a JSON object');
  const rec = x as Record<string, unknown>;
  if (rec.version !== SNAPSHOT_VERSION) bad(`unsupported version ${JSON.stringify(rec.version)} (expected ${SNAPSHOT_VERSION})`);
  if (!isCount(rec.maxSessions) || rec.maxSessions < 1) bad('maxSessions: expected a positive integer');
  if (!isCount(rec.commandCount)) bad('commandCount: expected a non-negative integer');
  if (typeof rec.digest !== 'string') bad('digest: expected a string');
  const sessions = decodeSessions(rec.sessions);
  if (sessions.length > rec.maxSessions) bad(`sessions: ${sessions.length} exceed maxSessions ${rec.maxSessions}`);
  return { maxSessions: rec.maxSessions, commandCount: rec.commandCount, data: decodeData(rec.data), sessions, digest: rec.digest };
}
