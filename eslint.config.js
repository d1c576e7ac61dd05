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
];

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'worker_threads', 'http', 'net', 'crypto', 'perf_hooks', 'timers', 'timers/*', 'process'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '**/*.svelte', 'docs/**'] },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-restricted-syntax': ['error', { selector: 'DebuggerStatement', message: 'No debugger statements.' }],
    },
  },
  {
    files: ['core/**/*.ts', 'sim/**/*.ts'],
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
        ],
        paths: [
          { name: 'prom-client', message: "prom-client's main entry reads process and Node modules: import its lib/*.js files, which run in Web Workers too." },
        ],
      }],
    },
  },
);
