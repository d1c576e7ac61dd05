// Whether `faultline` can run the prepare-time build (scripts/buildCli.mjs) or must run the
// sources with tsx. Plain JavaScript: it runs before anything can compile TypeScript.
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Whether `replay FILE` replays a run that named users' workload modules: a report whose
 * replay command has --workload, or a sweep file (or a sweep directory's sweep.json or
 * results.jsonl) with a non-empty `workloads` list. Such a replay loads the modules, so it
 * must run from the sources as `--workload` does. An unreadable FILE is not ours to judge
 * here: the CLI reports it.
 */
function replayNeedsSources(argv, cwd) {
  if (argv[0] !== 'replay' || argv[1] === undefined || argv[1].startsWith('-')) return false;
  const path = resolve(cwd, argv[1].replace(/#seed=.*$/, ''));
  const names = /--workload[ =]|"workloads"\s*:\s*\[\s*"/;
  const files = [path, join(path, 'sweep.json'), join(path, 'results.jsonl')];
  for (const f of files) {
    try {
      if (statSync(f).isFile() && names.test(readFileSync(f, 'utf8'))) return true;
    } catch {
      // Not there, or not readable.
    }
  }
  return false;
}

/**
 * The built CLI's file URL under `root` (the package root, a path) if the build is there
 * and no source it lists is newer than it; null when the sources must run: no build, a
 * stale build, FAULTLINE_FROM_SOURCE=1 in `env`, or a user's workload module in play
 * (--workload in `argv`, or `replay` of a run that named one, FILE relative to `cwd`): a
 * user's TypeScript module imports faultline's own sources, so the CLI must be those
 * sources too.
 */
export function builtCliUrl(root, argv, env, cwd = process.cwd()) {
  if (env.FAULTLINE_FROM_SOURCE === '1') return null;
  if (argv.some((a) => a === '--workload' || a.startsWith('--workload='))) return null;
  if (replayNeedsSources(argv, cwd)) return null;
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
