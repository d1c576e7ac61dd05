// Web Worker side of the HNSW determinism page: loads the index module in the worker and
// runs the probe for the seed it is sent.
import { loadHnsw } from '../wasm/hnsw/load.ts';
import { runProbe } from '../wasm/hnsw/probe.ts';

self.onmessage = (e: MessageEvent<{ seed: number }>) => {
  loadHnsw().then(
    (m) => self.postMessage(runProbe(m, e.data.seed)),
    (err: unknown) => self.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
};
