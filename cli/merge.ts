// `faultline merge DIR...`: combines the results of sweep shards into one summary, one
// sweep.json and one junit.xml.
//
// Contract: every input must come from the same scenario text; results are combined by
// seed and sorted. A seed that appears twice must have the same trace hash (a shard that
// ran a different version is an error, exit 2); otherwise it is counted once. Exit 1 when
// any seed failed, else 3 when any was inconclusive (0 with --allow-inconclusive). An input
// may be the results log of a sweep that did not finish (DIR/results.jsonl): its seeds are
// merged like any others, and the output says it is partial.
import { relative } from 'node:path';
import { parseFlags, UsageError } from './args.ts';
import { prepareOutDir } from './outPath.ts';
import type { Io } from './main.ts';
import type { SeedResult } from './seedResult.ts';
import { readSweepFile, sweepFilePath, type SweepFile } from './sweepFile.ts';
import { humanSummary, jsonSummary, summarize, sweepExitCode, writeSweepOutputs } from './sweepReport.ts';

export function mergeSweeps(files: readonly SweepFile[], names: readonly string[]): SweepFile {
  if (files.length === 0) throw new UsageError('merge: name at least one sweep output directory');
  const first = files[0];
  const bySeed = new Map<number, SeedResult>();
  files.forEach((f, i) => {
    if (f.scenarioText !== first.scenarioText) throw new UsageError(`merge: ${names[i]} swept a different scenario (or a different version of ${first.scenario}) than ${names[0]}`);
    for (const r of f.results) {
      const seen = bySeed.get(r.seed);
      if (seen !== undefined && seen.traceHash !== r.traceHash) throw new UsageError(`merge: seed ${r.seed} has trace ${seen.traceHash} in one input and ${r.traceHash} in ${names[i]}: they were not run by the same version`);
      if (seen === undefined) bySeed.set(r.seed, r);
    }
  });
  const seedsText = [...new Set(files.map((f) => f.seeds))].join(',');
  const { partial: _partial, ...described } = first;
  const results = [...bySeed.values()].sort((a, b) => a.seed - b.seed);
  return {
    ...described,
    ...(files.some((f) => f.partial !== undefined) ? { partial: { logged: results.length, expected: null } } : {}),
    seeds: seedsText,
    shards: files.flatMap((f) => f.shards),
    jobs: Math.max(...files.map((f) => f.jobs)),
    wallMs: Math.round(files.reduce((a, f) => a + f.wallMs, 0) * 10) / 10,
    results,
  };
}

export function cmdMerge(argv: string[], io: Io): number {
  const { values: v, positionals } = parseFlags(argv, 'merge', {
    out: { type: 'string', short: 'o' },
    json: { type: 'boolean' },
    'allow-inconclusive': { type: 'boolean' },
  }, 10_000);
  const allowInconclusive = v['allow-inconclusive'] === true;
  const out = typeof v.out === 'string' ? v.out : undefined;
  if (out !== undefined) prepareOutDir(out, '--out');
  const files = positionals.map((p) => readSweepFile(p));
  const names = positionals.map(sweepFilePath);
  const merged = mergeSweeps(files, names);
  if (out !== undefined) writeSweepOutputs(merged, out, allowInconclusive);
  const sum = summarize(merged.results, merged.wallMs);
  files.forEach((f, i) => {
    if (f.partial !== undefined) io.err(`faultline merge: ${names[i]} is partial: a sweep that did not finish logged ${f.partial.logged}${f.partial.expected === null ? '' : ` of its ${f.partial.expected}`} seeds\n`);
  });
  if (v.json === true) io.out(jsonSummary(merged, sum));
  else io.out(humanSummary(`faultline merge ${merged.scenario} · ${files.length} inputs (shards ${merged.shards.join(', ')}) · seeds ${merged.seeds}`, merged, sum, out === undefined ? undefined : relative(io.cwd, out) || '.', allowInconclusive));
  return sweepExitCode(sum, allowInconclusive);
}
