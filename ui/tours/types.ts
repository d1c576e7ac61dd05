// A guided walk-through: narration tied to moments of one (scenario, seed) run.
//
// Contract: tours are data. Each step names a time (a human duration, as in scenario
// files) and the text to show there. A step with `until` is animated: the page travels to
// `t`, plays to `until` at `speed` (slow motion by default) and stops, while the text
// narrates what moves. `node` selects a node so its details are on screen; `tab` opens a
// side-panel view (e.g. the aligned logs). Times must lie within the scenario's duration
// (test/browser checks every tour).
export interface TourStep {
  t: string;
  until?: string;
  /** Simulated time per wall time while the step plays (0.01: 10 ms per second). */
  speed?: number;
  text: string;
  node?: number;
  tab?: string;
}

/** The catalogue's categories a tour teaches. */
export type TourCategory = 'election' | 'log replication' | 'partition and CheckQuorum' | 'commit rule (Figure 8)' | 'snapshot' | 'membership change' | 'lease vs ReadIndex reads' | 'retry storm' | 'failure detection';

export interface Tour {
  id: string;
  title: string;
  category: TourCategory;
  scenario: string;
  seed: number;
  steps: TourStep[];
}
