// Scenario regression triples: (scenario, seed, expected trace hash), checked by
// test/regression.test.ts and re-blessed with `faultline bless`.
//
// Contract: a triple's scenario is a catalogue name or a path relative to the package
// root; its hash is that of the run with the swarm section materialized, as `run` does.
// Checking never writes; blessing rewrites the file with the hashes of this version and
// says which ones changed, so a reviewer sees exactly which runs a change altered.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { parseFlags, UsageError } from './args.ts';
import { PACKAGE_ROOT } from './catalog.ts';
import type { Io } from './main.ts';
import { prepareOutFile } from './outPath.ts';
import { loadScenarioRef } from './scenarioRef.ts';
import { parseSeedRange, shardSeeds } from './seedRange.ts';
import { problemsMessage, readJsonFile, seedValue, zodProblems } from './sweepFile.ts';

export const TRIPLES_FILE = join(PACKAGE_ROOT, 'test', 'regression', 'triples.json');
const TRIPLES_MAX = 10_000;

export interface Triple {
  scenario: string;
  seed: number;
  traceHash: string;
}

export interface TriplesFile {
  comment: string;
  triples: Triple[];
}

/** A triples file, held to what `bless` writes: every field known, every seed one --seed takes. */
const triplesSchema = z.object({
  comment: z.string().default(''),
  triples: z.array(z.object({ scenario: z.string().min(1), seed: seedValue, traceHash: z.string().regex(/^(?:[0-9a-f]{16})?$/, 'expected a trace hash of 16 hex digits such as 2bd915b52ed4a58a (or "" for a triple not yet blessed)') }).strict()).max(TRIPLES_MAX),
}).strict();

/**
 * Reads and checks a triples file; a damaged one is a UsageError naming the field. A file
 * that does not exist holds no triples only when `missingOk` (bless --add starts one).
 */
export function readTriples(file = TRIPLES_FILE, missingOk = false): TriplesFile {
  if (missingOk && !existsSync(file)) return { comment: '', triples: [] };
  const doc = readJsonFile(file);
  const r = triplesSchema.safeParse(doc);
  const help = 'A triples file is { "comment": "...", "triples": [{ "scenario", "seed", "traceHash" }] } as `faultline bless` writes it: fix the fields named, or add the triples again with --add.';
  if (!r.success) throw new UsageError(problemsMessage(`${file}: not a triples file`, zodProblems(r.error.issues, doc), help));
  // One run listed twice is run and counted twice ("all 2 hold"), and two hashes for it cannot both hold.
  const first = new Map<string, number>();
  const problems = r.data.triples.flatMap((t, i) => {
    const key = `${t.scenario}\u0000${t.seed}`;
    const j = first.get(key);
    if (j === undefined) {
      first.set(key, i);
      return [];
    }
    return [{ path: `triples[${i}]`, message: `${t.scenario} seed ${t.seed} is listed twice (also triples[${j}]); keep one` }];
  });
  if (problems.length > 0) throw new UsageError(problemsMessage(`${file}: not a triples file`, problems, help));
  return r.data;
}

/** Resolves a triple's scenario: a catalogue name, else a path from the package root. */
export function triplesScenario(name: string): string {
  const asPath = join(PACKAGE_ROOT, name);
  return name.includes('/') && existsSync(asPath) ? asPath : name;
}

export function hashOf(scenario: string, seed: number): string {
  const s = loadScenarioRef(triplesScenario(scenario)).scenario;
  return runScenario(materialize(s, seed), seed).report.traceHash;
}

export function cmdBless(argv: string[], io: Io): number {
  const { values: v } = parseFlags(argv, 'bless', {
    file: { type: 'string' },
    check: { type: 'boolean' },
    add: { type: 'string' },
    seeds: { type: 'string' },
  });
  const file = typeof v.file === 'string' ? v.file : TRIPLES_FILE;
  if (typeof v.seeds === 'string' && typeof v.add !== 'string') throw new UsageError('--seeds: goes with --add NAME (the seeds of the triples to add); add --add NAME or drop --seeds');
  // --check never writes, so triples it would add could only be reported as "(new)" and dropped.
  if (typeof v.add === 'string' && v.check === true) throw new UsageError('--add: adds triples and writes the file, and --check never writes: give one or the other (bless --add NAME, then bless --check)');
  const add = typeof v.add === 'string' ? { name: v.add, seeds: addedSeeds(v.add, typeof v.seeds === 'string' ? v.seeds : '1') } : null;
  // Every check above runs before --file's directory is made; a bless that fails after it removes what it made.
  const undo = v.check === true ? () => {} : prepareOutFile(file, '--file');
  try {
    return blessFile(file, add, v.check === true, io);
  } catch (e) {
    undo();
    throw e;
  }
}

/** The seeds of the triples --add NAME --seeds RANGE adds, checked: a scenario that loads, a range that fits a triples file. */
function addedSeeds(name: string, range: string): number[] {
  try {
    loadScenarioRef(triplesScenario(name));
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`--add: ${e.message.replace(/^--scenario: /, '')}`);
    throw e;
  }
  const seeds = shardSeeds(parseSeedRange(range), null);
  if (seeds.length > TRIPLES_MAX) throw new UsageError(`--seeds: ${range} is ${seeds.length} seeds; a triples file holds at most ${TRIPLES_MAX}`);
  return seeds;
}

function blessFile(file: string, add: { name: string; seeds: number[] } | null, check: boolean, io: Io): number {
  // A file to check must exist (a missing one is not "all 0 triples hold"); --add may start one.
  const doc = readTriples(file, add !== null);
  if (add !== null) {
    for (const seed of add.seeds) if (!doc.triples.some((t) => t.scenario === add.name && t.seed === seed)) doc.triples.push({ scenario: add.name, seed, traceHash: '' });
  }
  if (doc.triples.length > TRIPLES_MAX) throw new UsageError(`${file}: more than ${TRIPLES_MAX} triples`);
  // No triple checks nothing: "all 0 regression triples hold" is not a pass.
  if (doc.triples.length === 0) throw new UsageError(`${file}: holds no triples, so there is nothing to ${check ? 'check' : 'bless'}; add some with \`faultline bless --file ${file} --add NAME --seeds A..B\``);
  const changed: string[] = [];
  const next = doc.triples.map((t, i) => {
    let traceHash: string;
    try {
      traceHash = hashOf(t.scenario, t.seed);
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(`${file}: triples[${i}].scenario: ${e.message.replace(/^--scenario: /, '')}`);
      throw e;
    }
    if (traceHash !== t.traceHash) changed.push(`  ${t.scenario} seed ${t.seed}: ${t.traceHash || '(new)'} -> ${traceHash}`);
    return { ...t, traceHash };
  });
  if (check) {
    io.out(changed.length === 0 ? `all ${next.length} regression triples hold\n` : `${changed.length} of ${next.length} triples differ:\n${changed.join('\n')}\n`);
    return changed.length === 0 ? 0 : 1;
  }
  writeFileSync(file, JSON.stringify({ ...doc, triples: next }, null, 2) + '\n');
  io.out(`blessed ${next.length} triples in ${file}; ${changed.length} changed${changed.length > 0 ? `:\n${changed.join('\n')}` : ''}\n`);
  return 0;
}
