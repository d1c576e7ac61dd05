// Histories recorded elsewhere, read for the linearizability checker: Jepsen's history.edn
// (one operation map per form, as Jepsen and Porcupine's data sets write them), Jepsen's
// log lines (`INFO jepsen.util - 3 :invoke :read nil`), and JSON (the same events, or
// faultline's own Operation objects), each as one document or one value per line.
//
// Contract: readHistoryText(text, opts) gives the model to check with, its operations and
// what was counted on the way, or throws HistoryFileError naming the line (or item) and
// what to write instead. Nothing is dropped without being counted:
// - events (process, type, f, value, and key for keyed models) pair by process: an invoke
//   opens an operation, the next `ok`, `fail` or `info` of that process closes it;
// - `ok`: the operation took effect between its invoke and its completion, with the
//   completion's value as its output (writes of the key-value model: output unseen);
// - `info`, or no completion before the history ends: unknown outcome (it may have taken
//   effect at any time after its invoke, or never);
// - a read that returned nil held nil, or (`nilReads: 'unseen'`, Knossos's reading) saw nothing;
//   a multi-register transaction's nil reads see nothing unless `nilReads` is 'value';
// - a transaction (`txn`) is a list of [f k v] micro-ops, f r/read or w/write; its ok
//   completion lists the invoke's micro-ops with the values read, or the file is an error;
// - `fail`: it did not take effect, so it is left out (`failed`), except a failed cas,
//   which by default says the value was not the expected one (`casFail: 'mismatch'`, what
//   etcd's and Porcupine's Jepsen clients mean by it; 'refused' leaves it out too);
// - events of a process that is not a number (Jepsen's :nemesis) are counted and skipped;
//   log lines that are not jepsen.util operation lines are counted and skipped;
// - times are the events' positions in the file: a history lists its events in the order
//   they happened (Jepsen's `:time` is not needed and not read).
// A file with events but no client operation (only a nemesis's, say, or only failures)
// reads as no operations with its counts: the caller decides (`faultline check` calls it
// inconclusive, not linearizable). An empty file is an error.
// An invoke on a process that already has one open, or a completion with none open or
// naming a different function, is an error: the file is not a history of sequential clients.

import type { KvOp } from '../../../core/kv/types.ts';
import type { Operation } from '../history.ts';
import { kvModel, type KvObservation } from '../kvModel.ts';
import type { Model } from '../model.ts';
import { multiRegisterModel, multiRegisterModelWith, type MicroOp, type MultiRegisterInput, type MultiRegisterOutput } from '../models/multiRegister.ts';
import { mutexModel, type MutexInput, type MutexOutput } from '../models/mutex.ts';
import { queueModel, type QueueInput, type QueueOutput } from '../models/queue.ts';
import { registerModel, type RegisterInput, type RegisterOutput, type RegisterValue } from '../models/register.ts';
import { setModel, type SetInput, type SetOutput } from '../models/set.ts';
import { parseJson } from '../../scenario/jsonText.ts';
import { EdnDecimal, EdnError, EdnSymbol, EdnTagged, Keyword, readEdn, showEdn, untagged, type EdnForm, type EdnValue } from './edn.ts';

export type HistoryFormat = 'edn' | 'jepsen-log' | 'json';
export const HISTORY_FORMATS: readonly HistoryFormat[] = ['edn', 'jepsen-log', 'json'];
export type HistoryModelName = 'register' | 'kv' | 'set' | 'queue' | 'mutex' | 'multi-register';
export const HISTORY_MODELS: readonly HistoryModelName[] = ['register', 'kv', 'set', 'queue', 'mutex', 'multi-register'];

export interface ReadHistoryOptions {
  /** The file's format; detected from the text when omitted. */
  format?: HistoryFormat;
  /** The model; inferred from the functions the history uses when omitted. */
  model?: HistoryModelName;
  /** What every register or key holds before its first write (register, kv, multi-register); default null. */
  initial?: string | number | null;
  /** A failed cas: a compare that did not match (default), or a refusal with no effect. */
  casFail?: 'mismatch' | 'refused';
  /** Values are jepsen.independent tuples, [key value]: the key is taken from the tuple. */
  independent?: boolean;
  /**
   * What a read that returned nil means (register, kv, multi-register): 'value' (the
   * register or key held nil, as etcd's Jepsen client means it; the default for register
   * and kv) or 'unseen' (the read observed nothing, as Knossos's models take it; the default
   * for multi-register, whose Knossos model says "nil reads are always legal").
   */
  nilReads?: 'value' | 'unseen';
}

export class HistoryFileError extends Error {}

export interface HistoryCounts {
  /** Events read (invokes and completions of client processes). */
  events: number;
  /** Operations handed to the checker. */
  operations: number;
  /** Of those, operations whose outcome is unknown (`info`, or never completed). */
  unknownOutcome: number;
  /** Operations left out because they failed (`fail`: no effect). */
  failed: number;
  /** Events of processes that are not clients (a nemesis), skipped. */
  nonClientEvents: number;
  /** Lines of a log that are not operation lines, skipped. */
  otherLines: number;
}

export interface HistoryRead {
  format: HistoryFormat;
  model: HistoryModelName;
  /** How the model was chosen: given, or inferred (with the functions it was inferred from). */
  modelFrom: 'given' | string;
  ops: Operation<unknown, unknown>[];
  counts: HistoryCounts;
}

/** One event before pairing: where it came from, and its fields as plain values. */
interface HistoryEvent {
  where: string;
  process: number | null;
  type: 'invoke' | 'ok' | 'fail' | 'info';
  f: string;
  /** The event's value; undefined when it has none (an error wherever the model reads it). */
  value: Plain | undefined;
  key: string | undefined;
  /** How the key was written: a number and a string of the same text are one key here, and must not be two there. */
  keyKind?: 'number' | 'string';
}

/** EDN and JSON values alike: keywords and symbols become their names, maps objects. */
type Plain = null | boolean | number | string | Plain[] | { [k: string]: Plain };

const TYPES = new Set(['invoke', 'ok', 'fail', 'info']);

function plainOf(v: EdnValue): Plain {
  if (v instanceof EdnTagged) return plainOf(v.form);
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnDecimal) return v.value;
  if (Array.isArray(v)) return v.map(plainOf);
  if (v instanceof Map) {
    const o: { [k: string]: Plain } = {};
    for (const [k, x] of v) o[String(k)] = plainOf(x);
    return o;
  }
  return v;
}

function describePlain(v: Plain | undefined): string {
  if (v === undefined) return 'nothing';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The format of a text: a log with jepsen.util lines, JSON, or EDN. */
export function detectFormat(text: string): HistoryFormat {
  // Unanchored: a `^[^\n]*` prefix would backtrack over every line (quadratic in its length).
  if (/\bjepsen\.util\s+-\s/.test(text)) return 'jepsen-log';
  const body = text.replace(/^\uFEFF/, '').trimStart();
  // JSON's objects start with a quoted key; EDN's maps with a keyword (:process).
  if (/^(?:\[\s*)?\{\s*"/.test(body) || /^\[\s*\]$/.test(body.trimEnd())) return 'json';
  return 'edn';
}

function eventFromFields(fields: { [k: string]: Plain }, where: string, format: HistoryFormat): HistoryEvent | 'non-client' {
  const example = format === 'json' ? '{"process": 0, "type": "invoke", "f": "read", "value": null}' : '{:process 0, :type :invoke, :f :read, :value nil}';
  const need = (name: string): Plain => {
    if (!Object.hasOwn(fields, name)) throw new HistoryFileError(`${where}: the event has no ${name}; every event needs process, type, f and value, e.g. ${example}`);
    return fields[name];
  };
  const process = need('process');
  const type = need('type');
  const f = need('f');
  const value = Object.hasOwn(fields, 'value') ? fields.value : undefined;
  if (typeof type !== 'string' || !TYPES.has(type)) throw new HistoryFileError(`${where}: type is ${describePlain(type)}; it must be one of invoke, ok, fail, info`);
  if (typeof f !== 'string' || f === '') throw new HistoryFileError(`${where}: f is ${describePlain(f)}; it must name the operation (read, write, cas, ...)`);
  if (typeof process !== 'number') {
    // A number written as a string is a client whose id was quoted, not a nemesis: skipping
    // it would check a history without that client's operations.
    if (typeof process === 'string' && /^[+-]?\d+$/.test(process.trim())) throw new HistoryFileError(`${where}: process is ${describePlain(process)}, a number written as a string; a client's process is a number (write ${format === 'json' ? `"process": ${process.trim()}` : `:process ${process.trim()}`}), and a named one (:nemesis) is not a client`);
    if (typeof process === 'string') return 'non-client';
    throw new HistoryFileError(`${where}: process is ${describePlain(process)}; a client is a non-negative integer (a nemesis may be named, e.g. :nemesis)`);
  }
  if (!Number.isSafeInteger(process) || process < 0) throw new HistoryFileError(`${where}: process is ${process}; a client is a non-negative integer`);
  let key: string | undefined;
  let keyKind: HistoryEvent['keyKind'];
  if (Object.hasOwn(fields, 'key')) {
    const k = fields.key;
    if (typeof k === 'string') [key, keyKind] = [k, 'string'];
    else if (typeof k === 'number') [key, keyKind] = [String(k), 'number'];
    else throw new HistoryFileError(`${where}: key is ${describePlain(k)}; a key is a string or a number`);
  }
  return { where, process, type: type as HistoryEvent['type'], f, value, key, keyKind };
}

interface ParsedText {
  events: HistoryEvent[];
  nonClientEvents: number;
  otherLines: number;
  /** faultline's own Operation objects (JSON), when the file holds those instead of events. */
  operations?: { where: string; fields: { [k: string]: Plain } }[];
  /** The last event's Jepsen :index, when events carry one (see inOrder). */
  lastIndex?: { index: number; where: string };
}

/**
 * Jepsen numbers a history's events (:index) in the order they happened, and the file's order
 * is read as that order: an index that does not grow means the events are in another order
 * (sorted by process, two histories joined), and checking them as listed would judge a
 * history that never happened. It was read in file order without a word.
 */
function inOrder(out: ParsedText, fields: { [k: string]: Plain }, where: string, format: HistoryFormat): void {
  const index = fields.index;
  if (typeof index !== 'number') return;
  const last = out.lastIndex;
  out.lastIndex = { index, where };
  if (last === undefined || index > last.index) return;
  const name = format === 'json' ? '"index"' : ':index';
  throw new HistoryFileError(`${where}: ${name} is ${index}, but ${last.where} came before it with ${name} ${last.index}: a history's indices grow in the order its events happened, which is the order faultline reads them in, so these events are out of order (sorted by something else, or two histories joined?); sort the events by ${name}, or check each history on its own`);
}

/** One event into `out`: a client's to its events, a named process's (a nemesis) counted. */
function addEvent(out: ParsedText, fields: { [k: string]: Plain }, where: string, format: HistoryFormat): void {
  inOrder(out, fields, where, format);
  const e = eventFromFields(fields, where, format);
  if (e === 'non-client') out.nonClientEvents++;
  else out.events.push(e);
}

function fieldsOf(v: Plain, where: string, format: HistoryFormat): { [k: string]: Plain } {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HistoryFileError(`${where}: expected an ${format === 'json' ? 'object' : 'EDN map'} (one event), got ${describePlain(v)}`);
  return v;
}

/**
 * Keywords, symbols and strings all read as their names, so :a, a and "a" would compare
 * equal (in Clojure they are not), and so do the integer 1, the double 1.0 and the decimal 1M (Clojure
 * holds them unequal), and a tagged value and its form (#inst "2020-01-01" and the string
 * "2020-01-01"; a tag's form is what is read): one file writing a value two such ways in
 * its values or keys is refused, naming both places, instead of a read of :a passing for a
 * write of "a".
 */
type ValueKind = 'keyword' | 'symbol' | 'string' | 'integer' | 'double' | 'bigdecimal' | `#${string}`;

class NameKinds {
  private readonly first = new Map<string, { kind: ValueKind; shown: string; where: string }>();

  /** Notes the keywords and strings in an event's value and key (the EDN map's :value and :key). */
  event(map: EdnValue, where: string): void {
    if (!(map instanceof Map)) return;
    for (const field of ['value', 'key']) if (map.has(field)) this.note(map.get(field) as EdnValue, where);
  }

  note(v: EdnValue, where: string): void {
    if (v instanceof EdnTagged) this.tagged(v, where);
    else if (v instanceof Keyword) this.take(`n${v.name}`, 'keyword', `the keyword :${v.name}`, where);
    else if (v instanceof EdnSymbol) this.take(`n${v.name}`, 'symbol', `the symbol ${v.name}`, where);
    else if (typeof v === 'string') this.take(`n${v}`, 'string', `the string ${JSON.stringify(v)}`, where);
    else if (v instanceof EdnDecimal) this.take(`#${v.value}`, v.text.endsWith('M') ? 'bigdecimal' : 'double', `the ${v.text.endsWith('M') ? 'decimal' : 'double'} ${v.text}`, where);
    else if (typeof v === 'number') this.take(`#${v}`, Number.isInteger(v) ? 'integer' : 'double', `the ${Number.isInteger(v) ? 'integer' : 'double'} ${v}`, where);
    else if (Array.isArray(v)) for (const x of v) this.note(x, where);
    else if (v instanceof Map) for (const x of v.values()) this.note(x, where);
  }

  /** A tagged string, keyword or number is its own kind of value; what a tagged collection holds is noted as it is. */
  private tagged(v: EdnTagged, where: string): void {
    const form = untagged(v);
    const id = typeof form === 'string' ? `n${form}` : form instanceof Keyword || form instanceof EdnSymbol ? `n${form.name}` : typeof form === 'number' || form instanceof EdnDecimal ? `#${typeof form === 'number' ? form : form.value}` : null;
    if (id === null) this.note(form, where);
    else this.take(id, `#${v.tag}`, `the tagged value ${showEdn(v)}`, where);
  }

  private take(id: string, kind: ValueKind, shown: string, where: string): void {
    const f = this.first.get(id);
    if (f === undefined) this.first.set(id, { kind, shown, where });
    else if (f.kind !== kind) {
      const why = kind.startsWith('#') || f.kind.startsWith('#')
        ? 'a tagged value reads as the form it tags here (the tag is not kept), but Clojure holds it unequal to that form untagged or under another tag'
        : kind === 'keyword' || kind === 'symbol' || kind === 'string' ? `${f.kind === 'symbol' || kind === 'symbol' ? 'keywords, symbols' : 'keywords'} and strings compare by name here` : `Clojure holds an integer, a double and a decimal of one value unequal ((= 1 1.0) and (= 1 1M) are false), but both read as the number ${id.slice(1)} here`;
      throw new HistoryFileError(`${where}: holds ${shown}, and ${f.where} ${f.shown}; ${why}, so the two would be checked as one value: write it one way`);
    }
  }
}

function parseEdnText(text: string): ParsedText {
  const out: ParsedText = { events: [], nonClientEvents: 0, otherLines: 0 };
  const names = new NameKinds();
  // A whole history may be one vector of maps, or one map per form (read as it goes).
  let first: EdnForm | undefined;
  let forms = 0;
  // An event may be tagged (#jepsen.history.Op{...}): its tag says what it is, not a value.
  const take = (tagged: EdnValue, where: string): void => {
    const value = untagged(tagged);
    addEvent(out, fieldsOf(plainOf(value), where, 'edn'), where, 'edn');
    names.event(value, where);
  };
  try {
    readEdn(text, (f) => {
      forms++;
      if (forms === 1 && Array.isArray(f.value)) {
        first = f;
        return;
      }
      if (first !== undefined) {
        take(first.value, `line ${first.line}`);
        first = undefined;
      }
      take(f.value, `line ${f.line}`);
    });
  } catch (e) {
    if (e instanceof EdnError) throw new HistoryFileError(`line ${e.line}, column ${e.column}: ${e.reason}`);
    throw e;
  }
  if (first !== undefined) {
    const vectorLine = first.line;
    (first.value as EdnValue[]).forEach((v, k) => take(v, `event ${k + 1} of the vector on line ${vectorLine}`));
  }
  return out;
}

const LOG_LINE = /\bjepsen\.util\s+-\s+(.*)$/;

function parseJepsenLog(text: string): ParsedText {
  const out: ParsedText = { events: [], nonClientEvents: 0, otherLines: 0 };
  const names = new NameKinds();
  const lines = text.split('\n');
  let logLines = 0;
  lines.forEach((raw, k) => {
    const where = `line ${k + 1}`;
    const line = raw.replace(/\r$/, '');
    const m = LOG_LINE.exec(line);
    if (m === null) {
      if (line.trim() !== '') out.otherLines++;
      return;
    }
    logLines++;
    let forms;
    try {
      forms = readEdn(m[1]);
    } catch (e) {
      if (e instanceof EdnError) throw new HistoryFileError(`${where}, column ${e.column + m.index + m[0].length - m[1].length}: ${e.reason}`);
      throw e;
    }
    const type = forms[1]?.value;
    // jepsen.util logs other things too; an operation line is "process :type :f value".
    if (!(type instanceof Keyword && TYPES.has(type.name))) {
      out.otherLines++;
      return;
    }
    if (forms.length !== 4) throw new HistoryFileError(`${where}: an operation line is "process :type :f value" (e.g. "3 :invoke :write 2"); this one has ${forms.length} parts: ${forms.map((f) => showEdn(f.value)).join(' ')}`);
    const [process, , f, value] = forms.map((x) => plainOf(x.value));
    addEvent(out, { process, type: type.name, f, value }, where, 'jepsen-log');
    names.note(forms[3].value, where);
  });
  // Only --format jepsen-log gets here with none (detection needs one): every line would be skipped.
  if (logLines === 0) throw new HistoryFileError(`no line is a jepsen.util log line ("INFO  jepsen.util - 3\t:invoke\t:read\tnil"), so every line would be skipped and nothing read as a history; if the file is EDN or JSON, drop --format jepsen-log`);
  return out;
}

/** Whether `line` is JSON by its syntax alone (JSON.parse takes it). */
function isJsonSyntax(line: string): boolean {
  try {
    JSON.parse(line.replace(/^\uFEFF/, ''));
    return true;
  } catch {
    return false;
  }
}

function parseJsonText(text: string): ParsedText {
  const whole = parseJson(text, { exactIntegers: true });
  let items: { value: Plain; where: string }[];
  if (whole.ok) {
    const v = whole.value as Plain;
    if (Array.isArray(v)) items = v.map((x, k) => ({ value: x, where: `item ${k + 1}` }));
    else if (v !== null && typeof v === 'object' && Array.isArray(v.history)) {
      // Beside its history the document says nothing check reads: a key there would be ignored.
      const other = Object.keys(v).filter((k) => k !== 'history');
      if (other.length > 0) throw new HistoryFileError(`line 1: the document holds "history" and also ${other.map((k) => JSON.stringify(k)).join(', ')}, which nothing reads; a JSON history is one array, {"history": [...]} alone, or one value per line (choose the model with --model, the initial value with --initial)`);
      items = v.history.map((x, k) => ({ value: x, where: `history item ${k + 1}` }));
    }
    else items = [{ value: v, where: 'line 1' }];
  } else {
    // JSON Lines: one value per line.
    items = [];
    const lines = text.split('\n');
    for (let k = 0; k < lines.length; k++) {
      if (lines[k].trim() === '') continue;
      const p = parseJson(lines[k], { exactIntegers: true });
      if (!p.ok) {
        // The first line failing may mean the file is one document broken further on (report
        // where); but a first line that is valid JSON by itself failed on its own (a key given
        // twice, an integer too large), and that is the error to name.
        if (items.length === 0 && whole.line !== null && !isJsonSyntax(lines[k])) throw new HistoryFileError(`line ${whole.line}, column ${whole.column}: ${whole.reason}`);
        throw new HistoryFileError(`line ${k + 1}${p.column === null ? '' : `, column ${p.column}`}: ${p.reason} (a JSON history is one array, or one JSON value per line)`);
      }
      items.push({ value: p.value as Plain, where: `line ${k + 1}` });
    }
  }
  const objects = items.map((it) => ({ where: it.where, fields: fieldsOf(it.value, it.where, 'json') }));
  const isOperation = (o: { [k: string]: Plain }): boolean => Object.hasOwn(o, 'input') && Object.hasOwn(o, 'call');
  if (objects.length > 0 && isOperation(objects[0].fields)) {
    for (const o of objects) if (!isOperation(o.fields)) throw new HistoryFileError(`${o.where}: the history's first item is an operation ({clientId, input, call, return, output}) but this one is not; give operations or events, not both`);
    return { events: [], nonClientEvents: 0, otherLines: 0, operations: objects };
  }
  const out: ParsedText = { events: [], nonClientEvents: 0, otherLines: 0 };
  for (const o of objects) addEvent(out, o.fields, o.where, 'json');
  return out;
}

// ---- what each model's operations mean in events ----

/** What a failed completion still says: an output (a cas that did not match), or nothing ('failed': no effect). */
type Failed = { output: unknown } | 'failed';

interface EventModel {
  functions: readonly string[];
  /** The operation's input from its invoke event (throws HistoryFileError if malformed). */
  input(f: string, value: Plain | undefined, key: string | undefined, where: string): unknown;
  /** Its output from an ok completion; `nilReads` as ReadHistoryOptions says it. */
  ok(f: string, input: unknown, value: Plain | undefined, where: string, nilReads: ReadHistoryOptions['nilReads']): unknown;
  /** A fail completion: 'failed' (no effect), or an output that still says something. */
  fail(f: string, casFail: 'mismatch' | 'refused'): Failed;
}

/** An event without a value where the model reads one: nil is not assumed (nil is a value a read can return). */
function noValue(where: string, what: string): never {
  throw new HistoryFileError(`${where}: the event has no value, and ${what} is read from it; give the value (:value in EDN, "value" in JSON; nil/null if it was nil)`);
}

function scalar(v: Plain | undefined, where: string, what: string, allowNull: boolean): string | number | null {
  if (v === undefined) return noValue(where, what);
  if (typeof v === 'string' || typeof v === 'number' || (allowNull && v === null)) return v;
  throw new HistoryFileError(`${where}: ${what} is ${describePlain(v)}; expected a string or a number${allowNull ? ' (or nil/null)' : ''}`);
}

function pair(v: Plain | undefined, where: string, f: string): [Plain, Plain] {
  if (v === undefined) return noValue(where, `${f}'s [expected new]`);
  if (!Array.isArray(v) || v.length !== 2) throw new HistoryFileError(`${where}: ${f}'s value is ${describePlain(v)}; a cas gives [expected new], e.g. [3 4]`);
  return [v[0], v[1]];
}

const REGISTER: EventModel = {
  functions: ['read', 'write', 'cas'],
  input(f, value, key, where): RegisterInput {
    const k = key === undefined ? {} : { key };
    if (f === 'read') return { op: 'read', ...k };
    if (f === 'write') return { op: 'write', ...k, value: scalar(value, where, 'the written value', true) };
    const [e, n] = pair(value, where, f);
    return { op: 'cas', ...k, expected: scalar(e, where, "the cas's expected value", true), value: scalar(n, where, "the cas's new value", true) };
  },
  ok(f, _input, value, where): RegisterOutput {
    if (f === 'read') return { ok: true, value: scalar(value, where, 'the value read', true) };
    return { ok: true };
  },
  fail(f, casFail) {
    return f === 'cas' && casFail === 'mismatch' ? { output: { ok: false } satisfies RegisterOutput } : 'failed';
  },
};

function kvText(v: Plain | undefined, where: string, what: string, allowNull: boolean): string | null {
  const s = scalar(v, where, what, allowNull);
  return typeof s === 'number' ? String(s) : s;
}

const KV: EventModel = {
  functions: ['get', 'read', 'put', 'write', 'append', 'cas', 'delete'],
  input(f, value, key, where): KvOp {
    if (key === undefined) throw new HistoryFileError(`${where}: a key-value operation needs a key (:key "k" in EDN, "key": "k" in JSON); for one register without keys use --model register`);
    if (f === 'get' || f === 'read') return { op: 'get', key };
    if (f === 'put' || f === 'write') return { op: 'put', key, value: kvText(value, where, 'the value put', false) as string };
    if (f === 'append') return { op: 'append', key, value: kvText(value, where, 'the appended value', false) as string };
    if (f === 'delete') return { op: 'delete', key };
    const [e, n] = pair(value, where, f);
    return { op: 'cas', key, expected: kvText(e, where, "the cas's expected value", true), value: kvText(n, where, "the cas's new value", false) as string };
  },
  ok(f, input, value, where): KvObservation | null {
    if (f === 'get' || f === 'read') return { ok: true, value: kvText(value, where, 'the value read', true) };
    if (f === 'cas') return { ok: true, value: (input as { value: string }).value };
    // put, append and delete: they took effect; what they answered is not recorded (a
    // Jepsen ok carries the argument, not the store's answer).
    return null;
  },
  fail(f, casFail) {
    return f === 'cas' && casFail === 'mismatch' ? { output: { ok: false, error: 'cas-mismatch' } satisfies KvObservation } : 'failed';
  },
};

function elements(v: Plain | undefined, where: string): (string | number)[] {
  if (v === undefined) return noValue(where, "a set read's elements");
  if (!Array.isArray(v)) throw new HistoryFileError(`${where}: a set read's value is ${describePlain(v)}; expected the elements, e.g. #{1 2} or [1 2]`);
  return v.map((x) => scalar(x, where, 'an element', false) as string | number);
}

const SET: EventModel = {
  functions: ['add', 'remove', 'contains', 'read'],
  input(f, value, key, where): SetInput {
    const k = key === undefined ? {} : { key };
    if (f === 'read') return { op: 'read', ...k };
    return { op: f as 'add' | 'remove' | 'contains', ...k, value: scalar(value, where, `${f}'s element`, false) as string | number };
  },
  ok(f, _input, value, where): SetOutput {
    if (f === 'read') return { ok: true, values: elements(value, where) };
    if (f === 'contains') {
      if (value === undefined) return noValue(where, 'what contains answered');
      if (typeof value !== 'boolean') throw new HistoryFileError(`${where}: contains answered ${describePlain(value)}; expected true or false`);
      return { ok: true, value };
    }
    return { ok: true };
  },
  fail: () => 'failed',
};

const QUEUE: EventModel = {
  functions: ['enqueue', 'dequeue'],
  input(f, value, key, where): QueueInput {
    const k = key === undefined ? {} : { key };
    if (f === 'dequeue') return { op: 'dequeue', ...k };
    return { op: 'enqueue', ...k, value: scalar(value, where, 'the enqueued element', false) as string | number };
  },
  ok(f, _input, value, where): QueueOutput {
    if (f === 'dequeue') return { ok: true, value: scalar(value, where, 'the dequeued element', true) };
    return { ok: true };
  },
  fail: () => 'failed',
};

const MUTEX: EventModel = {
  functions: ['acquire', 'release'],
  // Jepsen's lock tests give these no value (nil); whatever one carries is not read.
  input: (f, _value, key): MutexInput => ({ op: f as 'acquire' | 'release', ...(key === undefined ? {} : { key }) }),
  ok: (): MutexOutput => ({ ok: true }),
  fail: () => 'failed',
};

const MICRO_OP_FS: Readonly<Record<string, 'r' | 'w'>> = { r: 'r', read: 'r', w: 'w', write: 'w' };

/** A txn's value: a list of [f k v] micro-ops, f one of r/read, w/write (Elle's and Knossos's names). */
function microOpsOf(v: Plain | undefined, where: string): [f: 'r' | 'w', key: string, value: RegisterValue][] {
  if (v === undefined) return noValue(where, "the txn's micro-ops");
  if (!Array.isArray(v)) throw new HistoryFileError(`${where}: txn's value is ${describePlain(v)}; a transaction is a list of [f k v] micro-ops, e.g. [[:r :x nil] [:w :y 2]]`);
  return v.map((m, k) => {
    const what = `micro-op ${k + 1} of the txn`;
    if (!Array.isArray(m) || m.length !== 3) throw new HistoryFileError(`${where}: ${what} is ${describePlain(m)}; each micro-op is [f k v], e.g. [:r :x nil] or [:w :x 2]`);
    const f = typeof m[0] === 'string' ? MICRO_OP_FS[m[0]] : undefined;
    if (f === undefined) throw new HistoryFileError(`${where}: ${what} is ${describePlain(m)}; its f must be :r (or :read) or :w (or :write), the micro-ops the multi-register model knows`);
    const key = m[1];
    if (typeof key !== 'string' && typeof key !== 'number') throw new HistoryFileError(`${where}: ${what} is ${describePlain(m)}; its key must be a keyword, a string or a number`);
    return [f, String(key), scalar(m[2], where, `the value of ${what}`, true)];
  });
}

const MULTI_REGISTER: EventModel = {
  functions: ['txn'],
  input(_f, value, key, where): MultiRegisterInput {
    // An invoke's reads have not happened yet: their values (nil, as Jepsen writes them) are not read.
    const txn = microOpsOf(value, where).map(([f, k, v]): MicroOp => (f === 'r' ? { f, key: k } : { f, key: k, value: v }));
    return { op: 'txn', ...(key === undefined ? {} : { key }), txn };
  },
  ok(_f, input, value, where, nilReads): MultiRegisterOutput {
    const invoked = (input as MultiRegisterInput).txn;
    const done = microOpsOf(value, where);
    if (done.length !== invoked.length) throw new HistoryFileError(`${where}: the txn completes with ${done.length} micro-ops but was invoked with ${invoked.length}; a completion lists the invoke's micro-ops, each read with the value it saw`);
    const txn = done.map(([f, k, v], i): MicroOp => {
      const m = invoked[i];
      if (m.f !== f || m.key !== k) throw new HistoryFileError(`${where}: micro-op ${i + 1} of the txn completes as [${f} ${k}] but was invoked as [${m.f} ${m.key}]; a completion lists the invoke's micro-ops in order`);
      if (m.f === 'w') {
        if (m.value !== v) throw new HistoryFileError(`${where}: micro-op ${i + 1} of the txn completes writing ${describePlain(v)} but was invoked writing ${describePlain(m.value)}`);
        return m;
      }
      // Knossos's reading by default: a nil read observed nothing.
      return v === null && nilReads !== 'value' ? { f: 'r', key: k } : { f: 'r', key: k, value: v };
    });
    return { ok: true, txn };
  },
  fail: () => 'failed',
};

const EVENT_MODELS: Record<HistoryModelName, EventModel> = { register: REGISTER, kv: KV, set: SET, queue: QUEUE, mutex: MUTEX, 'multi-register': MULTI_REGISTER };

/** The model a set of functions implies: the first whose functions cover them all, most specific first. */
export function inferModel(functions: ReadonlySet<string>, keyed: boolean): HistoryModelName | null {
  const covers = (m: HistoryModelName): boolean => [...functions].every((f) => EVENT_MODELS[m].functions.includes(f));
  if (functions.size === 0) return 'register';
  if (keyed && [...functions].some((f) => ['get', 'put', 'append', 'delete'].includes(f)) && covers('kv')) return 'kv';
  for (const m of ['register', 'queue', 'set', 'kv', 'mutex', 'multi-register'] as const) if (covers(m)) return m;
  return null;
}

/** The model to check with: a shipped one, with `initial` as every register's or key's first value. */
export function modelFor(name: HistoryModelName, initial: string | number | null = null): Model<unknown, unknown, unknown> {
  const base = { register: registerModel, kv: kvModel, set: setModel, queue: queueModel, mutex: mutexModel, 'multi-register': multiRegisterModel }[name] as unknown as Model<unknown, unknown, unknown>;
  if (initial === null) return base;
  if (name === 'kv' && typeof initial !== 'string') throw new HistoryFileError(`--initial: a key-value store holds strings; give a JSON string such as '""'`);
  // Every register of a multi-register starts as `initial`: its state holds only those that differ.
  if (name === 'multi-register') return multiRegisterModelWith(initial) as unknown as Model<unknown, unknown, unknown>;
  if (name !== 'register' && name !== 'kv') throw new HistoryFileError(`--initial: only the register, kv and multi-register models start from a value (a ${name} ${name === 'mutex' ? 'starts free' : 'starts empty'})`);
  return { ...base, init: () => initial };
}

/** A register read or key-value get that returned nil, made to observe nothing (Knossos's reading). */
function nilReadUnseen(model: HistoryModelName, output: unknown): unknown {
  const o = output as { ok?: boolean; value?: unknown } | null;
  if (o === null || o.ok !== true || o.value !== null) return output;
  if (model === 'register') return { ok: true } satisfies RegisterOutput;
  if (model === 'kv') return null;
  return output;
}

/** Functions whose value is their argument, repeated by the completion (not an answer, as a read's is). */
const ARGUMENT_FUNCTIONS: ReadonlySet<string> = new Set(['write', 'put', 'append', 'cas', 'add', 'remove', 'enqueue']);

function pairEvents(parsed: ParsedText, model: HistoryModelName, opts: ReadHistoryOptions, counts: HistoryCounts): Operation<unknown, unknown>[] {
  const casFail = opts.casFail ?? 'mismatch';
  const isRead = (f: string): boolean => f === 'read' || f === 'get';
  const em = EVENT_MODELS[model];
  const open = new Map<number, { e: HistoryEvent; index: number; input: unknown }>();
  const ops: Operation<unknown, unknown>[] = [];
  let firstKeyed: HistoryEvent | undefined;
  let firstUnkeyed: HistoryEvent | undefined;
  const push = (o: { e: HistoryEvent; index: number; input: unknown }, ret: number, output: unknown): void => {
    ops.push({ clientId: o.e.process as number, opId: ops.length, input: o.input, call: o.index, return: ret, output });
    if (ret === Infinity) counts.unknownOutcome++;
  };
  parsed.events.forEach((e, index) => {
    const p = e.process as number;
    if (!em.functions.includes(e.f)) throw new HistoryFileError(`${e.where}: f is ${e.f}, which the ${model} model does not know; it knows ${em.functions.join(', ')} (choose another with --model ${HISTORY_MODELS.join('|')})`);
    const o = open.get(p);
    if (e.type === 'invoke') {
      // Keyed and unkeyed operations are different registers: one history with both has lost a key somewhere.
      // (kv needs a key on every operation, and says so when em.input reads it.)
      const other = model === 'kv' ? undefined : e.key === undefined ? firstKeyed : firstUnkeyed;
      if (other !== undefined) throw new HistoryFileError(`${e.where}: this ${e.f} has ${e.key === undefined ? 'no key' : `key ${JSON.stringify(e.key)}`}, but the ${other.f} on ${other.where} ${other.key === undefined ? 'has none' : `has key ${JSON.stringify(other.key)}`}; an operation without a key is on a register of its own, so give every event a key or none`);
      if (e.key === undefined) firstUnkeyed ??= e;
      else firstKeyed ??= e;
      if (o !== undefined) throw new HistoryFileError(`${e.where}: process ${p} invokes ${e.f} while its ${o.e.f} from ${o.e.where} is still open; a process runs one operation at a time (complete it with :ok, :fail or :info first)`);
      open.set(p, { e, index, input: em.input(e.f, e.value, e.key, e.where) });
      return;
    }
    if (o === undefined) throw new HistoryFileError(`${e.where}: process ${p} completes ${e.f} (${e.type}) but has no operation open; every completion follows its process's invoke`);
    if (o.e.f !== e.f) throw new HistoryFileError(`${e.where}: process ${p} completes ${e.f} but invoked ${o.e.f} (${o.e.where})`);
    if (o.e.key !== e.key && e.key !== undefined) throw new HistoryFileError(`${e.where}: process ${p} completes ${e.f} on key ${JSON.stringify(e.key)} but invoked it on ${JSON.stringify(o.e.key)} (${o.e.where})`);
    open.delete(p);
    if (e.type === 'ok') {
      // A write's completion repeats what was written (Jepsen's clients answer with the
      // invoke's op); one that names another value leaves it unknown which was written.
      if (ARGUMENT_FUNCTIONS.has(e.f) && e.value !== undefined && o.e.value !== undefined && JSON.stringify(e.value) !== JSON.stringify(o.e.value)) {
        throw new HistoryFileError(`${e.where}: process ${p} completes ${e.f} ${describePlain(e.value)} but invoked ${e.f} ${describePlain(o.e.value)} (${o.e.where}); a ${e.f}'s completion repeats the invoke's value, so one of the two lines is wrong`);
      }
      const out = em.ok(e.f, o.input, e.value, e.where, opts.nilReads);
      push(o, index, opts.nilReads === 'unseen' && isRead(e.f) ? nilReadUnseen(model, out) : out);
    }
    else if (e.type === 'info') push(o, Infinity, null);
    else {
      const c = em.fail(e.f, casFail);
      if (c === 'failed') counts.failed++;
      else push(o, index, c.output);
    }
  });
  for (const o of [...open.values()].sort((a, b) => a.index - b.index)) push(o, Infinity, null);
  return ops;
}

// ---- faultline's own Operation objects (JSON) ----

function operationsOf(items: NonNullable<ParsedText['operations']>, model: HistoryModelName | undefined): { ops: Operation<unknown, unknown>[]; model: HistoryModelName; modelFrom: string } {
  const ops: Operation<unknown, unknown>[] = [];
  const fns = new Set<string>();
  let keyed = false;
  const ids = new Set<number>();
  for (const { where, fields: o } of items) {
    // A misspelt field ("retrun") would be read as absent (an operation that never returned).
    for (const k of Object.keys(o)) if (!OPERATION_FIELDS.includes(k)) throw new HistoryFileError(`${where}: ${JSON.stringify(k)} is not a field of an operation; an operation has ${OPERATION_FIELDS.join(', ')}: fix or remove it`);
    const num = (name: string, v: Plain): number => {
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new HistoryFileError(`${where}: ${name} is ${describePlain(v)}; expected a non-negative number (a time, or an id)`);
      // Beyond 2^53 neighbouring times read as one (1e300 + 1 is 1e300): their order would be lost.
      if (v > Number.MAX_SAFE_INTEGER) throw new HistoryFileError(`${where}: ${name} is ${v}, beyond ${Number.MAX_SAFE_INTEGER}, where two different times can read as one number and their order be lost; give times in a unit that keeps them below it (µs or ns since the test began)`);
      return v;
    };
    const clientId = num('clientId', o.clientId ?? null);
    if (!Number.isSafeInteger(clientId)) throw new HistoryFileError(`${where}: clientId must be an integer`);
    const call = num('call', o.call);
    const ret = o.return === null || o.return === undefined ? Infinity : num('return', o.return);
    if (ret < call) throw new HistoryFileError(`${where}: return (${ret}) is before call (${call}); use null for an operation that never returned`);
    const opId = o.opId === undefined ? ops.length : num('opId', o.opId);
    if (!Number.isSafeInteger(opId)) throw new HistoryFileError(`${where}: opId is ${opId}; an opId is a non-negative integer`);
    if (ids.has(opId)) throw new HistoryFileError(`${where}: opId ${opId} is used twice; opIds name operations in explanations and must be unique`);
    ids.add(opId);
    const input = o.input;
    if (input === null || typeof input !== 'object' || Array.isArray(input) || typeof input.op !== 'string') throw new HistoryFileError(`${where}: input is ${describePlain(input)}; expected an object with op, e.g. {"op": "write", "value": 3}`);
    fns.add(input.op);
    if (input.key !== undefined) keyed = true;
    const output = o.output === undefined ? null : o.output;
    if (output !== null && (typeof output !== 'object' || Array.isArray(output) || typeof output.ok !== 'boolean')) throw new HistoryFileError(`${where}: output is ${describePlain(output)}; expected null (not seen) or an object with ok (true or false)`);
    ops.push({ clientId, opId, input, call, return: ret, output });
  }
  const chosen = model ?? inferModel(fns, keyed);
  if (chosen === null) throw new HistoryFileError(`the history's operations (${[...fns].join(', ')}) fit no model; choose one with --model ${HISTORY_MODELS.join('|')}`);
  validateInputs(ops, chosen, items);
  return { ops, model: chosen, modelFrom: model !== undefined ? 'given' : `inferred from ${[...fns].sort().join(', ')}` };
}

const OPERATION_FIELDS = ['clientId', 'opId', 'input', 'call', 'return', 'output'];

/** The fields each model's outputs have (a misspelt one would read as absent: a read that observed nothing). */
const OUTPUT_FIELDS: Record<HistoryModelName, readonly string[]> = {
  register: ['ok', 'value', 'current', 'error'],
  kv: ['ok', 'value', 'current', 'error'],
  set: ['ok', 'value', 'values'],
  queue: ['ok', 'value'],
  mutex: ['ok'],
  'multi-register': ['ok', 'txn'],
};

const INPUT_FIELDS: Record<HistoryModelName, Record<string, { value?: 'scalar' | 'scalar-or-null'; expected?: 'scalar-or-null'; key?: 'required' }>> = {
  register: { read: {}, write: { value: 'scalar-or-null' }, cas: { expected: 'scalar-or-null', value: 'scalar-or-null' } },
  kv: { get: { key: 'required' }, put: { key: 'required', value: 'scalar' }, append: { key: 'required', value: 'scalar' }, delete: { key: 'required' }, cas: { key: 'required', expected: 'scalar-or-null', value: 'scalar' } },
  set: { add: { value: 'scalar' }, remove: { value: 'scalar' }, contains: { value: 'scalar' }, read: {} },
  queue: { enqueue: { value: 'scalar' }, dequeue: {} },
  mutex: { acquire: {}, release: {} },
  'multi-register': { txn: {} },
};

function validateInputs(ops: readonly Operation<unknown, unknown>[], model: HistoryModelName, items: NonNullable<ParsedText['operations']>): void {
  ops.forEach((op, k) => {
    const where = items[k].where;
    const input = op.input as { [f: string]: Plain };
    const spec = INPUT_FIELDS[model][input.op as string];
    if (spec === undefined) throw new HistoryFileError(`${where}: input.op is ${JSON.stringify(input.op)}, which the ${model} model does not know; it knows ${Object.keys(INPUT_FIELDS[model]).join(', ')}`);
    const strings = model === 'kv';
    const known = ['op', 'key', ...Object.keys(spec), ...(model === 'multi-register' ? ['txn'] : [])];
    for (const k of Object.keys(input)) if (!known.includes(k)) throw new HistoryFileError(`${where}: input.${k} is not a field of a ${model} ${String(input.op)}; it has ${known.join(', ')}: fix or remove it`);
    for (const [field, rule] of Object.entries(spec)) {
      const v = input[field];
      if (rule === 'required') {
        if (typeof v !== 'string') throw new HistoryFileError(`${where}: input.key is ${describePlain(v)}; a key-value operation needs a string key`);
        continue;
      }
      const ok = strings ? typeof v === 'string' || (rule === 'scalar-or-null' && v === null) : typeof v === 'string' || typeof v === 'number' || (rule === 'scalar-or-null' && v === null);
      if (!ok) throw new HistoryFileError(`${where}: input.${field} is ${describePlain(v)}; expected ${strings ? 'a string' : 'a string or a number'}${rule === 'scalar-or-null' ? ' or null' : ''}`);
    }
    if (model !== 'kv' && input.key !== undefined && typeof input.key !== 'string') throw new HistoryFileError(`${where}: input.key is ${describePlain(input.key)}; a key is a string`);
    if (model === 'multi-register') validateTxn(input.txn, where, 'input.txn', null);
    if (op.output !== null) validateOutput(op.output as { [f: string]: Plain }, input, model, where);
  });
}

/** The outputs each model reads: anything else is named, not left to compare unequal. */
function validateOutput(o: { [f: string]: Plain }, input: { [f: string]: Plain }, model: HistoryModelName, where: string): void {
  const bad = (field: string, expected: string): never => {
    throw new HistoryFileError(`${where}: output.${field} is ${describePlain(o[field])}; the ${model} model expects ${expected}`);
  };
  const scalarOrNull = (v: Plain | undefined): boolean => v === null || typeof v === 'string' || typeof v === 'number';
  const has = (f: string): boolean => Object.hasOwn(o, f);
  for (const k of Object.keys(o)) if (!OUTPUT_FIELDS[model].includes(k)) throw new HistoryFileError(`${where}: output.${k} is not a field of a ${model} model's output; it has ${OUTPUT_FIELDS[model].join(', ')}: fix or remove it`);
  if (model === 'kv') {
    if (o.ok === true) {
      if (!(typeof o.value === 'string' || o.value === null)) bad('value', 'a string or null (the value read or written)');
    } else if (o.error === 'cas-mismatch') {
      if (has('current') && !(typeof o.current === 'string' || o.current === null)) bad('current', 'a string or null (the value a failed cas found)');
    } else if (o.error !== 'session-expired') bad('error', '"cas-mismatch" or "session-expired" when ok is false');
    return;
  }
  if (model === 'register') {
    if (has('value') && !scalarOrNull(o.value)) bad('value', 'a string, a number or null');
    if (has('current') && !scalarOrNull(o.current)) bad('current', 'a string, a number or null');
    if (has('error') && typeof o.error !== 'string') bad('error', 'a string (why it was refused)');
    return;
  }
  if (model === 'multi-register') {
    if (o.ok === true && has('txn')) validateTxn(o.txn, where, 'output.txn', input.txn as Plain[]);
    return;
  }
  if (model === 'mutex') return;
  if (model === 'set') {
    if (has('value') && typeof o.value !== 'boolean') bad('value', 'true or false (what contains answered)');
    if (has('values') && !(Array.isArray(o.values) && o.values.every((x) => typeof x === 'string' || typeof x === 'number'))) bad('values', 'an array of strings and numbers (what read answered)');
    return;
  }
  if (has('value') && !scalarOrNull(o.value)) bad('value', 'a string, a number or null (what dequeue answered)');
}

/**
 * A multi-register transaction in faultline's own operations: a list of `{ f, key, value }`
 * micro-ops (f "r" or "w", key a string, a write's value a string, a number or null, a
 * read's absent when it observed nothing); an output's lists the input's micro-ops in order.
 */
function validateTxn(v: Plain | undefined, where: string, field: string, invoked: Plain[] | null): void {
  const example = '[{"f": "r", "key": "x"}, {"f": "w", "key": "y", "value": 2}]';
  if (!Array.isArray(v)) throw new HistoryFileError(`${where}: ${field} is ${describePlain(v)}; expected a list of micro-ops, e.g. ${example}`);
  if (invoked !== null && v.length !== invoked.length) throw new HistoryFileError(`${where}: ${field} has ${v.length} micro-ops but input.txn has ${invoked.length}; an output lists the input's micro-ops, each read with the value it saw`);
  v.forEach((m, k) => {
    const at = `${field}[${k}]`;
    if (m === null || typeof m !== 'object' || Array.isArray(m) || (m.f !== 'r' && m.f !== 'w') || typeof m.key !== 'string') throw new HistoryFileError(`${where}: ${at} is ${describePlain(m)}; a micro-op is {"f": "r" or "w", "key": a string, "value"}, e.g. ${example}`);
    const value = m.value;
    if (m.f === 'w' && !(value === null || typeof value === 'string' || typeof value === 'number')) throw new HistoryFileError(`${where}: ${at}.value is ${describePlain(value)}; a write's value is a string, a number or null`);
    if (m.f === 'r' && !(value === undefined || value === null || typeof value === 'string' || typeof value === 'number')) throw new HistoryFileError(`${where}: ${at}.value is ${describePlain(value)}; a read's value is a string, a number, null, or absent (observed nothing)`);
    const i = invoked?.[k] as { [f: string]: Plain } | undefined;
    if (i !== undefined && (i.f !== m.f || i.key !== m.key || (m.f === 'w' && i.value !== value))) throw new HistoryFileError(`${where}: ${at} is ${describePlain(m)} but input.txn[${k}] is ${describePlain(i)}; an output lists the input's micro-ops in order`);
  });
}

/** A jepsen.independent event: its value [key value] becomes its key and its value. */
function splitTuple(e: HistoryEvent): void {
  if (!Array.isArray(e.value) || e.value.length !== 2) throw new HistoryFileError(`${e.where}: value is ${describePlain(e.value)}; with --independent every value is a [key value] tuple, e.g. [3 nil]`);
  if (e.key !== undefined) throw new HistoryFileError(`${e.where}: the event has a key and a [key value] tuple; drop --independent for histories with keys`);
  const [k, v] = e.value;
  if (typeof k !== 'string' && typeof k !== 'number') throw new HistoryFileError(`${e.where}: the tuple's key is ${describePlain(k)}; a key is a string or a number`);
  e.key = String(k);
  e.keyKind = typeof k === 'number' ? 'number' : 'string';
  e.value = v;
}

/** Keys compare as text: a key written both as a number and as a string (1 and "1") would be two keys merged into one. */
function refuseMixedKeyKinds(events: readonly HistoryEvent[]): void {
  const first = new Map<string, HistoryEvent>();
  for (const e of events) {
    if (e.key === undefined || e.keyKind === undefined) continue;
    const f = first.get(e.key);
    if (f === undefined) first.set(e.key, e);
    else if (f.keyKind !== e.keyKind) {
      const shown = (x: HistoryEvent): string => (x.keyKind === 'number' ? `the number ${x.key}` : `the string ${JSON.stringify(x.key)}`);
      throw new HistoryFileError(`${e.where}: the key is ${shown(e)}, and on ${f.where} it is ${shown(f)}; keys compare as text here, so the two would be checked as one key: write each key one way`);
    }
  }
}

/** Reads a history file's text: the model to check with, its operations, and the counts. */
export function readHistoryText(text: string, opts: ReadHistoryOptions = {}): HistoryRead {
  if (text.replace(/^\uFEFF/, '').trim() === '') throw new HistoryFileError('the file is empty: there is no history to check');
  const format = opts.format ?? detectFormat(text);
  let parsed: ParsedText;
  try {
    parsed = format === 'jepsen-log' ? parseJepsenLog(text) : format === 'json' ? parseJsonText(text) : parseEdnText(text);
  } catch (e) {
    // A format given with --format that the text does not look like: say which it looks like.
    const detected = detectFormat(text);
    if (e instanceof HistoryFileError && opts.format !== undefined && detected !== opts.format) throw new HistoryFileError(`${e.message} (read as --format ${opts.format}, but the text looks like ${detected}: drop --format or give --format ${detected})`);
    throw e;
  }
  const counts: HistoryCounts = { events: parsed.events.length, operations: 0, unknownOutcome: 0, failed: 0, nonClientEvents: parsed.nonClientEvents, otherLines: parsed.otherLines };
  if (parsed.operations !== undefined) {
    // faultline's operations carry their outputs as recorded: the readings of Jepsen events do not apply.
    const eventOnly = [['--independent', opts.independent === true], ['--nil-reads', opts.nilReads !== undefined], ['--cas-fail', opts.casFail !== undefined]] as const;
    for (const [flag, given] of eventOnly) if (given) throw new HistoryFileError(`${flag}: this file holds faultline's own operations ({clientId, input, call, return, output}), whose inputs and outputs are taken as written; ${flag} reads Jepsen-style events only, so drop it`);
    const r = operationsOf(parsed.operations, opts.model);
    counts.operations = r.ops.length;
    counts.unknownOutcome = r.ops.filter((o) => o.return === Infinity).length;
    return { format, model: r.model, modelFrom: r.modelFrom, ops: r.ops, counts };
  }
  if (opts.independent === true) for (const e of parsed.events) splitTuple(e);
  refuseMixedKeyKinds(parsed.events);
  const functions = new Set(parsed.events.map((e) => e.f));
  const keyed = parsed.events.some((e) => e.key !== undefined);
  const model = opts.model ?? inferModel(functions, keyed);
  if (model === null) throw new HistoryFileError(`the history's functions (${[...functions].sort().join(', ')}) fit no model; choose one with --model ${HISTORY_MODELS.join('|')}`);
  // A reading the model never makes would be silently ignored: refuse it instead.
  if (opts.casFail !== undefined && model !== 'register' && model !== 'kv') throw new HistoryFileError(`--cas-fail: the ${model} model has no cas operation, so --cas-fail would change nothing; drop it (it reads failed cas events of the register and kv models)`);
  if (opts.nilReads !== undefined && model !== 'register' && model !== 'kv' && model !== 'multi-register') throw new HistoryFileError(`--nil-reads: the ${model} model has no register read that returns nil, so --nil-reads would change nothing; drop it (it reads the register, kv and multi-register models)`);
  const ops = pairEvents(parsed, model, opts, counts);
  counts.operations = ops.length;
  return { format, model, modelFrom: opts.model !== undefined ? 'given' : functions.size === 0 ? 'no client operation to infer it from' : `inferred from ${[...functions].sort().join(', ')}`, ops, counts };
}
