// `npm run bughunt -- --bug NAME --scenario NAME [--seeds A..B] [--set key=value]...`: how
// fast the simulator finds a built-in bug flag. It takes a catalogue scenario (which passes
// with the correct Raft), turns on one `raft.bugs` flag, and runs its seeds in order until
// one fails; it prints the first failing seed, the checks that caught it, the runs it took
// and the wall time. `--set raft.swarm=true` (or any other dotted raft/clients key) changes
// the scenario further, e.g. to compare with and without the protocol swarm. `--json` prints
// one JSON object. `--out FILE` writes the scenario as run, so `faultline run --scenario FILE
// --seed N` replays the failure and `faultline shrink --scenario FILE --seed N` shrinks it. Exit code 0 when a failing seed was found, 1 when none was, 2 on bad input.
//
//   npm run bughunt -- --bug commitOldTermByCounting --scenario swarm-raft-nodes --seeds 1..100
import { parse, stringify } from 'yaml';
import { locateScenario } from '../cli/catalog.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { materialize } from '../sim/faults/swarm.ts';
import { runScenario } from '../sim/run/runScenario.ts';
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
}

function usage(msg: string): never {
  process.stderr.write(`bughunt: ${msg}\nusage: npm run bughunt -- --bug ${RAFT_BUGS.join('|')} --scenario NAME [--seeds A..B] [--set raft.key=value]... [--json]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { bug: '', scenario: '', seeds: [1, 100], sets: [], json: false, all: false, out: '' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1];
    if (k === '--json') { a.json = true; continue; }
    if (k === '--all') { a.all = true; continue; }
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
if (args.out !== '') writeFileSync(args.out, text);
if (!parsed.ok) usage(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; '));
const t0 = performance.now();
let found: { seed: number; checks: string[]; first: string } | null = null;
let runs = 0;
let failing = 0;
for (let seed = args.seeds[0]; seed <= args.seeds[1]; seed++) {
  runs++;
  const { report } = runScenario(materialize(parsed.scenario, seed), seed);
  if (report.verdict !== 'fail') continue;
  failing++;
  found ??= { seed, checks: [...new Set(report.violations.map((v) => v.check))], first: report.violations[0].message.split('\n')[0].slice(0, 200) };
  if (!args.all) break;
}
const wallS = Math.round((performance.now() - t0) / 100) / 10;
const out = { bug: args.bug, scenario: args.scenario, sets: Object.fromEntries(args.sets), seeds: `${args.seeds[0]}..${args.seeds[1]}`, firstFailingSeed: found?.seed ?? null, runs, ...(args.all ? { failing, per1000: Math.round((1000 * failing) / runs) } : {}), wallS, checks: found?.checks ?? [], first: found?.first ?? '' };
if (args.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else if (found === null) process.stdout.write(`${args.bug} on ${args.scenario}: no failing seed in ${out.seeds} (${runs} runs, ${wallS} s)\n`);
else if (args.all) process.stdout.write(`${args.bug} on ${args.scenario}: ${failing} of ${runs} seeds fail (${out.per1000} per 1,000 runs; first ${found.seed}; ${wallS} s), caught by ${found.checks.join(', ')}\n`);
else process.stdout.write(`${args.bug} on ${args.scenario}: first failing seed ${found.seed} after ${runs} runs (${wallS} s), caught by ${found.checks.join(', ')}\n  ${found.first}\n`);
process.exitCode = found === null ? 1 : 0;
