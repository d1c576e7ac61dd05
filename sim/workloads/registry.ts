// The workload registry: every workload a scenario may name, by name. The built-ins are
// registered when this module loads; a user's module adds its own (userWorkload.ts).
//
// Contract: the registry is process-wide (one per JavaScript realm: the CLI's thread,
// each worker thread, the page, each Web Worker), because scenario files and worker
// messages name workloads as data; every realm that runs a user's workload loads the same
// module first (the CLI ships its URL to its workers). Registering checks the definition
// (workload.ts) and refuses a name or a section key that clashes with one registered by
// someone else; registering the same object again from the same origin is a no-op, so a
// module may be loaded twice. Nothing is ever unregistered.
import type { BaseScenario, Problem, Scenario } from '../scenario/schema.ts';
import type { NodeSpec } from '../world/world.ts';
import { BUILTIN_WORKLOADS } from './builtins.ts';
import { workloadProblems, type Workload } from './workload.ts';

/**
 * Where a workload came from: shipped with faultline, a user's module (its URL, which
 * workers import too), or a script that registered it directly (this thread only).
 */
export type WorkloadOrigin = { kind: 'builtin' } | { kind: 'module'; url: string } | { kind: 'script' };

interface Entry {
  workload: Workload;
  origin: WorkloadOrigin;
}

/** A definition the registry refused; `problems` name the fields. */
export class WorkloadDefinitionError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  }
}

const entries = new Map<string, Entry>();

function originText(o: WorkloadOrigin): string {
  return o.kind === 'builtin' ? 'the built-in workload' : o.kind === 'script' ? 'the workload' : `the workload from ${o.url}`;
}

function clashProblems(w: Workload, origin: WorkloadOrigin): Problem[] {
  const out: Problem[] = [];
  const same = entries.get(w.name);
  if (same !== undefined) out.push({ path: 'name', message: `"${w.name}" is already taken by ${originText(same.origin)} ${w.name}; choose another name` });
  for (const [key, schema] of Object.entries(w.sections)) {
    // Every workload that declares a key declares it with the same schema, so the first tells.
    const other = [...entries.values()].find((e) => Object.hasOwn(e.workload.sections, key));
    if (other !== undefined && other.workload.sections[key] !== schema) out.push({ path: `sections.${key}`, message: `the "${key}" section is already declared with another schema by ${originText(other.origin)} ${other.workload.name}; use another key` });
  }
  return out;
}

/**
 * Adds a workload; throws WorkloadDefinitionError listing every problem with its field.
 * Returns the registered workload.
 */
export function registerWorkload(w: unknown, origin: WorkloadOrigin = { kind: 'script' }): Workload {
  const shape = workloadProblems(w);
  if (shape.length > 0) throw new WorkloadDefinitionError(shape);
  const def = w as Workload;
  const prior = entries.get(def.name);
  if (prior !== undefined && prior.workload === def && sameOrigin(prior.origin, origin)) return def;
  const clashes = clashProblems(def, origin);
  if (clashes.length > 0) throw new WorkloadDefinitionError(clashes);
  entries.set(def.name, { workload: def, origin });
  return def;
}

function sameOrigin(a: WorkloadOrigin, b: WorkloadOrigin): boolean {
  return a.kind === 'module' ? b.kind === 'module' && a.url === b.url : a.kind === b.kind;
}

export function findWorkload(name: string): Workload | undefined {
  return entries.get(name)?.workload;
}

/** Every registered workload, built-ins first, then in the order they were registered. */
export function registeredWorkloads(): Workload[] {
  return [...entries.values()].map((e) => e.workload);
}

export function workloadOrigin(name: string): WorkloadOrigin | undefined {
  return entries.get(name)?.origin;
}

/** The URLs of the users' modules registered here, for workers that must load them too. */
export function userModuleUrls(): string[] {
  const urls = new Set<string>();
  for (const e of entries.values()) if (e.origin.kind === 'module') urls.add(e.origin.url);
  return [...urls];
}

/** The workload a parsed scenario names (it was checked when the scenario was parsed). */
export function workloadOf(s: BaseScenario): Workload {
  const w = findWorkload(s.workload);
  if (w === undefined) throw new Error(`no workload named "${s.workload}" is registered in this thread; load its module first (--workload FILE)`);
  return w;
}

/** The workloads that declare a section key, by name (for messages about stray sections). */
export function sectionOwners(key: string): string[] {
  return registeredWorkloads().filter((w) => Object.hasOwn(w.sections, key)).map((w) => w.name);
}

/** Loads what the scenario's workload reads synchronously; await it before building nodes in a browser thread. */
export async function prepareScenario(s: Scenario): Promise<void> {
  await workloadOf(s).prepare?.(s);
}

/** The node specs of a scenario, by node id (also built inside workers). */
export function nodeSpecs(s: Scenario): NodeSpec[] {
  return workloadOf(s).nodes(s);
}

for (const w of BUILTIN_WORKLOADS) registerWorkload(w, { kind: 'builtin' });
