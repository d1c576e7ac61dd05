// The page's entry point: styles, the two simulation workers, the state, the app.
//
// The session is opened before the app is mounted, so the workers load and start
// building the world while the page renders its first layout.
import { mount } from 'svelte';
import App from './components/App.svelte';
import { AppState } from './state/app.svelte.ts';
import { startSimClient } from './state/simClient.ts';
import './styles.css';

performance.mark('faultline:main');
const app = new AppState(startSimClient());
app.start(location.search);
setTimeout(() => mount(App, { target: document.getElementById('app') as HTMLElement, props: { app } }), 0);
