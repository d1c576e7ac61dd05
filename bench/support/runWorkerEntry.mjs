// A benchmark worker thread: registers tsx, then runs the TypeScript body (runWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./runWorker.ts');
