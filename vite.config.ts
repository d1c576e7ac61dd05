// Vite serves and builds the browser UI in ui/; the simulator code under sim/ and core/
// is bundled into it unchanged (the same modules the CLI runs).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'ui',
  build: { outDir: '../dist/ui', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
});
