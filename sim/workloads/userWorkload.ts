// A user's workload module: registering what it exports, and telling the user's errors
// from faultline's.
//
// Contract: a module's default export is one workload (defineWorkload) or an array of
// them; anything else is refused with every problem named by field (WorkloadDefinitionError,
// paths prefixed `default[i].` for an array). Each workload is registered wrapped, so an
// exception thrown by the user's code names the workload, the hook it came from and the
// user's own stack frames (faultline's frames, Node's and node_modules' are left out):
// from nodes(), install(), finish() and validate() as a WorkloadError, and from a node's
// process as a plain Error whose message ends with the user's file and line, which the
// world records as the node's 'process-threw' violation like any process's exception.
// The wrapping does not change a run: same events, same order, same trace hash.
// `loadWorkloadModules` imports modules by URL; it runs in any realm (worker threads, Web
// Workers), which is how workers find the workloads the CLI or the page loaded.
import type { NodeId, Process } from '../../core/env.ts';
import type { Problem } from '../scenario/schema.ts';
import type { NodeSpec } from '../world/world.ts';
import { registerWorkload, WorkloadDefinitionError } from './registry.ts';
import { workloadProblems, type Installed, type Workload } from './workload.ts';

/** An exception from a user's workload code, with the user's frames of its stack. */
export class WorkloadError extends Error {
  /** `workload` is null when the code that threw ran as a callback (a listener, a scheduled action) and no hook names it. */
  constructor(readonly workload: string | null, readonly hook: string, readonly original: unknown, readonly frames: readonly string[]) {
    super(`${workload === null ? 'workload code' : `workload ${workload}`} threw in ${hook}: ${messageOf(original)}${frames.length > 0 ? `\n${frames.join('\n')}` : ''}`);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : `${String(e)} (throw an Error, not a ${typeof e}, to get its file and line)`;
}

/** This package's root as a path ("/work/faultline/"), from a file URL or a served one. */
function rootPath(): string {
  const u = new URL('../../', import.meta.url);
  return decodeURIComponent(u.pathname);
}

const ROOT = rootPath();
/**
 * faultline's own folders: frames in them are faultline's, not the user's. dist/ holds the
 * built CLI (`npm run build:cli`): without it every internal error of the built CLI was
 * reported as the user's workload code throwing, with exit code 2.
 */
const OWN = ['core/', 'sim/', 'cli/', 'bin/', 'ui/', 'wasm/', 'dist/', 'scripts/', 'bench/', 'index.ts'].map((d) => ROOT + d);

/** The location in a stack line ("    at f (file:///a/b.ts:3:9)" -> "/a/b.ts:3:9"), as a path without a query. */
function frameLocation(line: string): string | null {
  const m = /^\s*at (?:async )?(?:.*? \()?(.+?)\)?$/.exec(line);
  if (m === null) return null;
  const pos = /:\d+:\d+$/.exec(m[1])?.[0] ?? '';
  const where = m[1].slice(0, m[1].length - pos.length);
  if (!/^[a-z]+:\/\//.test(where)) return where.replace(/\?.*$/, '') + pos;
  try {
    const u = new URL(where);
    return u.protocol === 'file:' || u.protocol === 'http:' || u.protocol === 'https:' ? decodeURIComponent(u.pathname) + pos : null;
  } catch {
    return null;
  }
}

function isUserLocation(loc: string): boolean {
  if (loc.startsWith('node:') || loc.startsWith('internal/') || loc.includes('/node_modules/') || loc === 'native' || loc.startsWith('<anonymous>')) return false;
  if (!loc.includes('/')) return false;
  return !OWN.some((d) => loc.startsWith(d));
}

/** The stack lines of an error that are the user's own code, in order, innermost first. */
export function userFrames(e: unknown): string[] {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  return stack.split('\n').filter((l) => {
    const loc = frameLocation(l);
    return loc !== null && isUserLocation(loc);
  });
}

/** The user's innermost location in an error's stack ("/a/b.ts:3:9"), or null. */
export function userLocation(e: unknown): string | null {
  const first = userFrames(e)[0];
  return first === undefined ? null : (frameLocation(first) ?? null);
}

/** Whether an exception was raised in a user's code: its innermost located frame is theirs. */
function raisedInUserCode(e: unknown): boolean {
  const stack = e instanceof Error && typeof e.stack === 'string' ? e.stack : '';
  for (const line of stack.split('\n')) {
    const loc = frameLocation(line);
    if (loc !== null && loc.includes('/')) return isUserLocation(loc);
  }
  return false;
}

/**
 * The user's error in an exception that ended a run: a WorkloadError as it is, an
 * exception raised in user code (a listener or a scheduled action of theirs) as a new
 * one; null for faultline's own errors.
 */
export function userErrorOf(e: unknown): WorkloadError | null {
  if (e instanceof WorkloadError) return e;
  return raisedInUserCode(e) ? new WorkloadError(null, 'a callback during the run', e, userFrames(e)) : null;
}

/** Runs a user's hook; whatever it throws (even from faultline code it called) is the user's. */
function guard<T>(workload: string, hook: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof WorkloadError ? e : new WorkloadError(workload, hook, e, userFrames(e));
  }
}

/** A process whose exceptions carry the user's file and line in their message. */
function guardProcess(p: Process): Process {
  const located = (e: unknown): unknown => {
    const loc = userLocation(e);
    if (loc === null) return e;
    return new Error(`${messageOf(e)} (at ${loc})`, { cause: e });
  };
  const wrap = <A extends unknown[], R>(f: (...a: A) => R) => (...a: A): R => {
    try {
      return f.apply(p, a);
    } catch (e) {
      throw located(e);
    }
  };
  const out: Process = { start: wrap(p.start), onMessage: wrap(p.onMessage), onTimer: wrap(p.onTimer) };
  if (p.memoryBytes !== undefined) out.memoryBytes = wrap(p.memoryBytes);
  if (p.shutdown !== undefined) out.shutdown = wrap(p.shutdown);
  if (p.inspect !== undefined) out.inspect = wrap(p.inspect);
  return out;
}

const wrapped = new WeakMap<object, Workload>();

/** The workload with every hook guarded (the same object each time for one definition). */
function attributed(w: Workload): Workload {
  const known = wrapped.get(w);
  if (known !== undefined) return known;
  const name = w.name;
  const nodes = (s: Parameters<Workload['nodes']>[0]): NodeSpec[] => guard(name, 'nodes()', () => w.nodes(s)).map((spec) => ({
    ...spec,
    factory: (id: NodeId) => guardProcess(guard(name, `the process factory of node ${id}`, () => spec.factory(id))),
  }));
  const install: Workload['install'] = (world, s, ctx) => {
    const inst = guard(name, 'install()', () => w.install(world, s, ctx));
    const out: Installed = { ...inst };
    if (inst.finish !== undefined) out.finish = () => guard(name, 'finish()', () => (inst.finish as NonNullable<Installed['finish']>).call(inst));
    return out;
  };
  const out: Workload = { name, description: w.description, sections: w.sections, nodes, install };
  if (w.leader !== undefined) (out as { leader?: boolean }).leader = w.leader;
  if (w.ui !== undefined) (out as { ui?: Workload['ui'] }).ui = w.ui;
  if (w.validate !== undefined) {
    const validate = w.validate;
    out.validate = (s) => guard(name, 'validate()', () => validate.call(w, s));
  }
  wrapped.set(w, out);
  return out;
}

/**
 * Registers what a module exports (its namespace object), loaded from `url`. Returns the
 * registered workloads; throws WorkloadDefinitionError naming every problem by field.
 */
export function registerWorkloadModule(url: string, ns: unknown): Workload[] {
  const def = (ns as { default?: unknown } | null)?.default;
  if (def === undefined) throw new WorkloadDefinitionError([{ path: 'default', message: 'the module has no default export: end it with `export default defineWorkload({ ... })`' }]);
  const list = Array.isArray(def) ? def : [def];
  const at = (i: number): string => (Array.isArray(def) ? `default[${i}].` : '');
  if (list.length === 0) throw new WorkloadDefinitionError([{ path: 'default', message: 'the array of workloads is empty' }]);
  const problems: Problem[] = list.flatMap((w, i) => workloadProblems(w).map((p) => ({ path: at(i) + p.path, message: p.message })));
  if (problems.length > 0) throw new WorkloadDefinitionError(problems);
  return list.map((w, i) => {
    try {
      return registerWorkload(attributed(w as Workload), { kind: 'module', url });
    } catch (e) {
      if (e instanceof WorkloadDefinitionError) throw new WorkloadDefinitionError(e.problems.map((p) => ({ path: at(i) + p.path, message: p.message })));
      throw e;
    }
  });
}

/** Imports and registers modules by URL, in order (workers call this before building nodes). */
export async function loadWorkloadModules(urls: readonly string[]): Promise<void> {
  for (const url of urls) registerWorkloadModule(url, await import(/* @vite-ignore */ url));
}
