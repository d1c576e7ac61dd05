// Goal: a production install (`npm ci --omit=dev`) has every package the shipped code
// loads, and packages only tests use are not shipped. `faultline ui` once imported vite,
// a devDependency, so the UI broke after `npm ci --omit=dev`; fast-check sat in
// dependencies although only tests import it.
// Method: read every runtime source file (cli/, sim/, core/, ui/ without ui/scripts/,
// wasm/, the package entry index.ts, bin/faultline.mjs and the vite and svelte configs the
// UI server loads; test files excluded), collect the packages it imports at run time
// (type-only imports need nothing at run time) and compare them with package.json. The real install is checked end to end
// by `npm run check:prod-install` (scripts/checkProdInstall.mjs), which takes a minute.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../cli/catalog.ts';

const RUNTIME_DIRS = ['cli', 'sim', 'core', 'ui', 'wasm'];
const RUNTIME_FILES = ['index.ts', 'bin/faultline.mjs', 'vite.config.ts', 'svelte.config.js'];
const SKIPPED_DIRS = new Set(['node_modules', '.git', 'dist']);
const SOURCE = /\.(ts|mts|mjs|js|svelte)$/;

interface Pkg {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function walk(dir: string, out: string[]): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (SKIPPED_DIRS.has(name)) continue;
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function isTestFile(rel: string): boolean {
  return /\.test\.ts$/.test(rel) || rel.startsWith('test/') || rel.startsWith('ui/scripts/');
}

/** The package a bare specifier names ('@scope/name/sub' -> '@scope/name'), or null. */
export function packageOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || spec.startsWith('virtual:')) return null;
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return builtinModules.includes(name) ? null : name;
}

/** Packages a source text loads at run time (type-only imports and exports left out). */
export function runtimeImports(text: string): string[] {
  const out = new Set<string>();
  const patterns = [
    /^\s*import\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm,
    /^\s*export\s+(?!type\s)[^'";]*?\sfrom\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of text.matchAll(re)) {
      const p = packageOf(m[1]);
      if (p !== null) out.add(p);
    }
  }
  return [...out];
}

function importsBy(files: string[]): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const f of files) {
    for (const p of runtimeImports(readFileSync(f, 'utf8'))) users.set(p, [...(users.get(p) ?? []), relative(PACKAGE_ROOT, f)]);
  }
  return users;
}

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Pkg;
const deps = new Set(Object.keys(pkg.dependencies ?? {}));
const all = RUNTIME_DIRS.flatMap((d) => walk(join(PACKAGE_ROOT, d), [])).concat(RUNTIME_FILES.map((f) => join(PACKAGE_ROOT, f)));
const runtimeFiles = all.filter((f) => !isTestFile(relative(PACKAGE_ROOT, f)));
const testFiles = walk(PACKAGE_ROOT, []).filter((f) => isTestFile(relative(PACKAGE_ROOT, f)));

describe('what a production install carries', () => {
  it('reads imports the way Node loads them', () => {
    const text = [
      "import { a } from 'alpha';",
      "import type { B } from 'beta';",
      "import 'gamma/side-effect.js';",
      "export { d } from '@scope/delta/sub';",
      "export type { E } from 'epsilon';",
      "const v = await import('zeta');",
      "import { readFileSync } from 'node:fs';",
      "import path from 'path';",
      "import { x } from './local.ts';",
    ].join('\n');
    expect(runtimeImports(text).sort()).toEqual(['@scope/delta', 'alpha', 'gamma', 'zeta']);
  });

  it('every package the shipped code imports is a dependency, not a devDependency', () => {
    expect(runtimeFiles.length).toBeGreaterThan(100);
    const missing = [...importsBy(runtimeFiles)].filter(([p]) => !deps.has(p)).map(([p, users]) => `${p} (imported by ${users.slice(0, 3).join(', ')})`);
    expect(missing).toEqual([]);
    // The UI server's own chain, named so a change to it is seen here.
    for (const p of ['vite', '@sveltejs/vite-plugin-svelte', 'svelte', 'tsx']) expect(deps.has(p), p).toBe(true);
  });

  it('packages that only tests import are devDependencies', () => {
    const runtime = importsBy(runtimeFiles);
    const testOnly = [...importsBy(testFiles).keys()].filter((p) => !runtime.has(p));
    expect(testOnly).toContain('fast-check');
    expect(testOnly.filter((p) => deps.has(p))).toEqual([]);
  });
});
