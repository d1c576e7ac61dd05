#!/usr/bin/env node
// `npm run bench:ab -- [--base REF] [--pairs N] [--seeds N] [SCENARIO|FILE ...]`: is this
// tree faster than a commit, and does it run the same runs? Both versions run in ONE
// process, pair by pair, the order within a pair alternating, so a shared, noisy machine
// slows both alike; each figure is the median of the per-pair ratios of CPU time.
//
// Contract: REF (default HEAD) is exported with `git archive` to a temporary directory;
// that tree and this working tree (uncommitted changes included) are each bundled with
// esbuild (packages left external, resolved from this repository's node_modules) into
// dist/ab/. For every scenario (catalogue name or file; default raft-idle and
// raft-kv-basic) and seed, both versions must give the same trace hash: a difference is
// reported per seed (`sameHashes: false`) and the exit code is 1, because the issue's rule
// is that a speed change never changes a run unless it says so. Prints one JSON object;
// progress goes to stderr. Bad arguments exit 2 naming the flag.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npm run bench:ab -- [--base REF] [--pairs N] [--seeds N] [SCENARIO|FILE ...]

Runs each scenario with this working tree and with commit REF (default HEAD) in one
process, alternating, and prints the CPU-time speedup (REF's time / this tree's time, the
median over N pairs, default 9) and whether every trace hash is the same (seeds 1..N,
default 3, cycled over the pairs). Scenarios default to raft-idle and raft-kv-basic.
Exit 0: same runs; 1: some trace hash differs; 2: bad arguments.
`;

function usageError(message) {
  process.stderr.write(`bench:ab: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { base: 'HEAD', pairs: 9, seeds: 3, scenarios: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (a === '--base' || a === '--pairs' || a === '--seeds') {
      const v = argv[++i];
      if (v === undefined) usageError(`${a} needs a value`);
      if (a === '--base') o.base = v;
      else {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 1000) usageError(`${a} must be an integer from 1 to 1000, got ${JSON.stringify(v)}`);
        o[a.slice(2)] = n;
      }
    } else if (a.startsWith('-')) usageError(`unknown flag ${a}`);
    else o.scenarios.push(a);
  }
  if (o.scenarios.length === 0) o.scenarios = ['raft-idle', 'raft-kv-basic'];
  return o;
}

const opts = parseArgs(process.argv.slice(2));
let sha;
try {
  sha = execFileSync('git', ['rev-parse', '--verify', `${opts.base}^{commit}`], { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
} catch {
  usageError(`--base: no commit named ${JSON.stringify(opts.base)} in this repository (give a branch, tag or commit id)`);
}

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('bench:ab: esbuild is not installed (run npm install)\n');
  process.exit(2);
}

const outDir = join(root, 'dist', 'ab');
mkdirSync(outDir, { recursive: true });
const baseTree = mkdtempSync(join(tmpdir(), 'faultline-ab-'));
// The base version reads its catalogue from this tree while it runs: removed at exit.
process.on('exit', () => rmSync(baseTree, { recursive: true, force: true }));

/** Rewrites import.meta.url in a tree's sources to the source file's own URL. */
function sourceUrls(treeRoot) {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.(ts|mts|mjs)$/ }, (args) => {
        if (args.path.includes('/node_modules/') || !args.path.startsWith(treeRoot)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        return { contents: text.split('import.meta.url').join(JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('.ts') || args.path.endsWith('.mts') ? 'ts' : 'js' };
      });
    },
  };
}

async function bundle(treeRoot, name) {
  const entry = join(outDir, `${name}-entry.ts`);
  const src = (p) => JSON.stringify(join(treeRoot, p));
  writeFileSync(entry, `export { runScenario } from ${src('sim/run/runScenario.ts')};\nexport { catalogScenario, loadScenarioFile } from ${src('cli/catalog.ts')};\n`);
  const outfile = join(outDir, `${name}.mjs`);
  await esbuild.build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', packages: 'external', outfile, logLevel: 'silent', plugins: [sourceUrls(treeRoot)] });
  return import(`${pathToFileURL(outfile).href}?t=${sha}-${name}`);
}

process.stderr.write(`bench:ab: exporting ${sha.slice(0, 12)} (${opts.base})...\n`);
execFileSync('sh', ['-c', `git archive --format=tar ${sha} | tar -x -C "${baseTree}"`], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
process.stderr.write('bench:ab: bundling both trees...\n');
let base;
try {
  base = await bundle(baseTree, 'base');
} catch (e) {
  process.stderr.write(`bench:ab: --base ${opts.base}: cannot bundle that commit's sim/run/runScenario.ts and cli/catalog.ts (${String(e.message ?? e).split('\n')[0]})\n`);
  process.exit(2);
}
const head = await bundle(root, 'head');

function scenarioOf(mod, ref) {
  if (ref.endsWith('.yaml') || ref.endsWith('.yml') || ref.endsWith('.json')) {
    let p;
    try {
      p = mod.loadScenarioFile(resolve(ref));
    } catch (e) {
      usageError(`cannot read scenario file ${ref} (${e.code ?? e.message})`);
    }
    if (!p.ok) usageError(`scenario file ${ref} is invalid in one of the versions: ${p.problems.map((x) => `${x.path}: ${x.message}`).join('; ')}`);
    return p.scenario;
  }
  try {
    return mod.catalogScenario(ref);
  } catch (e) {
    usageError(`no catalogue scenario ${JSON.stringify(ref)} in one of the versions (${String(e.message ?? e).split('\n')[0]})`);
  }
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
function once(mod, s, seed) {
  const c0 = cpuMs();
  const { report } = mod.runScenario(s, seed);
  return { ms: cpuMs() - c0, hash: report.traceHash, events: report.events };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root }).toString().trim() !== '';
const headSha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root }).toString().trim();
const out = { base: { ref: opts.base, commit: sha }, head: { commit: headSha, uncommittedChanges: dirty }, pairs: opts.pairs, seeds: opts.seeds, scenarios: {} };
let differs = false;
for (const ref of opts.scenarios) {
  const sb = scenarioOf(base, ref);
  const sh = scenarioOf(head, ref);
  process.stderr.write(`bench:ab: ${ref}: warming up...\n`);
  for (let i = 0; i < 2; i++) {
    once(base, sb, 1);
    once(head, sh, 1);
  }
  const ratios = [];
  const differing = new Map();
  let baseMs = 0;
  let headMs = 0;
  let events = 0;
  for (let i = 0; i < opts.pairs; i++) {
    const seed = 1 + (i % opts.seeds);
    let a;
    let b;
    if (i % 2 === 0) {
      a = once(base, sb, seed);
      b = once(head, sh, seed);
    } else {
      b = once(head, sh, seed);
      a = once(base, sb, seed);
    }
    if (a.hash !== b.hash) differing.set(seed, { seed, base: a.hash, head: b.hash });
    ratios.push(a.ms / b.ms);
    baseMs += a.ms;
    headMs += b.ms;
    events += b.events;
    process.stderr.write(`bench:ab: ${ref}: pair ${i + 1}/${opts.pairs}: ${(a.ms / b.ms).toFixed(3)}x\n`);
  }
  if (differing.size > 0) differs = true;
  out.scenarios[ref] = {
    speedup: +median(ratios).toFixed(3),
    speedupMin: +Math.min(...ratios).toFixed(3),
    speedupMax: +Math.max(...ratios).toFixed(3),
    baseCpuMsPerRun: +(baseMs / opts.pairs).toFixed(1),
    headCpuMsPerRun: +(headMs / opts.pairs).toFixed(1),
    eventsPerRun: Math.round(events / opts.pairs),
    sameHashes: differing.size === 0,
    ...(differing.size > 0 ? { differingSeeds: [...differing.values()] } : {}),
  };
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(differs ? 1 : 0);
