// A guided walk-through: narration tied to moments of one (scenario, seed) run.
//
// Contract: tours are data. Each step names a time (a human duration, as in scenario
// files) and the text to show there; `node` optionally selects a node so its details are
// on screen. Times must lie within the scenario's duration.
export interface TourStep {
  t: string;
  text: string;
  node?: number;
}

export interface Tour {
  id: string;
  title: string;
  scenario: string;
  seed: number;
  steps: TourStep[];
}
