// Vite serves and builds the browser UI in ui/; the simulator code under sim/ and core/
// is bundled into it unchanged (the same modules the CLI runs). The simulation runs in a
// module Web Worker, so workers are built as ES modules too.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { userBundlePlugin } from './ui/lib/userBundlePlugin.ts';

const repoRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('./ui', import.meta.url)),
  // The users' bundle is empty unless `faultline ui` supplies one (ui/lib/userBundlePlugin.ts).
  plugins: [svelte({ configFile: fileURLToPath(new URL('./svelte.config.js', import.meta.url)) }), userBundlePlugin({ workloads: [], scenarios: [] }, 'post')],
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    // The app, the lockstep check page (one scenario in one thread and across Web Workers),
    // the HNSW determinism page (the WebAssembly index in the page and in a Web Worker) and
    // the telemetry check page (metrics, traces and logs made in a Web Worker).
    rollupOptions: { input: { main: fileURLToPath(new URL('./ui/index.html', import.meta.url)), lockstep: fileURLToPath(new URL('./ui/lockstep.html', import.meta.url)), hnsw: fileURLToPath(new URL('./ui/hnsw.html', import.meta.url)), telemetry: fileURLToPath(new URL('./ui/telemetry.html', import.meta.url)) } },
  },
  // Workers are bundled with their own plugins in a build: they read the users' bundle too.
  worker: { format: 'es', plugins: () => [userBundlePlugin({ workloads: [], scenarios: [] }, 'post')] },
  // A user's workload module (faultline ui --workload) imports 'faultline': this faultline.
  resolve: { alias: [{ find: /^faultline$/, replacement: fileURLToPath(new URL('./index.ts', import.meta.url)) }] },
  // The UI imports scenarios/, sim/ and core/ from beside ui/, so the dev server may read them.
  server: { port: 5173, strictPort: false, fs: { allow: [repoRoot] } },
  optimizeDeps: { include: ['seedrandom/lib/alea.js', 'yaml', 'zod', 'comlink', 'd3'] },
});
