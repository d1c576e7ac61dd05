// Whether `faultline` can run the prepare-time build (scripts/buildCli.mjs) or must run the
// sources with tsx. Plain JavaScript: it runs before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The built CLI's file URL under `root` (the package root, a path) if the build is there
 * and no source it lists is newer than it; null when the sources must run: no build, a
 * stale build, FAULTLINE_FROM_SOURCE=1 in `env`, or --workload in `argv` (a user's
 * TypeScript module imports faultline's own sources, so the CLI must be those sources too).
 */
export function builtCliUrl(root, argv, env) {
  if (env.FAULTLINE_FROM_SOURCE === '1') return null;
  if (argv.some((a) => a === '--workload' || a.startsWith('--workload='))) return null;
  const main = join(root, 'dist', 'cli', 'main.mjs');
  try {
    const builtMs = statSync(main).mtimeMs;
    const { inputs } = JSON.parse(readFileSync(join(root, 'dist', 'cli', 'inputs.json'), 'utf8'));
    for (const f of inputs) if (statSync(join(root, f)).mtimeMs > builtMs) return null;
    return pathToFileURL(main).href;
  } catch {
    return null; // No build, or a source it lists is gone.
  }
}
