// `--workload FILE` (run, sweep, replay, shrink, ui): loads a user's TypeScript module and
// registers the workloads it exports, before any scenario is read.
//
// Contract: every problem with a module is a UsageError (exit 2, nothing run) naming the
// file and, where there is one, the field: no such file, a file that is not a module
// (a .json or .yaml file: named as such, not blamed on CommonJS), a file Node would load as
// CommonJS, an exception on import (with the user's frames), no default export, a
// malformed definition, a name or section that clashes with a registered one. The paths
// are kept as the user gave them, so replay commands and results files name them the
// same way. Loading is asynchronous (import()), so a command given --workload returns a
// promise of its exit code; without it, commands stay synchronous.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WorkloadDefinitionError } from '../sim/workloads/registry.ts';
import { registerWorkloadModule, userFrames } from '../sim/workloads/userWorkload.ts';
import { shellWord, UsageError } from './args.ts';
import { missingFile } from './missingFile.ts';
import { IMPORT_TIMEOUT_ENV, importTimeoutMs, startImportWatchdog, type ImportWatchdog } from './importWatchdog.ts';
import { cleanUpStrayExit, exitingDeliberately } from './deliberateExit.ts';

/** The `--workload` option for parseFlags. */
export const WORKLOAD_FLAG = { workload: { type: 'string', multiple: true } } as const;

/** The flag's values, as a list (parseArgs gives an array for a `multiple` option). */
export function workloadPaths(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [];
}

/** ` --workload A --workload B`: what a replay command needs before `--scenario`. */
export function workloadArgs(paths: readonly string[]): string {
  return paths.map((p) => ` --workload ${shellWord(p)}`).join('');
}

/** The module type Node gives a file: an `.mts` is ESM; a `.ts` or `.js` is ESM under a package.json with "type": "module". */
function isEsm(file: string): boolean {
  if (file.endsWith('.mts') || file.endsWith('.mjs')) return true;
  if (!/\.(ts|js)$/.test(file)) return false;
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/** The file names a workload module may have: TypeScript or JavaScript that Node can load as an ES module. */
const MODULE_EXTENSIONS = ['.ts', '.mts', '.js', '.mjs'];
const WHAT_A_MODULE_IS = 'a workload module is an ES module (.ts, .mts, .js or .mjs) whose default export is defineWorkload({...}) (docs/workloads.md)';

/** Why a file that is not named like a module cannot be one, with the flag the file may have been meant for. */
function notAModule(path: string, file: string): string {
  const ext = extname(file).toLowerCase();
  if (ext === '.cjs' || ext === '.cts') return `--workload ${path}: a ${ext} file is CommonJS, but ${WHAT_A_MODULE_IS}: rename it .mjs or .mts and use import/export`;
  const what = ext === '' ? 'has no extension' : `is a ${ext} file`;
  const scenario = ['.json', '.yaml', '.yml'].includes(ext) ? `; a scenario file goes with --scenario ${path}` : '';
  return `--workload ${path}: ${what}, not a module faultline can load: ${WHAT_A_MODULE_IS}${scenario}`;
}

function moduleUrl(path: string, cwd: string): string {
  const file = resolve(cwd, path);
  if (!existsSync(file)) throw new UsageError(`--workload ${path}: ${missingFile(file)}`);
  if (!statSync(file).isFile()) throw new UsageError(`--workload ${path}: ${statSync(file).isDirectory() ? 'is a directory' : 'is not a regular file'}; name the workload module (.ts, .mts, .js or .mjs)`);
  if (!MODULE_EXTENSIONS.some((ext) => file.endsWith(ext))) throw new UsageError(notAModule(path, file));
  if (!isEsm(file)) {
    throw new UsageError(`--workload ${path}: Node would load this file as CommonJS, but ${WHAT_A_MODULE_IS}: name it .mts, or put a package.json with {"type": "module"} beside it`);
  }
  return pathToFileURL(file).href;
}

function definitionMessage(path: string, e: WorkloadDefinitionError): string {
  const n = e.problems.length;
  return `--workload ${path}: not a valid workload module (${n} problem${n === 1 ? '' : 's'}):\n${e.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`;
}

/** Imports and registers each module, in order; every problem is a UsageError naming the file. */
export async function loadWorkloadFiles(paths: readonly string[], cwd: string): Promise<void> {
  const urls = paths.map((p) => moduleUrl(p, cwd));
  // The same module twice would be recorded twice (reports, replay commands) for one load.
  for (const [i, url] of urls.entries()) {
    const first = urls.indexOf(url);
    if (first < i) throw new UsageError(`--workload ${paths[i]}: ${paths[first] === paths[i] ? 'is given twice' : `names the same module as --workload ${paths[first]}`}; give each module once`);
  }
  const limitMs = importTimeoutMs();
  // A module whose import never finishes (a loop that never ends) would hang the command.
  let loading = paths[0];
  const watchdog = startImportWatchdog(limitMs, () => `--workload ${loading}: the module was still loading after ${limitMs / 1000} s (a loop that never ends, or a top-level await that waits that long?); nothing ran. ${IMPORT_TIMEOUT_ENV}=${2 * limitMs} gives it longer (0: no limit)`);
  try {
    for (const [i, path] of paths.entries()) {
      loading = path;
      registerModule(path, urls[i], await importModule(path, urls[i], watchdog));
    }
  } finally {
    watchdog.stop();
  }
}

async function importModule(path: string, url: string, watchdog: ImportWatchdog): Promise<unknown> {
  // A top-level await that never settles leaves nothing for Node to wait on: the process
  // ended with exit code 13 and no word. Say which module it was, and exit 2.
  const unsettled = (code: number): void => {
    // Node 20 sets process.exitCode to 13 and may pass the listener 0. After the watchdog
    // stopped a module's loop, Node exits the same way: the watchdog says why.
    if ((code !== 13 && process.exitCode !== 13) || watchdog.fired()) return;
    process.stderr.write(`faultline: --workload ${path}: the module never finished loading (a top-level await that never settles?); nothing ran\n`);
    process.exitCode = 2;
  };
  process.on('exit', unsettled);
  try {
    return await import(url);
  } catch (e) {
    const frames = userFrames(e);
    throw new UsageError(`--workload ${path}: the module threw while loading: ${e instanceof Error ? e.message : String(e)}${frames.length > 0 ? `\n${frames.join('\n')}` : ''}`);
  } finally {
    process.off('exit', unsettled);
  }
}

function registerModule(path: string, url: string, ns: unknown): void {
  try {
    registerWorkloadModule(url, ns);
  } catch (e) {
    if (e instanceof WorkloadDefinitionError) throw new UsageError(definitionMessage(path, e));
    throw e;
  }
}

/**
 * Runs `body` after loading the modules: at once when there are none, else as a promise.
 * `recordedIn` names the file the paths were read from (replay's report or sweep file), so
 * a module that cannot be loaded is blamed on that file rather than on a flag not given.
 */
export function withWorkloads(paths: readonly string[], cwd: string, body: () => number | Promise<number>, recordedIn?: string): number | Promise<number> {
  if (paths.length === 0) return body();
  const unguard = guardExit(paths);
  const loading = loadWorkloadFiles(paths, cwd).catch((e: unknown) => {
    throw recordedIn !== undefined && e instanceof UsageError ? new UsageError(`${recordedIn} records ${e.message}; give the module's path with --workload PATH`) : e;
  });
  return loading.then(body).finally(unguard);
}

/**
 * Until the command settles, a process.exit() that faultline did not ask for
 * (deliberateExit.ts) came from a module's code: process.exit(0) in a hook or handler ended
 * `faultline run` with exit 0 and no word, which a CI job reads as every check held. Such a
 * call takes the command's outputs back (onStrayExit), says so, and exits 2. Other ends of
 * the process (a watchdog that stopped a loop, a top-level await that never settled) are
 * not calls of process.exit and keep their own messages. Returns the undo.
 */
function guardExit(paths: readonly string[]): () => void {
  const original = process.exit;
  const guarded = (code?: number | string | null): never => {
    if (exitingDeliberately()) return original.call(process, code);
    cleanUpStrayExit();
    process.stderr.write(`faultline: the process was ended by process.exit(${code ?? ''}) before the command finished: a --workload module (${paths.join(', ')}) called it while loading or in a hook or handler; nothing was judged, so the exit code is 2. A workload reports a failure with world.violate() and a bad scenario with validate(); remove the process.exit call\n`);
    return original.call(process, 2);
  };
  process.exit = guarded as typeof process.exit;
  return () => {
    if (process.exit === guarded) process.exit = original;
  };
}
