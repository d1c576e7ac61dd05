// Types for prom-client's lib/ files. Its main entry reads `process` and Node modules at
// import time, so it fails in a browser or Web Worker; these files are the environment-free
// parts (registry, metric types, the aggregator), typed by the package's own declarations.
declare module 'prom-client/lib/registry.js' {
  import type { Registry } from 'prom-client';
  const RegistryClass: typeof Registry;
  export default RegistryClass;
}
declare module 'prom-client/lib/counter.js' {
  import type { Counter } from 'prom-client';
  const CounterClass: typeof Counter;
  export default CounterClass;
}
declare module 'prom-client/lib/gauge.js' {
  import type { Gauge } from 'prom-client';
  const GaugeClass: typeof Gauge;
  export default GaugeClass;
}
declare module 'prom-client/lib/histogram.js' {
  import type { Histogram } from 'prom-client';
  const HistogramClass: typeof Histogram;
  export default HistogramClass;
}
declare module 'prom-client/lib/cluster.js' {
  import type { AggregatorRegistry } from 'prom-client';
  const AggregatorRegistryClass: typeof AggregatorRegistry;
  export default AggregatorRegistryClass;
}
declare module 'prom-client/lib/util.js' {
  /** The key prom-client files a label set under in a metric's hashMap. */
  export function hashObject(labels: Record<string, string | number>, sortedLabelNames?: readonly string[]): string;
}
