// Writes a Scenario back as a scenario file (YAML) that parses to the same Scenario.
//
// Contract: parseScenarioText(scenarioToYaml(s)) gives back s (minus a swarm section,
// which must be materialized first). Durations are written in human units ("1.5s"), every
// section the scenario's workload reads is written out in full (so the file parses back to
// the same Scenario), and each fault is one flow-style line, as in the catalogue.
import { Document, isMap, isSeq } from 'yaml';
import { formatDuration } from '../sim/scenario/duration.ts';
import { humanizeDurations } from '../sim/scenario/humanize.ts';
import type { FaultSpec, LinkSpec, Scenario } from '../sim/scenario/schema.ts';
import { workloadOf } from '../sim/workloads/registry.ts';

type Doc = Record<string, unknown>;

const FAULT_DURATION_KEYS = ['at', 'duration', 'startDelay'];
const LATENCY_DURATION_KEYS = ['value', 'min', 'max', 'mean', 'sd'];

function durations<T extends object>(o: T, keys: readonly string[]): Doc {
  const out = { ...o } as Doc;
  for (const k of keys) if (typeof out[k] === 'number') out[k] = formatDuration(out[k] as number);
  return out;
}

function link(l: LinkSpec): Doc {
  return l.latency === undefined ? { ...l } : { ...l, latency: durations(l.latency, LATENCY_DURATION_KEYS) };
}

function fault(f: FaultSpec): Doc {
  const d = durations(f, FAULT_DURATION_KEYS);
  if (f.kind === 'link') d.set = link(f.set);
  return d;
}

export function scenarioToDoc(s: Scenario): Doc {
  if (s.swarm !== undefined) throw new Error('scenarioToDoc: materialize the swarm section first');
  const doc: Doc = {
    name: s.name,
    description: s.description,
    workload: s.workload,
    topology: { nodes: s.topology.nodes, link: link(s.topology.link), minLatency: formatDuration(s.topology.minLatency) },
    duration: formatDuration(s.duration),
    faults: s.faults.map(fault),
  };
  for (const [key, schema] of Object.entries(workloadOf(s).sections)) doc[key] = humanizeDurations(schema, s[key]);
  doc.liveness = durations(s.liveness, ['within']);
  return doc;
}

export function scenarioToYaml(s: Scenario, header: string): string {
  const doc = new Document(scenarioToDoc(s));
  const faults = doc.get('faults', true);
  if (isSeq(faults)) for (const item of faults.items) if (isMap(item)) item.flow = true;
  // Small flat sections (no nested objects or lists) read best on one line.
  for (const node of doc.contents !== null && isMap(doc.contents) ? doc.contents.items.map((p) => p.value) : []) {
    if (isMap(node) && node.items.length <= 4 && node.items.every((p) => !isMap(p.value) && !isSeq(p.value))) node.flow = true;
  }
  const comment = header.split('\n').map((l) => `# ${l}`.trimEnd()).join('\n');
  return `${comment}\n${doc.toString({ lineWidth: 0 })}`;
}
