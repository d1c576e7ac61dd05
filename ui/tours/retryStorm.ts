// A retry storm held back by a retry budget, in retry-storm (seed 1).
import type { Tour } from './types.ts';

export const retryStormTour: Tour = {
  id: 'retry-storm',
  title: 'A retry storm and a retry budget',
  category: 'retry storm',
  scenario: 'retry-storm',
  seed: 1,
  steps: [
    { t: '2500ms', until: '2520ms', speed: 0.01, tab: 'metrics', text: 'Four open-loop clients offer 200 requests a second through a gateway to a five-server Raft store. The Metrics tab charts latency (p50, p99), successful operations, errors and refusals per second, and each node\'s CPU.' },
    { t: '3s', until: '4s', speed: 0.25, tab: 'metrics', text: 'At 3 s every server\'s CPU slows to a third for one second (the cpu ÷3 badges). Requests queue, attempts time out after 100 ms, and the gateway retries them. Retries add load exactly when there is no capacity to spare: that is how a retry storm starts.' },
    { t: '4s', until: '5500ms', speed: 0.5, tab: 'metrics', text: 'A retry budget lets the gateway retry only about 10% of recent requests, so the extra load stays small: after the slowdown ends at 4 s the cluster drains its queue and latency returns to normal. retry-storm-without is the same run without the budget; open it to see retries keep the cluster overloaded long after the fault.' },
  ],
};
