// Turns scenario text (YAML or JSON) into a validated Scenario or a full list of problems.
//
// Contract: the schema a file is checked against is the common part (schema.ts) joined
// with the sections of the workload the file names (sim/workloads); it is built once per
// workload. A section that some other workload reads but this one does not is refused by
// name ("the heartbeat workload does not read a raft section"), as is a workload nobody
// registered. Every problem is listed with its path, whatever the mix.
import { z } from 'zod';
import { healUs, lastHealUs } from '../faults/schedule.ts';
import { findWorkload, registeredWorkloads, sectionOwners } from '../workloads/registry.ts';
import type { Workload } from '../workloads/workload.ts';
import { formatDuration } from './duration.ts';
import { closest, issueText, nonAsciiNote, shownKey } from './issueText.ts';
import { parseJson } from './jsonText.ts';
import { writtenFaultProblems } from './writtenFaults.ts';
import { parseYamlText } from './yamlText.ts';
import { baseScenarioShape, outlastsRun, type Problem, type Scenario } from './schema.ts';

export type { Problem };

export type ParseResult = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out === '' ? '(root)' : out;
}

/** Checks semantic rules the schema cannot see: node indices in range, ordering. */
function semanticProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const n = s.topology.nodes;
  s.faults.forEach((f, i) => {
    const nodes: [string, number][] = [];
    if ('node' in f) nodes.push(['node', f.node]);
    if ('bridge' in f) nodes.push(['bridge', f.bridge]);
    for (const key of ['groups', 'from', 'to', 'left', 'right', 'nodes'] as const) {
      const v = (f as Record<string, unknown>)[key];
      if (!Array.isArray(v)) continue;
      v.forEach((x: number | number[], j: number) => {
        if (Array.isArray(x)) x.forEach((y, k) => nodes.push([`${key}[${j}][${k}]`, y]));
        else nodes.push([`${key}[${j}]`, x]);
      });
    }
    for (const [where, x] of nodes) {
      if (x >= n) problems.push({ path: `faults[${i}].${where}`, message: `node ${x} is out of range: the topology has ${n} nodes (0..${n - 1})` });
    }
    if (f.at > s.duration) problems.push({ path: `faults[${i}].at`, message: `is after the end of the run (${formatDuration(f.at)} > duration ${formatDuration(s.duration)}): move it earlier or make the run longer` });
    if (f.kind === 'partition') problems.push(...disjointProblems(f.groups.map((g, j): [string, number[]] => [`groups[${j}]`, g]), `faults[${i}]`, 'group'));
    if (f.kind === 'bridge') problems.push(...disjointProblems([['left', f.left.filter((x) => x !== f.bridge)], ['right', f.right.filter((x) => x !== f.bridge)]], `faults[${i}]`, 'side'));
    if (f.kind === 'leader') problems.push(...leaderProblems(s, f, `faults[${i}]`));
    else if (AIMED_KINDS.has(f.kind)) problems.push(...needsLeader(s, `faults[${i}].kind`, `a ${f.kind} fault`));
    if (PEER_KINDS.has(f.kind) && s.topology.nodes < 2) problems.push(onePeerProblem(`faults[${i}].kind`, `a ${f.kind} fault`));
    if (f.kind === 'isolate') problems.push(...listedOnce(f.nodes, `faults[${i}].nodes`));
    // A fault that names nothing to change would pass as if it had been tested.
    if (f.kind === 'link' && Object.keys(f.set).length === 0) problems.push({ path: `faults[${i}].set`, message: 'names nothing to change, so this fault does nothing: set latency, loss, duplicate, reorder, corrupt or bandwidthBytesPerS' });
    if (f.kind === 'clock' && f.step === undefined && f.driftPpm === undefined) problems.push({ path: `faults[${i}]`, message: 'a clock fault needs step (µs to move the clock by) or driftPpm, or both; with neither it changes nothing' });
    problems.push(...noEffectProblems(f, `faults[${i}]`));
    if (f.kind === 'oneway' || f.kind === 'link') {
      problems.push(...listedOnce(f.from, `faults[${i}].from`), ...listedOnce(f.to, `faults[${i}].to`));
      if (f.kind === 'oneway' && f.from.every((x) => f.to.every((y) => x === y))) problems.push({ path: `faults[${i}].to`, message: `names only node ${f.from[0]}, the node in from: a node has no link to itself, so this fault changes nothing; list other nodes` });
    }
  });
  const sw = s.swarm;
  if (sw !== undefined) {
    const aimed = sw.kinds.filter((k) => SWARM_AIMED_KINDS.has(k));
    if (aimed.length > 0) problems.push(...needsLeader(s, 'swarm.kinds', `the swarm kind${aimed.length === 1 ? '' : 's'} ${aimed.join(', ')}`, aimed.length > 1));
    const peers = [...new Set(sw.kinds.filter((k) => SWARM_PEER_KINDS.has(k)))];
    if (peers.length > 0 && s.topology.nodes < 2) problems.push(onePeerProblem('swarm.kinds', `the swarm kind${peers.length === 1 ? '' : 's'} ${peers.join(', ')}`, peers.length > 1));
  }
  return [...problems, ...phaseProblems(s), ...latencyProblems(s)];
}

/** Faults whose whole effect lasts their duration: one of 0 starts and heals at the same instant. */
const TIMED_KINDS: ReadonlySet<string> = new Set(['pause', 'partition', 'oneway', 'bridge', 'isolate', 'link', 'throttle', 'memory', 'diskFull', 'leak', 'fsyncLoss', 'tornWrites', 'readErrors', 'cpuSpike', 'drift', 'byzantine', 'figure8', 'diverge', 'leaseEdge', 'staleWrite']);

/**
 * A fault written with a value that makes it change nothing (a pause of 0s, a throttle by a
 * factor of 1, torn writes with probability 0) would pass as if it had been tested. Values
 * the swarm draws itself (a clock step of 0, a drift of 0 ppm) are not judged here: the
 * scenarios explore writes must read back.
 */
function noEffectProblems(f: Scenario['faults'][number], path: string): Problem[] {
  const out: Problem[] = [];
  const nothing = 'so the fault changes nothing and a run would pass as if it had been tested';
  const timed = TIMED_KINDS.has(f.kind) || (f.kind === 'slowDisk' && f.down === undefined) || (f.kind === 'leader' && f.do !== 'crash' && f.do !== 'shutdown');
  if (timed && 'duration' in f && f.duration === 0) out.push({ path: `${path}.duration`, message: `is 0: the ${f.kind} fault starts and heals at the same instant, ${nothing}; give it a duration (e.g. 1s), or remove the fault` });
  if ((f.kind === 'throttle' || f.kind === 'cpuSpike' || f.kind === 'leader') && f.factor === 1) out.push({ path: `${path}.factor`, message: `is 1: the node runs at its own speed, ${nothing}; give a factor above 1 (e.g. 20), or remove the fault` });
  if ((f.kind === 'tornWrites' || f.kind === 'readErrors' || f.kind === 'crashOn' || f.kind === 'deafenOn') && f.prob === 0) out.push({ path: `${path}.prob`, message: `is 0: the ${f.kind} fault never fires, ${nothing}; give a probability above 0, or remove the fault` });
  if (f.kind === 'memory' && f.bytes === 0) out.push({ path: `${path}.bytes`, message: `is 0: the node holds no more memory than before, ${nothing}; give the bytes to hold (e.g. 500000000), or remove the fault` });
  if (f.kind === 'byzantine' && f.mode === 'corrupt' && f.fraction === 0) out.push({ path: `${path}.fraction`, message: `is 0: no message of the node is corrupted, ${nothing}; give a fraction above 0, or remove the fault` });
  return out;
}

/**
 * The sides of a partition (its groups) or of a bridge (left and right, the bridge node
 * aside) must each hold a node and share none: a node on two sides would be cut from its
 * own side, and an empty side cuts nothing, so either is almost surely a typo.
 */
function disjointProblems(sides: [string, number[]][], path: string, noun: 'group' | 'side'): Problem[] {
  const out: Problem[] = [];
  const sideOf = new Map<number, string>();
  for (const [where, nodes] of sides) {
    if (nodes.length === 0) out.push({ path: `${path}.${where}`, message: noun === 'group' ? 'is empty: give every group at least one node' : 'holds no node but the bridge: give each side at least one other node' });
    for (const x of nodes) {
      const seen = sideOf.get(x);
      if (seen === undefined) sideOf.set(x, where);
      else out.push({ path: `${path}.${where}`, message: seen === where ? `lists node ${x} twice: list it once` : `node ${x} is also in ${seen}: a node belongs to one ${noun} only` });
    }
  }
  return out;
}

/** Faults that aim at a leader or at what the servers of a consensus group report (sim/faults/aimed.ts). */
const AIMED_KINDS: ReadonlySet<string> = new Set(['crashOn', 'deafenOn', 'figure8', 'diverge', 'leaseEdge', 'staleWrite']);
/** Swarm kinds that draw `leader` or aimed faults. */
const SWARM_AIMED_KINDS: ReadonlySet<string> = new Set(['leader-crash', 'leader-throttle', 'crashOn-vote', 'crashOn-term', 'crashOn-persist', 'crashOn-write', 'crashOn-truncate', 'figure8', 'diverge', 'deafenOn-transfer', 'lease-edge', 'stale-write']);

/** Aimed faults whose rounds cut the leader off with a follower, or a follower alone: they need one. */
const PEER_KINDS: ReadonlySet<string> = new Set(['figure8', 'diverge', 'staleWrite']);
const SWARM_PEER_KINDS: ReadonlySet<string> = new Set(['figure8', 'diverge', 'stale-write']);

function onePeerProblem(path: string, what: string, plural = false): Problem {
  return { path, message: `${what} ${plural ? 'need' : 'needs'} at least 2 servers (${plural ? 'their' : 'its'} rounds cut the leader off with a follower, or a follower alone), but the topology has 1: add nodes or remove ${plural ? 'them' : 'it'}` };
}

/**
 * `what` needs a workload that says who leads: on any other it would do nothing at all
 * (no leader to aim at), so a run would pass without the fault it names ever happening.
 */
function needsLeader(s: Scenario, path: string, what: string, plural = false): Problem[] {
  if (findWorkload(s.workload)?.leader === true) return [];
  const withLeader = registeredWorkloads().filter((w) => w.leader === true).map((w) => w.name);
  return [{ path, message: `${what} ${plural ? 'need' : 'needs'} a workload with a leader (${withLeader.join(' or ')}), not ${s.workload}: remove ${plural ? 'them' : 'it'} or change the workload` }];
}

/** Spares are idle servers an operator or manager brings in: a workload that has none would ignore them. */
function sparesProblems(s: Scenario, w: Workload): Problem[] {
  if (s.topology.spares === 0 || w.spares === true) return [];
  const withSpares = registeredWorkloads().filter((x) => x.spares === true).map((x) => x.name);
  return [{ path: 'topology.spares', message: `the ${w.name} workload brings in no spare servers, so ${s.topology.spares} spare${s.topology.spares === 1 ? '' : 's'} would never run: remove topology.spares, or use a workload that has spares (${withSpares.join(', ')})` }];
}

/** A node listed twice in one list is almost surely a typo for another node. */
function listedOnce(nodes: readonly number[], path: string): Problem[] {
  const seen = new Set<number>();
  const out: Problem[] = [];
  for (const x of nodes) {
    if (seen.has(x)) out.push({ path, message: `lists node ${x} twice: list it once` });
    seen.add(x);
  }
  return out;
}

function leaderProblems(s: Scenario, f: Extract<Scenario['faults'][number], { kind: 'leader' }>, path: string): Problem[] {
  const out: Problem[] = [...needsLeader(s, `${path}.kind`, 'a leader fault')];
  if ((f.do === 'pause' || f.do === 'isolate' || f.do === 'throttle') && f.duration === undefined) out.push({ path: `${path}.duration`, message: `leader ${f.do} needs a duration like "2s"` });
  if (f.do === 'throttle' && f.factor === undefined) out.push({ path: `${path}.factor`, message: 'leader throttle needs a factor >= 1, e.g. 20' });
  if (f.do !== 'throttle' && f.factor !== undefined) out.push({ path: `${path}.factor`, message: `only leader throttle takes a factor; leader ${f.do} would ignore it: remove it, or set do: throttle` });
  return out;
}

/**
 * The liveness phase starts when the last fault heals and needs `liveness.within` before
 * the run ends; a scenario that leaves no room for it could never be judged, so it is
 * rejected rather than silently checked at the wrong time. A fault that lasts exactly
 * until the end of the run (as the UI exports an intervention "until the end") is never
 * healed inside the run, so it asks for no liveness phase of its own.
 */
function phaseProblems(s: Scenario): Problem[] {
  const problems: Problem[] = [];
  const within = s.liveness.within;
  const heal = lastHealUs(s.faults.filter((f) => healUs(f) !== s.duration || !('duration' in f) || f.duration === undefined));
  if (heal + within > s.duration) {
    problems.push({ path: 'duration', message: `leaves no room for the liveness phase: the last fault heals at ${formatDuration(heal)} and liveness.within is ${formatDuration(within)}, so the run must last at least ${formatDuration(heal + within)} (it lasts ${formatDuration(s.duration)})` });
  }
  const sw = s.swarm;
  if (sw !== undefined) {
    const swarmHeal = sw.window[1] + sw.duration[1];
    if (swarmHeal + within > s.duration) {
      problems.push({ path: 'swarm.window', message: `leaves no room for the liveness phase: swarm faults may heal as late as ${formatDuration(swarmHeal)} (window end + longest duration) and liveness.within is ${formatDuration(within)}, so the run must last at least ${formatDuration(swarmHeal + within)} (it lasts ${formatDuration(s.duration)})` });
    }
    if (sw.kinds.includes('bridge') && s.topology.nodes < 3) problems.push({ path: 'swarm.kinds', message: 'bridge needs at least 3 nodes' });
  }
  return problems;
}

/**
 * A latency as long as the run delivers no message before it ends: the checks then judged
 * nodes that never heard each other (fd-accuracy or liveness failed, blaming the system
 * under test). The floor is topology.minLatency, and the link latency's least value where
 * its kind has one (a normal distribution's tail reaches down to the floor).
 */
function latencyProblems(s: Scenario): Problem[] {
  const never = 'every message takes at least this long, so none would arrive before the run ends, and the checks would judge nodes that never heard each other';
  const l = s.topology.link.latency;
  const least = l === undefined || l.kind === 'normal' ? null : l.kind === 'fixed' ? { path: 'value', us: l.value } : { path: 'min', us: l.min };
  return [
    ...outlastsRun('topology.minLatency', s.topology.minLatency, s.duration, never, 'give a floor well below the run (the default is 500us)'),
    ...(least === null ? [] : outlastsRun(`topology.link.latency.${least.path}`, least.us, s.duration, never, 'give a latency well below the run (a few ms is typical)')),
  ];
}

const baseSchema = z.object(baseScenarioShape).strict();
const schemas = new WeakMap<Workload, z.ZodType>();

/**
 * A section that must be present (its schema does not accept `undefined`) is read from
 * `{}` when left out, so the file gets one message per missing field, not one for the
 * section.
 */
function sectionSchema(schema: z.ZodType): z.ZodType {
  return schema.safeParse(undefined).success ? schema : z.preprocess((v) => (v === undefined ? {} : v), schema);
}

/** The whole schema for a scenario of workload `w`: the common fields plus its sections. */
export function scenarioSchemaFor(w: Workload): z.ZodType {
  let schema = schemas.get(w);
  if (schema === undefined) {
    const sections = Object.fromEntries(Object.entries(w.sections).map(([k, v]) => [k, sectionSchema(v)]));
    schema = z.object({ ...baseScenarioShape, ...sections }).strict();
    schemas.set(w, schema);
  }
  return schema;
}

function issueProblems(issues: readonly z.core.$ZodIssue[], workload: string, doc: unknown, schema: z.ZodType): Problem[] {
  const out: Problem[] = [];
  for (const i of issues) {
    if (i.code === 'unrecognized_keys' && i.path.length === 0) out.push(...i.keys.map((k) => strayKey(k, workload)));
    else if (i.code === 'invalid_type' && isMissing(doc, i.path)) out.push({ path: formatPath(i.path), message: i.message.startsWith('is required') ? i.message : `is required: add it (${article(i.expected)} ${i.expected})` });
    else out.push({ path: formatPath(i.path), message: issueText(i, doc, schema) });
  }
  return out;
}

/**
 * Whether the document has no member at `path` (or a section on the way is left out). A
 * path that goes on below a value the file does give (text such as "1.5..3", which a
 * preprocess split into parts) is not missing: the value is there, just not right.
 */
function isMissing(doc: unknown, path: readonly PropertyKey[]): boolean {
  let v = doc;
  for (const k of path) {
    if (v === null || v === undefined) return true;
    if (typeof v !== 'object') return false;
    if (!Object.hasOwn(v, k)) return true;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v === undefined;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** A top-level key the scenario's workload does not read: another workload's section, or a typo. */
function strayKey(key: string, workload: string): Problem {
  // A field with an empty name ('': 1) would be shown as no path at all.
  if (key === '') return { path: '(root)', message: `unknown field "" (a field with an empty name): a ${workload} scenario has ${[...Object.keys(baseScenarioShape), ...Object.keys(findWorkload(workload)?.sections ?? {})].join(', ')}` };
  const owners = sectionOwners(key);
  if (owners.length > 0) return { path: key, message: `the ${workload} workload does not read a ${key} section (${owners.join(' and ')} ${owners.length === 1 ? 'does' : 'do'}): remove it, or set workload to ${owners.join(' or ')}` };
  const fields = [...Object.keys(baseScenarioShape), ...Object.keys(findWorkload(workload)?.sections ?? {})];
  const near = closest(key, fields);
  const shown = shownKey(key);
  return { path: shown === JSON.stringify(key) ? key : shown, message: `unknown field${near === null ? '' : ` (did you mean ${near}?)`}: a ${workload} scenario has ${fields.join(', ')}${nonAsciiNote(key)}` };
}

function unknownWorkload(doc: unknown): Problem[] {
  const r = baseSchema.loose().safeParse(doc);
  // The loose schema reports no unknown keys, so issueProblems never needs the workload here.
  const problems = r.success ? [] : issueProblems(r.error.issues, '', doc, baseSchema);
  const name = (doc as { workload?: unknown } | null)?.workload;
  if (typeof name === 'string' && !problems.some((p) => p.path === 'workload')) {
    const known = registeredWorkloads().map((w) => w.name).join(', ');
    problems.push({ path: 'workload', message: `no workload named "${name}"; known: ${known} (load a workload of your own with --workload FILE)` });
  }
  return problems;
}

/** Why a document that is not a mapping is no scenario, in words (not "expected object, received null"). */
function notAMapping(doc: unknown): string {
  const what = doc === null || doc === undefined ? 'the file is empty (or holds only comments)' : Array.isArray(doc) ? 'the file holds a list' : `the file holds a single value (${typeof doc === 'string' && doc.length > 40 ? `${JSON.stringify(doc.slice(0, 40))}...` : JSON.stringify(doc)})`;
  return `${what}; a scenario is a mapping of fields: name, description, workload, topology, duration and optionally faults, swarm, liveness (see scenarios/*.yaml)`;
}

/**
 * Checks a scenario document (already parsed from YAML or JSON) against the common schema
 * and its workload's sections; returns the defaulted Scenario or every problem by path.
 */
export function validateScenario(doc: unknown): ParseResult {
  if (doc === null || doc === undefined || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, problems: [{ path: '(root)', message: notAMapping(doc) }] };
  const name = (doc as { workload?: unknown } | null)?.workload;
  const w = typeof name === 'string' ? findWorkload(name) : undefined;
  if (w === undefined) return { ok: false, problems: unknownWorkload(doc) };
  const r = scenarioSchemaFor(w).safeParse(doc);
  if (!r.success) return { ok: false, problems: issueProblems(r.error.issues, w.name, doc, scenarioSchemaFor(w)) };
  const s = r.data as Scenario;
  const problems = [...semanticProblems(s), ...writtenFaultProblems(s, doc as Record<string, unknown>), ...sparesProblems(s, w), ...(w.validate?.(s, doc as Record<string, unknown>) ?? [])];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, scenario: s };
}

/** Parses scenario text (JSON when `fileName` ends in .json, else YAML) and validates it. */
export function parseScenarioText(text: string, fileName: string): ParseResult {
  if (fileName.endsWith('.json')) {
    // Held to what the YAML reader holds a file to (jsonText.ts): a byte order mark is
    // allowed, a key given twice is refused, a syntax error has a line and column.
    const r = parseJson(text);
    if (r.ok) return validateScenario(r.value);
    return { ok: false, problems: [{ path: r.line === null ? '(syntax)' : `line ${r.line}, column ${r.column}`, message: `not valid JSON: ${r.reason}` }] };
  }
  // Held to what the JSON reader holds a file to (yamlText.ts): one document of plain
  // values; tags, merge keys and a second document are refused by line and column.
  const r = parseYamlText(text);
  if (!r.ok) return { ok: false, problems: r.problems };
  return validateScenario(r.value);
}
