// The Web Worker entry (bundled by Vite): exposes a WorkerApi to the page over comlink.
import * as Comlink from 'comlink';
import { createWorkerApi } from './workerApi.ts';

Comlink.expose(createWorkerApi(() => self.close()));
