// The worker thread's first module: registers tsx so the TypeScript worker code loads
// without a build step (Node 20 applies --import hooks to the main thread only).
import { register } from 'tsx/esm/api';

register();
await import('./nodeWorker.ts');
