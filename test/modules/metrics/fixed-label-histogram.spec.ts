import { describe, expect, it } from '@jest/globals';
import { Histogram, Registry } from 'prom-client';
import { FixedLabelHistogram } from '../../../src/modules/metrics/fixed-label-histogram.js';

describe('FixedLabelHistogram', () => {
  it('exposes exactly what a prom-client Histogram with the same observations exposes', async () => {
    const buckets = [0.001, 0.01, 0.1, 1];
    const observations: Array<[string, string, number]> = [
      ['http', 'ok', 0.0005],
      ['http', 'ok', 0.02],
      ['http', 'ok', 5],
      ['websocket', 'refused', 0.1],
      ['websocket', 'refused', 0.001],
    ];
    const ours = new Registry();
    const fast = new FixedLabelHistogram<'transport' | 'outcome'>('h_seconds', 'help text', buckets, ours);
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'h_seconds',
      help: 'help text',
      labelNames: ['transport', 'outcome'],
      buckets,
      registers: [theirs],
    });
    const series = new Map(
      [
        ['http', 'ok'],
        ['websocket', 'refused'],
      ].map(([transport, outcome]) => [
        `${transport}/${outcome}`,
        fast.series({ transport: transport!, outcome: outcome! }),
      ]),
    );
    for (const [transport, outcome, value] of observations) {
      series.get(`${transport}/${outcome}`)!.observe(value);
      reference.observe({ transport, outcome }, value);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    fast.reset();
    expect(await ours.metrics()).toMatch(/h_seconds_count\{transport="http",outcome="ok"\} 0/);
  });
});
