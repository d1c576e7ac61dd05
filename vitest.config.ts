import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { userBundlePlugin } from './ui/lib/userBundlePlugin.ts';

export default defineConfig({
  // Users' workload modules loaded in-process by the CLI's tests import 'faultline': this
  // faultline, as sim/workloads/resolveFaultline.mjs makes it for the real command.
  resolve: {
    alias: [
      { find: /^faultline$/, replacement: fileURLToPath(new URL('./index.ts', import.meta.url)) },
      { find: /^faultline\/evented$/, replacement: fileURLToPath(new URL('./adapters/evented/index.ts', import.meta.url)) },
    ],
  },
  // UI modules imported by Node tests read an empty users' bundle, as a plain build does.
  plugins: [userBundlePlugin({ workloads: [], scenarios: [] }, 'post')],
  test: {
    include: ['core/**/*.test.ts', 'sim/**/*.test.ts', 'cli/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts', 'adapters/**/*.test.ts'],
    // Stryker's sandboxes (`npm run mutation`) hold a copy of every test file.
    exclude: [...configDefaults.exclude, '.stryker-tmp/**', 'reports/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test process per core. vitest's default is one fewer: on a 2-core machine the
    // whole suite ran in series (551 s of vitest in a quiet fresh-clone CI; 448 s with two,
    // 2026-12-01). The browser tests wait for background work before they click (see
    // test/browser/teaching.test.ts), which two processes on two cores once raced.
    maxWorkers: availableParallelism(),
  },
});
