// The browser UI's production build (dist/ui) and the static server that serves it: what
// `faultline ui`, `npm start`, the browser tests and the UI scripts open, so no page load
// waits on a dev server transforming hundreds of modules.
//
// Contract: `ensureUiBuild` builds with Vite only when the sources changed since the last
// build: a fingerprint of every source file's path, size and mtime (ui/, sim/, core/,
// scenarios/, wasm/ and the build config) is kept beside the build. Concurrent callers (test
// files run in parallel) take a lock directory in turn, so one builds and the rest reuse
// it. `npm install` runs the build once (the `prepare` script), so the first `npm start`
// does not wait for it. `serveUi` serves the build with Vite's preview server.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewServer } from 'vite';
import { PACKAGE_ROOT } from './catalog.ts';

export const UI_OUT_DIR = join(PACKAGE_ROOT, 'dist', 'ui');
const FINGERPRINT_FILE = join(UI_OUT_DIR, '.fingerprint');
const LOCK_DIR = join(PACKAGE_ROOT, 'dist', '.ui-build.lock');
const SOURCE_DIRS = ['ui', 'sim', 'core', 'scenarios', 'wasm'];
const SOURCE_FILES = ['vite.config.ts', 'svelte.config.js', 'package-lock.json', 'tsconfig.json'];
/** A lock older than this was left by a build that died; it is taken over. */
const LOCK_STALE_MS = 180_000;
const LOCK_WAIT_MS = 240_000;

function walk(dir: string, out: string[]): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (!e.name.endsWith('.test.ts')) out.push(p);
  }
}

/** A digest of the sources the UI build reads: paths, sizes and modification times. */
export function uiSourceFingerprint(): string {
  const files: string[] = [];
  for (const d of SOURCE_DIRS) walk(join(PACKAGE_ROOT, d), files);
  for (const f of SOURCE_FILES) if (existsSync(join(PACKAGE_ROOT, f))) files.push(join(PACKAGE_ROOT, f));
  const h = createHash('sha256');
  for (const f of files.sort()) {
    const st = statSync(f);
    h.update(`${f.slice(PACKAGE_ROOT.length)}\0${st.size}\0${Math.floor(st.mtimeMs)}\n`);
  }
  return h.digest('hex').slice(0, 32);
}

export function uiBuildIsFresh(): boolean {
  return existsSync(FINGERPRINT_FILE) && readFileSync(FINGERPRINT_FILE, 'utf8') === uiSourceFingerprint();
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(join(PACKAGE_ROOT, 'dist'), { recursive: true });
  const t0 = Date.now();
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch {
      const age = existsSync(LOCK_DIR) ? Date.now() - statSync(LOCK_DIR).mtimeMs : 0;
      if (age > LOCK_STALE_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() - t0 > LOCK_WAIT_MS) throw new Error(`the UI build lock ${LOCK_DIR} is held for too long; remove it if no build is running`);
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

/**
 * Builds the UI into dist/ui unless the build there is from the current sources. Returns
 * whether it built. `log` hears one line before a build starts.
 */
export async function ensureUiBuild(log: (s: string) => void = () => {}, force = false): Promise<boolean> {
  if (!force && uiBuildIsFresh()) return false;
  return withLock(async () => {
    const fingerprint = uiSourceFingerprint();
    if (!force && existsSync(FINGERPRINT_FILE) && readFileSync(FINGERPRINT_FILE, 'utf8') === fingerprint) return false;
    log('building the UI (once per change of its sources)…\n');
    const { build } = await import('vite');
    await build({ configFile: join(PACKAGE_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir: UI_OUT_DIR } });
    writeFileSync(FINGERPRINT_FILE, fingerprint);
    return true;
  });
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the production build (building it first if needed) on `host:port` (0: any free port). */
export async function serveUiBuild(opts: { host: string; port: number; strictPort?: boolean }, log?: (s: string) => void): Promise<UiServer> {
  await ensureUiBuild(log);
  const { preview } = await import('vite');
  const server: PreviewServer = await preview({
    configFile: join(PACKAGE_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: UI_OUT_DIR },
    preview: { host: opts.host, port: opts.port, strictPort: opts.strictPort ?? false, open: false },
  });
  const addr = server.httpServer.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
  return {
    url: `http://${opts.host}:${port}/`,
    close: () => server.close(),
  };
}
