// The sweep results file (sweep.json): what a sweep or a merge writes and what replay and
// merge read back; and the results log (results.jsonl) a sweep appends to as seeds finish.
//
// Contract: `results` holds one entry per seed, sorted by seed, with the fields of
// SeedResult; everything but wallMs is a function of (scenario text, seed, version).
// `scenarioText` carries the scenario itself, so a result can be replayed after the file
// it came from has changed or gone. Reading checks the shape and says what is wrong.
// The log's first line is the sweep's header (the SweepFile fields but results), then one
// SeedResult per line in the order seeds finished; a sweep that dies leaves a log that
// `merge` and `replay` read as a partial results file (a cut last line is ignored). Of a
// directory holding both, the file read is the one that holds every seed of the other
// (readSweepInput), never merely the newer one.
// Reading validates every field against one schema (seedResultSchema, sweepFileSchema),
// with the flags' own parsers for the values a flag also takes (seeds, shards, jobs,
// eventsMax), and refuses a file with any problem: a UsageError naming the file, each
// field by its path (`results[3].verdict`) and what to do, so merge and replay never
// work from a damaged file. The JSON helpers here (readJsonFile, problemsMessage) are
// shared with replay's report.json and the knowledge file: a leading BOM is skipped, a
// syntax error is placed by line and column, an unreadable file says why, and a UTF-16,
// binary or non-UTF-8 file is named as such.
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { verdictOf } from '../sim/check/verdict.ts';
import { parseJson } from '../sim/scenario/jsonText.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import { DURATION_US_MAX } from '../sim/scenario/schema.ts';
import { controlCharacter, parseCount, parseEventsMax, parseSeed, UsageError } from './args.ts';
import { brokenLink, missingFile } from './missingFile.ts';
import { utf8Text } from './utf8.ts';
import type { SeedResult } from './seedResult.ts';
import { parseSeedRange, parseShard, shardSeeds, type SeedRange, SWEEP_SEEDS_MAX } from './seedRange.ts';
import { JOBS_MAX } from './sweepPool.ts';
import { FAULTLINE_VERSION } from './version.ts';

export const SWEEP_FILE = 'sweep.json';
/** The append-only log of per-seed results, written as seeds finish. */
export const RESULTS_LOG = 'results.jsonl';
export const JUNIT_FILE = 'junit.xml';
/** Version 2 added each seed's verdict, inconclusive list and stats (version 1 files are read too). */
export const SWEEP_FORMAT_VERSION = 2;

export interface SweepFile {
  faultline: 'sweep';
  version: number;
  /**
   * The faultline that ran the seeds (package version); absent in files written before it
   * was recorded, and in a merge of such files. A trace hash holds only within one version.
   */
  faultlineVersion?: string;
  scenario: string;
  /** How replay commands name the scenario (catalogue name or path as given). */
  scenarioRef: string;
  scenarioFileName: string;
  scenarioText: string;
  /** The users' workload modules the scenario needs (--workload, as given); absent when none. */
  workloads?: string[];
  /** The seed range as given, and the shard (null: the whole range) or merged shards. */
  seeds: string;
  shards: string[];
  jobs: number;
  /** The runs' event limit, when --events-max set one (replay commands repeat it). */
  eventsMax?: number;
  /** Wall time of the sweep; for a merge, the sum over the shards (machine time). */
  wallMs: number;
  results: SeedResult[];
  /** Present when read from the results log of a sweep that did not finish, or written while it ran. */
  partial?: { logged: number; expected: number | null };
  /** Seeds run a second time because the worker running them died (their results are the second run's). */
  retried?: { seed: number; why: string }[];
}

/** The log's first line: the sweep's description, and how many seeds it will run. */
export type SweepHeader = Omit<SweepFile, 'results' | 'wallMs' | 'faultline' | 'partial' | 'retried'> & { faultline: 'sweep-log'; seedCount: number };

/** Appends one line per finished seed to DIR/results.jsonl; each line is written at once. */
export class ResultsLog {
  private readonly fd: number;

  constructor(readonly path: string, header: SweepHeader) {
    this.fd = openSync(path, 'w');
    this.line(header);
  }

  append(r: SeedResult): void {
    this.line(r);
  }

  private closed = false;

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private line(v: unknown): void {
    writeSync(this.fd, JSON.stringify(v) + '\n');
  }
}

export interface SweepSummary {
  seeds: number;
  passed: number;
  failed: number;
  /** Seeds with no violation where some check could not decide. */
  inconclusive: number;
  events: number;
  wallMs: number;
  eventsPerS: number;
  seedsPerMin: number;
  slowest: { seed: number; wallMs: number }[];
  /**
   * merge: seeds of the inputs' ranges that no input holds (a shard not merged, a sweep
   * that did not finish), with the first few of them; absent when none is missing. They
   * make the merge inconclusive: nothing says they would pass.
   */
  missing?: { count: number; first: number[] };
}

export function summarize(results: readonly SeedResult[], wallMs: number): SweepSummary {
  let failed = 0;
  let inconclusive = 0;
  let events = 0;
  for (const r of results) {
    if (r.verdict === 'fail') failed++;
    else if (r.verdict === 'inconclusive') inconclusive++;
    events += r.events;
  }
  const s = Math.max(wallMs, 1e-3) / 1000;
  const slowest = [...results].sort((a, b) => b.wallMs - a.wallMs || a.seed - b.seed).slice(0, 5).map((r) => ({ seed: r.seed, wallMs: r.wallMs }));
  return { seeds: results.length, passed: results.length - failed - inconclusive, failed, inconclusive, events, wallMs, eventsPerS: Math.round(events / s), seedsPerMin: Math.round((results.length / s) * 60), slowest };
}

// ---------------------------------------------------------------------------------------
// Reading files the user names: text, JSON, problems.

/** Why a file cannot be read, in words (not an errno dump). */
function unreadable(file: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ELOOP') return new UsageError(`${file}: ${missingFile(file)}`);
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`cannot read ${file}: permission denied (check the file's permissions, or run as a user who may read it)`);
  if (code === 'EISDIR') return new UsageError(`cannot read ${file}: it is a directory; name a file`);
  const msg = e instanceof Error ? e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '') : String(e);
  return new UsageError(`cannot read ${file}: ${code === undefined ? msg : `${code} (${msg})`}`);
}

function notRegular(file: string): never {
  throw new UsageError(`cannot read ${file}: it is not a regular file (a FIFO, a device or a socket); name a file`);
}

/**
 * A file's text, or a UsageError saying why it cannot be read. faultline writes its files
 * in UTF-8: a UTF-16 file, a binary one (a NUL byte) or one in another encoding is named
 * as such, rather than as a JSON syntax error at an unprintable character.
 */
export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    // A FIFO or a device (/dev/zero) would be read until it ends, which may be never.
    if (!statSync(file).isFile() && !statSync(file).isDirectory()) return notRegular(file);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw unreadable(file, e);
  }
  return utf8Text(bytes, `${file}:`, 'JSON text');
}

/** Parses JSON text read from `file`: a leading BOM is skipped; a syntax error names its line and column. */
export function parseJsonText(text: string, file: string): unknown {
  const r = parseJson(text);
  if (r.ok) return r.value;
  if (text.replace(/^\ufeff/, '').trim() === '') throw new UsageError(`${file}: the file is empty; expected JSON`);
  throw new UsageError(`${file}: not valid JSON${r.line === null ? '' : ` at line ${r.line}, column ${r.column}`}: ${r.reason}`);
}

/** Reads and parses a JSON file, or throws a UsageError that says where and why. */
export function readJsonFile(file: string): unknown {
  return parseJsonText(readTextFile(file), file);
}

/** A problem with a file's content: the field's path and what is wrong with it. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Problems listed in one message at most; the rest are counted. */
const PROBLEMS_SHOWN_MAX = 20;

/** `FILE: <what> (N problems):` then one line per field, then the fix. */
export function problemsMessage(head: string, problems: readonly FieldProblem[], fix: string): string {
  const n = problems.length;
  const lines = problems.slice(0, PROBLEMS_SHOWN_MAX).map((p) => `  ${p.path}: ${p.message}`);
  if (n > PROBLEMS_SHOWN_MAX) lines.push(`  … and ${n - PROBLEMS_SHOWN_MAX} more`);
  return `${head} (${n} problem${n === 1 ? '' : 's'}):\n${lines.join('\n')}\n  ${fix}`;
}

function pathText(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  // A key with an empty name is shown as "" (it left the path as it was, or a dangling dot).
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' || out.endsWith(' ') ? (p === '' ? '""' : String(p)) : `.${p === '' ? '""' : String(p)}`;
  return out === '' ? '(root)' : out.replace(/: $/, '');
}

/** A value as a message shows it: its JSON, shortened. */
export function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(doc: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let v = doc;
  for (const k of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, k)) return { found: false, value: undefined };
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return { found: true, value: v };
}

const TYPE_WORDS: Record<string, string> = { int: 'an integer', number: 'a number', string: 'a string', object: 'an object', array: 'an array', boolean: 'true or false', null: 'null' };

/** zod's issues as problems by path, with the value found and what was expected. */
export function zodProblems(issues: readonly z.core.$ZodIssue[], doc: unknown, prefix = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const i of issues) {
    // One problem per field: a value that is wrong twice over (not an integer and too big) needs one fix.
    const key = JSON.stringify(i.path);
    if (i.code !== 'unrecognized_keys' && seen.has(key)) continue;
    seen.add(key);
    const at = valueAt(doc, i.path);
    if (i.code === 'unrecognized_keys') {
      for (const k of i.keys) out.push({ path: pathText(prefix, [...i.path, k]), message: 'unknown field: remove it (this faultline does not write it, so it would be ignored)' });
    } else if (i.code === 'invalid_type') {
      const want = TYPE_WORDS[i.expected] ?? i.expected;
      out.push({ path: pathText(prefix, i.path), message: at.found ? `expected ${want}, got ${shown(at.value)}` : `is missing: add it (${want})` });
    } else if (i.code === 'invalid_value') {
      const want = i.values.map((v) => JSON.stringify(v)).join(' or ');
      out.push({ path: pathText(prefix, i.path), message: at.found ? `expected ${want}, got ${shown(at.value)}` : `is missing: add it (${want})` });
    } else if (i.code === 'invalid_union') {
      out.push({ path: pathText(prefix, i.path), message: `${i.message.replace(/^Invalid input$/, 'not a value this field takes')}, got ${shown(at.value)}` });
    } else {
      out.push({ path: pathText(prefix, i.path), message: `${i.message}${i.code === 'custom' ? '' : `, got ${shown(at.value)}`}` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// The schema of a results file.

/**
 * A zod check that runs a flag's own parser on a value from a file, so the file is held to
 * exactly the flag's rules; the flag's message becomes the field's ("--seed: expected..."
 * reads "expected..., as --seed takes it").
 */
export function asFlag<T extends string | number>(flag: string, parse: (text: string) => unknown): (v: T, ctx: z.core.$RefinementCtx<T>) => void {
  return (v, ctx) => {
    try {
      parse(String(v));
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      ctx.addIssue({ code: 'custom', message: `${e.message.replace(/^[^:]*: /, '').replace(/\. Example: .*$/, '')} (as ${flag} requires)` });
    }
  };
}

const nonNegative = z.number().min(0);
const count = z.number().int().min(0);
/** A virtual time in µs, and a run's simulated ms: no run lasts longer than a scenario may name. */
const virtualUs = nonNegative.max(DURATION_US_MAX);
const simulatedMs = nonNegative.max(DURATION_US_MAX / 1000);
/** Wall time, ms: a century, far beyond any sweep (merged shards add theirs), so 1e300 is refused, not summed. */
const WALL_MS_MAX = 100 * 365.25 * 86_400_000;
const wallMs = nonNegative.max(WALL_MS_MAX);
/** A seed in a file: what --seed accepts. */
export const seedValue = z.number().superRefine(asFlag('--seed', (t) => parseSeed(t)));
/** A trace hash: 16 lowercase hex digits (core/hash). */
export const TRACE_HASH = /^[0-9a-f]{16}$/;
export const traceHash = z.string().regex(TRACE_HASH, 'expected a trace hash of 16 hex digits such as 2bd915b52ed4a58a');

const violationSchema = z.object({
  t: virtualUs,
  check: z.string().min(1),
  node: z.number().int().nullable(),
  message: z.string(),
  detail: z.string().optional(),
}).strict();

const inconclusiveSchema = z.object({ check: z.string().min(1), reason: z.string() }).strict();

const resultFields = {
  seed: seedValue,
  traceHash,
  events: count,
  simulatedMs,
  wallMs,
  verdict: z.enum(['pass', 'fail', 'inconclusive']),
  violations: z.array(violationSchema),
  violationCount: count,
  inconclusive: z.array(inconclusiveSchema),
  stats: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
};

/** A result's counts must agree with its verdict, as runScenario's report makes them. */
function consistentResult(r: { verdict?: string; violations: unknown[]; violationCount: number; inconclusive?: unknown[] }, ctx: z.core.$RefinementCtx): void {
  if (r.violationCount < r.violations.length) ctx.addIssue({ code: 'custom', path: ['violationCount'], message: `is ${r.violationCount}, but ${r.violations.length} violations are listed: it counts every violation of the run` });
  if (r.verdict === undefined) return;
  const expected = verdictOf(r.violationCount, r.inconclusive?.length ?? 0);
  if (r.verdict !== expected) ctx.addIssue({ code: 'custom', path: ['verdict'], message: `is "${r.verdict}", but a result with ${r.violationCount} violations and ${r.inconclusive?.length ?? 0} inconclusive checks is "${expected}"` });
}

/** One seed's result (SeedResult), as sweep.json (version 2) and results.jsonl hold it. */
export const seedResultSchema = z.object(resultFields).strict().superRefine(consistentResult);

/** A version 1 result had no verdict, inconclusive list or stats. */
const seedResultV1Schema = z.object({ ...resultFields, verdict: resultFields.verdict.optional(), inconclusive: resultFields.inconclusive.optional(), stats: resultFields.stats.optional() }).strict().superRefine(consistentResult);

/** `seeds`: a --seeds range, or for a merge the inputs' ranges joined by commas. */
const seedsText = z.string().superRefine((v, ctx) => {
  for (const part of v.split(',')) asFlag<string>('--seeds', parseSeedRange)(part, ctx);
});

/** A path the file records (the scenario, a workload module): printed into replay commands, so no control characters. */
const recordedPath = z.string().min(1).superRefine((v, ctx) => {
  const c = controlCharacter(v);
  if (c !== null) ctx.addIssue({ code: 'custom', message: `holds ${c}: it would print raw into replay commands and messages; a sweep run from such a path is refused, so the file was edited: run the sweep again` });
});

/** What sweep.json and the log's header both say about the sweep. */
const describedFields = {
  version: z.number(),
  faultlineVersion: z.string().regex(/^[0-9A-Za-z.+-]{1,64}$/, 'expected a faultline version such as "0.1.0", as sweep writes it').optional(),
  scenario: z.string().min(1),
  scenarioRef: recordedPath,
  scenarioFileName: recordedPath,
  scenarioText: z.string().min(1),
  workloads: z.array(recordedPath).min(1).optional(),
  seeds: seedsText,
  shards: z.array(z.string().superRefine(asFlag<string>('--shard', parseShard))).min(1),
  jobs: z.number().superRefine(asFlag('--jobs', (t) => parseCount(t, '--jobs', JOBS_MAX))),
  eventsMax: z.number().superRefine(asFlag('--events-max', parseEventsMax)).optional(),
};

const partialSchema = z.object({ logged: count, expected: count.nullable() }).strict();
const retriedSchema = z.array(z.object({ seed: seedValue, why: z.string() }).strict());

const sweepFileSchema = (result: z.ZodType) => z.object({
  faultline: z.literal('sweep'),
  ...describedFields,
  wallMs,
  results: z.array(result),
  partial: partialSchema.optional(),
  retried: retriedSchema.optional(),
}).strict();
const SWEEP_SCHEMAS = { 1: sweepFileSchema(seedResultV1Schema), 2: sweepFileSchema(seedResultSchema) };

const sweepHeaderSchema = z.object({ faultline: z.literal('sweep-log'), ...describedFields, seedCount: z.number().int().min(1).max(SWEEP_SEEDS_MAX) }).strict();

const FIX = 'A results file is what `faultline sweep --out` or `faultline merge --out` wrote; this one was edited or damaged: fix or remove the fields named, or run the sweep again.';

/** The problems of a parsed results file that the schema cannot see: seeds in range, duplicates, the scenario text. */
function fileProblems(f: SweepFile, where: (i: number) => string, field: (i: number, name: string) => string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const ranges: SeedRange[] = f.seeds.split(',').map((s) => parseSeedRange(s));
  const shards = f.shards.map((s) => parseShard(s));
  // Seed s of a range from `first` is in shard ((s - first) mod n) + 1 of n. A merged file
  // lists its inputs' ranges and shards, so each of its seeds fits some range and shard.
  const inShard = (seed: number): boolean => ranges.some((x) => seed >= x.first && seed <= x.last && shards.some((sh) => (seed - x.first) % sh.count === sh.index - 1));
  const seen = new Map<number, number>();
  f.results.forEach((r, i) => {
    if (!ranges.some((x) => r.seed >= x.first && r.seed <= x.last)) problems.push({ path: field(i, 'seed'), message: `${r.seed} is not in the sweep's seeds (${f.seeds})` });
    else if (!inShard(r.seed)) problems.push({ path: field(i, 'seed'), message: `${r.seed} is not a seed of shard ${f.shards.join(' or ')} of ${f.seeds} (seed s is in shard ((s - first) mod n) + 1 of n), so the file says it ran seeds its shard never runs` });
    const j = seen.get(r.seed);
    if (j === undefined) seen.set(r.seed, i);
    else problems.push({ path: field(i, 'seed'), message: `seed ${r.seed} is also at ${where(j)}${resultConflict(f.results[j], r) === null ? ' (the same result)' : `, with a different ${resultConflict(f.results[j], r)}`}: a sweep writes each seed once; remove one of them` });
  });
  if (f.partial !== undefined && f.partial.logged !== f.results.length) problems.push({ path: 'partial.logged', message: `is ${f.partial.logged}, but the file holds ${f.results.length} results` });
  problems.push(...scenarioTextProblems(f));
  return problems;
}

/** The recorded scenario must be one this faultline reads, and the one `scenario` names. */
function scenarioTextProblems(f: Pick<SweepFile, 'scenario' | 'scenarioText' | 'scenarioFileName' | 'workloads'>): FieldProblem[] {
  const parsed = parseScenarioText(f.scenarioText, f.scenarioFileName);
  if (parsed.ok) return parsed.scenario.name === f.scenario ? [] : [{ path: 'scenario', message: `is "${f.scenario}", but scenarioText is scenario "${parsed.scenario.name}"` }];
  // A workload of the user's own is registered only once its module is loaded (replay
  // loads the file's `workloads` first; merge never runs one): the rest is still checked.
  const problems = parsed.problems.filter((p) => !(f.workloads !== undefined && p.path === 'workload' && p.message.startsWith('no workload named')));
  return problems.map((p) => ({ path: `scenarioText: ${p.path}`, message: p.message }));
}

/**
 * The first field (other than wallMs) in which two results of one seed differ, or null.
 * Violation messages are compared by check, time and node: a bounded message names the
 * directory its sweep wrote the full text to, which differs between shards.
 */
export function resultConflict(a: SeedResult, b: SeedResult): string | null {
  if (a.traceHash !== b.traceHash) return 'traceHash';
  const key = (r: SeedResult): Record<string, string> => ({
    verdict: r.verdict,
    events: String(r.events),
    simulatedMs: String(r.simulatedMs),
    violationCount: String(r.violationCount),
    violations: JSON.stringify(r.violations.map((v) => [v.check, v.t, v.node])),
    inconclusive: JSON.stringify(r.inconclusive),
    stats: JSON.stringify(r.stats),
  });
  const ka = key(a);
  const kb = key(b);
  return Object.keys(ka).find((k) => ka[k] !== kb[k]) ?? null;
}

function refuse(file: string, what: string, problems: readonly FieldProblem[]): never {
  throw new UsageError(problemsMessage(`${file}: not a valid ${what}`, problems, FIX));
}

/** The file merge and replay read for one input, the file itself, and a note when a newer file was passed over. */
export interface SweepInput {
  file: string;
  sweep: SweepFile;
  note?: string;
}

/**
 * Accepts a directory holding sweep.json (or, from a sweep that did not finish, only
 * results.jsonl) or either file itself. Of one sweep, results.jsonl holds every seed the
 * sweep.json beside it holds, and sometimes more: a running sweep appends each seed to the
 * log at once but rewrites sweep.json at most every second, and writes it whole at the
 * end. So a complete sweep.json no older than the log is read alone. Otherwise (the log is
 * newer, or sweep.json is partial) the newer file is not always the more complete: a sweep
 * started again in the same directory begins a new log, header only, beside the finished
 * sweep.json of the run before. Both are then read (each checked as always), and:
 * - if they are not of one scenario text and event limit, or disagree on a seed they both
 *   hold, the input is refused, naming both files;
 * - else the one holding every seed of the other is read (sweep.json when they hold the
 *   same seeds: it also records retried seeds and the sweep's own wall time), with a note
 *   when that is not the newer one;
 * - else (each holds seeds the other lacks) the input is refused: merge names both files.
 */
export function readSweepInput(dirOrFile: string): SweepInput {
  if (!(existsSync(dirOrFile) && statSync(dirOrFile).isDirectory())) return { file: dirOrFile, sweep: readOneSweepFile(dirOrFile) };
  const whole = join(dirOrFile, SWEEP_FILE);
  const log = join(dirOrFile, RESULTS_LOG);
  if (!existsSync(log)) return { file: whole, sweep: readOneSweepFile(whole, dirOrFile) };
  if (!existsSync(whole)) return { file: log, sweep: readOneSweepFile(log) };
  const logNewer = statSync(log).mtimeMs > statSync(whole).mtimeMs;
  const w = readOneSweepFile(whole);
  if (!logNewer && w.partial === undefined) return { file: whole, sweep: w };
  return choose(dirOrFile, { file: whole, sweep: w }, { file: log, sweep: readOneSweepFile(log) }, logNewer);
}

/** Of a directory's sweep.json (`w`) and results.jsonl (`l`), the one that holds every seed of the other (see readSweepInput). */
function choose(dir: string, w: SweepInput, l: SweepInput, logNewer: boolean): SweepInput {
  const both = `${dir} holds ${SWEEP_FILE} and ${RESULTS_LOG}`;
  const one = `name the one you mean (${w.file} or ${l.file})`;
  if (w.sweep.scenarioText !== l.sweep.scenarioText || w.sweep.eventsMax !== l.sweep.eventsMax) {
    const what = w.sweep.scenarioText !== l.sweep.scenarioText ? `scenarios (${w.sweep.scenario} and ${l.sweep.scenario}, or two versions of one)` : 'event limits (--events-max)';
    throw new UsageError(`${both} of two sweeps with different ${what}: a sweep was started again in ${dir} and stopped before it wrote its ${SWEEP_FILE}; ${one}, or run the sweep again`);
  }
  const inW = new Map(w.sweep.results.map((r) => [r.seed, r]));
  let shared = 0;
  for (const r of l.sweep.results) {
    const other = inW.get(r.seed);
    if (other === undefined) continue;
    shared++;
    const field = resultConflict(other, r);
    if (field !== null) throw new UsageError(`${both}, which disagree on seed ${r.seed} (a different ${field}): they are not one sweep's results; ${one}, or run the sweep again`);
  }
  const [nw, nl] = [w.sweep.results.length, l.sweep.results.length];
  const chosen = shared === nl ? w : shared === nw ? l : null;
  if (chosen === null) {
    throw new UsageError(`${both}, and each holds seeds the other lacks (${nw - shared} only in ${SWEEP_FILE}, ${nl - shared} only in ${RESULTS_LOG}): neither is the whole result; merge both by name (faultline merge ${w.file} ${l.file}), or name one`);
  }
  const newer = logNewer ? l : w;
  if (chosen === newer || nw === nl) return chosen;
  const note = `${dir}: read ${basename(chosen.file)} (${chosen.sweep.results.length} seed${chosen.sweep.results.length === 1 ? '' : 's'}): the newer ${basename(newer.file)} holds ${newer.sweep.results.length === 0 ? 'no seed results' : `only ${newer.sweep.results.length} of them, the same`} (a sweep started again in ${dir} and stopped?)`;
  return { ...chosen, note };
}

/** Reads and validates a results file (sweep.json, results.jsonl or the directory holding them). */
export function readSweepFile(dirOrFile: string): SweepFile {
  return readSweepInput(dirOrFile).sweep;
}

/** Reads and validates one results file, sweep.json or results.jsonl; `dir`, when the user named the directory it is in. */
function readOneSweepFile(file: string, dir?: string): SweepFile {
  if (!existsSync(file)) {
    const link = brokenLink(file);
    if (link !== null) throw new UsageError(`${file}: is a symbolic link ${link}: point it at the file, or name the file itself`);
    throw new UsageError(`${file}: no such file (${dir !== undefined ? `${dir} holds neither ${SWEEP_FILE} nor ${RESULTS_LOG}` : `expected a sweep output directory, its ${SWEEP_FILE} or its ${RESULTS_LOG}`})`);
  }
  if (file.endsWith('.jsonl')) return readResultsLog(file);
  const doc = readJsonFile(file);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`${file}: not a faultline sweep results file: expected a JSON object written by \`faultline sweep --out\`, got ${Array.isArray(doc) ? 'an array' : shown(doc)}`);
  }
  const d = doc as Record<string, unknown>;
  if (d.faultline !== 'sweep') {
    const has = d.faultline === undefined ? 'it has no "faultline" field' : `its "faultline" field is ${shown(d.faultline)}`;
    throw new UsageError(`${file}: not a faultline sweep results file: ${has}, where a sweep.json has "faultline": "sweep" (name the sweep.json or results.jsonl that \`faultline sweep --out\` wrote, or its directory)`);
  }
  // A later format is no damage: the file is fine, this faultline is too old for it.
  if (typeof d.version === 'number' && Number.isInteger(d.version) && d.version > SWEEP_FORMAT_VERSION) {
    throw new UsageError(`${file}: ${formatVersionMessage(d.version, d.faultlineVersion)}, and this faultline (${FAULTLINE_VERSION}) reads format versions 1 and ${SWEEP_FORMAT_VERSION}: read it with the faultline that wrote it, or run the sweep again with this one`);
  }
  const version = d.version === 1 ? 1 : SWEEP_FORMAT_VERSION;
  const r = SWEEP_SCHEMAS[version].safeParse(doc);
  const problems = r.success ? [] : zodProblems(r.error.issues.filter((x) => !(x.path.length === 1 && x.path[0] === 'version')), doc);
  if (d.version !== 1 && d.version !== SWEEP_FORMAT_VERSION) {
    problems.unshift({ path: 'version', message: `this faultline reads versions 1 and ${SWEEP_FORMAT_VERSION} (numbers), got ${shown(d.version)}` });
  }
  if (problems.length > 0) refuse(file, 'sweep results file', problems);
  const f = { ...(r.data as SweepFile), version: SWEEP_FORMAT_VERSION };
  f.results = f.results.map(upgradeResult);
  const more = fileProblems(f, (i) => `results[${i}]`, (i, name) => `results[${i}].${name}`);
  if (more.length > 0) refuse(file, 'sweep results file', more);
  return f;
}

/** Reads a results log (possibly cut short) as a partial results file, sorted by seed. */
export function readResultsLog(file: string): SweepFile {
  const text = readTextFile(file);
  const lines = text.split('\n');
  // Only the last line can be cut (the sweep died while writing it): it has no newline.
  const cut = lines[lines.length - 1] !== '' ? lines.length - 1 : -1;
  // Each line is read as every JSON file is (jsonText.ts: a leading BOM, keys given twice).
  const parse = (i: number): { ok: true; v: unknown } | { ok: false; why: string } => {
    const r = parseJson(lines[i]);
    return r.ok ? { ok: true, v: r.value } : { ok: false, why: r.column === null ? r.reason : `at column ${r.column}: ${r.reason}` };
  };
  const first = parse(0);
  const header = first.ok ? first.v : undefined;
  if (header === null || typeof header !== 'object' || (header as { faultline?: unknown }).faultline !== 'sweep-log') {
    throw new UsageError(`${file}: not a faultline sweep results log: its first line must be the sweep's header (the results.jsonl that \`faultline sweep --out\` writes)`);
  }
  const hv = header as { version?: unknown; faultlineVersion?: unknown };
  if (hv.version !== SWEEP_FORMAT_VERSION) throw new UsageError(`${file}: ${formatVersionMessage(hv.version, hv.faultlineVersion)}, and this faultline (${FAULTLINE_VERSION}) reads format version ${SWEEP_FORMAT_VERSION} of a results log: read it with the faultline that wrote it, or run the sweep again`);
  const h = sweepHeaderSchema.safeParse(header);
  if (!h.success) refuse(file, 'sweep results log', zodProblems(h.error.issues, header, 'line 1: '));
  const problems: FieldProblem[] = [];
  const results: SeedResult[] = [];
  const lineOf: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const p = parse(i);
    if (!p.ok) {
      if (i === cut) break;
      problems.push({ path: `line ${i + 1}`, message: `not valid JSON: ${p.why}` });
      continue;
    }
    const r = seedResultSchema.safeParse(p.v);
    if (!r.success) {
      if (p.v === null || typeof p.v !== 'object' || Array.isArray(p.v)) problems.push({ path: `line ${i + 1}`, message: `expected a seed result (a JSON object), got ${shown(p.v)}` });
      else problems.push(...zodProblems(r.error.issues, p.v, `line ${i + 1}: `));
      continue;
    }
    results.push(r.data as SeedResult);
    lineOf.push(i + 1);
  }
  const { seedCount, faultline: _kind, ...rest } = h.data as SweepHeader;
  // The header's count is the seeds its range and shard hold (a log is one sweep's: one
  // range, one shard): a count edited below the results read as "logged 3 of its 1 seeds".
  if (!rest.seeds.includes(',') && rest.shards.length === 1) {
    const expected = shardSeeds(parseSeedRange(rest.seeds), parseShard(rest.shards[0])).length;
    if (seedCount !== expected) problems.unshift({ path: 'line 1: seedCount', message: `is ${seedCount}, but seeds ${rest.seeds}, shard ${rest.shards[0]}, hold ${expected} seeds` });
  }
  if (results.length > seedCount) problems.push({ path: `line ${lineOf[seedCount] ?? lines.length}`, message: `is result ${seedCount + 1}, but the header says the sweep runs ${seedCount} seeds` });
  if (problems.length > 0) refuse(file, 'sweep results log', problems);
  const f: SweepFile = { ...rest, faultline: 'sweep', wallMs: Math.round(results.reduce((a, r) => a + r.wallMs, 0) * 10) / 10, results };
  const more = fileProblems(f, (i) => `line ${lineOf[i]}`, (i, name) => `line ${lineOf[i]}: ${name}`);
  if (more.length > 0) refuse(file, 'sweep results log', more);
  const order = results.map((_, i) => i).sort((a, b) => results[a].seed - results[b].seed);
  f.results = order.map((i) => results[i]);
  return seedCount === results.length ? f : { ...f, partial: { logged: results.length, expected: seedCount } };
}

/** "the file is format version 3 (written by faultline 0.2.0)": what a file of another format says of itself. */
function formatVersionMessage(version: unknown, by: unknown): string {
  const known = typeof by === 'string' && /^[0-9A-Za-z.+-]{1,64}$/.test(by);
  return `the file is format version ${shown(version)}${known ? ` (written by faultline ${by})` : ''}`;
}

/**
 * Why results of a sweep file cannot be taken as this faultline's (replay's expected trace,
 * a merge's seeds): written by another faultline version, whose trace hashes may differ.
 * Null for this version, and for a file that does not say (written before versions were
 * recorded: read as before).
 */
export function otherVersion(f: Pick<SweepFile, 'faultlineVersion'>, name: string): string | null {
  if (f.faultlineVersion === undefined || f.faultlineVersion === FAULTLINE_VERSION) return null;
  return `${name} was swept by faultline ${f.faultlineVersion}, and this is faultline ${FAULTLINE_VERSION}: a seed's trace hash holds only within one version`;
}

/** A version 1 result had no verdict: a violation meant fail, and inconclusive did not exist. */
function upgradeResult(r: SeedResult): SeedResult {
  if (typeof r.verdict === 'string') return r;
  return { ...r, verdict: r.violationCount > 0 ? 'fail' : 'pass', inconclusive: [], stats: r.stats ?? {} };
}
