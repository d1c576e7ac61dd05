// Lint enforces two things that good intentions do not: the layer direction
// (ui, cli -> sim -> core; scenarios are data) and the determinism ban list for core/ and
// sim/ (no wall clock, no Math.random, no timers, no platform randomness).
import tseslint from 'typescript-eslint';

const bannedGlobals = [
  { name: 'Date', message: 'Determinism: read time from the Env (ctx.now()) or the kernel clock.' },
  { name: 'performance', message: 'Determinism: wall-clock timing lives in cli/wallclock.ts only.' },
  { name: 'setTimeout', message: 'Determinism: ask the host for a timer (ctx.setTimer).' },
  { name: 'setInterval', message: 'Determinism: ask the host for a timer (ctx.setTimer).' },
  { name: 'setImmediate', message: 'Determinism: no host-scheduled callbacks in core/ or sim/.' },
  { name: 'clearTimeout', message: 'Determinism: timers are data (ctx.cancelTimer).' },
  { name: 'clearInterval', message: 'Determinism: timers are data (ctx.cancelTimer).' },
  { name: 'queueMicrotask', message: 'Determinism: no host-scheduled callbacks in core/ or sim/.' },
  { name: 'crypto', message: 'Determinism: randomness comes from named seeded streams.' },
  { name: 'requestAnimationFrame', message: 'Determinism: animation lives in ui/ only.' },
];

const bannedSyntax = [
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Determinism: use a named seeded stream (Random), never Math.random.' },
  { selector: "MemberExpression[property.name='getRandomValues']", message: 'Determinism: use a named seeded stream.' },
  { selector: "MemberExpression[object.name='process'][property.name='hrtime']", message: 'Determinism: no wall clock in core/ or sim/.' },
  // ECMAScript lets each engine approximate these in its own way, so their last bit (and a
  // run's trace hash) may differ between V8 and SpiderMonkey; core/math/portableMath.ts
  // computes them from + - * / alone, which IEEE 754 fixes exactly.
  { selector: "MemberExpression[object.name='Math'][property.name=/^(log|log1p|log2|log10|exp|expm1|pow|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|cbrt|hypot)$/]", message: 'Determinism: this Math function differs between engines in its last bit; use core/math/portableMath.ts (ln, exp, pow, powInt, pow2, cosTurns).' },
  { selector: "BinaryExpression[operator='**']", message: 'Determinism: ** is Math.pow, which differs between engines; use pow, powInt or pow2 from core/math/portableMath.ts, or a literal constant.' },
  { selector: "AssignmentExpression[operator='**=']", message: 'Determinism: **= is Math.pow, which differs between engines; use core/math/portableMath.ts.' },
];

// Test helpers live in test/support (STYLE.md); production code never depends on them.
const testSupport = { group: ['**/test/**', '../test', '../../test'], message: 'Test helpers (test/support) are for tests only.' };

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'perf_hooks', 'timers', 'timers/*', 'process'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '**/*.svelte', 'docs/**', '.stryker-tmp/**', 'reports/**'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-restricted-syntax': ['error', { selector: 'DebuggerStatement', message: 'No debugger statements.' }],
    },
  },
  {
    // adapters/ hosts code that was not written for a simulator; the adapter itself obeys
    // the same determinism rules (it gives that code fake timers, never real ones).
    files: ['core/**/*.ts', 'sim/**/*.ts', 'adapters/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', ...bannedGlobals],
      'no-restricted-syntax': ['error', ...bannedSyntax],
    },
  },
  {
    // core is the innermost layer: no simulator, UI, CLI, DOM-facing or Node platform imports.
    files: ['core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.filter((p) => !p.includes('*')).map((name) => ({ name, message: 'core/ is platform-free: take the capability through the Env seam.' })),
        patterns: [
          { group: ['**/sim/**', '../sim', '../../sim', '**/ui/**', '**/cli/**', '**/scenarios/**'], message: 'Layers: core imports nothing from sim, ui, cli or scenarios.' },
          { group: ['node:*'], message: 'core/ is platform-free: take the capability through the Env seam.' },
          { group: ['comlink', 'comlink/*', 'd3', 'd3-*', 'svelte', 'svelte/*'], message: 'core/ has no worker, DOM or UI dependencies.' },
          { group: ['prom-client', 'prom-client/*', '@opentelemetry/*'], message: 'core/telemetry holds the taxonomy and the port only: sim/telemetry maps them onto prom-client and OpenTelemetry.' },
          testSupport,
        ],
      }],
      'no-restricted-globals': ['error', ...bannedGlobals,
        { name: 'window', message: 'core/ is platform-free.' },
        { name: 'document', message: 'core/ is platform-free.' },
        { name: 'process', message: 'core/ is platform-free.' },
        { name: 'postMessage', message: 'core/ is platform-free.' },
        { name: 'Worker', message: 'core/ is platform-free.' },
      ],
    },
  },
  {
    // sim may use workers (sim/workers) but never reaches up into the UI or the CLI.
    // (Declaration files only describe types: promClient.d.ts types the lib/ files from
    // the package's own declarations.)
    files: ['sim/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.d.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/ui/**', '**/cli/**', '../cli', '../ui'], message: 'Layers: sim imports nothing from ui or cli.' },
          { group: ['node:fs', 'fs', 'node:http', 'http', 'node:child_process', 'child_process'], message: 'sim/ does no I/O: the CLI reads and writes files.' },
          testSupport,
        ],
        paths: [
          { name: 'prom-client', message: "prom-client's main entry reads process and Node modules: import its lib/*.js files, which run in Web Workers too." },
        ],
      }],
    },
  },
  {
    // The outer layers too: the CLI, the UI, WebAssembly loaders and examples ship without
    // test/. The UI's screenshot and measuring scripts drive the browser test harness on purpose.
    files: ['cli/**/*.ts', 'ui/**/*.ts', 'wasm/**/*.ts', 'examples/**/*.ts'],
    ignores: ['**/*.test.ts', 'ui/scripts/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [testSupport] }],
    },
  },
);
