// Scenario regression triples: (scenario, seed, expected trace hash), checked by
// test/regression.test.ts and re-blessed with `faultline bless`.
//
// Contract: a triple's scenario is a catalogue name or a path relative to the package
// root; its hash is that of the run with the swarm section materialized, as `run` does.
// Checking never writes; blessing rewrites the file with the hashes of this version and
// says which ones changed, so a reviewer sees exactly which runs a change altered.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
import { parseFlags, UsageError } from './args.ts';
import { PACKAGE_ROOT } from './catalog.ts';
import type { Io } from './main.ts';
import { prepareOutFile } from './outPath.ts';
import { loadScenarioRef } from './scenarioRef.ts';
import { parseSeedRange, shardSeeds } from './seedRange.ts';

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

export function readTriples(file = TRIPLES_FILE): TriplesFile {
  if (!existsSync(file)) return { comment: '', triples: [] };
  const doc = JSON.parse(readFileSync(file, 'utf8')) as TriplesFile;
  if (!Array.isArray(doc.triples)) throw new UsageError(`${file}: expected { "triples": [...] }`);
  return doc;
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
  if (v.check !== true) prepareOutFile(file, '--file');
  const doc = readTriples(file);
  if (typeof v.add === 'string') {
    const seeds = shardSeeds(parseSeedRange(typeof v.seeds === 'string' ? v.seeds : '1'), null);
    for (const seed of seeds) if (!doc.triples.some((t) => t.scenario === v.add && t.seed === seed)) doc.triples.push({ scenario: v.add, seed, traceHash: '' });
  }
  if (doc.triples.length > TRIPLES_MAX) throw new UsageError(`${file}: more than ${TRIPLES_MAX} triples`);
  const changed: string[] = [];
  const next = doc.triples.map((t) => {
    const traceHash = hashOf(t.scenario, t.seed);
    if (traceHash !== t.traceHash) changed.push(`  ${t.scenario} seed ${t.seed}: ${t.traceHash || '(new)'} -> ${traceHash}`);
    return { ...t, traceHash };
  });
  if (v.check === true) {
    io.out(changed.length === 0 ? `all ${next.length} regression triples hold\n` : `${changed.length} of ${next.length} triples differ:\n${changed.join('\n')}\n`);
    return changed.length === 0 ? 0 : 1;
  }
  writeFileSync(file, JSON.stringify({ ...doc, triples: next }, null, 2) + '\n');
  io.out(`blessed ${next.length} triples in ${file}; ${changed.length} changed${changed.length > 0 ? `:\n${changed.join('\n')}` : ''}\n`);
  return 0;
}
