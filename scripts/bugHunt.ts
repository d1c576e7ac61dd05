// `npm run bughunt -- --bug NAME --scenario NAME [--seeds A..B] [--set key=value]...`: how
// fast the simulator finds a built-in bug flag. It takes a catalogue scenario (which passes
// with the correct Raft), turns on one `raft.bugs` flag, and runs its seeds in order until
// one fails; it prints the first failing seed, the checks that caught it, the runs it took
// and the wall time. `--set raft.swarm=true` (or any other dotted raft/clients key) changes
// the scenario further, e.g. to compare with and without the protocol swarm. `--json` prints
// one JSON object. `--out FILE` writes the scenario as run, so `faultline run --scenario FILE
// --seed N` replays the failure and `faultline shrink --scenario FILE --seed N` shrinks it. Exit code 0 when a failing seed was found, 1 when none was, 2 on bad input.
// Every run is watched by the coverage observer (sim/explore/coverage.ts), which never
// changes a run; `--all` reports the distinct abstract states the runs reached. `--explore`
// spends the same budget (as many runs as --seeds names) on coverage-guided search
// (sim/explore/explore.ts, `faultline explore`) instead of plain swarm seeds, counts its
// failing runs the same way, and `--out` then writes the first failing run's concrete
// scenario (replay it with the seed printed).
//
//   npm run bughunt -- --bug commitOldTermByCounting --scenario swarm-raft-nodes --seeds 1..100
import { parse, stringify } from 'yaml';
import { locateScenario } from '../cli/catalog.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { materialize } from '../sim/faults/swarm.ts';
import { explore, runObserved } from '../sim/explore/explore.ts';
import { parseScenarioText } from '../sim/scenario/parse.ts';
import { RAFT_BUGS } from '../sim/workloads/kvSections.ts';
import { performance } from 'node:perf_hooks';

interface Args {
  bug: string;
  scenario: string;
  seeds: [number, number];
  sets: [string, unknown][];
  json: boolean;
  /** Run every seed and count the failing ones, instead of stopping at the first. */
  all: boolean;
  /** Where to write the scenario as run (bug flag on), for `faultline shrink` and `run`. */
  out: string;
  /** Coverage-guided search with the same run budget instead of plain seeds. */
  explore: boolean;
}

function usage(msg: string): never {
  process.stderr.write(`bughunt: ${msg}\nusage: npm run bughunt -- --bug ${RAFT_BUGS.join('|')} --scenario NAME [--seeds A..B] [--set raft.key=value]... [--all] [--explore] [--out FILE] [--json]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { bug: '', scenario: '', seeds: [1, 100], sets: [], json: false, all: false, out: '', explore: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--json') { a.json = true; continue; }
    if (k === '--all') { a.all = true; continue; }
    if (k === '--explore') { a.explore = true; continue; }
    if (v === undefined) usage(`${k} needs a value`);
    i++;
    if (k === '--bug') a.bug = v;
    else if (k === '--scenario') a.scenario = v;
    else if (k === '--out') a.out = v;
    else if (k === '--seeds') {
      const m = /^(\d+)\.\.(\d+)$/.exec(v);
      if (m === null) usage('--seeds must look like 1..100');
      a.seeds = [Number(m[1]), Number(m[2])];
    } else if (k === '--set') {
      const eq = v.indexOf('=');
      if (eq < 0) usage('--set must look like raft.preVote=false');
      a.sets.push([v.slice(0, eq), parse(v.slice(eq + 1)) as unknown]);
    } else usage(`unknown flag ${k}`);
  }
  if (!(RAFT_BUGS as readonly string[]).includes(a.bug) && a.bug !== 'none') usage(`--bug must be one of ${RAFT_BUGS.join(', ')} (or none)`);
  if (a.scenario === '') usage('--scenario is required');
  return a;
}

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = doc;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

const args = parseArgs(process.argv.slice(2));
const loc = locateScenario(args.scenario);
if (!loc.ok) usage(loc.message);
const doc = parse(readFileSync(loc.file, 'utf8')) as Record<string, unknown>;
if (args.bug !== 'none') setPath(doc, 'raft.bugs', [args.bug]);
for (const [k, v] of args.sets) setPath(doc, k, v);
const text = stringify(doc);
const parsed = parseScenarioText(text, 'bughunt.yaml');
if (!parsed.ok) usage(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
if (args.out !== '' && !args.explore) writeFileSync(args.out, text);
const t0 = performance.now();
let found: { seed: number; checks: string[]; first: string } | null = null;
let runs = 0;
let failing = 0;
let states = 0;
if (args.explore) {
  if (parsed.scenario.swarm === undefined) usage(`--explore needs a scenario with a swarm section; ${args.scenario} has none`);
  const budget = args.seeds[1] - args.seeds[0] + 1;
  const r = explore(parsed.scenario, { runs: budget });
  runs = r.runs;
  failing = r.failures.length;
  states = r.states;
  const f = r.failures[0];
  if (f !== undefined) {
    found = { seed: f.seed, checks: [...new Set(f.report.violations.map((v) => v.check))], first: `run ${f.index + 1}: ${f.report.violations[0].message.split('\n')[0].slice(0, 200)}` };
    if (args.out !== '') writeFileSync(args.out, f.text.replace('--scenario FILE', `--scenario ${args.out}`));
  }
} else {
  const seen = new Set<string>();
  for (let seed = args.seeds[0]; seed <= args.seeds[1]; seed++) {
    runs++;
    const { report, states: st } = runObserved(materialize(parsed.scenario, seed), seed);
    for (const x of st) seen.add(x);
    if (report.verdict !== 'fail') continue;
    failing++;
    found ??= { seed, checks: [...new Set(report.violations.map((v) => v.check))], first: report.violations[0].message.split('\n')[0].slice(0, 200) };
    if (!args.all) break;
  }
  states = seen.size;
}
const wallS = Math.round((performance.now() - t0) / 100) / 10;
const out = { bug: args.bug, scenario: args.scenario, sets: Object.fromEntries(args.sets), seeds: `${args.seeds[0]}..${args.seeds[1]}`, firstFailingSeed: found?.seed ?? null, runs, method: args.explore ? 'explore' : 'swarm', ...(args.all || args.explore ? { failing, per1000: Math.round((1000 * failing) / runs), states } : {}), wallS, checks: found?.checks ?? [], first: found?.first ?? '' };
if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else if (found === null) process.stdout.write(`${args.bug} on ${args.scenario}${args.explore ? ' (explore)' : ''}: no failing run in ${runs} runs (${states} distinct abstract states, ${wallS} s)\n`);
else if (args.all || args.explore) process.stdout.write(`${args.bug} on ${args.scenario}${args.explore ? ' (explore)' : ''}: ${failing} of ${runs} runs fail (${out.per1000} per 1,000 runs; first failing seed ${found.seed}; ${states} distinct abstract states; ${wallS} s), caught by ${found.checks.join(', ')}\n`);
else process.stdout.write(`${args.bug} on ${args.scenario}: first failing seed ${found.seed} after ${runs} runs (${wallS} s), caught by ${found.checks.join(', ')}\n  ${found.first}\n`);
process.exitCode = found === null ? 1 : 0;
