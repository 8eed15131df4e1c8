import { type Metric, type Registry } from 'prom-client';
import { type ExportedValue, type HistogramSnapshot, histogramValues } from './histogram-exposition.js';

export { type HistogramSnapshot };

/**
 * A Prometheus histogram read from another module's counts when `/metrics` is scraped: that module keeps
 * plain arrays and knows nothing of prom-client (the persistence queue's latencies, the plugin hooks'
 * durations). It registers itself in `registry` like a prom-client metric (`get`, `reset`).
 */
export class CollectedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  /**
   * @param upperBounds the bucket bounds, in the base unit (seconds), ascending; `+Inf` implied.
   * @param collect the current snapshots, one per label set.
   */
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    private readonly collect: () => Iterable<HistogramSnapshot>,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** Nothing to reset: the counts belong to the source. */
  reset(): void {}

  /** The metric as prom-client's registry exports it: `_bucket`s, `_sum` and `_count` per label set. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: ExportedValue[];
  }> {
    const values = [...this.collect()].flatMap((snapshot) =>
      histogramValues(this.name, this.upperBounds, snapshot),
    );
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
