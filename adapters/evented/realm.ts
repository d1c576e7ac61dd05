// A realm: a separate JavaScript global (a Node vm context) in which a node's ordinary,
// evented code runs, with its own Promise, its own microtask queue, and globals the
// adapter controls (timers, Date, Math.random, process.nextTick, queueMicrotask).
//
// Contract:
// - Every call into the realm goes through `call(fn)`, which runs `fn` inside a script
//   evaluation of the realm; the realm's context uses `microtaskMode: 'afterEvaluate'`, so
//   when `call` returns, every promise job the call queued (async functions, `await`,
//   `.then`, and process.nextTick / queueMicrotask, which the realm implements as promise
//   jobs) has run, including jobs queued by those jobs. This is how promise
//   continuations are drained synchronously inside a node's event.
// - Code is loaded as CommonJS by the realm's own `require`, compiled in the realm (so its
//   `async` functions and `new Promise` use the realm's Promise). Node's built-in modules
//   are refused except a few synchronous ones (ALLOWED_BUILTINS), which come from the
//   outer realm; `util.promisify` is replaced by one built in the realm.
// - Sources and V8 code caches are kept per file for the process, so a realm costs a few
//   milliseconds after the first; module state is never shared between realms.
import { readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname } from 'node:path';
import * as vm from 'node:vm';

/** Built-ins a hosted module may require: synchronous APIs only (they run in the outer realm). */
export const ALLOWED_BUILTINS = ['assert', 'buffer', 'events', 'stream', 'string_decoder', 'util'] as const;

const sources = new Map<string, string>();
const codeCaches = new Map<string, Buffer>();
const resolutions = new Map<string, string>();

/** A built-in the realm refuses, or a file it cannot load: the message names the module and why. */
export class RealmLoadError extends Error {}

interface CjsModule {
  exports: unknown;
}

type Wrapper = (exports: unknown, require: (spec: string) => unknown, module: CjsModule, filename: string, dirname: string) => void;

function resolveFrom(from: string, spec: string): string {
  const key = `${from}\0${spec}`;
  let out = resolutions.get(key);
  if (out === undefined) {
    try {
      out = createRequire(from).resolve(spec);
    } catch (e) {
      throw new RealmLoadError(`cannot find module "${spec}" required from ${from}: ${(e as Error).message.split('\n')[0]}`);
    }
    resolutions.set(key, out);
  }
  return out;
}

function sourceOf(file: string): string {
  let text = sources.get(file);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    sources.set(file, text);
  }
  return text;
}

export class Realm {
  readonly context: vm.Context;
  /** The realm's own global object. */
  readonly global: Record<string, unknown>;
  private readonly modules = new Map<string, CjsModule>();
  private readonly trampoline = new vm.Script('__faultlineCall()', { filename: 'faultline:realm-call' });
  private readonly builtins = new Map<string, unknown>();
  private depth = 0;

  constructor(name: string) {
    this.context = vm.createContext({}, { name, microtaskMode: 'afterEvaluate', codeGeneration: { strings: true, wasm: false } });
    this.global = vm.runInContext('globalThis', this.context) as Record<string, unknown>;
    this.global.global = this.global;
  }

  /**
   * Runs `fn` inside the realm and returns its result once the realm's microtask queue is
   * empty. Nested calls run inline (the outer call drains).
   */
  call<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    let result: T | undefined;
    let thrown: { error: unknown } | null = null;
    this.global.__faultlineCall = () => {
      try {
        result = fn();
      } catch (e) {
        thrown = { error: e };
      }
    };
    this.depth += 1;
    try {
      this.trampoline.runInContext(this.context);
    } finally {
      this.depth -= 1;
      this.global.__faultlineCall = undefined;
    }
    if (thrown !== null) throw (thrown as { error: unknown }).error;
    return result as T;
  }

  /** Evaluates source text in the realm (for small helpers that must be realm functions). */
  evaluate<T>(source: string): T {
    return vm.runInContext(source, this.context) as T;
  }

  /** Loads a CommonJS module file (an absolute path) in the realm and returns its exports. */
  require(file: string): unknown {
    return this.call(() => this.load(file));
  }

  private load(file: string): unknown {
    const known = this.modules.get(file);
    if (known !== undefined) return known.exports;
    const module: CjsModule = { exports: {} };
    this.modules.set(file, module);
    if (file.endsWith('.json')) {
      module.exports = JSON.parse(sourceOf(file));
      return module.exports;
    }
    const cached = codeCaches.get(file);
    const fn = vm.compileFunction(sourceOf(file), ['exports', 'require', 'module', '__filename', '__dirname'], {
      parsingContext: this.context, filename: file, cachedData: cached, produceCachedData: cached === undefined,
    }) as Wrapper & { cachedData?: Buffer };
    if (cached === undefined && fn.cachedData !== undefined) codeCaches.set(file, fn.cachedData);
    fn.call(module.exports, module.exports, (spec) => this.requireFrom(file, spec), module, file, dirname(file));
    return module.exports;
  }

  private requireFrom(from: string, spec: string): unknown {
    if (isBuiltin(spec)) return this.builtin(spec.replace(/^node:/, ''), from);
    return this.load(resolveFrom(from, spec));
  }

  private builtin(name: string, from: string): unknown {
    if (!(ALLOWED_BUILTINS as readonly string[]).includes(name)) {
      throw new RealmLoadError(`${from} requires Node's "${name}", which a simulated node cannot use (it would reach real time, I/O or threads); the node's ports are its host object. Allowed built-ins: ${ALLOWED_BUILTINS.join(', ')}`);
    }
    let mod = this.builtins.get(name);
    if (mod === undefined) {
      mod = createRequire(from)(name) as unknown;
      if (name === 'util') mod = { ...(mod as object), promisify: this.evaluate(REALM_PROMISIFY) };
      this.builtins.set(name, mod);
    }
    return mod;
  }
}

/** util.promisify built in the realm, so the promises it makes drain with the realm's. */
const REALM_PROMISIFY = `(function promisify(fn) {
  if (typeof fn !== 'function') throw new TypeError('promisify: expected a function');
  return function (...args) {
    return new Promise((resolve, reject) => {
      fn.call(this, ...args, (err, ...values) => (err ? reject(err) : resolve(values.length > 1 ? values : values[0])));
    });
  };
})`;
