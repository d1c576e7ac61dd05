// The retrieval service's messages and their parsers.
//
//   client   -> frontend  rag.query   {qid, v, k, ef, mode}       a question (v: base64 vector)
//   frontend -> client    rag.answer  {qid, ok, l, d, replica, applied, cached, error}
//   client   -> frontend  rag.put     {wid, label, title, v}      ingest a document
//   client   -> frontend  rag.del     {wid, label}
//   frontend -> client    rag.ack     {wid, ok, error}
//   frontend -> replica   rag.search  {bid, mode, k, ef, qs: [{qid, v}]}   a batch
//   replica  -> frontend  rag.results {bid, ok, applied, docs, rs: [{qid, l, d}], error}
//
// Contract: every message is sealed (core/kv/integrity.ts) and parsed from `unknown`;
// anything malformed, corrupted or out of bounds yields null and is dropped by the
// receiver (counted, never thrown on). `mode` is 'stale' (any replica, answered from what
// it has applied) or 'fresh' (the replica first reaches the leader's read index).
import { unseal } from '../kv/integrity.ts';
import { isCount } from '../kv/validate.ts';
import { TITLE_LENGTH_MAX } from './document.ts';

export type Consistency = 'stale' | 'fresh';

export const K_MAX = 100;
export const EF_MAX = 4096;
export const BATCH_MAX = 256;
/** Base64 of at most 4096 float32 values. */
export const VECTOR_TEXT_MAX = 21_848;

export interface RagQuery { type: 'rag.query'; qid: number; v: string; k: number; ef: number; mode: Consistency }
export interface RagAnswer {
  type: 'rag.answer'; qid: number; ok: boolean; l: number[]; d: number[];
  replica: number; applied: number; cached: boolean; error: string;
}
export interface RagPut { type: 'rag.put'; wid: number; label: number; title: string; v: string }
export interface RagDel { type: 'rag.del'; wid: number; label: number }
export interface RagAck { type: 'rag.ack'; wid: number; ok: boolean; error: string }
export interface RagSearch { type: 'rag.search'; bid: number; mode: Consistency; k: number; ef: number; qs: { qid: number; v: string }[] }
/** `docs`: live documents in the replica's index when it answered. */
export interface RagResults { type: 'rag.results'; bid: number; ok: boolean; applied: number; docs: number; rs: { qid: number; l: number[]; d: number[] }[]; error: string }

const isLabel = (x: unknown): x is number => isCount(x) && x < 0x100000000;
const isMode = (x: unknown): x is Consistency => x === 'stale' || x === 'fresh';
const isK = (x: unknown): x is number => isCount(x) && x >= 1 && x <= K_MAX;
const isEf = (x: unknown): x is number => isCount(x) && x >= 1 && x <= EF_MAX;
const isVectorText = (x: unknown): x is string => typeof x === 'string' && x.length > 0 && x.length <= VECTOR_TEXT_MAX;
const isLabels = (x: unknown): x is number[] => Array.isArray(x) && x.length <= K_MAX && x.every(isLabel);
const isDistances = (x: unknown): x is number[] => Array.isArray(x) && x.length <= K_MAX && x.every((d) => typeof d === 'number' && Number.isFinite(d));
const isError = (x: unknown): x is string => typeof x === 'string' && x.length <= 200;

export function parseRagQuery(raw: unknown): RagQuery | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'rag.query') return null;
  if (!isCount(m.qid) || !isVectorText(m.v) || !isK(m.k) || !isEf(m.ef) || !isMode(m.mode)) return null;
  return { type: 'rag.query', qid: m.qid, v: m.v, k: m.k, ef: m.ef, mode: m.mode };
}

export function parseRagAnswer(raw: unknown): RagAnswer | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'rag.answer') return null;
  if (!isCount(m.qid) || typeof m.ok !== 'boolean' || !isLabels(m.l) || !isDistances(m.d) || m.l.length !== m.d.length) return null;
  if (!Number.isSafeInteger(m.replica) || !isCount(m.applied) || typeof m.cached !== 'boolean' || !isError(m.error)) return null;
  return { type: 'rag.answer', qid: m.qid, ok: m.ok, l: m.l, d: m.d, replica: m.replica as number, applied: m.applied, cached: m.cached, error: m.error };
}

export function parseRagWrite(raw: unknown): RagPut | RagDel | null {
  const m = unseal(raw);
  if (m === null || !isCount(m.wid) || !isLabel(m.label)) return null;
  if (m.type === 'rag.del') return { type: 'rag.del', wid: m.wid, label: m.label };
  if (m.type !== 'rag.put' || typeof m.title !== 'string' || m.title.length > TITLE_LENGTH_MAX || !isVectorText(m.v)) return null;
  return { type: 'rag.put', wid: m.wid, label: m.label, title: m.title, v: m.v };
}

export function parseRagAck(raw: unknown): RagAck | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'rag.ack' || !isCount(m.wid) || typeof m.ok !== 'boolean' || !isError(m.error)) return null;
  return { type: 'rag.ack', wid: m.wid, ok: m.ok, error: m.error };
}

export function parseRagSearch(raw: unknown): RagSearch | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'rag.search') return null;
  if (!isCount(m.bid) || !isMode(m.mode) || !isK(m.k) || !isEf(m.ef) || !Array.isArray(m.qs) || m.qs.length === 0 || m.qs.length > BATCH_MAX) return null;
  const qs: { qid: number; v: string }[] = [];
  for (const q of m.qs as unknown[]) {
    if (q === null || typeof q !== 'object') return null;
    const { qid, v } = q as { qid?: unknown; v?: unknown };
    if (!isCount(qid) || !isVectorText(v)) return null;
    qs.push({ qid, v });
  }
  return { type: 'rag.search', bid: m.bid, mode: m.mode, k: m.k, ef: m.ef, qs };
}

export function parseRagResults(raw: unknown): RagResults | null {
  const m = unseal(raw);
  if (m === null || m.type !== 'rag.results') return null;
  if (!isCount(m.bid) || typeof m.ok !== 'boolean' || !isCount(m.applied) || !isCount(m.docs) || !Array.isArray(m.rs) || m.rs.length > BATCH_MAX || !isError(m.error)) return null;
  const rs: { qid: number; l: number[]; d: number[] }[] = [];
  for (const r of m.rs as unknown[]) {
    if (r === null || typeof r !== 'object') return null;
    const { qid, l, d } = r as { qid?: unknown; l?: unknown; d?: unknown };
    if (!isCount(qid) || !isLabels(l) || !isDistances(d) || l.length !== d.length) return null;
    rs.push({ qid, l, d });
  }
  return { type: 'rag.results', bid: m.bid, ok: m.ok, applied: m.applied, docs: m.docs, rs, error: m.error };
}
