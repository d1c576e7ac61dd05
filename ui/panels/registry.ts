// The side panel's views, registered by id. A workload asks for the views it offers with
// its `ui.panels` data (sim/workloads/workload.ts); views every workload has are `always`.
//
// Contract: a view is a Svelte component taking `{ app }` (the page's AppState), registered
// once under an id no other view uses. The side panel shows, as tabs in `order`, every
// `always` view and every view the scenario's workload names. Adding a view is one file
// that calls registerPanel plus one import in ui/panels/index.ts; no central if-chain
// names a workload.
import type { Component } from 'svelte';
import type { WorkloadUi } from '../../sim/workloads/workload.ts';
import type { AppState } from '../state/app.svelte.ts';

export interface PanelProps {
  app: AppState;
}

export interface PanelDef {
  /** What a workload's ui.panels names; lowercase words and dashes. */
  id: string;
  /** The tab's label. */
  title: string;
  component: Component<PanelProps>;
  /** Shown for every workload, whether or not its ui.panels names it. */
  always?: boolean;
  /** Tabs are shown in this order (the built-ins use 0, 10, 20 and 90). */
  order: number;
}

const panels: PanelDef[] = [];

export function registerPanel(p: PanelDef): void {
  if (!/^[a-z][a-z0-9-]*$/.test(p.id)) throw new Error(`registerPanel: id "${p.id}" must be lowercase words and dashes`);
  const same = panels.find((x) => x.id === p.id);
  if (same === p) return;
  if (same !== undefined) throw new Error(`registerPanel: a panel "${p.id}" is already registered`);
  panels.push(p);
}

/** The views to show for a workload, in tab order. */
export function panelsFor(ui: WorkloadUi | undefined): PanelDef[] {
  const wanted = new Set(ui?.panels ?? []);
  return panels.filter((p) => p.always === true || wanted.has(p.id)).sort((a, b) => a.order - b.order);
}

export function registeredPanels(): readonly PanelDef[] {
  return panels;
}
