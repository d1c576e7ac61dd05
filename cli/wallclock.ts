// The one wall clock faultline reads: for wallMs in reports, progress and benchmarks.
// It lives outside core/ and sim/ so the simulation itself can never depend on it.
import { performance } from 'node:perf_hooks';

export function wallNowMs(): number {
  return performance.now();
}
