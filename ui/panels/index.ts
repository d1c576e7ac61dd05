// Registers the side panel's views. A new view: write its component, register it in a
// module here (see registry.ts), and import that module below.
import { registerPanel } from './registry.ts';
import InspectPanel from './InspectPanel.svelte';
import LogPanel from './LogPanel.svelte';
import MetricsPanel from './MetricsPanel.svelte';
import SessionPanel from '../components/SessionPanel.svelte';
import RagPanel from '../components/RagPanel.svelte';
import ManagerPanel from './ManagerPanel.svelte';
import { RETRIEVAL_PANEL } from '../sim/protocol.ts';

registerPanel({ id: 'inspect', title: 'Inspect', component: InspectPanel, always: true, order: 0 });
registerPanel({ id: 'replicated-log', title: 'Logs', component: LogPanel, order: 10 });
registerPanel({ id: RETRIEVAL_PANEL, title: 'Retrieval', component: RagPanel, order: 15 });
registerPanel({ id: 'mapek', title: 'MAPE-K', component: ManagerPanel, order: 16 });
registerPanel({ id: 'metrics', title: 'Metrics', component: MetricsPanel, always: true, order: 20 });
registerPanel({ id: 'session', title: 'Session', component: SessionPanel, always: true, order: 90 });

export { panelsFor, registerPanel, registeredPanels } from './registry.ts';
