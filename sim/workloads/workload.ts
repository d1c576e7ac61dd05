// The workload interface: everything the run, the CLI, the schema and the UI know about a
// workload. A workload (heartbeat, raft-kv, load-kv, or a user's own) is a plain object
// made with `defineWorkload` and registered by name (registry.ts); the central code names
// this interface only, never a workload.
//
// Contract:
// - `sections` are the top-level scenario keys the workload reads (`raft:`, `clients:`...),
//   each a zod schema. They join the scenario's one schema, so a bad value is reported by
//   path like any other (`raft.electionTicks: ...`). Two workloads may share a section by
//   declaring the same key with the same schema object; a key another workload declared
//   with a different schema is refused at registration. A scenario that carries a section
//   its workload does not read is refused (see sim/scenario/parse.ts).
// - `nodes(s)` is pure and deterministic: it runs in the kernel's thread and again inside
//   every lockstep worker, which must build the same nodes from the same scenario.
// - `install(world, s, ctx)` runs once per run, in the kernel's thread, on a booted world:
//   it adds checks (telemetry listeners, world.at actions) and returns what the end of the
//   run needs. The scenario's faults are scheduled by `ctx.scheduleFaults`: the run calls
//   it after install unless install already did, because the order in which actions are
//   scheduled breaks ties between actions at the same instant (and so is part of the run).
// - `ui` is data the page reads: the metric to chart first, colours for roles and message
//   types, message shapes, which side panels to offer, which details draw timers and votes,
//   when to slow down. Nothing in it changes a run.
import type { z } from 'zod';
import type { Micros } from '../../core/env.ts';
import type { LeaderSource } from '../faults/schedule.ts';
import type { Stream } from '../kernel/random.ts';
import type { BaseScenario, Problem } from '../scenario/schema.ts';
import type { NodeSpec, World } from '../world/world.ts';

/** The scenario sections a workload reads, by top-level key. */
export type Sections = { readonly [key: string]: z.ZodType };

/** A parsed scenario as a workload sees it: the common fields plus its own sections, defaulted. */
export type ScenarioOf<S extends Sections> = BaseScenario & { readonly [K in keyof S]: z.output<S[K]> };

export type { LeaderSource };

export interface InstallContext {
  /** When the last fault heals: the liveness phase runs from here for `liveness.within`. */
  readonly healUs: Micros;
  /**
   * Schedules the scenario's faults on the world, aiming `leader` faults at `leaders`.
   * Call it at most once; if install() does not, the run calls it right after install()
   * with the `leaders` install returned.
   */
  scheduleFaults(leaders?: LeaderSource): void;
  /** Budgets of the end-of-run checks; a check that reaches one reports inconclusive. */
  readonly checkLimits: CheckLimits;
}

/** Budgets of the history checks (tests make them small); unset means the checker's default. */
export interface CheckLimits {
  /** Search steps of the linearizability check. */
  linearizabilityStepsMax?: number;
  /** Client operations the history recorder keeps. */
  historyOpsMax?: number;
}

export interface Installed {
  /** End-of-run checks (report broken ones with world.violate); returns the report's stats. */
  finish?(): Record<string, number | string>;
  /** Who leads right now (node id, or -1), for `leader` faults; required when the workload says `leader: true`. */
  leaders?: LeaderSource;
}

/** Shapes the page draws messages in, so message families read apart beyond colour. */
export const MESSAGE_SHAPES = ['circle', 'square', 'diamond', 'triangle', 'hexagon', 'bar'] as const;
export type MessageShape = (typeof MESSAGE_SHAPES)[number];

/** What the page shows for a workload. Data only: none of it changes a run. */
export interface WorkloadUi {
  /** The per-node number the timeline charts first: a numeric inspect() detail, or `#name` for an array's length. */
  metric?: string;
  /** Colours for the roles the workload's processes report in inspect().role (lower case). */
  roleColors?: Readonly<Record<string, string>>;
  /** Colours for the workload's message types (a message's `type` field). */
  messageColors?: Readonly<Record<string, string>>;
  /** A shape per message type (its family: votes, appends, heartbeats...); others are circles. */
  messageShapes?: Readonly<Record<string, MessageShape>>;
  /** A message field that, when true, marks a reply as refused (a vote not granted, an append rejected). */
  refusalField?: string;
  /** Side-panel views the page offers for this workload, by the id a page panel registered (ui/panels/). */
  panels?: readonly string[];
  /** inspect() details that draw a timer's progress on each node: elapsed and timeout, in the same unit. */
  timer?: { readonly elapsed: string; readonly timeout: string; readonly label: string };
  /** inspect() details for votes: whom the node voted for (-1: none), in which term, and (a candidate's) votes received by node. */
  vote?: { readonly field: string; readonly term: string; readonly received?: string };
  /** Playback slows down while a node has one of these roles or one of these message types is in flight. */
  slowMotion?: { readonly roles?: readonly string[]; readonly messages?: readonly string[]; readonly label: string };
  /** The role that leads, so the metrics can count the time with no node in it. */
  leaderRole?: string;
  /**
   * inspect() details listing the node's own configuration (arrays of node ids): the page
   * marks a node its configuration names a learner, or does not name at all.
   */
  membership?: { readonly voters: string; readonly learners: string };
  /** The telemetry that marks client operations, for latency, throughput and error rates. */
  operations?: OperationsUi;
}

/**
 * Client operations as telemetry: an optional `start` event and an `end` event, paired by
 * the `key` fields. The latency is the end's `latencyField` (µs) when given, else the
 * simulated time from start to end. The end's `outcomeField`, read as text, is counted as
 * a refusal or an error when it is in `refused` or `errors`; any other value is a success.
 */
export interface OperationsUi {
  readonly start?: { readonly event: string; readonly key: readonly string[] };
  readonly end: {
    readonly event: string;
    readonly key?: readonly string[];
    readonly latencyField?: string;
    readonly outcomeField?: string;
    readonly refused?: readonly string[];
    readonly errors?: readonly string[];
  };
}

export interface Workload<S extends Sections = Sections> {
  /** What a scenario's `workload:` field says: lowercase letters, digits and dashes. */
  readonly name: string;
  /** One sentence for `faultline list` and the docs. */
  readonly description: string;
  /** The top-level scenario sections this workload reads (may be empty). */
  readonly sections: S;
  /** True when install() returns `leaders`, so scenarios may use `leader` faults. */
  readonly leader?: boolean;
  /**
   * True when the workload brings in `topology.spares` (idle server slots an operator or a
   * manager adds to the cluster); a scenario of any other workload may not name spares.
   */
  readonly spares?: boolean;
  /**
   * Problems the section schemas cannot see (across fields or sections), each with its path.
   * `given` is the document as the file wrote it, before defaults: where a section or field
   * the workload reads only in some settings was written (and so would be ignored), say so.
   */
  validate?(s: ScenarioOf<S>, given: Readonly<Record<string, unknown>>): Problem[];
  /**
   * Why a run of `s` records no client key-value history (the clients' `kv.invoke` and
   * `kv.complete` telemetry, which `run --history-out` writes), or null when it records
   * one. `run --history-out` on a run that records none is refused before it starts.
   * Absent: the workload does not say, and the file holds whatever the run recorded.
   */
  kvHistory?(s: ScenarioOf<S>): string | null;
  /** The nodes, by node id. Pure: it runs again inside every lockstep worker. */
  nodes(s: ScenarioOf<S>): NodeSpec[];
  /** Installs the workload's checks on a booted world (see the contract above). */
  install(world: World, s: ScenarioOf<S>, ctx: InstallContext): Installed;
  /**
   * Loads what `nodes` and `install` read synchronously (data files, WebAssembly modules),
   * once per thread. Node can load those on first use; a browser page or Web Worker cannot,
   * so every thread that builds nodes awaits this first (prepareScenario in registry.ts).
   */
  prepare?(s: ScenarioOf<S>): Promise<void>;
  /**
   * Swarm testing of the workload's own settings: draws them from `random` (a stream of the
   * run's seed) when the scenario asks for it, and returns the scenario with the drawn
   * values written in and the request removed (so drawing again changes nothing), plus the
   * values drawn, for the report. Null when the scenario asks for nothing. Pure.
   */
  drawSettings?(s: ScenarioOf<S>, random: Stream): { scenario: ScenarioOf<S>; drawn: Record<string, string | number | boolean> } | null;
  readonly ui?: WorkloadUi;
}

/**
 * Declares a workload. It returns its argument unchanged (typed, so `s` in `nodes` and
 * `install` knows the sections); the registry checks it when it is registered.
 */
export function defineWorkload<S extends Sections>(w: Workload<S>): Workload<S> {
  return w;
}

/** The stats every run report has (sim/run/runScenario.ts); a workload's finish() may not use these keys. */
export const BUILTIN_STATS = ['traced', 'nodes', 'crashes', 'oomCrashes'] as const;

/** The top-level keys every scenario has, which no workload may use as a section. */
export const BASE_KEYS = ['name', 'description', 'workload', 'topology', 'duration', 'faults', 'swarm', 'liveness'] as const;

const WORKLOAD_FIELDS = ['name', 'description', 'sections', 'leader', 'spares', 'validate', 'kvHistory', 'nodes', 'install', 'prepare', 'drawSettings', 'ui'];
const UI_FIELDS = ['metric', 'roleColors', 'messageColors', 'messageShapes', 'refusalField', 'panels', 'timer', 'vote', 'slowMotion', 'leaderRole', 'membership', 'operations'];
const NAME = /^[a-z][a-z0-9-]*$/;
const SECTION_KEY = /^[a-z][a-zA-Z0-9]*$/;

function isZodSchema(v: unknown): v is z.ZodType {
  return v !== null && typeof v === 'object' && '_zod' in v && typeof (v as { safeParse?: unknown }).safeParse === 'function';
}

function colorProblems(v: unknown, path: string): Problem[] {
  if (v === undefined) return [];
  if (v === null || typeof v !== 'object') return [{ path, message: 'expected an object of colours, e.g. { leader: "#c98a0b" }' }];
  return Object.entries(v).filter(([, c]) => typeof c !== 'string').map(([k]) => ({ path: `${path}.${k}`, message: 'expected a CSS colour string' }));
}

function uiProblems(ui: unknown): Problem[] {
  if (ui === undefined) return [];
  if (ui === null || typeof ui !== 'object') return [{ path: 'ui', message: 'expected an object (metric, roleColors, messageColors)' }];
  const u = ui as Record<string, unknown>;
  const out: Problem[] = Object.keys(u).filter((k) => !UI_FIELDS.includes(k)).map((k) => ({ path: `ui.${k}`, message: `unknown field; ui has ${UI_FIELDS.join(', ')}` }));
  if (u.metric !== undefined && typeof u.metric !== 'string') out.push({ path: 'ui.metric', message: 'expected the name of a numeric inspect() detail, e.g. "term"' });
  for (const k of ['refusalField', 'leaderRole'] as const) if (u[k] !== undefined && typeof u[k] !== 'string') out.push({ path: `ui.${k}`, message: 'expected a string' });
  if (u.panels !== undefined && !(Array.isArray(u.panels) && u.panels.every((p) => typeof p === 'string'))) out.push({ path: 'ui.panels', message: 'expected a list of panel ids, e.g. ["replicated-log"]' });
  if (u.messageShapes !== undefined) {
    if (u.messageShapes === null || typeof u.messageShapes !== 'object') out.push({ path: 'ui.messageShapes', message: `expected an object of shapes (${MESSAGE_SHAPES.join(', ')}) by message type` });
    else for (const [k, v] of Object.entries(u.messageShapes)) if (!(MESSAGE_SHAPES as readonly unknown[]).includes(v)) out.push({ path: `ui.messageShapes.${k}`, message: `expected one of ${MESSAGE_SHAPES.join(', ')}` });
  }
  const ops = u.operations as { end?: { event?: unknown } } | undefined;
  if (ops !== undefined && (ops === null || typeof ops !== 'object' || typeof ops.end?.event !== 'string')) out.push({ path: 'ui.operations.end.event', message: 'expected the name of the telemetry event that ends a client operation' });
  for (const [k, fields] of [['timer', ['elapsed', 'timeout', 'label']], ['vote', ['field', 'term']], ['slowMotion', ['label']], ['membership', ['voters', 'learners']]] as const) {
    const v = u[k];
    if (v === undefined) continue;
    if (v === null || typeof v !== 'object') out.push({ path: `ui.${k}`, message: `expected an object with ${fields.join(', ')}` });
    else for (const f of fields) if (typeof (v as Record<string, unknown>)[f] !== 'string') out.push({ path: `ui.${k}.${f}`, message: 'expected a string' });
  }
  return [...out, ...colorProblems(u.roleColors, 'ui.roleColors'), ...colorProblems(u.messageColors, 'ui.messageColors')];
}

function sectionProblems(sections: unknown): Problem[] {
  if (sections === null || typeof sections !== 'object' || Array.isArray(sections)) return [{ path: 'sections', message: 'expected an object of zod schemas by section key, e.g. { register: z.object({...}) } (or {} for none)' }];
  const out: Problem[] = [];
  for (const [key, schema] of Object.entries(sections)) {
    if ((BASE_KEYS as readonly string[]).includes(key)) out.push({ path: `sections.${key}`, message: `"${key}" is a field every scenario has; name the section something else` });
    else if (!SECTION_KEY.test(key)) out.push({ path: `sections.${key}`, message: 'a section key is a camelCase word starting with a lowercase letter' });
    if (!isZodSchema(schema)) out.push({ path: `sections.${key}`, message: 'expected a zod 4 schema such as z.object({ ... }); import z from faultline so it is the same zod' });
  }
  return out;
}

/** Checks a would-be workload's shape; every problem names its field. */
export function workloadProblems(w: unknown): Problem[] {
  if (w === null || typeof w !== 'object' || Array.isArray(w)) return [{ path: '(workload)', message: 'expected a workload object made with defineWorkload({ name, description, sections, nodes, install })' }];
  const o = w as Record<string, unknown>;
  const out: Problem[] = Object.keys(o).filter((k) => !WORKLOAD_FIELDS.includes(k)).map((k) => ({ path: k, message: `unknown field; a workload has ${WORKLOAD_FIELDS.join(', ')}` }));
  if (typeof o.name !== 'string' || !NAME.test(o.name)) out.push({ path: 'name', message: `expected lowercase letters, digits and dashes starting with a letter, got ${JSON.stringify(o.name)}` });
  if (typeof o.description !== 'string' || o.description.trim() === '') out.push({ path: 'description', message: 'expected a sentence saying what the workload runs and checks' });
  out.push(...sectionProblems(o.sections));
  for (const f of ['leader', 'spares'] as const) if (o[f] !== undefined && typeof o[f] !== 'boolean') out.push({ path: f, message: 'expected true or false' });
  for (const f of ['nodes', 'install'] as const) if (typeof o[f] !== 'function') out.push({ path: f, message: `expected a function (${f === 'nodes' ? 'nodes(s) => NodeSpec[]' : 'install(world, s, ctx) => ({ finish })'})` });
  if (o.validate !== undefined && typeof o.validate !== 'function') out.push({ path: 'validate', message: 'expected a function validate(s, given) => Problem[]' });
  if (o.kvHistory !== undefined && typeof o.kvHistory !== 'function') out.push({ path: 'kvHistory', message: 'expected a function kvHistory(s) => string | null (why the run records no key-value history, or null)' });
  if (o.prepare !== undefined && typeof o.prepare !== 'function') out.push({ path: 'prepare', message: 'expected an async function prepare(s) => Promise<void>' });
  if (o.drawSettings !== undefined && typeof o.drawSettings !== 'function') out.push({ path: 'drawSettings', message: 'expected a function drawSettings(s, random) => { scenario, drawn } | null' });
  return [...out, ...uiProblems(o.ui)];
}
