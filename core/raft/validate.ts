// Boundary check for messages arriving from the network.
//
// Contract: validateMessage(x) returns a fresh, well-formed Message holding only known
// fields, or null when x has the wrong shape, wrong types, negative or non-integer
// numbers, an unknown type, oversized arrays or strings, or a MsgApp whose entries are not
// contiguous after `index` or carry terms the sender could not have written. It cannot
// detect a well-formed lie; Raft's own checks handle those.

import { MESSAGE_TYPES, type ConfState, type Entry, type Message, type MessageType, type Snapshot } from './types.ts';

export const MESSAGE_LIMITS = {
  entriesMax: 4096,
  entryDataLengthMax: 1 << 20,
  contextLengthMax: 1024,
  snapshotDataLengthMax: 64 << 20,
  membersMax: 1024,
} as const;

const TYPES = new Set<string>(MESSAGE_TYPES);

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

const REQUIRED: Partial<Record<MessageType, readonly (keyof Message)[]>> = {
  MsgApp: ['index', 'logTerm', 'commit'],
  MsgAppResp: [],
  MsgVote: ['index', 'logTerm'],
  MsgPreVote: ['index', 'logTerm'],
  MsgSnap: ['snapshot'],
  MsgReadIndex: ['context'],
  MsgReadIndexResp: ['index', 'context'],
  MsgTransferLeader: ['transferee'],
};

export function validateMessage(x: unknown): Message | null {
  if (!isObj(x) || typeof x.type !== 'string' || !TYPES.has(x.type)) return null;
  if (!isNat(x.from) || !isNat(x.to) || !isNat(x.term) || x.from === x.to) return null;
  const m: Message = { type: x.type as MessageType, from: x.from, to: x.to, term: x.term };
  // The optional numbers one by one, in a fixed order (logTerm, index, commit, rejectHint,
  // transferee, round: the copy's fields keep it): named reads, not a keyed loop, because every message received passes here.
  const { logTerm, index, commit, rejectHint, transferee, round } = x;
  if (logTerm !== undefined) {
    if (!isNat(logTerm)) return null;
    m.logTerm = logTerm;
  }
  if (index !== undefined) {
    if (!isNat(index)) return null;
    m.index = index;
  }
  if (commit !== undefined) {
    if (!isNat(commit)) return null;
    m.commit = commit;
  }
  if (rejectHint !== undefined) {
    if (!isNat(rejectHint)) return null;
    m.rejectHint = rejectHint;
  }
  if (transferee !== undefined) {
    if (!isNat(transferee)) return null;
    m.transferee = transferee;
  }
  if (round !== undefined) {
    if (!isNat(round)) return null;
    m.round = round;
  }
  if (x.reject !== undefined) {
    if (typeof x.reject !== 'boolean') return null;
    m.reject = x.reject;
  }
  if (x.context !== undefined) {
    if (!isShortString(x.context, MESSAGE_LIMITS.contextLengthMax)) return null;
    m.context = x.context;
  }
  if (x.entries !== undefined) {
    const ents = validEntries(x.entries);
    if (ents === null) return null;
    m.entries = ents;
  }
  if (x.snapshot !== undefined) {
    const s = validSnapshot(x.snapshot);
    if (s === null) return null;
    m.snapshot = s;
  }
  const required = REQUIRED[m.type];
  if (required !== undefined) for (const f of required) if (m[f] === undefined) return null;
  if (m.type === 'MsgApp' && !appendIsCoherent(m)) return null;
  return m;
}
