#!/usr/bin/env node
// `npm run build:cli` (and `npm install`, through `prepare`): compiles the CLI and the sweep
// worker once, so `faultline` does not compile TypeScript on every start.
//
// Contract: bundles cli/main.ts to dist/cli/main.mjs and cli/sweepWorkerEntry.mjs (which
// skips tsx when FAULTLINE_BUILT is defined) to dist/cli/sweepWorkerEntry.mjs with esbuild, packages
// included except those loaded on demand (EXTERNAL). Every `import.meta.url` in a bundled source is rewritten to
// that source file's own URL (relative to the bundle), so paths computed from it (the
// package root, scenario catalogue, lockstep worker entries, the WASM file) are the same
// as when the source runs. dist/cli/inputs.json lists the bundled sources: bin/faultline.mjs
// runs the build only while none of them is newer than it, and runs the sources with tsx
// otherwise (and always for --workload, whose TypeScript module imports the sources). A
// machine without esbuild (a production install that left it out) gets a note and exit 0:
// the CLI then runs from source, as before.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// `--out DIR` builds elsewhere (test/startup.test.ts); bin/faultline.mjs uses dist/cli only.
const outFlag = process.argv.indexOf('--out');
const outDir = outFlag >= 0 ? resolve(process.argv[outFlag + 1]) : join(root, 'dist', 'cli');

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('build:cli: esbuild is not installed; faultline will run from source (slower start)\n');
  process.exit(0);
}

/** Rewrites import.meta.url in our sources to the source file's URL, relative to the bundle. */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mts|mjs)$/ }, (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const rel = relative(outDir, args.path).split('\\').join('/');
      const replaced = text.split('import.meta.url').join(`new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      return { contents: replaced, loader: args.path.endsWith('.ts') || args.path.endsWith('.mts') ? 'ts' : 'js' };
    });
  },
};

/**
 * zod's `locales` namespace (z.locales) re-exports its ~50 translations of error messages,
 * half of its bundled size (~300 KB of ~580), which every start and every sweep worker
 * parsed. faultline never switches locale (zod registers English itself, from its own
 * import of en.js), so the build's namespace holds English alone. A user's workload module
 * runs from the sources (see distCli.mjs), with the whole package.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

/** Loaded on demand or not bundleable (native addons, WASM beside its loader, vite's own tree). */
const EXTERNAL = ['vite', '@sveltejs/*', 'svelte', 'svelte/*', 'hnswlib-node', 'hnswlib-wasm', 'hnswlib-wasm/*', 'fake-indexeddb', 'fake-indexeddb/*', 'playwright-core', 'esbuild', 'tsx', 'tsx/*'];

if (root.startsWith(outDir)) throw new Error(`build:cli: --out ${outDir} would remove the package itself`);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { main: 'cli/main.ts', sweepWorkerEntry: 'cli/sweepWorkerEntry.mjs', nodeWorkerEntry: 'sim/workers/nodeWorkerEntry.mjs' },
  outdir: outDir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Packages are bundled too: loading zod, yaml and OpenTelemetry from hundreds of small
  // files cost more than half of a start. Those the CLI loads only on demand (vite for
  // `faultline ui`, the native and WASM vector indexes) stay imports from node_modules.
  external: EXTERNAL,
  // Bundled CommonJS packages call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __faultlineRequire } from 'node:module'; const require = __faultlineRequire(import.meta.url);" },
  sourcemap: 'linked',
  // Less text to read and parse at every start; names stay, so stacks and profiles read as the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  // FAULTLINE_BUNDLE_URL: where the build itself lives (its worker entry is beside it).
  define: { FAULTLINE_BUILT: 'true', FAULTLINE_BUNDLE_URL: 'import.meta.url' },
  plugins: [sourceUrls, zodEnglishOnly],
});
const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes('node_modules/')).sort();
writeFileSync(join(outDir, 'inputs.json'), JSON.stringify({ inputs: [...inputs, 'package.json'] }, null, 1) + '\n');
process.stdout.write(`build:cli: ${inputs.length} sources -> ${pathToFileURL(outDir).pathname}\n`);
