// The sweep results file (sweep.json): what a sweep or a merge writes and what replay and
// merge read back.
//
// Contract: `results` holds one entry per seed, sorted by seed, with the fields of
// SeedResult; everything but wallMs is a function of (scenario text, seed, version).
// `scenarioText` carries the scenario itself, so a result can be replayed after the file
// it came from has changed or gone. Reading checks the shape and says what is wrong.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './args.ts';
import type { SeedResult } from './seedResult.ts';

export const SWEEP_FILE = 'sweep.json';
export const JUNIT_FILE = 'junit.xml';
export const SWEEP_FORMAT_VERSION = 1;

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
  /** Wall time of the sweep; for a merge, the sum over the shards (machine time). */
  wallMs: number;
  results: SeedResult[];
}

export interface SweepSummary {
  seeds: number;
  passed: number;
  failed: number;
  events: number;
  wallMs: number;
  eventsPerS: number;
  seedsPerMin: number;
  slowest: { seed: number; wallMs: number }[];
}

export function summarize(results: readonly SeedResult[], wallMs: number): SweepSummary {
  let failed = 0;
  let events = 0;
  for (const r of results) {
    if (r.violationCount > 0) failed++;
    events += r.events;
  }
  const s = Math.max(wallMs, 1e-3) / 1000;
  const slowest = [...results].sort((a, b) => b.wallMs - a.wallMs || a.seed - b.seed).slice(0, 5).map((r) => ({ seed: r.seed, wallMs: r.wallMs }));
  return { seeds: results.length, passed: results.length - failed, failed, events, wallMs, eventsPerS: Math.round(events / s), seedsPerMin: Math.round((results.length / s) * 60), slowest };
}

/** Accepts a directory holding sweep.json or the file itself. */
export function sweepFilePath(dirOrFile: string): string {
  return existsSync(dirOrFile) && statSync(dirOrFile).isDirectory() ? join(dirOrFile, SWEEP_FILE) : dirOrFile;
}

export function readSweepFile(dirOrFile: string): SweepFile {
  const file = sweepFilePath(dirOrFile);
  if (!existsSync(file)) throw new UsageError(`${file}: no such file (expected a sweep output directory or its ${SWEEP_FILE})`);
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
  if (d.version !== SWEEP_FORMAT_VERSION) throw new UsageError(`${file}: results format version ${String(d.version)}, this faultline reads version ${SWEEP_FORMAT_VERSION}`);
  return d as SweepFile;
}
