// Hysteresis for symptoms: a condition must hold for some rounds in a row before it is
// raised, and be gone for some rounds in a row before it clears, so a flapping metric
// raises a symptom once rather than once per flap.
//
// Contract: `update(present)` takes every condition present this round (by key) and
// returns the symptoms raised and cleared by it. A raised symptom keeps its `sinceUs`;
// its value and detail follow the latest round it was present. Keys are visited in sorted
// order, so the output order never depends on insertion order.
import type { Micros } from '../env.ts';
import { symptomKey, type Symptom, type SymptomKind } from './types.ts';

interface Track {
  presentRounds: number;
  absentRounds: number;
  raised: Symptom | null;
  latest: Symptom;
}

export class SymptomTracker {
  private readonly tracks = new Map<string, Track>();

  constructor(
    private readonly raiseRounds: number,
    private readonly clearRounds: number,
    /** Per-kind raise rounds, for conditions that are certain in one round (a disk error). */
    private readonly raiseOverride: Partial<Record<SymptomKind, number>> = {},
  ) {}

  update(nowUs: Micros, present: readonly Omit<Symptom, 'sinceUs'>[]): { raised: Symptom[]; cleared: Symptom[] } {
    const seen = new Map<string, Omit<Symptom, 'sinceUs'>>();
    for (const p of present) seen.set(symptomKey(p), p);
    const keys = [...new Set([...seen.keys(), ...this.tracks.keys()])].sort();
    const raised: Symptom[] = [];
    const cleared: Symptom[] = [];
    for (const key of keys) {
      const p = seen.get(key);
      let t = this.tracks.get(key);
      if (p !== undefined) {
        const latest: Symptom = { ...p, sinceUs: t?.raised?.sinceUs ?? nowUs };
        if (t === undefined) {
          t = { presentRounds: 0, absentRounds: 0, raised: null, latest };
          this.tracks.set(key, t);
        }
        t.presentRounds++;
        t.absentRounds = 0;
        t.latest = latest;
        if (t.raised !== null) t.raised = { ...latest };
        else if (t.presentRounds >= (this.raiseOverride[p.kind] ?? this.raiseRounds)) {
          t.raised = { ...latest, sinceUs: nowUs };
          raised.push(t.raised);
        }
      } else if (t !== undefined) {
        t.absentRounds++;
        t.presentRounds = 0;
        if (t.raised === null) this.tracks.delete(key);
        else if (t.absentRounds >= this.clearRounds) {
          cleared.push(t.raised);
          this.tracks.delete(key);
        }
      }
    }
    return { raised, cleared };
  }

  /** Raised symptoms, sorted by key. */
  active(): Symptom[] {
    return [...this.tracks.entries()].filter(([, t]) => t.raised !== null).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, t]) => t.raised as Symptom);
  }

  isRaised(kind: SymptomKind, target: number): boolean {
    return this.tracks.get(symptomKey({ kind, target }))?.raised != null;
  }

  /** Forgets a target's symptoms (it left the cluster). */
  forget(target: number): void {
    for (const [k, t] of [...this.tracks]) if (t.latest.target === target) this.tracks.delete(k);
  }
}
