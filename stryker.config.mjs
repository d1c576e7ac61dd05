// Mutation testing of core/raft and core/kv with Stryker (docs/mutation.md). Run it through
// `npm run mutation` (scripts/mutation.mjs), which sets `mutate` from its arguments, merges
// the results of subset runs and prints the score per file; `npx stryker run` works too.
// A benchmark: not part of `npm test` or .ci/run.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: ['core/raft/**/*.ts', 'core/kv/**/*.ts', '!**/*.test.ts'],
  // Each mutant runs only the tests that executed it in the dry run.
  coverageAnalysis: 'perTest',
  // No typescript-checker: vitest strips types, so a mutant that breaks only types still runs
  // (and is usually killed); the checker would type-check every mutant, costing more than it saves.
  checkers: [],
  // Re-runs reuse the results of mutants whose code and covering tests did not change.
  // The file is a local cache under the gitignored reports/ (docs/mutation.md says why).
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  // Two cores shared with other work: one test-runner process unless asked for more.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  timeoutMS: 10_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/last-run.html' },
  jsonReporter: { fileName: 'reports/mutation/last-run.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  // Not needed by the tests above; keeps the sandbox copy small.
  ignorePatterns: ['/docs', '/dist', '/out', '/ui', '/wasm/hnsw/build', '/.faultline', '/.scratch', '/bench', '/examples'],
  thresholds: { high: 90, low: 80, break: null },
};
