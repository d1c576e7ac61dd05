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
//
// Sealing a plain message walks it once: the checksum, and in the same walk the message's
// nested arrays and objects deep-frozen and its structural digest handed to the
// simulator (sealHandoff in core/hash/structural.ts), which would otherwise walk it
// again; the message itself is frozen once its sum is set. A message sealed that way
// cannot change any more, so its checksum is known to match: the last RECENT_MAX of them
// are remembered, and unseal accepts one of those very objects without walking it again
// (the answer is the one the walk would give). Anything else (a copy from a worker's
// wire, a byzantine fault's rewrite, a message sealed long ago) is checked in full.
import { sealWalker, structuralChecksum } from '../hash/structural.ts';

/** Deeper values are refused: no message of ours nests this far. */
const DEPTH_MAX = 32;

/** The checksum of a message, ignoring its top-level `sum`; -1 when it is not JSON-like or nests too deep. */
export function checksum(msg: object): number {
  return structuralChecksum(msg, DEPTH_MAX, 'sum');
}

const walker = sealWalker(DEPTH_MAX);

/** How many messages sealed here unseal recognises by identity (newest first). */
const RECENT_MAX = 32;
const recent: (object | null)[] = new Array<object | null>(RECENT_MAX).fill(null);
let recentNext = 0;

/**
 * Adds the checksum to `msg`. A plain message is also deep-frozen here (callers pass fresh
 * objects and never edit them afterwards; the simulator froze them at send before, so an
 * edit after sealing now throws a TypeError a little earlier). Messages are plain data:
 * a getter or a Proxy is read once, here, and a remembered message is not read again by
 * unseal (a getter whose value changes would otherwise be refused there).
 */
export function seal<T extends object>(msg: T): T & { sum: number } {
  const out = msg as T & { sum: number };
  let sum = -1;
  let walked = false;
  // A `sum` already there (re-sealing a copy; a non-enumerable one the walk would not see)
  // keeps its place among the members: the plain checksum, as before, freezing nothing.
  if (!('sum' in msg)) {
    try {
      sum = walker.members(msg);
      walked = true;
    } catch {
      // An array, a class instance or a refused value: the plain checksum, as before.
    }
  }
  if (!walked) {
    out.sum = checksum(msg);
    return out;
  }
  out.sum = sum;
  Object.freeze(out);
  walker.close(out, sum);
  recent[recentNext] = out;
  recentNext = (recentNext + 1) % RECENT_MAX;
  return out;
}

/** Newest first: a message is usually received a few seals after its own. */
function sealedRecently(raw: object): boolean {
  for (let i = recentNext - 1; i >= 0; i--) if (recent[i] === raw) return true;
  for (let i = RECENT_MAX - 1; i >= recentNext; i--) if (recent[i] === raw) return true;
  return false;
}

export function unseal(raw: unknown): Record<string, unknown> | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  if (sealedRecently(raw)) return raw as Record<string, unknown>;
  const sum = (raw as Record<string, unknown>).sum;
  if (typeof sum !== 'number' || sum < 0) return null;
  return checksum(raw) === sum ? (raw as Record<string, unknown>) : null;
}
