import { type Metric, type Registry } from 'prom-client';
import { type ExportedValue, histogramValues } from './histogram-exposition.js';

/** One label set of a {@link FixedLabelHistogram}: `observe` is a few array updates. */
export interface HistogramSeries {
  observe(value: number): void;
}

interface Series<L extends string> extends HistogramSeries {
  readonly labels: Readonly<Record<L, string>>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram whose label sets are all known up front (transport × outcome). prom-client's
 * `Histogram.observe` hashes and validates the labels on every call, even through `labels()`; here each
 * label set is a plain counter array, and the exposition is built when `/metrics` is scraped. It registers
 * itself in `registry` like a prom-client metric (`get`, `reset`).
 */
export class FixedLabelHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all: Array<Series<L>> = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series of `labels` (created once; keep the returned object). */
  series(labels: Readonly<Record<L, string>>): HistogramSeries {
    const bounds = this.upperBounds;
    const series: Series<L> = {
      labels,
      counts: new Float64Array(bounds.length),
      sum: 0,
      count: 0,
      observe(value: number): void {
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            this.counts[i]!++;
            break;
          }
        }
        this.sum += value;
        this.count++;
      },
    };
    this.all.push(series);
    return series;
  }

  reset(): void {
    for (const series of this.all) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }

  /** The metric as prom-client's registry exports it: cumulative `_bucket`s, `_sum` and `_count` per series. */
  async get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: ExportedValue[];
  }> {
    const values = this.all.flatMap((series) => {
      let running = 0;
      const cumulative = Array.from(series.counts, (count) => (running += count));
      return histogramValues(this.name, this.upperBounds, { ...series, cumulative });
    });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
