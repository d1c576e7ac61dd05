// The prom-client views of the metric store: one Registry per virtual node (default label
// node="nK") plus one for the simulator, whose metrics copy the store's values when they
// are collected. Exposition (the Prometheus text format and OpenMetrics) is prom-client's.
//
// Contract: only prom-client's environment-free lib/ files are imported, so this runs in
// Node, worker_threads and Web Workers alike. Nothing here is on the hot path: the store is
// written as the run goes; a registry reads it only when scraped. A node's registry carries
// the node-scope metrics of its role (MetricSpec.roles).
import AggregatorRegistry from 'prom-client/lib/cluster.js';
import Counter from 'prom-client/lib/counter.js';
import Gauge from 'prom-client/lib/gauge.js';
import Histogram from 'prom-client/lib/histogram.js';
import Registry from 'prom-client/lib/registry.js';
import { hashObject } from 'prom-client/lib/util.js';
import type { MetricSpec } from '../../core/telemetry/metrics.ts';
import type { Family, MetricStore } from './store.ts';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const CONTENT_TYPES: Readonly<Record<ExpositionFormat, string>> = {
  prometheus: 'text/plain; version=0.0.4; charset=utf-8',
  openmetrics: 'application/openmetrics-text; version=1.0.0; charset=utf-8',
};

type AnyRegistry = InstanceType<typeof Registry>;

/** The internal shape of a prom-client histogram series (lib/histogram.js createBaseValues). */
interface HistogramEntry {
  bucketValues: Record<string, number>;
  sum: number;
  count: number;
}

export class Registries {
  /** One per node (by id), then the simulator's. */
  readonly all: AnyRegistry[];

  constructor(private readonly store: MetricStore, roles: readonly string[]) {
    this.all = [];
    for (let slot = 0; slot <= store.nodeCount; slot++) {
      const reg = new Registry();
      const isSim = slot === store.simSlot;
      if (!isSim) reg.setDefaultLabels({ node: store.nodeNames[slot] });
      for (const fam of store.families) {
        const spec = fam.spec;
        if (isSim ? spec.scope !== 'sim' : spec.scope !== 'node' || (spec.roles !== undefined && !spec.roles.includes(roles[slot]))) continue;
        this.view(reg, fam, slot);
      }
      this.all.push(reg);
    }
  }

  private view(reg: AnyRegistry, fam: Family, slot: number): void {
    const spec: MetricSpec = fam.spec;
    const store = this.store;
    const base = { name: spec.name, help: spec.help, labelNames: [...fam.labelNames], registers: [reg] };
    if (spec.kind === 'counter') {
      new Counter({
        ...base,
        collect(this: InstanceType<typeof Counter>) {
          this.reset();
          for (const c of fam.cells(slot)) if (store.visible(c)) this.inc({ ...c.labels }, store.read(c.off));
        },
      });
    } else if (spec.kind === 'gauge') {
      new Gauge({
        ...base,
        collect(this: InstanceType<typeof Gauge>) {
          this.reset();
          for (const c of fam.cells(slot)) if (store.visible(c)) this.set({ ...c.labels }, store.read(c.off));
        },
      });
    } else {
      const buckets = spec.buckets as readonly number[];
      new Histogram({
        ...base,
        buckets: [...buckets],
        collect(this: InstanceType<typeof Histogram>) {
          // prom-client has no setter for a whole histogram: zero() creates the series,
          // and its entry (lib/histogram.js) takes the store's counts. Pinned and tested
          // against observe() in registries.test.ts.
          this.reset();
          const self = this as unknown as { hashMap: Record<string, HistogramEntry>; sortedLabelNames: readonly string[] };
          for (const c of fam.cells(slot)) {
            if (!store.visible(c)) continue;
            this.zero({ ...c.labels });
            const e = self.hashMap[hashObject({ ...c.labels }, self.sortedLabelNames)];
            buckets.forEach((ub, i) => (e.bucketValues[ub] = store.read(c.off + i)));
            e.sum = store.read(c.off + buckets.length);
            e.count = store.read(c.off + buckets.length + 1);
          }
        },
      });
    }
  }

  /** Every registry's metrics, aggregated (the node label keeps series apart) and rendered. */
  async render(format: ExpositionFormat): Promise<string> {
    const jsons = await Promise.all(this.all.map((r) => r.getMetricsAsJSON()));
    if (format === 'openmetrics') {
      // OpenMetrics names a counter family without `_total`; prom-client adds it to samples.
      for (const list of jsons) for (const m of list as unknown as { type: string; name: string }[]) if (m.type === 'counter') m.name = m.name.replace(/_total$/, '');
    }
    const aggregate = AggregatorRegistry.aggregate as unknown as (metrics: object[], contentType: string) => AnyRegistry;
    return aggregate(jsons, CONTENT_TYPES[format]).metrics();
  }

  /** Series in the current exposition (sample lines), for cardinality checks. */
  async seriesCount(): Promise<number> {
    const text = await this.render('prometheus');
    return text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  }
}
