// The page's address carries what a shared link must reproduce: scenario, seed, time and
// the interventions (`?scenario=heartbeat-crash&seed=42&t=3.5s`).
//
// Contract: `readUrlState` never throws: a missing or bad value is left out and reported
// in `problems`, so a broken link still opens the page. Times are exact µs written as
// human durations; interventions are JSON validated against the fault schema.
import type { Micros } from '../../core/env.ts';
import { formatDuration, parseDuration } from '../../sim/scenario/duration.ts';
import { faultSchema, type FaultSpec } from '../../sim/scenario/schema.ts';

export interface UrlState {
  scenario?: string;
  seed?: number;
  tUs?: Micros;
  interventions?: FaultSpec[];
  problems: string[];
}

function readInterventions(text: string, problems: string[]): FaultSpec[] | undefined {
  try {
    const raw: unknown = JSON.parse(text);
    if (!Array.isArray(raw)) throw new Error('not a list');
    return raw.map((x) => faultSchema.parse(x));
  } catch (e) {
    problems.push(`i: the interventions are not valid (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

export function readUrlState(search: string): UrlState {
  const p = new URLSearchParams(search);
  const state: UrlState = { problems: [] };
  const scenario = p.get('scenario');
  if (scenario !== null && scenario !== '') state.scenario = scenario;
  const seed = p.get('seed');
  if (seed !== null) {
    if (/^\d{1,15}$/.test(seed)) state.seed = Number(seed);
    else state.problems.push(`seed: expected a non-negative integer, got "${seed}"`);
  }
  const t = p.get('t');
  if (t !== null) {
    const us = parseDuration(t);
    if (us !== null) state.tUs = us;
    else state.problems.push(`t: expected a time like "3.5s", got "${t}"`);
  }
  const i = p.get('i');
  if (i !== null) state.interventions = readInterventions(i, state.problems);
  return state;
}

export function writeUrlState(s: { scenario: string; seed: number; tUs: Micros; interventions: readonly FaultSpec[] }): string {
  const p = new URLSearchParams();
  p.set('scenario', s.scenario);
  p.set('seed', String(s.seed));
  p.set('t', formatDuration(Math.round(s.tUs)));
  if (s.interventions.length > 0) p.set('i', JSON.stringify(s.interventions));
  return `?${p.toString()}`;
}
