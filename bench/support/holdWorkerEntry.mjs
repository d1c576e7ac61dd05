// A hold-model worker thread: registers tsx, then runs the TypeScript body (holdWorker.ts).
import { register } from 'tsx/esm/api';

register();
await import('./holdWorker.ts');
