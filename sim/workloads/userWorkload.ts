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
// What a hook returns is checked as it comes back (validate() an array of problems, nodes()
// a spec with a factory for each topology node at least, a factory a Process, install() an
// object, finish() stats of strings and finite numbers, drawSettings() null or { scenario,
// drawn }): anything else is a WorkloadError
// naming the hook and what it should return, not a TypeError deep in faultline.
// The wrapping does not change a run: same events, same order, same trace hash.
// `loadWorkloadModules` imports modules by URL; it runs in any realm (worker threads, Web
// Workers), which is how workers find the workloads the CLI or the page loaded.
import type { Micros, NodeContext, NodeId, Process } from '../../core/env.ts';
import type { Problem } from '../scenario/schema.ts';
import { NODE_ID_MAX, RunEndingError } from '../host/runtime.ts';
import { formatMicros } from '../kernel/time.ts';
import type { NodeSpec, SendTap, TelemetryListener, World } from '../world/world.ts';
import { registerWorkload, WorkloadDefinitionError } from './registry.ts';
import { BUILTIN_STATS, workloadProblems, type Installed, type Workload } from './workload.ts';

/**
 * An exception from a user's workload code, with the user's frames of its stack. It ends
 * the run wherever it is thrown (a RunEndingError): even inside a node's event handler it
 * is the workload's, not a node that failed.
 */
export class WorkloadError extends RunEndingError {
  /**
   * `workload` is null when the code that threw ran as a callback (a listener, a scheduled
   * action) and no hook names it. `returned`, when given, says what the hook returned that
   * faultline cannot use (the hook threw nothing: `original` is null).
   */
  constructor(readonly workload: string | null, readonly hook: string, readonly original: unknown, readonly frames: readonly string[], misuse?: string) {
    const who = workload === null ? 'workload code' : `workload ${workload}`;
    const at = frames.length > 0 ? `\n${frames.join('\n')}` : '';
    super(misuse === undefined ? `${who} threw in ${hook}: ${messageOf(original)}${at}` : `${who}: ${hook} ${misuse}${at}`);
  }
}

/** A hook's result that faultline cannot use: the workload, the hook, what came back and what was expected. */
function badResult(workload: string, hook: string, what: string): WorkloadError {
  return new WorkloadError(workload, hook, null, [], `returned ${what}`);
}

/**
 * A call of faultline's API that breaks its contract (a time in the past, a node that does
 * not exist): the workload, the call as made, what is wrong and the fix, and the user's
 * line that made it.
 */
function misused(workload: string, call: string, what: string): WorkloadError {
  const loc = userLocation(new Error(call));
  return new WorkloadError(workload, call, null, [], `${what}${loc === null ? '' : ` (called at ${loc})`}`);
}

/** A returned value as a message shows it: short, and never a stack or a whole object. */
function shown(v: unknown): string {
  if (v === undefined || v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return typeof v === 'bigint' ? `${v}n (a bigint)` : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const keys = Object.keys(v);
  return keys.length === 0 ? '{}' : `an object with ${keys.slice(0, 5).join(', ')}${keys.length > 5 ? ', ...' : ''}`;
}

/** Whether `v` is a promise (or anything with a then method): what an async function returns. */
function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof (v as { then?: unknown }).then === 'function';
}

/**
 * A hook or handler that returned a promise: refused, its rejection (if any) kept from
 * ending the process as an unhandled rejection with a stack. Its code after the first await
 * would run after the run, outside the simulation: a check that never judged, a timer set
 * by no event (the run printed PASS, then Node's stack of "setTimer called ... outside its
 * own event handler", exit 1).
 */
function promised(workload: string, hook: string, v: PromiseLike<unknown>, what: string): WorkloadError {
  Promise.resolve(v).catch(() => {});
  return badResult(workload, hook, `a Promise (is it an async function?): ${what}; drop async, and do the work before returning`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** "a control character (U+000A at character 3)" for the first in `text`, or null (cli/args.ts says the same of flags). */
function controlCharacter(text: string): string | null {
  const at = text.search(/[\u0000-\u001f\u007f-\u009f]/);
  return at < 0 ? null : `a control character (U+${text.charCodeAt(at).toString(16).toUpperCase().padStart(4, '0')} at character ${at + 1})`;
}

/** Why text a workload returns for faultline to print cannot be printed, or null. */
function unprintable(text: string): string | null {
  const c = controlCharacter(text);
  return c === null ? null : `holds ${c}: it would print raw into faultline's messages (a line break reads as another line, an escape rewrites the terminal); write plain text`;
}

/** validate()'s result: an array of problems, each { path, message }, printable and not empty. */
function checkedProblems(workload: string, v: unknown): Problem[] {
  const expected = 'expected an array of problems, each { path: string, message: string } ([] when the scenario is fine)';
  if (!Array.isArray(v)) throw badResult(workload, 'validate()', `${shown(v)}: ${expected}`);
  v.forEach((p: unknown, i) => {
    if (!isObject(p) || typeof p.path !== 'string' || typeof p.message !== 'string') throw badResult(workload, 'validate()', `${shown(p)} at [${i}]: ${expected}`);
    if (p.path.trim() === '') throw badResult(workload, 'validate()', `a problem with an empty path at [${i}]: name the field it is about (e.g. "${workload}.size", or "(root)" for the scenario as a whole)`);
    if (p.message.trim() === '') throw badResult(workload, 'validate()', `a problem with an empty message at [${i}] (path ${JSON.stringify(p.path)}): say what is wrong with the field and the fix`);
    for (const field of ['path', 'message'] as const) {
      const why = unprintable(p[field] as string);
      if (why !== null) throw badResult(workload, 'validate()', `a problem whose ${field} ${why} (at [${i}])`);
    }
  });
  return v as Problem[];
}

function checkedReason(workload: string, v: unknown): string | null {
  const why = typeof v === 'string' ? unprintable(v) : null;
  if (why !== null) throw badResult(workload, 'kvHistory()', `a reason that ${why}`);
  if (v === null || (typeof v === 'string' && v.trim() !== '')) return v;
  throw badResult(workload, 'kvHistory()', `${shown(v)}: expected null (the run records a key-value history) or a sentence saying why it records none`);
}

/** nodes()'s result: a spec { role, factory } for each of the topology's nodes at least (more for clients and the like). */
function checkedSpecs(workload: string, v: unknown, topologyNodes: number): NodeSpec[] {
  const expected = 'expected an array of node specs { role: string, factory: (id) => Process }';
  if (!Array.isArray(v)) throw badResult(workload, 'nodes()', `${shown(v)}: ${expected}, one for each of the topology's ${topologyNodes} nodes at least`);
  if (v.length < topologyNodes) throw badResult(workload, 'nodes()', `${v.length} node spec${v.length === 1 ? '' : 's'}, but the scenario's topology has ${topologyNodes} nodes (faults address nodes 0..${topologyNodes - 1}): return a spec for each of them at least`);
  if (v.length > NODE_ID_MAX + 1) throw badResult(workload, 'nodes()', `${v.length} node specs; a run has at most ${NODE_ID_MAX + 1} nodes`);
  v.forEach((spec: unknown, i) => {
    if (!isObject(spec)) throw badResult(workload, 'nodes()', `${shown(spec)} at [${i}]: ${expected}`);
    if (typeof spec.factory !== 'function') throw badResult(workload, 'nodes()', `a spec without a factory at [${i}] (factory is ${shown(spec.factory)}): ${expected}`);
    if (typeof spec.role !== 'string') throw badResult(workload, 'nodes()', `a spec whose role is ${shown(spec.role)} at [${i}]: ${expected}`);
  });
  return v as NodeSpec[];
}

const PROCESS_METHODS = ['start', 'onMessage', 'onTimer'] as const;
const PROCESS_OPTIONAL = ['memoryBytes', 'shutdown', 'inspect'] as const;

/** A factory's result: a Process, with its three methods (and the optional ones, when given, functions too). */
function checkedProcess(workload: string, hook: string, p: unknown): Process {
  const expected = `expected a Process: an object with methods ${PROCESS_METHODS.join(', ')} (and optionally ${PROCESS_OPTIONAL.join(', ')})`;
  if (p === null || typeof p !== 'object') throw badResult(workload, hook, `${shown(p)}: ${expected}`);
  const o = p as Record<string, unknown>;
  const missing = PROCESS_METHODS.filter((m) => typeof o[m] !== 'function');
  if (missing.length > 0) throw badResult(workload, hook, `an object without ${missing.join(', ')}: ${expected}`);
  const bad = PROCESS_OPTIONAL.filter((m) => o[m] !== undefined && typeof o[m] !== 'function');
  if (bad.length > 0) throw badResult(workload, hook, `an object whose ${bad.join(', ')} ${bad.length === 1 ? 'is not a function' : 'are not functions'}: ${expected}`);
  return p as Process;
}

/** install()'s result: an object with an optional finish() and an optional leaders { current() }. */
function checkedInstalled(workload: string, v: unknown): Installed {
  const expected = 'expected an object { finish?(): Record<string, number | string>, leaders?: { current(): number } } ({} for neither)';
  if (!isObject(v)) throw badResult(workload, 'install()', `${shown(v)}: ${expected}`);
  if (v.finish !== undefined && typeof v.finish !== 'function') throw badResult(workload, 'install()', `an object whose finish is ${shown(v.finish)}: ${expected}`);
  if (v.leaders !== undefined && !(isObject(v.leaders) && typeof v.leaders.current === 'function')) throw badResult(workload, 'install()', `an object whose leaders is ${shown(v.leaders)}: ${expected}`);
  return v as Installed;
}

/** drawSettings()'s result: null (nothing asked for), or the scenario with the drawn values written in and those values. */
function checkedDraw(workload: string, v: unknown): ReturnType<NonNullable<Workload['drawSettings']>> {
  const expected = 'expected null (the scenario asks for no drawing) or { scenario, drawn }: the scenario with the drawn values written in, and those values as strings, numbers or true/false by name';
  if (v === null) return null;
  if (!isObject(v) || !isObject(v.scenario) || !isObject(v.drawn)) throw badResult(workload, 'drawSettings()', `${shown(v)}: ${expected}`);
  for (const [k, x] of Object.entries(v.drawn)) {
    if (!(typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)))) throw badResult(workload, 'drawSettings()', `drawn values whose ${k} is ${shown(x)}: ${expected}`);
  }
  return v as ReturnType<NonNullable<Workload['drawSettings']>>;
}

/** finish()'s result: the report's stats, each a string or a finite number (or nothing). */
function checkedStats(workload: string, v: unknown): Record<string, number | string> {
  const expected = 'expected the run\'s stats: an object of strings and finite numbers, e.g. { largest: 7 }';
  if (v === undefined) return {};
  if (!isObject(v)) throw badResult(workload, 'finish()', `${shown(v)}: ${expected}`);
  for (const [k, x] of Object.entries(v)) {
    if (!(typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)))) throw badResult(workload, 'finish()', `an object whose ${k} is ${shown(x)}: ${expected}`);
    const why = unprintable(k) ?? (typeof x === 'string' ? unprintable(x) : null);
    if (why !== null) throw badResult(workload, 'finish()', `an object whose stat ${JSON.stringify(k)} ${why}`);
    if ((BUILTIN_STATS as readonly string[]).includes(k)) throw badResult(workload, 'finish()', `an object with the key ${k}, which every run report already has (${BUILTIN_STATS.join(', ')}): name your stat something else`);
  }
  return v as Record<string, number | string>;
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
  let v: T;
  try {
    v = f();
  } catch (e) {
    throw e instanceof WorkloadError ? e : new WorkloadError(workload, hook, e, userFrames(e));
  }
  if (isThenable(v)) throw promised(workload, hook, v, `${hook} runs synchronously, and faultline uses what it returns at once`);
  return v;
}

const HANDLERS = ['start', 'onMessage', 'onTimer', 'shutdown'] as const;

/** A time or count as a message shows it: "50ms (50000 µs)" when it is a whole, finite number of µs. */
function timeShown(us: number): string {
  return Number.isInteger(us) ? `${formatMicros(us)} (${us} µs)` : String(us);
}

/**
 * The node context a user's process gets: the runtime's own, except that setTimer refuses
 * a delay that is not a whole number of µs (simulated time counts whole µs; the runtime
 * rounds the fractions its own modules draw, but a user's 2.5 was moved to 3 µs without a
 * word). Delays that are no number of µs at all keep the runtime's own message.
 */
function guardedContext(workload: string, ctx: NodeContext): NodeContext {
  const setTimer = ctx.setTimer;
  return {
    ...ctx,
    setTimer(afterUs: Micros, tag: string): number {
      if (typeof afterUs === 'number' && Number.isFinite(afterUs) && afterUs >= 0 && !Number.isInteger(afterUs)) {
        throw misused(workload, `setTimer(${afterUs}, ${shown(tag)}) of node ${ctx.id}'s process`, `asks for a delay of ${afterUs} µs, not a whole number: simulated time counts whole µs, so say which one: Math.ceil(delay) (${Math.ceil(afterUs)} µs) or Math.round(delay) (${Math.round(afterUs)} µs)`);
      }
      return setTimer(afterUs, tag);
    },
  };
}

/**
 * The world a user's install() gets: the world itself, except that its actions
 * (world.at, world.checkAt) and telemetry listeners must not return a promise (their code
 * after an await ran after the run, and its error ended the process as an unhandled
 * rejection after the verdict), an action's time must be a whole number of µs not in the
 * past (a past time was moved to now without a word), and world.violate must name a node
 * of the run (0 .. world.nodeCount - 1, every node nodes() returned) or null.
 */
function guardedWorld(workload: string, world: World): World {
  const sync = <A extends unknown[]>(what: string, why: string, f: (...a: A) => unknown) => (...a: A): void => {
    const v = f(...a);
    if (isThenable(v)) throw promised(workload, what, v, why);
  };
  const when = (call: string, timeUs: unknown): void => {
    const nowUs = world.nowUs;
    if (typeof timeUs !== 'number' || !Number.isInteger(timeUs)) throw misused(workload, call, `gives the time ${shown(timeUs)}: expected a whole number of µs, at or after now (${timeShown(nowUs)}), e.g. world.nowUs + delay`);
    if (timeUs < nowUs) throw misused(workload, call, `was called at ${timeShown(nowUs)} for ${timeShown(timeUs)}, a time already past: an action runs at or after now; schedule it at world.nowUs or later (world.nowUs + delay)`);
  };
  const action = (name: unknown, run: () => void): (() => void) => sync(`the world.at action ${shown(name)}`, 'an action runs synchronously at its time; what it does after an await would happen outside the simulation, after the run', run);
  const node = (call: string, id: unknown): void => {
    if (id === null || (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < world.nodeCount)) return;
    throw misused(workload, call, `names node ${shown(id)}, which this run does not have: its nodes are 0..${world.nodeCount - 1} (world.nodeCount ${world.nodeCount}, every node nodes() returned); name one of them, or null for a violation of the system as a whole`);
  };
  const own: Record<string, unknown> = {
    at(timeUs: Micros, name: string, run: () => void, origin?: NodeId): void {
      when(`world.at(${shown(timeUs)}, ${shown(name)})`, timeUs);
      world.at(timeUs, name, action(name, run), origin);
    },
    checkAt(timeUs: Micros, check: string, run: () => void, actionName?: string): void {
      when(`world.checkAt(${shown(timeUs)}, ${shown(check)})`, timeUs);
      world.checkAt(timeUs, check, action(actionName ?? `check ${check}`, run), actionName);
    },
    onTelemetry(l: TelemetryListener): void {
      world.onTelemetry(sync('a world.onTelemetry listener', 'a listener runs synchronously, inside the event that emitted the telemetry; what it does after an await would happen outside the simulation, after the run', l));
    },
    // The world's other callbacks, less used, hold to the same rule.
    onAfterEvent(f: (node: NodeId) => void): void {
      world.onAfterEvent(sync('a world.onAfterEvent hook', 'a hook runs synchronously, after each event; what it does after an await would happen outside the simulation', f));
    },
    onSend(f: SendTap): void {
      world.onSend(sync('a world.onSend tap', 'a tap runs synchronously, as the message is sent; what it does after an await would happen outside the simulation', f));
    },
    onConclude(f: () => void): void {
      world.onConclude(sync('a world.onConclude hook', 'a hook runs synchronously, before the verdict; what it does after an await would happen after the verdict', f));
    },
    serveEndpoint(id: NodeId, handler: (from: NodeId, msg: unknown) => void): void {
      world.serveEndpoint(id, sync(`the world.serveEndpoint handler of node ${id}`, 'a handler runs synchronously, as the message arrives; what it does after an await would happen outside the simulation', handler));
    },
    violate(...a: unknown[]): void {
      const at = typeof a[0] === 'number' ? 2 : 1;
      node(`world.violate(${a.slice(0, at + 1).map(shown).join(', ')}, ...)`, a[at]);
      (world.violate as (...b: unknown[]) => void)(...a);
    },
  };
  return new Proxy(world, {
    get(target, key) {
      if (typeof key === 'string' && Object.hasOwn(own, key)) return own[key];
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * A process whose exceptions carry the user's file and line in their message. A handler
 * that returns a promise, and a memoryBytes() that throws or returns what is not a number
 * of bytes, are the workload's errors (they end the run, exit 2): the first would act
 * outside its event, the second made the run crash as faultline's own bug, or (NaN, a
 * negative) passed every memory check without a word.
 */
function guardProcess(workload: string, id: NodeId, p: Process): Process {
  const located = (e: unknown): unknown => {
    const loc = userLocation(e);
    if (loc === null) return e;
    return new Error(`${messageOf(e)} (at ${loc})`, { cause: e });
  };
  const wrap = <A extends unknown[], R>(f: (...a: A) => R, method: string) => (...a: A): R => {
    let r: R;
    try {
      r = f.apply(p, method === 'start' ? ([guardedContext(workload, a[0] as NodeContext)] as unknown as A) : a);
    } catch (e) {
      throw e instanceof RunEndingError ? e : located(e);
    }
    if (isThenable(r)) throw promised(workload, `${method}() of node ${id}'s process`, r, 'a process handles each event synchronously, within the event; what an async handler does after an await would happen outside the simulation, after the run');
    return r;
  };
  const out = {} as Process;
  for (const m of HANDLERS) if (p[m] !== undefined) (out as unknown as Record<string, unknown>)[m] = wrap(p[m] as (...a: unknown[]) => unknown, m);
  const memoryBytes = p.memoryBytes;
  if (memoryBytes !== undefined) {
    const hook = `memoryBytes() of node ${id}'s process`;
    out.memoryBytes = () => {
      const v = guard(workload, hook, () => memoryBytes.call(p));
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw badResult(workload, hook, `${shown(v)}: expected the process's live memory, a finite number of bytes >= 0 (0 when it does not say)`);
      return v;
    };
  }
  if (p.inspect !== undefined) out.inspect = wrap(p.inspect, 'inspect');
  return out;
}

const wrapped = new WeakMap<object, Workload>();

/** The workload with every hook guarded (the same object each time for one definition). */
function attributed(w: Workload): Workload {
  const known = wrapped.get(w);
  if (known !== undefined) return known;
  const name = w.name;
  const nodes = (s: Parameters<Workload['nodes']>[0]): NodeSpec[] => checkedSpecs(name, guard(name, 'nodes()', () => w.nodes(s)), s.topology.nodes).map((spec) => ({
    ...spec,
    factory: (id: NodeId) => {
      const hook = `the process factory of node ${id}`;
      return guardProcess(name, id, checkedProcess(name, hook, guard(name, hook, () => spec.factory(id))));
    },
  }));
  const install: Workload['install'] = (world, s, ctx) => {
    const inst = checkedInstalled(name, guard(name, 'install()', () => w.install(guardedWorld(name, world), s, ctx)));
    const out: Installed = { ...inst };
    if (inst.finish !== undefined) out.finish = () => checkedStats(name, guard(name, 'finish()', () => (inst.finish as NonNullable<Installed['finish']>).call(inst)));
    return out;
  };
  const out: Workload = { name, description: w.description, sections: w.sections, nodes, install };
  if (w.leader !== undefined) (out as { leader?: boolean }).leader = w.leader;
  if (w.spares !== undefined) (out as { spares?: boolean }).spares = w.spares;
  if (w.ui !== undefined) (out as { ui?: Workload['ui'] }).ui = w.ui;
  if (w.validate !== undefined) {
    const validate = w.validate;
    out.validate = (s, given) => checkedProblems(name, guard(name, 'validate()', () => validate.call(w, s, given)));
  }
  if (w.kvHistory !== undefined) {
    const kvHistory = w.kvHistory;
    out.kvHistory = (s) => checkedReason(name, guard(name, 'kvHistory()', () => kvHistory.call(w, s)));
  }
  if (w.drawSettings !== undefined) {
    const draw = w.drawSettings;
    out.drawSettings = (s, random) => checkedDraw(name, guard(name, 'drawSettings()', () => draw.call(w, s, random)));
  }
  if (w.prepare !== undefined) {
    const prepare = w.prepare;
    out.prepare = async (s) => {
      try {
        await prepare.call(w, s);
      } catch (e) {
        throw e instanceof WorkloadError ? e : new WorkloadError(name, 'prepare()', e, userFrames(e));
      }
    };
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
