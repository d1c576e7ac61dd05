// The wire form of a key-value command: canonical JSON, validated on the way in.
//
// Contract: encodeCommand(c) is canonical (fixed field order, nothing extra), and
// decodeCommand(encodeCommand(c)) equals c for every valid command. decodeCommand never
// throws: malformed, forged or oversized input gives null, because log entries and
// messages may be corrupted by the simulated network or disk.

import type { KvCommand } from './types.ts';
import { isCount, parseKvOp } from './validate.ts';

/** The longest encoded command decodeCommand will even try to parse. */
export const COMMAND_TEXT_LENGTH_MAX = 2 * (1 << 20) + 4096;

export function encodeCommand(c: KvCommand): string {
  const parsed = parseKvOp(c.op);
  if (!parsed.ok) throw new Error(`encodeCommand: ${parsed.problem}`);
  return JSON.stringify({ clientId: c.clientId, seq: c.seq, op: parsed.value });
}

export function decodeCommand(s: string): KvCommand | null {
  if (typeof s !== 'string' || s.length > COMMAND_TEXT_LENGTH_MAX) return null;
  let x: unknown;
  try {
    x = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const rec = x as Record<string, unknown>;
  if (Object.keys(rec).length !== 3) return null;
  if (!isCount(rec.clientId) || !isCount(rec.seq) || rec.seq < 1) return null;
  const op = parseKvOp(rec.op);
  if (!op.ok) return null;
  return { clientId: rec.clientId, seq: rec.seq, op: op.value };
}
