// `npm run mutation [-- PATH...] [--property] [--concurrency N] [--fresh] [--json] [--merge FILE]`: mutation
// testing of core/raft and core/kv with Stryker (stryker.config.mjs, vitest.mutation.config.ts).
// A benchmark, not part of `npm test` or .ci/run. Each PATH (a file or a folder under core/raft
// or core/kv) limits the run to those sources; without one, every non-test .ts file of both.
// Results of every run are merged per file into reports/mutation/mutation.json (and .html), so
// subsets run at different times add up to one report; Stryker's incremental mode reuses the
// merged results of mutants whose code and tests did not change. Prints the mutation score
// per file and overall, and the wall time. Exit 0 when Stryker ran, 1 when it failed, 2 on bad
// input. docs/mutation.md explains the score and the surviving mutants.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(ROOT, 'reports/mutation');
const MERGED = resolve(OUT, 'mutation.json');
const INCREMENTAL = resolve(OUT, 'stryker-incremental.json');
const LAST_RUN = resolve(OUT, 'last-run.json');
const SCOPES = ['core/raft', 'core/kv'];

const USAGE = `usage: npm run mutation -- [PATH...] [--property] [--concurrency N] [--fresh] [--json] [--merge FILE]
  PATH            a file or folder under ${SCOPES.join(' or ')} to mutate (default: both folders);
                  FILE:FROM-TO mutates only lines FROM to TO of FILE (e.g. core/kv/server.ts:1-300)
  --property      also run core/raft/property.test.ts against every covered Raft mutant (slow)
                  (test/sessions.test.ts runs only when core/kv/server.ts or client.ts is mutated)
  --concurrency N Stryker test-runner processes (default 1; MUTATION_CONCURRENCY)
  --fresh         test every mutant of this run's files again (no incremental reuse); the
                  merged report keeps other files' results (delete reports/mutation to drop them)
  --json          print the summary as one JSON object instead of a table
  --merge FILE    no Stryker run: merge FILE (another checkout's reports/mutation/mutation.json,
                  e.g. a subset run elsewhere) into this one's and print the summary
Writes reports/mutation/mutation.{json,html} (all runs merged) and last-run.{json,html}.
  npm run mutation -- core/kv
  npm run mutation -- core/raft/raft.ts core/raft/stepLeader.ts`;

function fail(msg) {
  process.stderr.write(`mutation: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const a = { paths: [], property: false, concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1), fresh: false, json: false, merge: '' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--help' || k === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (k === '--property') a.property = true;
    else if (k === '--fresh') a.fresh = true;
    else if (k === '--json') a.json = true;
    else if (k === '--merge') {
      a.merge = argv[++i] ?? '';
      if (a.merge === '' || !existsSync(a.merge)) fail(`--merge needs an existing report file, got ${JSON.stringify(a.merge)}`);
    }
    else if (k === '--concurrency') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1 || n > 8) fail(`--concurrency must be an integer from 1 to 8, got ${JSON.stringify(argv[i])}`);
      a.concurrency = n;
    } else if (k.startsWith('-')) fail(`unknown option ${k}`);
    else a.paths.push(k);
  }
  if (!Number.isInteger(a.concurrency) || a.concurrency < 1) fail('MUTATION_CONCURRENCY must be a positive integer');
  if (a.merge !== '' && (a.paths.length > 0 || a.fresh || a.property)) fail('--merge runs no mutants: give it no PATH, --fresh or --property');
  return a;
}

/** Stryker `mutate` globs for the given paths: folders become their non-test .ts files. */
function mutateGlobs(paths) {
  if (paths.length === 0) return [...SCOPES.map((s) => `${s}/**/*.ts`), '!**/*.test.ts'];
  const globs = [];
  for (const arg of paths) {
    // FILE:FROM-TO (lines, both included) mutates part of a file: Stryker's own range syntax.
    const range = /^(.+\.ts):(\d+)-(\d+)$/.exec(arg);
    const p = range === null ? arg : range[1];
    const abs = resolve(ROOT, p);
    const rel = relative(ROOT, abs).split('\\').join('/');
    if (!existsSync(abs)) fail(`path ${p} does not exist`);
    if (range !== null && (statSync(abs).isDirectory() || Number(range[2]) < 1 || Number(range[2]) > Number(range[3]))) fail(`bad line range ${arg}: FILE:FROM-TO, 1 <= FROM <= TO`);
    if (!SCOPES.some((s) => rel === s || rel.startsWith(`${s}/`))) fail(`path ${p} is outside ${SCOPES.join(' and ')}; mutation testing covers those only`);
    if (statSync(abs).isDirectory()) globs.push(`${rel}/**/*.ts`);
    else if (rel.endsWith('.test.ts') || !rel.endsWith('.ts')) fail(`path ${p} is not a TypeScript source file (tests are not mutated)`);
    else globs.push(range === null ? rel : `${rel}:${range[2]}-${range[3]}`);
  }
  return [...globs, '!**/*.test.ts'];
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Counts per status and the score Stryker reports: detected / (detected + undetected). */
function fileStats(mutants) {
  const s = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0, ignored: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed') s.killed++;
    else if (m.status === 'Timeout') s.timeout++;
    else if (m.status === 'Survived') s.survived++;
    else if (m.status === 'NoCoverage') s.noCoverage++;
    else if (m.status === 'Ignored') s.ignored++;
    else s.errors++;
  }
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const valid = detected + mutants.filter((m) => UNDETECTED.has(m.status)).length;
  const covered = valid - s.noCoverage;
  return { ...s, mutants: valid, score: valid === 0 ? null : (100 * detected) / valid, coveredScore: covered === 0 ? null : (100 * detected) / covered };
}

/**
 * Test and mutant ids are numbers local to one Stryker run; the merged report names tests by
 * file and name and mutants by file and position, so results of different runs can coexist.
 */
function rekey(report) {
  const testId = new Map();
  const testFiles = {};
  for (const [file, tf] of Object.entries(report.testFiles ?? {})) {
    testFiles[file] = {
      ...tf,
      tests: tf.tests.map((t) => {
        const id = `${file}#${t.name}`;
        testId.set(t.id, id);
        return { ...t, id };
      }),
    };
  }
  const mapIds = (ids) => (ids === undefined ? undefined : ids.map((id) => testId.get(id) ?? id));
  const files = {};
  for (const [file, f] of Object.entries(report.files)) {
    files[file] = {
      ...f,
      mutants: f.mutants.map((m) => ({
        ...m,
        id: `${file}@${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}/${m.mutatorName}/${m.replacement ?? ''}`,
        coveredBy: mapIds(m.coveredBy),
        killedBy: mapIds(m.killedBy),
      })),
    };
  }
  return { ...report, files, testFiles };
}

/** Line ranges per file of FILE:FROM-TO mutate globs (a file given whole has none). */
function rangesOf(mutate) {
  const ranges = new Map();
  for (const g of mutate) {
    const r = /^(.+\.ts):(\d+)-(\d+)$/.exec(g);
    if (r !== null) ranges.set(r[1], [...(ranges.get(r[1]) ?? []), { from: Number(r[2]), to: Number(r[3]) }]);
  }
  return ranges;
}

/**
 * The last run's files and test files replace the same ones in the merged report; of a file
 * run in line ranges, the earlier mutants outside them are kept while its source is unchanged.
 */
function merge(previous, run, ranges = new Map()) {
  if (previous === null) return run;
  const files = { ...previous.files };
  for (const [file, f] of Object.entries(run.files)) {
    const parts = ranges.get(file);
    const before = previous.files[file];
    if (parts === undefined || before === undefined || before.source !== f.source) files[file] = f;
    else {
      const outside = (m) => parts.every((r) => m.location.start.line < r.from || m.location.start.line > r.to);
      // Stryker's report of a ranged run lists the file's other mutants too (as reused): only
      // the range's results are new.
      files[file] = { ...f, mutants: [...before.mutants.filter(outside), ...f.mutants.filter((m) => !outside(m))] };
    }
  }
  const testFiles = { ...previous.testFiles };
  for (const [file, tf] of Object.entries(run.testFiles ?? {})) {
    const before = testFiles[file];
    if (before === undefined) testFiles[file] = tf;
    else {
      const ids = new Set(tf.tests.map((t) => t.id));
      testFiles[file] = { ...tf, tests: [...tf.tests, ...before.tests.filter((t) => !ids.has(t.id))] };
    }
  }
  return { ...run, files, testFiles };
}

/**
 * The vitest runner reports no test locations, so Stryker's incremental mode knows a test by
 * its name alone and would reuse a result after the test's body changed (a survivor stays
 * "Survived" after a new assertion kills it). Leaving out every test file whose text changed
 * since the report makes Stryker re-run the mutants those files cover.
 */
function withoutChangedTestFiles(report) {
  const testFiles = {};
  for (const [file, tf] of Object.entries(report.testFiles ?? {})) {
    const path = resolve(ROOT, file);
    if (existsSync(path) && readFileSync(path, 'utf8') === tf.source) testFiles[file] = tf;
  }
  return { ...report, testFiles };
}

function html(report) {
  const require = createRequire(resolve(ROOT, 'node_modules/@stryker-mutator/core/package.json'));
  const script = readFileSync(require.resolve('mutation-testing-elements/dist/mutation-test-elements.js'), 'utf8');
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>faultline mutation report</title><script>${script}</script></head>
<body><mutation-test-report-app titlePostfix="faultline"></mutation-test-report-app>
<script>document.querySelector('mutation-test-report-app').report = ${data};</script></body></html>
`;
}

function table(rows, total) {
  const pct = (x) => (x === null ? '   n/a' : x.toFixed(2).padStart(6));
  const width = Math.max(...rows.map((r) => r.file.length), 'overall'.length);
  const head = `${'file'.padEnd(width)}  score  covered  killed timeout survived no-cov errors`;
  const line = (r) =>
    `${r.file.padEnd(width)} ${pct(r.score)}  ${pct(r.coveredScore)}  ${String(r.killed).padStart(6)} ${String(r.timeout).padStart(7)} ${String(r.survived).padStart(8)} ${String(r.noCoverage).padStart(6)} ${String(r.errors).padStart(6)}`;
  return [head, ...rows.map(line), '-'.repeat(head.length), line({ file: 'overall', ...total })].join('\n');
}

function summarize(args, merged, runFiles, runLine) {
  const rows = Object.keys(merged.files)
    .sort()
    .map((file) => ({ file: runFiles.has(file) ? file : `${file} (earlier run)`, ...fileStats(merged.files[file].mutants) }));
  const total = fileStats(Object.values(merged.files).flatMap((f) => f.mutants));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ...runLine, files: rows, overall: total })}\n`);
  } else {
    process.stdout.write(`\nmutation score (detected / all valid mutants; "covered" leaves out mutants no test reaches)\n`);
    process.stdout.write(`${table(rows, total)}\n`);
    process.stdout.write(`${runLine.text}\n`);
    process.stdout.write(`report: ${relative(ROOT, MERGED)} and ${relative(ROOT, resolve(OUT, 'mutation.html'))}\n`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  process.chdir(ROOT);
  if (args.merge !== '') {
    mkdirSync(OUT, { recursive: true });
    const other = JSON.parse(readFileSync(args.merge, 'utf8'));
    const merged = merge(existsSync(MERGED) ? JSON.parse(readFileSync(MERGED, 'utf8')) : null, other);
    writeFileSync(MERGED, JSON.stringify(merged));
    writeFileSync(resolve(OUT, 'mutation.html'), html(merged));
    summarize(args, merged, new Set(Object.keys(other.files)), { merged: args.merge, text: `merged ${args.merge}` });
    return;
  }
  const mutate = mutateGlobs(args.paths);
  mkdirSync(OUT, { recursive: true });
  const previous = existsSync(MERGED) ? JSON.parse(readFileSync(MERGED, 'utf8')) : null;
  // Stryker reads earlier results from its incremental file and rewrites it with this run's
  // files only; giving it the merged report keeps every earlier subset reusable.
  if (previous !== null && !args.fresh) writeFileSync(INCREMENTAL, JSON.stringify(withoutChangedTestFiles(previous)));
  else rmSync(INCREMENTAL, { force: true });
  rmSync(LAST_RUN, { force: true });

  process.env.MUTATION_PROPERTY = args.property ? '1' : '0';
  // test/sessions.test.ts only when the KV server or client is mutated (vitest.mutation.config.ts).
  process.env.MUTATION_KV_SIM = mutate.some((g) => /^core\/kv(\/\*\*|\/server\.ts|\/client\.ts)/.test(g)) ? '1' : '0';
  const { Stryker } = await import('@stryker-mutator/core');
  const t0 = performance.now();
  try {
    await new Stryker({ configFile: 'stryker.config.mjs', mutate, concurrency: args.concurrency, incremental: !args.fresh, force: args.fresh }).runMutationTest();
  } catch (err) {
    process.stderr.write(`mutation: Stryker failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  if (!existsSync(LAST_RUN)) {
    process.stderr.write('mutation: Stryker wrote no report (reports/mutation/last-run.json)\n');
    process.exit(1);
  }
  const merged = merge(previous, rekey(JSON.parse(readFileSync(LAST_RUN, 'utf8'))), rangesOf(mutate));
  writeFileSync(MERGED, JSON.stringify(merged));
  writeFileSync(resolve(OUT, 'mutation.html'), html(merged));

  const runFiles = new Set(Object.keys(JSON.parse(readFileSync(LAST_RUN, 'utf8')).files));
  summarize(args, merged, runFiles, {
    mutate, property: args.property, concurrency: args.concurrency, wallSeconds: Math.round(wallSeconds),
    text: `this run: ${mutate.join(' ')}${args.property ? ' (with property.test.ts)' : ''}, ${wallSeconds.toFixed(0)} s wall, concurrency ${args.concurrency}`,
  });
}

await main();
