// Knowledge: what the manager has learned, kept across runs.
//
// Contract: records every episode (cause, action, outcome, time to recover); ranks the
// candidate actions for a cause by what worked (Laplace-smoothed success rate, less a
// little for slow recoveries, then the planner's prior order), exploring another candidate with
// probability `explore` from the manager's seeded stream; keeps the learned baselines and
// per-series threshold factors; and saves to / loads from plain JSON. Given the same file
// and seed a run makes the same choices, so a run started from a knowledge file replays.
import type { Random } from '../env.ts';
import type { BaselineState } from './baseline.ts';
import { ACTION_KINDS, CAUSES, type ActionKind, type Cause, type Outcome } from './types.ts';

export const KNOWLEDGE_VERSION = 1;
/** Episodes kept in the file, the newest last. */
export const EPISODES_MAX = 500;
/** Threshold factors stay within these bounds however the learning goes. */
export const THRESHOLD_K_MIN = 2;
export const THRESHOLD_K_MAX = 12;

export interface ActionStats {
  tries: number;
  recovered: number;
  /** Sum of times to recover over the recovered tries, µs. */
  ttrUsSum: number;
}

export interface Episode {
  cause: Cause;
  target: number;
  action: ActionKind;
  outcome: Outcome;
  /** Diagnosis to recovery (or to giving up), µs of the manager's clock. */
  ttrUs: number;
  atUs: number;
  run: number;
}

export interface KnowledgeData {
  version: number;
  /** How many runs contributed (a loaded file's count plus one per save). */
  runs: number;
  actions: Partial<Record<Cause, Partial<Record<ActionKind, ActionStats>>>>;
  baselines: Record<string, BaselineState>;
  thresholds: Record<string, number>;
  episodes: Episode[];
}

export function emptyKnowledge(): KnowledgeData {
  return { version: KNOWLEDGE_VERSION, runs: 0, actions: {}, baselines: {}, thresholds: {}, episodes: [] };
}

export class Knowledge {
  readonly data: KnowledgeData;
  /** Episodes recorded in this run (not loaded ones). */
  recorded = 0;

  constructor(initial: KnowledgeData | null, readonly explore: number) {
    this.data = initial === null ? emptyKnowledge() : structuredCloneData(initial);
  }

  stats(cause: Cause, action: ActionKind): ActionStats {
    return this.data.actions[cause]?.[action] ?? { tries: 0, recovered: 0, ttrUsSum: 0 };
  }

  /** Success rate with Laplace smoothing: 0.5 for an action never tried. */
  successRate(cause: Cause, action: ActionKind): number {
    const s = this.stats(cause, action);
    return (s.recovered + 1) / (s.tries + 2);
  }

  /**
   * Orders `candidates` (given in the planner's prior order) best first. With probability
   * `explore` the first place goes to a uniformly drawn other candidate instead.
   */
  rank(cause: Cause, candidates: readonly ActionKind[], random: Random): ActionKind[] {
    // One score per action, so the order is total: the smoothed success rate, less a small
    // penalty for a slow recovery (at most 0.05, for a mean of a minute or more). An untried
    // action scores 0.5, so one that worked moves ahead of it and one that failed falls behind.
    const scored = candidates.map((a, prior) => {
      const s = this.stats(cause, a);
      const meanTtrUs = s.recovered === 0 ? 0 : s.ttrUsSum / s.recovered;
      return { a, prior, score: this.successRate(cause, a) - 0.05 * Math.min(1, meanTtrUs / 60_000_000) };
    });
    scored.sort((x, y) => y.score - x.score || x.prior - y.prior);
    const order = scored.map((s) => s.a);
    if (order.length > 1 && this.explore > 0 && random.next() < this.explore) {
      const i = 1 + random.int(order.length - 1);
      const [pick] = order.splice(i, 1);
      order.unshift(pick);
    }
    return order;
  }

  record(e: Episode): void {
    const byCause = (this.data.actions[e.cause] ??= {});
    const s = (byCause[e.action] ??= { tries: 0, recovered: 0, ttrUsSum: 0 });
    s.tries++;
    if (e.outcome === 'recovered') {
      s.recovered++;
      s.ttrUsSum += e.ttrUs;
    }
    this.data.episodes.push(e);
    if (this.data.episodes.length > EPISODES_MAX) this.data.episodes.splice(0, this.data.episodes.length - EPISODES_MAX);
    this.recorded++;
  }

  /** The learned threshold factor for a series class, or `fallback` if none yet. */
  thresholdK(series: string, fallback: number): number {
    return this.data.thresholds[series] ?? fallback;
  }

  /**
   * Threshold learning from outcomes: an alarm that went away by itself (nothing to fix)
   * raises the series' factor by 10%; one that led to a real recovery lowers it by 2%, so
   * the manager gets quieter where it was noisy and keener where it was right.
   */
  learnThreshold(series: string, fallback: number, falseAlarm: boolean): number {
    const k = this.thresholdK(series, fallback);
    const next = Math.min(THRESHOLD_K_MAX, Math.max(THRESHOLD_K_MIN, falseAlarm ? k * 1.1 : k * 0.98));
    this.data.thresholds[series] = Math.round(next * 1000) / 1000;
    return this.data.thresholds[series];
  }

  saveBaseline(series: string, state: BaselineState): void {
    this.data.baselines[series] = { ...state };
  }

  baseline(series: string): BaselineState | undefined {
    return this.data.baselines[series];
  }

  /** The file's content: this run counted, keys in a stable order. */
  toJSON(): KnowledgeData {
    const d = this.data;
    return {
      version: KNOWLEDGE_VERSION,
      runs: d.runs + 1,
      actions: sortKeys(Object.fromEntries(Object.entries(d.actions).map(([c, m]) => [c, sortKeys(m as Record<string, ActionStats>)]))),
      baselines: sortKeys(d.baselines),
      thresholds: sortKeys(d.thresholds),
      episodes: d.episodes,
    };
  }
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function structuredCloneData(d: KnowledgeData): KnowledgeData {
  return JSON.parse(JSON.stringify(d)) as KnowledgeData;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
// A count is exact: past 2^53 (runs: 1e300) adding one changes nothing, and such a file was
// taken as written.
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Validates a knowledge file's parsed JSON: the data, or every problem by path. */
export function parseKnowledge(x: unknown): { ok: true; data: KnowledgeData } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const at = (path: string, msg: string): void => {
    problems.push(`${path}: ${msg}`);
  };
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return { ok: false, problems: ['(root): expected a JSON object written by --save-knowledge'] };
  const o = x as Record<string, unknown>;
  if (o.version !== KNOWLEDGE_VERSION) at('version', `expected ${KNOWLEDGE_VERSION}, got ${JSON.stringify(o.version)}`);
  if (!isCount(o.runs)) at('runs', 'expected a count: a whole number from 0 to 2^53');
  const obj = (v: unknown, path: string): Record<string, unknown> => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      at(path, 'expected an object');
      return {};
    }
    return v as Record<string, unknown>;
  };
  for (const [cause, m] of Object.entries(obj(o.actions, 'actions'))) {
    if (!(CAUSES as readonly string[]).includes(cause)) at(`actions.${cause}`, `unknown cause; known: ${CAUSES.join(', ')}`);
    for (const [action, st] of Object.entries(obj(m, `actions.${cause}`))) {
      if (!(ACTION_KINDS as readonly string[]).includes(action)) at(`actions.${cause}.${action}`, `unknown action; known: ${ACTION_KINDS.join(', ')}`);
      const s = obj(st, `actions.${cause}.${action}`);
      // A negative time to recover (no run records one) made an action rank above its success rate.
      if (!isCount(s.tries) || !isCount(s.recovered) || !isNum(s.ttrUsSum) || s.ttrUsSum < 0 || (s.recovered as number) > (s.tries as number)) at(`actions.${cause}.${action}`, 'expected { tries, recovered <= tries, ttrUsSum >= 0 }, counts being whole numbers up to 2^53');
    }
  }
  for (const [k, b] of Object.entries(obj(o.baselines, 'baselines'))) {
    const s = obj(b, `baselines.${k}`);
    if (!isNum(s.mean) || !isNum(s.variance) || (s.variance as number) < 0 || !isCount(s.count)) at(`baselines.${k}`, 'expected { mean, variance >= 0, count }');
  }
  for (const [k, v] of Object.entries(obj(o.thresholds, 'thresholds'))) {
    if (!isNum(v) || v < THRESHOLD_K_MIN || v > THRESHOLD_K_MAX) at(`thresholds.${k}`, `expected a number in [${THRESHOLD_K_MIN}, ${THRESHOLD_K_MAX}]`);
  }
  if (!Array.isArray(o.episodes)) at('episodes', 'expected an array');
  else if (o.episodes.length > EPISODES_MAX) at('episodes', `at most ${EPISODES_MAX} episodes`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, data: x as KnowledgeData };
}
