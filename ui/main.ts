// The page's entry point: styles, the two simulation workers, the state, the app.
import { mount } from 'svelte';
import App from './components/App.svelte';
import { AppState } from './state/app.svelte.ts';
import { startSimClient } from './state/simClient.ts';
import './styles.css';

const app = new AppState(startSimClient());
mount(App, { target: document.getElementById('app') as HTMLElement, props: { app } });
app.start(location.search);
