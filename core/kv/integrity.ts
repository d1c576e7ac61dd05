// Message integrity for the KV service and its Raft traffic: a 32-bit checksum over the
// message's structure, carried in a `sum` field.
//
// Contract: `seal` adds the checksum to a freshly built message (in place: callers pass
// literals they do not reuse); `unseal` returns the message when its checksum matches and
// null when it is missing or wrong. This is what a real service gets from TCP and record
// checksums. Without it, a corrupted message whose fields keep valid types (a term of
// 2^53, an entry's data replaced by junk) passes validation: the catalogue's byzantine
// scenarios found both (a cluster stuck forever on a corrupted term; an entry applied as
// junk). It is not a MAC against a forger who knows the algorithm; forged senders are
// caught by checking the claimed sender against the network's.
//
// The checksum is the first 32-bit lane of the message's structural digest
// (core/hash/structural.ts: type tags, key names and order, lengths, values) with the
// top-level `sum` left out: as sensitive to a change as a checksum of canonical JSON, and
// several times cheaper than building that JSON, which matters because every message is
// sealed once and checked once.
import { structuralChecksum } from '../hash/structural.ts';

/** Deeper values are refused: no message of ours nests this far. */
const DEPTH_MAX = 32;

/** The checksum of a message, ignoring its top-level `sum`; -1 when it is not JSON-like or nests too deep. */
export function checksum(msg: object): number {
  return structuralChecksum(msg, DEPTH_MAX, 'sum');
}

export function seal<T extends object>(msg: T): T & { sum: number } {
  const out = msg as T & { sum: number };
  out.sum = checksum(msg);
  return out;
}

export function unseal(raw: unknown): Record<string, unknown> | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const sum = (raw as Record<string, unknown>).sum;
  if (typeof sum !== 'number' || sum < 0) return null;
  return checksum(raw) === sum ? (raw as Record<string, unknown>) : null;
}
