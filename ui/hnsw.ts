// The HNSW determinism page: the same probe script in the page's thread and in a Web
// Worker must give the same digests (and the same as Node: test/browser/hnsw.test.ts).
import { loadHnsw } from '../wasm/hnsw/load.ts';
import { runProbe, type ProbeResult } from '../wasm/hnsw/probe.ts';
import { showCheck } from './lib/checkPage.ts';

async function inWorker(seed: number): Promise<ProbeResult> {
  const w = new Worker(new URL('./hnswProbeWorker.ts', import.meta.url), { type: 'module' });
  try {
    return await new Promise<ProbeResult>((resolve, reject) => {
      w.onmessage = (e: MessageEvent<ProbeResult | { error: string }>) => ('error' in e.data ? reject(new Error(e.data.error)) : resolve(e.data));
      w.onerror = (e) => reject(new Error(e.message));
      w.postMessage({ seed });
    });
  } finally {
    w.terminate();
  }
}

async function check(): Promise<{ page: ProbeResult; worker: ProbeResult; equal: boolean }> {
  const seed = Number(new URLSearchParams(location.search).get('seed') ?? '11');
  const page = runProbe(await loadHnsw(), seed);
  const worker = await inWorker(seed);
  return { page, worker, equal: JSON.stringify(page) === JSON.stringify(worker) };
}

showCheck(check());
