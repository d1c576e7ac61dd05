// Boundary check for messages arriving from the network.
//
// Contract: validateMessage(x) returns a fresh, well-formed Message holding only known
// fields, or null when x has the wrong shape, wrong types, negative or non-integer
// numbers, an unknown type, oversized arrays or strings, or a MsgApp whose entries are not
// contiguous after `index` or carry terms the sender could not have written. It cannot
// detect a well-formed lie; Raft's own checks handle those. validateDelivered(x) gives the
// same answer, except that for a frozen message without entries or snapshot, delivered
// again, it may be the frozen copy it gave before.

import { MESSAGE_TYPES, type ConfState, type Entry, type Message, type MessageType, type Snapshot } from './types.ts';

export const MESSAGE_LIMITS = {
  entriesMax: 4096,
  entryDataLengthMax: 1 << 20,
  contextLengthMax: 1024,
  snapshotDataLengthMax: 64 << 20,
  membersMax: 1024,
} as const;

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isNat(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isShortString(x: unknown, lengthMax: number): x is string {
  return typeof x === 'string' && x.length <= lengthMax;
}

export function validEntry(x: unknown): Entry | null {
  if (!isObj(x) || !isNat(x.term) || !isNat(x.index) || x.index < 1 || x.term < 1) return null;
  if (x.type !== 'normal' && x.type !== 'conf') return null;
  if (!isShortString(x.data, MESSAGE_LIMITS.entryDataLengthMax)) return null;
  return { term: x.term, index: x.index, type: x.type, data: x.data };
}

function validIds(x: unknown): number[] | null {
  if (!Array.isArray(x) || x.length > MESSAGE_LIMITS.membersMax) return null;
  return x.every(isNat) ? [...(x as number[])] : null;
}

function validConf(x: unknown): ConfState | null {
  if (!isObj(x)) return null;
  const voters = validIds(x.voters);
  const learners = validIds(x.learners);
  if (voters === null || learners === null) return null;
  if (x.votersOutgoing !== undefined) {
    const out = validIds(x.votersOutgoing);
    if (out === null || out.length > 0) return null;
  }
  return { voters, learners };
}

export function validSnapshot(x: unknown): Snapshot | null {
  if (!isObj(x) || !isObj(x.meta) || !isShortString(x.data, MESSAGE_LIMITS.snapshotDataLengthMax)) return null;
  const meta = x.meta;
  if (!isNat(meta.index) || !isNat(meta.term)) return null;
  const conf = validConf(meta.conf);
  if (conf === null) return null;
  return { meta: { index: meta.index, term: meta.term, conf }, data: x.data };
}

function validEntries(x: unknown): Entry[] | null {
  if (!Array.isArray(x) || x.length > MESSAGE_LIMITS.entriesMax) return null;
  const out: Entry[] = [];
  for (const raw of x) {
    const e = validEntry(raw);
    if (e === null) return null;
    out.push(e);
  }
  return out;
}

/** MsgApp entries must follow `index` without gaps, with non-decreasing terms <= the message term. */
function appendIsCoherent(m: Message): boolean {
  const ents = m.entries ?? [];
  let prevTerm = m.logTerm ?? 0;
  for (let i = 0; i < ents.length; i++) {
    if (ents[i].index !== (m.index ?? 0) + 1 + i) return false;
    if (ents[i].term < prevTerm || ents[i].term > m.term) return false;
    prevTerm = ents[i].term;
  }
  return true;
}

// The optional fields a message carries, one bit each, in the order the copy takes them.
const F_LOG_TERM = 1;
const F_INDEX = 2;
const F_COMMIT = 4;
const F_TRANSFEREE = 8;
const F_CONTEXT = 16;
const F_SNAPSHOT = 32;

/**
 * Each type's required fields as a mask (a type absent here carries none). One Map look-up
 * answers both "is this a type?" and "what must it carry?": every received message passes
 * here, and a keyed read of a plain object by a varying type name was slower.
 */
const REQUIRED = new Map<string, number>(MESSAGE_TYPES.map((t) => [t, 0]));
REQUIRED.set('MsgApp', F_INDEX | F_LOG_TERM | F_COMMIT);
REQUIRED.set('MsgVote', F_INDEX | F_LOG_TERM);
REQUIRED.set('MsgPreVote', F_INDEX | F_LOG_TERM);
REQUIRED.set('MsgSnap', F_SNAPSHOT);
REQUIRED.set('MsgReadIndex', F_CONTEXT);
REQUIRED.set('MsgReadIndexResp', F_INDEX | F_CONTEXT);
REQUIRED.set('MsgTransferLeader', F_TRANSFEREE);

export function validateMessage(x: unknown): Message | null {
  if (!isObj(x)) return null;
  const type = x.type;
  const required = typeof type === 'string' ? REQUIRED.get(type) : undefined;
  if (required === undefined) return null;
  const { from, to, term } = x;
  if (!isNat(from) || !isNat(to) || !isNat(term) || from === to) return null;
  const m: Message = { type: type as MessageType, from, to, term };
  let present = 0;
  // The optional numbers one by one, in a fixed order (logTerm, index, commit, rejectHint,
  // transferee, round: the copy's fields keep it): named reads, not a keyed loop, because every message received passes here.
  const { logTerm, index, commit, rejectHint, transferee, round } = x;
  if (logTerm !== undefined) {
    if (!isNat(logTerm)) return null;
    m.logTerm = logTerm;
    present |= F_LOG_TERM;
  }
  if (index !== undefined) {
    if (!isNat(index)) return null;
    m.index = index;
    present |= F_INDEX;
  }
  if (commit !== undefined) {
    if (!isNat(commit)) return null;
    m.commit = commit;
    present |= F_COMMIT;
  }
  if (rejectHint !== undefined) {
    if (!isNat(rejectHint)) return null;
    m.rejectHint = rejectHint;
  }
  if (transferee !== undefined) {
    if (!isNat(transferee)) return null;
    m.transferee = transferee;
    present |= F_TRANSFEREE;
  }
  if (round !== undefined) {
    if (!isNat(round)) return null;
    m.round = round;
  }
  const { reject, context, entries, snapshot } = x;
  if (reject !== undefined) {
    if (typeof reject !== 'boolean') return null;
    m.reject = reject;
  }
  if (context !== undefined) {
    if (!isShortString(context, MESSAGE_LIMITS.contextLengthMax)) return null;
    m.context = context;
    present |= F_CONTEXT;
  }
  if (entries !== undefined) {
    const ents = validEntries(entries);
    if (ents === null) return null;
    m.entries = ents;
  }
  if (snapshot !== undefined) {
    const s = validSnapshot(snapshot);
    if (s === null) return null;
    m.snapshot = s;
    present |= F_SNAPSHOT;
  }
  if ((present & required) !== required) return null;
  if (type === 'MsgApp' && !appendIsCoherent(m)) return null;
  return m;
}

// ---- Validated copies of repeated frozen messages ----
//
// A frozen message cannot change, so neither can validateMessage's answer for it. An idle
// cluster delivers the same frozen heartbeat and answer over and over (core/kv/integrity.ts
// seals an equal message once), so the copy is kept by the identity of what it was made
// from, frozen itself so that no handler can edit what a later delivery is given. A
// message is remembered the second time it is seen (a first sighting costs one store): most
// traffic never repeats, and freezing its copies would cost more than it saves.
const SEEN_SLOTS = 256;
const seenRaw: (object | null)[] = new Array<object | null>(SEEN_SLOTS).fill(null);
const keptRaw: (object | null)[] = new Array<object | null>(SEEN_SLOTS).fill(null);
const keptCopy: (Message | null)[] = new Array<Message | null>(SEEN_SLOTS).fill(null);

/**
 * validateMessage, remembering the answer for a frozen flat message seen before. Slots
 * are chosen by the message's `sum` (its checksum, core/kv/integrity.ts), which spreads
 * them; a collision only costs a fresh validation.
 */
export function validateDelivered(x: unknown): Message | null {
  if (typeof x !== 'object' || x === null) return null;
  const sum = (x as { sum?: unknown }).sum;
  const slot = typeof sum === 'number' ? sum & (SEEN_SLOTS - 1) : 0;
  // Kept only while frozen, and a frozen object stays frozen: the same object, the same answer.
  if (keptRaw[slot] === x) return keptCopy[slot];
  const m = validateMessage(x);
  if (m === null || m.entries !== undefined || m.snapshot !== undefined) return m;
  if (seenRaw[slot] !== x) {
    seenRaw[slot] = x;
    return m;
  }
  if (!Object.isFrozen(x)) return m;
  keptRaw[slot] = x;
  keptCopy[slot] = Object.freeze(m);
  return m;
}
