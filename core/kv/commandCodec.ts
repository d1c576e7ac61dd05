// The wire form of a key-value log entry (a command or a session registration): canonical
// JSON, validated on the way in.
//
// Contract: encodeCommand(c) and encodeRegister(n) are canonical (fixed field order,
// nothing extra), and decodeEntry gives back exactly what was encoded. decodeEntry never
// throws: malformed, forged or oversized input gives null, because log entries and
// messages may be corrupted by the simulated network or disk.

import { isRegister, REGISTER_COUNT_MAX, type KvCommand, type KvEntry } from './types.ts';
import { isCount, isNonce, isRegisterCount, KEY_LENGTH_MAX, parseKvOp, VALUE_LENGTH_MAX } from './validate.ts';

/**
 * The longest encoded entry decodeEntry will even try to parse: the longest valid command, a
 * key and a value of the maximal lengths whose every code unit JSON writes as a 6-character
 * \uXXXX escape, plus room for the fields around them. (It was 2 MiB + 4 KiB, which a valid
 * value of control characters exceeds: such a write was committed and then never applied.)
 */
export const COMMAND_TEXT_LENGTH_MAX = 6 * (KEY_LENGTH_MAX + VALUE_LENGTH_MAX) + 4096;

export function encodeCommand(c: KvCommand): string {
  const parsed = parseKvOp(c.op);
  if (!parsed.ok) throw new Error(`encodeCommand: ${parsed.problem}`);
  return JSON.stringify({ clientId: c.clientId, seq: c.seq, op: parsed.value });
}

export function encodeRegister(nonce: string, count: number): string {
  if (!isNonce(nonce)) throw new Error('encodeRegister: the nonce must be a short string');
  if (!isRegisterCount(count)) throw new Error(`encodeRegister: count must be an integer in [1, ${REGISTER_COUNT_MAX}], got ${count}`);
  return JSON.stringify({ register: nonce, count });
}


/**
 * The entries decoded last, by their text: every replica applies every entry, so in one
 * thread the same text is decoded once per replica (and again by checks that read applied
 * entries). Decoded values are frozen (the entry and its op), so no replica can change what
 * another holds; the memo keeps the newest DECODED_MAX texts and answers nothing a fresh
 * decode would not.
 */
const DECODED_MAX = 256;
const decoded = new Map<string, KvEntry | null>();

export function decodeEntry(s: string): KvEntry | null {
  if (typeof s !== 'string' || s.length > COMMAND_TEXT_LENGTH_MAX) return null;
  const known = decoded.get(s);
  if (known !== undefined) return known;
  const e = decodeFresh(s);
  if (e !== null) {
    if (!isRegister(e)) Object.freeze(e.op);
    Object.freeze(e);
  }
  if (decoded.size >= DECODED_MAX) decoded.delete(decoded.keys().next().value as string);
  decoded.set(s, e);
  return e;
}

function decodeFresh(s: string): KvEntry | null {
  let x: unknown;
  try {
    x = JSON.parse(s);
  } catch {
    return null;
  }
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return null;
  const rec = x as Record<string, unknown>;
  const keys = Object.keys(rec);
  if (keys.length !== 2 && keys.length !== 3) return null;
  if (keys.length === 2) return isNonce(rec.register) && isRegisterCount(rec.count) ? { register: rec.register, count: rec.count } : null;
  if (!isCount(rec.clientId) || !isCount(rec.seq) || rec.seq < 1) return null;
  const op = parseKvOp(rec.op);
  if (!op.ok) return null;
  return { clientId: rec.clientId, seq: rec.seq, op: op.value };
}
