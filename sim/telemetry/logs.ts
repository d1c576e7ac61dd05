// Structured JSON logs: one JSON object per line for every telemetry event, node
// lifecycle change, kernel action and check violation of a run, in canonical order.
//
// Contract: a record carries the virtual timestamp (as an ISO time at the fixed epoch of
// the metrics, and as t_us), the node name, the level and event name from the taxonomy
// (events.ts), trace_id and span_id when the event belongs to a traced request, then the
// event's own fields. Fields whose name looks secret (the Snakepit rule: password, token,
// secret, key, auth, ...) are replaced by "[REDACTED]"; strings longer than 1000
// characters are cut. The same run gives the same lines, byte for byte.
import type { Micros, NodeId } from '../../core/env.ts';
import { eventSpec, type LogLevel } from '../../core/telemetry/events.ts';
import { nodeName } from '../../core/telemetry/labels.ts';
import type { TelemetryFields, TelemetryValue } from '../../core/telemetry/sink.ts';
import { OPENMETRICS_EPOCH_S } from './openMetrics.ts';

/** Words that make a field secret-looking when they appear in its name (any case, any separator). */
export const SENSITIVE_WORDS: readonly string[] = ['password', 'passwd', 'secret', 'token', 'key', 'apikey', 'auth', 'authorization', 'credential', 'credentials', 'cookie'];
export const REDACTED = '[REDACTED]';
export const STRING_LENGTH_MAX = 1000;
const TRUNCATED = '... [truncated]';

/** Record keys the logger owns; an event field of the same name is written as `field_<name>`. */
const RESERVED = new Set(['ts', 't_us', 'node', 'level', 'event', 'trace_id', 'span_id']);

/** The lower-case words of a field name: camelCase, snake_case, kebab-case and dots split. */
export function nameWords(name: string): string[] {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_\-.]+/).map((w) => w.toLowerCase()).filter((w) => w !== '');
}

const sensitiveByName = new Map<string, boolean>();

export function isSensitive(name: string): boolean {
  let v = sensitiveByName.get(name);
  if (v === undefined) {
    const lower = name.toLowerCase();
    v = nameWords(name).some((w) => SENSITIVE_WORDS.includes(w)) || SENSITIVE_WORDS.some((w) => w.length >= 6 && lower.includes(w));
    // Field names come from code, so this map stays small; a bound keeps a hostile module from growing it.
    if (sensitiveByName.size < 10_000) sensitiveByName.set(name, v);
  }
  return v;
}

/** A field value as logged: redacted if its name is secret-looking, cut if too long. */
export function sanitize(name: string, v: TelemetryValue): TelemetryValue {
  if (isSensitive(name)) return REDACTED;
  if (typeof v === 'string' && v.length > STRING_LENGTH_MAX) return v.slice(0, STRING_LENGTH_MAX) + TRUNCATED;
  return v;
}

function p2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** The date and time of one second since the Unix epoch, to the second: "2023-11-14T22:13:20". */
function secondText(secs: number): string {
  const days = Math.floor(secs / 86_400);
  const rem = secs - days * 86_400;
  const [y, mo, d] = civilFromDays(days);
  return `${y}-${p2(mo)}-${p2(d)}T${p2(Math.floor(rem / 3600))}:${p2(Math.floor((rem % 3600) / 60))}:${p2(rem % 60)}`;
}

let cachedSecond = -1;
let cachedSecondText = '';

/** ISO 8601 UTC time of virtual time `tUs` (fixed epoch + virtual time), microsecond precision. */
export function isoTimeOf(tUs: Micros): string {
  const secs = OPENMETRICS_EPOCH_S + Math.floor(tUs / 1_000_000);
  const micros = tUs - (secs - OPENMETRICS_EPOCH_S) * 1_000_000;
  if (secs !== cachedSecond) {
    cachedSecond = secs;
    cachedSecondText = secondText(secs);
  }
  return `${cachedSecondText}.${String(micros).padStart(6, '0')}Z`;
}

/** Days since 1970-01-01 to (year, month, day): H. Hinnant's civil_from_days. */
function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/** `,"name":` for a field name, computed once per name (field names come from code). */
const keyTextByName = new Map<string, string>();

function keyText(k: string): string {
  let text = keyTextByName.get(k);
  if (text === undefined) {
    text = `,${JSON.stringify(RESERVED.has(k) ? `field_${k}` : k)}:`;
    if (keyTextByName.size < 10_000) keyTextByName.set(k, text);
  }
  return text;
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

interface Head {
  /** Index in LOG_LEVELS. */
  rank: number;
  /** `,"level":"info","event":"raft.role"` */
  text: string;
}

/** Each event name's level (from the taxonomy; info if it is not there) and record head, computed once. */
const headByEvent = new Map<string, Head>();

function headOf(event: string): Head {
  let head = headByEvent.get(event);
  if (head === undefined) {
    const level = eventSpec(event)?.level ?? 'info';
    head = { rank: LOG_LEVELS.indexOf(level), text: `,"level":"${level}","event":${JSON.stringify(event)}` };
    if (headByEvent.size < 10_000) headByEvent.set(event, head);
  }
  return head;
}

export class JsonLogger {
  count = 0;
  private readonly nodeText: string[] = [];
  private readonly minRank: number;

  /** Logs events at `minLevel` and above (the taxonomy gives each event its level). */
  constructor(private readonly write: (line: string) => void, minLevel: LogLevel = 'debug') {
    this.minRank = LOG_LEVELS.indexOf(minLevel);
  }

  private nodeOf(node: NodeId): string {
    if (node < 0) return '"sim"';
    return (this.nodeText[node] ??= `"${nodeName(node)}"`);
  }

  /**
   * Logs one event of `node` (-1: the simulator itself) at virtual time `t`. The line is
   * built as text (the same JSON as JSON.stringify of the record) because it runs once
   * per event of the run.
   */
  log(t: Micros, node: NodeId, event: string, fields: TelemetryFields, ids: TraceIds | null = null): void {
    const head = headOf(event);
    if (head.rank < this.minRank) return;
    let line = `{"ts":"${isoTimeOf(t)}","t_us":${t},"node":${this.nodeOf(node)}${head.text}`;
    if (ids !== null) line += `,"trace_id":"${ids.traceId}","span_id":"${ids.spanId}"`;
    for (const k in fields) line += keyText(k) + JSON.stringify(sanitize(k, fields[k]));
    this.count++;
    this.write(`${line}}\n`);
  }
}
