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

export function isSensitive(name: string): boolean {
  const lower = name.toLowerCase();
  return nameWords(name).some((w) => SENSITIVE_WORDS.includes(w)) || SENSITIVE_WORDS.some((w) => w.length >= 6 && lower.includes(w));
}

/** A field value as logged: redacted if its name is secret-looking, cut if too long. */
export function sanitize(name: string, v: TelemetryValue): TelemetryValue {
  if (isSensitive(name)) return REDACTED;
  if (typeof v === 'string' && v.length > STRING_LENGTH_MAX) return v.slice(0, STRING_LENGTH_MAX) + TRUNCATED;
  return v;
}

/** ISO 8601 UTC time of virtual time `tUs` (fixed epoch + virtual time), microsecond precision. */
export function isoTimeOf(tUs: Micros): string {
  const totalUs = OPENMETRICS_EPOCH_S * 1_000_000 + tUs;
  const secs = Math.floor(totalUs / 1_000_000);
  const micros = totalUs - secs * 1_000_000;
  const days = Math.floor(secs / 86_400);
  const rem = secs - days * 86_400;
  const [y, mo, d] = civilFromDays(days);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${y}-${p2(mo)}-${p2(d)}T${p2(Math.floor(rem / 3600))}:${p2(Math.floor((rem % 3600) / 60))}:${p2(rem % 60)}.${String(micros).padStart(6, '0')}Z`;
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

export class JsonLogger {
  count = 0;

  constructor(private readonly write: (line: string) => void) {}

  /** Logs one event of `node` (-1: the simulator itself) at virtual time `t`. */
  log(t: Micros, node: NodeId, event: string, fields: TelemetryFields, ids: TraceIds | null = null, level: LogLevel = eventSpec(event)?.level ?? 'info'): void {
    const rec: Record<string, TelemetryValue> = { ts: isoTimeOf(t), t_us: t, node: node < 0 ? 'sim' : nodeName(node), level, event };
    if (ids !== null) {
      rec.trace_id = ids.traceId;
      rec.span_id = ids.spanId;
    }
    for (const k in fields) rec[RESERVED.has(k) ? `field_${k}` : k] = sanitize(k, fields[k]);
    this.count++;
    this.write(JSON.stringify(rec) + '\n');
  }
}
