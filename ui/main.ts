// The page's entry point: styles, the users' workload modules (if `faultline ui --workload`
// named any), the two simulation workers, the state, the app.
//
// The session is opened before the app is mounted, so the workers load and start
// building the world while the page renders its first layout.
import { mount } from 'svelte';
import App from './components/App.svelte';
import { loadUserWorkloads } from './lib/userBundle.ts';
import { AppState } from './state/app.svelte.ts';
import { startSimClient } from './state/simClient.ts';
import './styles.css';

performance.mark('faultline:main');
let loadError = '';
try {
  await loadUserWorkloads();
} catch (e) {
  loadError = `A workload module failed to load in the browser: ${e instanceof Error ? e.message : String(e)}`;
}
const app = new AppState(startSimClient());
app.start(location.search);
if (loadError !== '') app.notice = { tone: 'error', text: loadError };
setTimeout(() => mount(App, { target: document.getElementById('app') as HTMLElement, props: { app } }), 0);
