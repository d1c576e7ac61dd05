// The worker thread's first module: registers tsx so the TypeScript worker code loads
// without a build step, and the `faultline` resolver for users' workload modules (Node 20
// applies --import hooks to the main thread only).
import { registerLoaders } from '../workloads/nodeLoaders.mjs';

registerLoaders();
await import('./nodeWorker.ts');
