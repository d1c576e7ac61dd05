#!/usr/bin/env node
// The faultline command. Runs the prepare-time build (dist/cli, scripts/buildCli.mjs) when it
// is there and no source it was built from is newer, so no TypeScript is compiled at start.
// Otherwise (see distCli.mjs) it registers tsx so the sources run with no build step, and
// the `faultline` resolver so a user's workload module imports this faultline.
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { builtCliUrl } from './distCli.mjs';

// V8 grows the old space by up to 4x the live heap after each full collection when the
// program allocates fast, as a simulation does: a one-hour load run then held ~460 MB for
// ~90 MB of live data. Growing by 2x at most keeps RSS near 300 MB for ~3% more CPU time
// (docs/performance.md). A --heap-growing-percent on the node command line wins (0 is V8's
// own policy).
if (!process.execArgv.some((a) => a.includes('heap-growing-percent'))) {
  setFlagsFromString('--heap-growing-percent=100');
}

const built = builtCliUrl(fileURLToPath(new URL('..', import.meta.url)), process.argv.slice(2), process.env);
let mainAsync;
if (built !== null) {
  // `run --workers N`: the workers load while this thread loads the CLI (bin/prespawn.mjs).
  (await import('./prespawn.mjs')).prespawnRunWorkers(built, process.argv.slice(2));
  ({ mainAsync } = await import(built));
} else {
  const { registerLoaders } = await import('../sim/workloads/nodeLoaders.mjs');
  registerLoaders();
  ({ mainAsync } = await import('../cli/main.ts'));
}
// A reader that goes away (`faultline check *.log | head`) is not an error of the command:
// it made Node throw EPIPE from the next write, a crash with a stack in place of the exit
// code. The rest of the output goes nowhere, and the command ends with its own exit code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
  });
}
const code = await mainAsync(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  errIsTty: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});
process.exitCode = code;
