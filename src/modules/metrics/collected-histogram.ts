import { type Metric, type Registry } from 'prom-client';

/** One label set of a {@link CollectedHistogram}, as its source reports it at scrape time. */
export interface HistogramSnapshot {
  readonly labels: Readonly<Record<string, string>>;
  /** Cumulative counts: `cumulative[i]` observations were at most `upperBounds[i]` (base unit). */
  readonly cumulative: ArrayLike<number>;
  /** Sum of the observations, in the base unit. */
  readonly sum: number;
  /** Observations (the `+Inf` bucket). */
  readonly count: number;
}

/** A value of a scraped metric, as prom-client's registry prints it. */
interface ExportedValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly metricName: string;
}

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
    const values: ExportedValue[] = [];
    for (const { labels, cumulative, sum, count } of this.collect()) {
      this.upperBounds.forEach((le, i) => {
        values.push({
          value: cumulative[i] ?? count,
          labels: { le, ...labels },
          metricName: `${this.name}_bucket`,
        });
      });
      values.push(
        { value: count, labels: { le: '+Inf', ...labels }, metricName: `${this.name}_bucket` },
        { value: sum, labels, metricName: `${this.name}_sum` },
        { value: count, labels, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
