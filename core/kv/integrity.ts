// Message integrity for the KV service and its Raft traffic: a 32-bit checksum over the
// message's structure, carried in a `sum` field.
//
// Contract: `seal` adds the checksum to a freshly built message (in place: callers pass
// literals they do not reuse, and send what seal returns, which may be an equal message
// sealed before); `unseal` returns the message when its checksum matches and
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
//
// Much traffic repeats itself: an idle leader sends each follower the same heartbeat every
// round, and each follower the same answer. A flat message (no member an object or an
// array) equal member by member to one sealed lately is not walked and frozen again: seal
// returns that earlier message, frozen, with its sum and digest (the same answers a walk
// of the new one would give; the new literal is simply not sent). Every seal reads the
// members once into scratch arrays, which the walk hashes; looking them up and remembering
// them is done only for message types whose messages have been repeating (four tries in
// five lately; every type is tried at first, and a cold one again now and then), so
// appends and client requests, which never repeat, do not pay for it.
import { handOff, sealHandoff, sealWalker, structuralChecksum } from '../hash/structural.ts';

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
 * The members of the message being sealed, in for-in order, each read once (scratch; a
 * remembered message takes these very arrays and leaves its old ones as the scratch).
 */
let keys: string[] = [];
let vals: unknown[] = [];

/**
 * A flat message sealed here (no member an object or array), with its members and the
 * digest its walk gave. A message whose members equal one of these, key by key in the same
 * order and value by value, would walk to the same sum and digest and freeze nothing
 * nested: seal returns the remembered (frozen) object instead of walking it. An idle
 * leader's heartbeat to a follower, and the answer, repeat unchanged every round.
 */
interface Remembered {
  obj: object;
  n: number;
  /** The first n are its members; any beyond are left over from an earlier message. */
  keys: string[];
  vals: unknown[];
  d1: number;
  d2: number;
  sizeBytes: number;
}

/** Direct-mapped by a cheap mix of the values; a slot holds the last flat message there. */
const REMEMBERED_SLOTS = 512;
const remembered: (Remembered | null)[] = new Array<Remembered | null>(REMEMBERED_SLOTS).fill(null);

/**
 * How well remembering pays for one message type (the value of its `type` member): the
 * memo's recent hit rate. Looking up and remembering cost a mix of the values, a compare
 * and a slot's update per message; a type whose messages rarely repeat (an append, a
 * client request: their indexes and payloads move) skips them, and is tried again now and
 * then in case its traffic settles. Direct-mapped by a cheap mix of the type string; a
 * collision just starts over. Skipping skips only the lookup: every message takes the
 * same walk over the scratch.
 */
interface TypeStats {
  type: unknown;
  tries: number;
  /** The recent hit rate, 0-4096: each try moves it 1/64 of the way to 4096 (a hit) or 0. */
  rate: number;
  /** Counts seals while the type is cold, to try the memo on every RETRY_EVERY-th. */
  coldSeals: number;
}

const TYPE_SLOTS = 64;
const typeStats: (TypeStats | null)[] = new Array<TypeStats | null>(TYPE_SLOTS).fill(null);
/** Tries before a type is judged. */
const TRIES_JUDGED = 16;
/**
 * A type stays warm while four tries in five or more hit. Lower rates did not pay:
 * raft-kv-basic's heartbeat answers (74%) and append answers (60%) kept warm at a quarter
 * made it ~10% slower than without the memo; at this rate they go cold and it is not.
 */
const WARM_RATE = 3277;
const RETRY_EVERY = 8;

function statsOf(type: unknown): TypeStats {
  const i = typeof type === 'string' && type.length > 0 ? (type.length * 7 + type.charCodeAt(type.length - 1) + type.charCodeAt(type.length >> 1)) & (TYPE_SLOTS - 1) : 0;
  let st = typeStats[i];
  if (st === null || st.type !== type) {
    st = { type, tries: 0, rate: 4096, coldSeals: 0 };
    typeStats[i] = st;
  }
  return st;
}

/** Whether to look this message up in the memo: a type new or warm, or a cold type's periodic retry. */
function worthTrying(st: TypeStats): boolean {
  if (st.tries < TRIES_JUDGED || st.rate >= WARM_RATE) return true;
  return ++st.coldSeals % RETRY_EVERY === 0;
}

/**
 * Seals `msg`: returns it with its checksum added, or an equal message sealed earlier.
 * A plain message is also deep-frozen here (callers pass fresh objects, send what seal
 * returns and never edit either afterwards; an edit after sealing throws a TypeError).
 * Messages are plain data: a getter or a Proxy is read once here (and `type` once more,
 * to choose the path), and a remembered message is not read again by unseal.
 */
export function seal<T extends object>(msg: T): T & { sum: number } {
  const out = msg as T & { sum: number };
  // A `sum` already there (re-sealing a copy; a non-enumerable one the walk would not see)
  // keeps its place among the members: the plain checksum, as before, freezing nothing.
  // So does an array or a class instance.
  const proto = Object.getPrototypeOf(msg);
  if ('sum' in msg || Array.isArray(msg) || (proto !== Object.prototype && proto !== null)) {
    out.sum = checksum(msg);
    return out;
  }
  const st = statsOf((msg as { type?: unknown }).type);
  const trying = worthTrying(st);
  // One pass over the members, each read once: the walk hashes them from here.
  let n = 0;
  let flat = true;
  let mix = 0;
  for (const k in msg) {
    const v = (msg as Record<string, unknown>)[k];
    keys[n] = k;
    vals[n] = v;
    n++;
    if (typeof v === 'object' && v !== null) flat = false;
    else if (trying) {
      if (typeof v === 'string') mix = Math.imul(mix ^ ((v.length << 16) | v.charCodeAt(v.length - 1)), 0x9e3779b1);
      else if (typeof v === 'number') mix = Math.imul(mix ^ v, 0x9e3779b1);
    }
  }
  let slot = -1;
  if (trying) {
    if (st.tries < TRIES_JUDGED) st.tries++;
    st.rate -= st.rate >> 6;
    // A message with a nested value is no candidate: a try without a hit.
    if (flat) {
      slot = (mix ^ (mix >>> 15) ^ n) & (REMEMBERED_SLOTS - 1);
      const r = remembered[slot];
      if (r !== null && r.n === n && sameMembers(r, n)) {
        st.rate += 64;
        handOff(r.obj, r.d1, r.d2, r.sizeBytes);
        noteSealed(r.obj);
        return r.obj as T & { sum: number };
      }
    }
  }
  let sum: number;
  try {
    sum = walker.members(keys, vals, n);
  } catch {
    // A value the walk refuses: the plain checksum, as before (-1).
    out.sum = checksum(msg);
    return out;
  }
  out.sum = sum;
  Object.freeze(out);
  walker.close(out, sum);
  noteSealed(out);
  if (slot >= 0) remember(slot, out, n);
  // The scratch must not keep a large nested value (a snapshot, a batch of entries) alive.
  else if (!flat) for (let i = 0; i < n; i++) vals[i] = undefined;
  return out;
}

/** The scratch members equal r's: same keys in the same order, same values (0 and -0 differ). */
function sameMembers(r: Remembered, n: number): boolean {
  const rk = r.keys;
  const rv = r.vals;
  for (let i = 0; i < n; i++) {
    const v = vals[i];
    if (rk[i] !== keys[i] || rv[i] !== v) return false;
    if (v === 0 && 1 / (rv[i] as number) !== 1 / v) return false;
  }
  return true;
}

/** Remembers the scratch members in `slot` by swapping arrays with it: nothing is copied. */
function remember(slot: number, obj: object, n: number): void {
  let r = remembered[slot];
  if (r === null) {
    r = { obj, n, keys, vals, d1: 0, d2: 0, sizeBytes: 0 };
    remembered[slot] = r;
    keys = [];
    vals = [];
  } else {
    const oldKeys = r.keys;
    const oldVals = r.vals;
    r.keys = keys;
    r.vals = vals;
    keys = oldKeys;
    vals = oldVals;
    r.obj = obj;
    r.n = n;
  }
  r.d1 = sealHandoff.d1;
  r.d2 = sealHandoff.d2;
  r.sizeBytes = sealHandoff.sizeBytes;
}

function noteSealed(obj: object): void {
  recent[recentNext] = obj;
  recentNext = (recentNext + 1) % RECENT_MAX;
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
