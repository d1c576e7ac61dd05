// `faultline merge DIR...`: combines the results of sweep shards into one summary, one
// sweep.json and one junit.xml.
//
// Contract: every input must come from the same scenario text and event limit; results
// are combined by seed and sorted. A seed that appears in two inputs must have the same
// result there (the same trace hash: a shard that ran a different version is an error;
// the same hash with a different verdict, count or stat is a damaged input), and is then
// counted once, with a warning naming both inputs and the seeds (the wall time, machine
// time, still adds both runs); any disagreement is exit 2 naming both inputs. One file
// named twice (the same directory twice, or a directory and its own sweep.json) is exit 2:
// it would count its wall time twice and say it merged shards it did not. Exit 1 when any seed
// failed, else 3 when any was inconclusive (0 with --allow-inconclusive). An input may be
// the results log of a sweep that did not finish (DIR/results.jsonl): its seeds are merged
// like any others, and the output says it is partial. Seeds of the inputs' ranges that no
// input holds (that sweep's unrun seeds, a shard not merged) are listed and make the merge
// inconclusive (exit 3, 0 with --allow-inconclusive), never a pass of the seeds that ran. Every input is read and validated
// (cli/sweepFile.ts), and both outputs are rendered, before --out is created: a merge
// that fails leaves no directory or file behind.
import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { parseFlags, UsageError } from './args.ts';
import { prepareOutDir, refuseSharedPaths } from './outPath.ts';
import type { Io } from './main.ts';
import type { SeedResult } from './seedResult.ts';
import { parseSeedRange } from './seedRange.ts';
import { JUNIT_FILE, readSweepInput, resultConflict, SWEEP_FILE, type SweepFile } from './sweepFile.ts';
import { humanSummary, jsonSummary, renderSweepOutputs, summarize, sweepExitCode } from './sweepReport.ts';

/** Seeds two inputs both hold (with the same results), counted once. */
export interface Overlap {
  first: string;
  second: string;
  seeds: number[];
}

export function mergeSweeps(files: readonly SweepFile[], names: readonly string[]): { merged: SweepFile; overlaps: Overlap[] } {
  if (files.length === 0) throw new UsageError('merge: name at least one sweep output directory (or its sweep.json or results.jsonl). See `faultline merge --help`.');
  const first = files[0];
  const bySeed = new Map<number, { r: SeedResult; from: string }>();
  const overlaps = new Map<string, Overlap>();
  files.forEach((f, i) => {
    if (f.scenarioText !== first.scenarioText) throw new UsageError(`merge: ${names[i]} swept a different scenario (or a different version of ${first.scenario}) than ${names[0]}: merge only shards of one sweep`);
    if (f.faultlineVersion !== undefined && first.faultlineVersion !== undefined && f.faultlineVersion !== first.faultlineVersion) {
      throw new UsageError(`merge: ${names[i]} was swept by faultline ${f.faultlineVersion} but ${names[0]} by faultline ${first.faultlineVersion}: a seed's trace hash holds only within one version, so their results are not one sweep's; sweep every shard with one faultline and merge those`);
    }
    if (f.eventsMax !== first.eventsMax) throw new UsageError(`merge: ${names[i]} ran with ${f.eventsMax === undefined ? 'the default event limit' : `--events-max ${f.eventsMax}`} but ${names[0]} with ${first.eventsMax === undefined ? 'the default' : `--events-max ${first.eventsMax}`}: their results are not comparable; merge only shards of one sweep`);
    for (const r of f.results) {
      const seen = bySeed.get(r.seed);
      if (seen === undefined) {
        bySeed.set(r.seed, { r, from: names[i] });
        continue;
      }
      const field = resultConflict(seen.r, r);
      if (field === 'traceHash') throw new UsageError(`merge: seed ${r.seed} has trace ${seen.r.traceHash} in ${seen.from} and ${r.traceHash} in ${names[i]}: they were not run by the same version`);
      if (field !== null) {
        const value = (x: SeedResult): string => JSON.stringify((x as unknown as Record<string, unknown>)[field]).slice(0, 60);
        throw new UsageError(`merge: seed ${r.seed} has the same trace ${r.traceHash} in ${seen.from} and ${names[i]} but a different ${field} (${value(seen.r)} and ${value(r)}): one of the inputs was edited or damaged; sweep the seed again (--seeds ${r.seed}) and merge that instead`);
      }
      const key = JSON.stringify([seen.from, names[i]]);
      const o = overlaps.get(key) ?? { first: seen.from, second: names[i], seeds: [] };
      o.seeds.push(r.seed);
      overlaps.set(key, o);
    }
  });
  const seedsText = [...new Set(files.map((f) => f.seeds))].join(',');
  const { partial: _partial, retried: _retried, faultlineVersion: _version, ...described } = first;
  // The merge is of one version only when every input says which (older files do not).
  const version = files.every((f) => f.faultlineVersion !== undefined) ? first.faultlineVersion : undefined;
  const results = [...bySeed.values()].map((x) => x.r).sort((a, b) => a.seed - b.seed);
  if (results.length === 0) throw new UsageError(`merge: the inputs hold no seed results (${names.join(', ')}): nothing to merge`);
  const retried = [...new Map(files.flatMap((f) => f.retried ?? []).map((x) => [`${x.seed} ${x.why}`, x])).values()].sort((a, b) => a.seed - b.seed);
  const merged: SweepFile = {
    ...described,
    ...(version === undefined ? {} : { faultlineVersion: version }),
    ...(files.some((f) => f.partial !== undefined) ? { partial: { logged: results.length, expected: null } } : {}),
    ...(retried.length === 0 ? {} : { retried }),
    seeds: seedsText,
    shards: files.flatMap((f) => f.shards),
    jobs: Math.max(...files.map((f) => f.jobs)),
    wallMs: Math.round(files.reduce((a, f) => a + f.wallMs, 0) * 10) / 10,
    results,
  };
  return { merged, overlaps: [...overlaps.values()] };
}

/** How many seeds a missing-seed note lists before it counts the rest. */
const MISSING_LISTED_MAX = 10;

/**
 * The seeds of the inputs' ranges (--seeds, whatever the shard: a shard's range is the whole
 * sweep's) that no result holds; undefined when every one is there.
 */
function missingSeeds(files: readonly SweepFile[], results: readonly SeedResult[]): { count: number; first: number[] } | undefined {
  const ranges = [...new Set(files.flatMap((f) => f.seeds.split(',')))].map((t) => parseSeedRange(t)).sort((a, b) => a.first - b.first);
  // The ranges' union, as disjoint intervals.
  const union: { first: number; last: number }[] = [];
  for (const r of ranges) {
    const last = union[union.length - 1];
    if (last !== undefined && r.first <= last.last + 1) last.last = Math.max(last.last, r.last);
    else union.push({ ...r });
  }
  const held = new Set(results.map((r) => r.seed));
  let count = 0;
  const first: number[] = [];
  for (const u of union) {
    let inside = 0;
    for (const seed of held) if (seed >= u.first && seed <= u.last) inside++;
    count += u.last - u.first + 1 - inside;
    for (let s = u.first; s <= u.last && first.length < MISSING_LISTED_MAX && inside < u.last - u.first + 1; s++) if (!held.has(s)) first.push(s);
  }
  return count === 0 ? undefined : { count, first };
}

/** Seeds as a message lists them: the first few, then how many in all. */
function seedList(seeds: readonly number[]): string {
  const shownMax = 10;
  const head = [...seeds].sort((a, b) => a - b).slice(0, shownMax).join(', ');
  return seeds.length <= shownMax ? `${seeds.length === 1 ? 'seed' : 'seeds'} ${head}` : `${seeds.length} seeds (${head}, ...)`;
}

/** The warning for seeds two inputs share: they are counted once, but both runs' wall time is added. */
export function overlapWarning(o: Overlap): string {
  return `faultline merge: ${seedList(o.seeds)} ${o.seeds.length === 1 ? 'is' : 'are'} in both ${o.first} and ${o.second}, with the same results: counted once (the wall time adds both inputs' runs); shards of one sweep (--shard i/n of one --seeds range) never overlap\n`;
}

/** The path an input names, as the file system sees it (so `sw`, `./sw/` and a link to it are one). */
function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * One file named twice (the same directory twice, or a directory and the file it is read
 * from) is refused: it would be "merged" with itself, its wall time added twice and its
 * shard listed twice.
 */
function refuseDuplicates(args: readonly string[], names: readonly string[]): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    const real = realPathOf(name);
    const j = seen.get(real);
    if (j !== undefined) {
      const which = args[j] === args[i] ? `${args[i]} is given twice` : `${args[j]} and ${args[i]} are the same input (${real})`;
      throw new UsageError(`merge: ${which}: name each sweep output once (merged with itself, its wall time would count twice)`);
    }
    seen.set(real, i);
  });
}

/** Writes the outputs into `out`; if a write fails, removes what this merge created and rethrows. */
function writeOutputs(out: string, outputs: readonly { name: string; text: string }[]): void {
  const undo = prepareOutDir(out, '--out', outputs.map((o) => o.name));
  const written: string[] = [];
  try {
    for (const o of outputs) {
      const file = join(out, o.name);
      const existed = existsSync(file);
      writeFileSync(file, o.text);
      if (!existed) written.push(file);
    }
  } catch (e) {
    for (const f of written) rmSync(f, { force: true });
    undo();
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`--out ${out}: cannot write ${basename(err.path ?? out)}: ${err.code ?? err.message}; nothing was written`);
  }
}

export function cmdMerge(argv: string[], io: Io): number {
  const { values: v, positionals } = parseFlags(argv, 'merge', {
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    'allow-inconclusive': { type: 'boolean' },
  }, 10_000);
  const allowInconclusive = v['allow-inconclusive'] === true;
  const out = typeof v.out === 'string' ? v.out : undefined;
  // Read and check everything first: nothing is created for a merge that cannot be made.
  const inputs = positionals.map((p) => readSweepInput(p));
  const files = inputs.map((x) => x.sweep);
  const names = inputs.map((x) => x.file);
  refuseDuplicates(positionals, names);
  const { merged, overlaps } = mergeSweeps(files, names);
  // The merged files must not replace an input (merge shard-1 shard-2 --out shard-1): its own results would be lost.
  if (out !== undefined) refuseSharedPaths([...names.map((n, i) => ({ flag: `the input ${positionals[i]}`, path: n, input: true })), ...[SWEEP_FILE, JUNIT_FILE].map((f) => ({ flag: '--out', path: join(out, f) }))], io.cwd);
  if (out !== undefined) writeOutputs(out, renderSweepOutputs(merged, allowInconclusive));
  const missing = missingSeeds(files, merged.results);
  const sum = { ...summarize(merged.results, merged.wallMs), ...(missing === undefined ? {} : { missing }) };
  for (const x of inputs) if (x.note !== undefined) io.err(`faultline merge: ${x.note}\n`);
  for (const o of overlaps) io.err(overlapWarning(o));
  files.forEach((f, i) => {
    if (f.partial !== undefined) io.err(`faultline merge: ${names[i]} is partial: a sweep that did not finish logged ${f.partial.logged}${f.partial.expected === null ? '' : ` of its ${f.partial.expected}`} seeds\n`);
  });
  if (v.json === true) io.out(jsonSummary(merged, sum));
  else io.out(humanSummary(`faultline merge ${merged.scenario} · ${files.length} input${files.length === 1 ? '' : 's'} (shards ${merged.shards.join(', ')}) · seeds ${merged.seeds}`, merged, sum, out === undefined ? undefined : relative(io.cwd, out) || '.', allowInconclusive));
  return sweepExitCode(sum, allowInconclusive);
}
