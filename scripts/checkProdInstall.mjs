#!/usr/bin/env node
// `npm run check:prod-install`: proves that a production install (`npm ci --omit=dev`)
// has everything `faultline run` and `faultline ui` load at run time.
//
// Method: copy the repository's tracked files into a fresh temporary directory, run
// `npm ci --omit=dev` there (the registry, as a user's machine would), run one scenario
// with `faultline run`, then start `faultline ui` on a free port, fetch the page and the
// scripts it names (the production build that the install's `prepare` step made with vite
// and the Svelte plugin), and stop it with Ctrl-C (SIGINT). Every step has a
// time limit; the directory is removed at the end. It takes a minute or two, mostly the
// install, which is why it is a script and not part of `npm test` (test/packaging.test.ts
// checks the same rule statically, in milliseconds).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INSTALL_MS_MAX = 5 * 60_000;
const RUN_MS_MAX = 60_000;
const UI_START_MS_MAX = 60_000;
const UI_STOP_MS_MAX = 10_000;

function step(what) {
  process.stdout.write(`check-prod-install: ${what}\n`);
}

function fail(what) {
  process.stderr.write(`check-prod-install: FAILED: ${what}\n`);
  process.exitCode = 1;
}

/** A port nobody listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function copyTrackedFiles(dest) {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' }).split('\0').filter((f) => f !== '');
  for (const f of files) {
    mkdirSync(join(dest, dirname(f)), { recursive: true });
    cpSync(join(root, f), join(dest, f));
  }
  return files.length;
}

/** Starts `faultline ui`, fetches what a browser would first load, then stops it with SIGINT. */
async function checkUi(dir) {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/faultline.mjs', 'ui', '--host', '127.0.0.1', '--port', String(port)], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  try {
    const address = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address within ${UI_START_MS_MAX / 1000} s; stderr: ${err}`)), UI_START_MS_MAX);
      const poll = setInterval(() => {
        const m = /faultline UI: (http\S+)/.exec(out);
        if (m !== null) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve(m[1]);
        }
      }, 100);
      void exited.then(({ code }) => {
        clearTimeout(timer);
        clearInterval(poll);
        reject(new Error(`faultline ui exited with code ${code} before serving; stderr: ${err}`));
      });
    });
    step(`ui serves ${address}`);
    // The page, then the modules it names: the production build install's prepare step made.
    const get = async (path) => {
      const res = await fetch(new URL(path, address), { signal: AbortSignal.timeout(UI_START_MS_MAX) });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}: ${body.slice(0, 500)}`);
      step(`GET ${path}: 200, ${body.length} bytes`);
      return body;
    };
    const page = await get('/');
    const scripts = [...page.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]);
    if (scripts.length === 0) throw new Error('the page names no script');
    for (const src of scripts) await get(src);
  } finally {
    child.kill('SIGINT');
    const stopped = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve(null), UI_STOP_MS_MAX))]);
    if (stopped === null) {
      child.kill('SIGKILL');
      throw new Error(`faultline ui did not stop within ${UI_STOP_MS_MAX / 1000} s of Ctrl-C`);
    }
    step(`ui stopped on Ctrl-C (exit ${stopped.code ?? stopped.signal})`);
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-prod-'));
  try {
    step(`copied ${copyTrackedFiles(dir)} tracked files to ${dir}`);
    step('npm ci --omit=dev ...');
    execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: INSTALL_MS_MAX });
    const report = JSON.parse(execFileSync(process.execPath, ['bin/faultline.mjs', 'run', '--scenario', 'raft-kv-basic', '--seed', '1', '--json'], { cwd: dir, encoding: 'utf8', timeout: RUN_MS_MAX }));
    if (report.verdict !== 'pass') throw new Error(`faultline run: verdict ${report.verdict}`);
    step(`faultline run raft-kv-basic seed 1: ${report.verdict}, trace ${report.traceHash}`);
    await checkUi(dir);
    step('ok');
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
