// The sweep results file (sweep.json): what a sweep or a merge writes and what replay and
// merge read back; and the results log (results.jsonl) a sweep appends to as seeds finish.
//
// Contract: `results` holds one entry per seed, sorted by seed, with the fields of
// SeedResult; everything but wallMs is a function of (scenario text, seed, version).
// `scenarioText` carries the scenario itself, so a result can be replayed after the file
// it came from has changed or gone. Reading checks the shape and says what is wrong.
// The log's first line is the sweep's header (the SweepFile fields but results), then one
// SeedResult per line in the order seeds finished; a sweep that dies leaves a log that
// `merge` and `replay` read as a partial results file (a cut last line is ignored).
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.ts';
import type { SeedResult } from './seedResult.ts';

export const SWEEP_FILE = 'sweep.json';
/** The append-only log of per-seed results, written as seeds finish. */
export const RESULTS_LOG = 'results.jsonl';
export const JUNIT_FILE = 'junit.xml';
/** Version 2 added each seed's verdict, inconclusive list and stats (version 1 files are read too). */
export const SWEEP_FORMAT_VERSION = 2;

export interface SweepFile {
  faultline: 'sweep';
  version: number;
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

/**
 * Accepts a directory holding sweep.json (or, from a sweep that did not finish, only
 * results.jsonl) or either file itself. A running sweep rewrites a partial sweep.json
 * every second or so but appends to results.jsonl at every seed, so when the log was
 * written after sweep.json (a sweep killed between two rewrites) the log is read.
 */
export function sweepFilePath(dirOrFile: string): string {
  if (!(existsSync(dirOrFile) && statSync(dirOrFile).isDirectory())) return dirOrFile;
  const whole = join(dirOrFile, SWEEP_FILE);
  const log = join(dirOrFile, RESULTS_LOG);
  if (!existsSync(log)) return whole;
  return !existsSync(whole) || statSync(log).mtimeMs > statSync(whole).mtimeMs ? log : whole;
}

export function readSweepFile(dirOrFile: string): SweepFile {
  const file = sweepFilePath(dirOrFile);
  if (!existsSync(file)) throw new UsageError(`${file}: no such file (expected a sweep output directory, its ${SWEEP_FILE} or its ${RESULTS_LOG})`);
  if (file.endsWith('.jsonl')) return readResultsLog(file);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON: ${(e as Error).message}`);
  }
  const d = doc as Partial<SweepFile>;
  if (d === null || typeof d !== 'object' || d.faultline !== 'sweep' || !Array.isArray(d.results) || typeof d.scenarioText !== 'string') {
    throw new UsageError(`${file}: not a faultline sweep results file`);
  }
  if (d.version !== SWEEP_FORMAT_VERSION && d.version !== 1) throw new UsageError(`${file}: results format version ${String(d.version)}, this faultline reads versions 1 to ${SWEEP_FORMAT_VERSION}`);
  return { ...(d as SweepFile), version: SWEEP_FORMAT_VERSION, results: d.results.map(upgradeResult) };
}

/** Reads a results log (possibly cut short) as a partial results file, sorted by seed. */
export function readResultsLog(file: string): SweepFile {
  const lines = readFileSync(file, 'utf8').split('\n');
  const parse = (i: number): unknown => {
    try {
      return JSON.parse(lines[i]);
    } catch {
      return undefined;
    }
  };
  const header = parse(0) as Partial<SweepHeader> | undefined;
  if (header === undefined || header === null || header.faultline !== 'sweep-log' || typeof header.scenarioText !== 'string') {
    throw new UsageError(`${file}: not a faultline sweep results log (its first line must be the sweep's header)`);
  }
  if (header.version !== SWEEP_FORMAT_VERSION) throw new UsageError(`${file}: results format version ${String(header.version)}, this faultline reads version ${SWEEP_FORMAT_VERSION}`);
  const results: SeedResult[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const r = parse(i) as SeedResult | undefined;
    // Only the last line can be cut (the sweep died while writing it); anything else is damage.
    if (r === undefined || typeof r.seed !== 'number') {
      if (i >= lines.length - 2) break;
      throw new UsageError(`${file}: line ${i + 1} is not a seed result`);
    }
    results.push(r);
  }
  const { seedCount, faultline: _kind, ...rest } = header as SweepHeader;
  const expected = typeof seedCount === 'number' ? seedCount : null;
  results.sort((a, b) => a.seed - b.seed);
  return { ...rest, faultline: 'sweep', wallMs: Math.round(results.reduce((a, r) => a + r.wallMs, 0) * 10) / 10, results, ...(expected === results.length ? {} : { partial: { logged: results.length, expected } }) };
}

/** A version 1 result had no verdict: a violation meant fail, and inconclusive did not exist. */
function upgradeResult(r: SeedResult): SeedResult {
  if (typeof r.verdict === 'string') return r;
  return { ...r, verdict: r.violationCount > 0 ? 'fail' : 'pass', inconclusive: [], stats: r.stats ?? {} };
}
