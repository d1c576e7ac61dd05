// Goal: the prom-client views show exactly what the store holds. Method: feed a store and,
// side by side, plain prom-client metrics fed through their own API (inc, set, observe);
// the two expositions must be equal. Also: unknown label values fall into `other`, and a
// scrape captured earlier renders that moment, not the present.
import Histogram from 'prom-client/lib/histogram.js';
import Registry from 'prom-client/lib/registry.js';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_S, metricSpec, seriesBound } from '../../core/telemetry/metrics.ts';
import { Registries } from './registries.ts';
import { MetricStore } from './store.ts';

const ROLES = ['server', 'server', 'client'];

describe('prom-client views of the metric store', () => {
  it('a histogram reads like one prom-client fed with observe()', async () => {
    const store = new MetricStore(3);
    const regs = new Registries(store, ROLES);
    const fam = store.family('faultline_kv_request_duration_seconds');
    const reference = new Registry();
    reference.setDefaultLabels({ node: 'n1' });
    const h = new Histogram({ name: 'faultline_kv_request_duration_seconds', help: metricSpec('faultline_kv_request_duration_seconds').help, labelNames: ['op'], buckets: [...LATENCY_BUCKETS_S], registers: [reference] });
    const samples: [string, number][] = [['get', 0.0004], ['get', 0.003], ['put', 0.003], ['put', 7], ['get', 0.25], ['get', 0.0005]];
    for (const [op, v] of samples) {
      store.observe(fam, fam.at(1, op), v);
      h.observe({ op }, v);
    }
    const ours = (await regs.all[1].getMetricsAsJSON()).find((m) => m.name === 'faultline_kv_request_duration_seconds');
    const theirs = (await reference.getMetricsAsJSON())[0];
    expect(ours).toEqual(theirs);
  });

  it('counters and gauges carry their labels and the node label; unknown values become other', async () => {
    const store = new MetricStore(3);
    const regs = new Registries(store, ROLES);
    store.inc(store.family('faultline_net_messages_sent_total').at(0, 'MsgApp'), 3);
    store.inc(store.family('faultline_net_messages_sent_total').at(0, 'forged-type-1'), 1);
    store.inc(store.family('faultline_net_messages_sent_total').at(0, 'forged-type-2'), 1);
    store.set(store.family('faultline_raft_term').at(0), 7);
    const text = await regs.render('prometheus');
    expect(text).toContain('faultline_net_messages_sent_total{type="MsgApp",node="n0"} 3');
    expect(text).toContain('faultline_net_messages_sent_total{type="other",node="n0"} 2');
    expect(text).toContain('faultline_raft_term{node="n0"} 7');
    // The client's registry has no Raft metrics at all.
    expect(text).not.toContain('faultline_raft_term{node="n2"}');
  });

  it('a captured scrape renders that moment', async () => {
    const store = new MetricStore(1);
    const regs = new Registries(store, ['server']);
    const term = store.family('faultline_raft_term').at(0);
    store.set(term, 1);
    const early = store.capture();
    store.set(term, 2);
    store.inc(store.family('faultline_net_messages_sent_total').at(0, 'MsgVote'));
    store.view(early);
    const then = await regs.render('openmetrics');
    store.view(null);
    const now = await regs.render('openmetrics');
    expect(then).toContain('faultline_raft_term{node="n0"} 1');
    expect(then).not.toContain('MsgVote');
    expect(now).toContain('faultline_raft_term{node="n0"} 2');
    expect(now).toContain('faultline_net_messages_sent_total{type="MsgVote",node="n0"} 1');
    expect(then.endsWith('# EOF\n')).toBe(true);
  });

  it('bounds every metric\'s series by its label sets', () => {
    expect(seriesBound(metricSpec('faultline_raft_term'), 5)).toBe(1);
    expect(seriesBound(metricSpec('faultline_raft_role'), 5)).toBe(5);
    expect(seriesBound(metricSpec('faultline_breaker_state'), 5)).toBe(6 * 6);
    expect(seriesBound(metricSpec('faultline_raft_read_index_seconds'), 5)).toBe(LATENCY_BUCKETS_S.length + 3);
  });
});
