// Cross-engine check: the same scenario and seed give the same trace hash in Firefox
// (SpiderMonkey) as in Node (V8), and the portable math (core/math/portableMath.ts) gives
// the same bits in both, where the engines' own Math.cos and Math.pow do not.
//
// Method: bundle the simulator with a small entry into one classic script (vite build, IIFE),
// load it from a file:// page in Debian's firefox-esr, headless, with a throwaway profile that
// lets window.dump() write to stdout, read the one result line, and stop that Firefox (only
// the process this script started). Node computes the same things in-process. Prints one JSON
// object; exit 0 when every hash and every portable-math value agrees, 1 when one differs,
// 2 when Firefox is missing (with the command that installs it).
// Run: npm run check:firefox (about a minute; not part of npm test, which must not need Firefox).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { probe, type Probe } from './probe.ts';

const FIREFOX = '/usr/bin/firefox-esr';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TIMEOUT_MS = 300_000;
const MARK = 'FAULTLINE-ENGINE ';
const FAILED = 'FAULTLINE-ENGINE-ERROR ';

/** Scenarios that draw from every sampler: normal latency, exponential arrivals, backoff, clock faults. */
const RUNS: [string, number][] = [
  ['raft-kv-basic', 1], ['raft-kv-basic', 2], ['heartbeat-chaos', 1], ['net-latency-250ms', 1],
  ['overload-2x', 1], ['swarm-raft-mixed', 1], ['longtail', 1], ['longtail', 2],
];
/** A Pareto-latency cluster, which no catalogue scenario uses. */
const LONGTAIL = `name: longtail
description: raft-kv over links with a Pareto latency tail
workload: raft-kv
topology: { nodes: 3, link: { latency: { kind: longtail, min: 1ms, alpha: 1.2, max: 400ms } } }
duration: 6s
faults: [{ at: 2s, kind: leader, do: crash, duration: 1s }]
clients: { count: 2, interval: 20ms, timeout: 500ms, keys: 3 }
liveness: { within: 3s }
`;

function scenarioTexts(): Record<string, string> {
  const texts: Record<string, string> = { longtail: LONGTAIL };
  for (const [name] of RUNS) if (name !== 'longtail') texts[name] = readFileSync(join(ROOT, 'scenarios', `${name}.yaml`), 'utf8');
  return texts;
}

async function bundle(dir: string, texts: Record<string, string>): Promise<string> {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, [
    `import { probe } from '${ROOT}test/engines/probe.ts';`,
    `const result = probe(${JSON.stringify(texts)}, ${JSON.stringify(RUNS)});`,
    `(globalThis as unknown as { dump(s: string): void }).dump(${JSON.stringify(MARK)} + JSON.stringify(result) + '\\n');`,
  ].join('\n'));
  await build({
    configFile: false, logLevel: 'warn', root: dir,
    // One ES module, so import.meta.url still locates the WebAssembly files beside it.
    build: { outDir: join(dir, 'dist'), emptyOutDir: true, minify: false, target: 'es2022', lib: { entry, formats: ['es'], fileName: () => 'bundle.js' } },
  });
  const page = join(dir, 'dist', 'page.html');
  writeFileSync(page, [
    '<!doctype html><meta charset="utf-8"><title>faultline engine check</title>',
    // Any error, even while the bundle's modules load, ends the check at once with its message.
    `<script>addEventListener('error', (e) => dump(${JSON.stringify(FAILED)} + e.message + ' at ' + e.filename + ':' + e.lineno + '\\n'));</script>`,
    '<script type="module" src="bundle.js"></script>',
    '',
  ].join('\n'));
  return page;
}

/** Runs the page in a headless Firefox of our own and returns the result line's JSON. */
function runFirefox(dir: string, page: string): Promise<unknown> {
  const profile = join(dir, 'profile');
  mkdirSync(profile);
  writeFileSync(join(profile, 'user.js'), [
    'user_pref("browser.dom.window.dump.enabled", true);',
    // The page loads its module from beside it on file://.
    'user_pref("security.fileuri.strict_origin_policy", false);',
    'user_pref("dom.max_script_run_time", 0);',
    'user_pref("browser.shell.checkDefaultBrowser", false);',
    'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
    'user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);',
    'user_pref("browser.aboutwelcome.enabled", false);',
    'user_pref("app.update.auto", false);',
    '',
  ].join('\n'));
  return new Promise((resolve, reject) => {
    const ff = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, `file://${page}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const stop = (): void => { if (ff.exitCode === null) ff.kill('SIGTERM'); };
    const timer = setTimeout(() => { stop(); reject(new Error(`Firefox gave no result within ${TIMEOUT_MS / 1000} s; stderr:\n${err.slice(-2000)}`)); }, TIMEOUT_MS);
    ff.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const failed = out.indexOf(FAILED);
      if (failed >= 0 && out.indexOf('\n', failed) >= 0) {
        clearTimeout(timer);
        stop();
        reject(new Error(`the page failed in Firefox: ${out.slice(failed + FAILED.length, out.indexOf('\n', failed))}`));
        return;
      }
      const at = out.indexOf(MARK);
      const end = at < 0 ? -1 : out.indexOf('\n', at);
      if (end < 0) return;
      clearTimeout(timer);
      stop();
      resolve(JSON.parse(out.slice(at + MARK.length, end)));
    });
    ff.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    ff.on('exit', (code) => {
      clearTimeout(timer);
      if (!out.includes(MARK) && !out.includes(FAILED)) reject(new Error(`Firefox exited (${code}) without a result; stderr:\n${err.slice(-2000)}`));
    });
  });
}

function differences(a: number[], b: number[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

async function main(): Promise<number> {
  if (!existsSync(FIREFOX)) {
    process.stderr.write(`Firefox is missing at ${FIREFOX}. Install it with: apt-get update && apt-get install -y firefox-esr\n`);
    return 2;
  }
  const texts = scenarioTexts();
  const dir = mkdtempSync(join(tmpdir(), 'faultline-firefox-'));
  try {
    const page = await bundle(dir, texts);
    const firefox = (await runFirefox(dir, page)) as Probe;
    const node = probe(texts, RUNS);
    const names = ['log', 'exp', 'cos', 'pow'];
    const report = {
      runs: node.hashes.map((h, i) => ({ node: h, firefox: firefox.hashes[i], same: h === firefox.hashes[i] })),
      portableMathDifferences: Object.fromEntries(names.map((n, i) => [n === 'log' ? 'ln' : n === 'cos' ? 'cosTurns' : n, differences(node.portable[i], firefox.portable[i])])),
      engineMathDifferences: Object.fromEntries(names.map((n, i) => [`Math.${n}`, differences(node.native[i], firefox.native[i])])),
      inputsPerFunction: node.portable[0].length,
    };
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    const same = report.runs.every((r) => r.same) && Object.values(report.portableMathDifferences).every((d) => d === 0);
    return same ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
