/** A value of a scraped metric, as prom-client's registry prints it. */
export interface ExportedValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly metricName: string;
}

/** One label set of a histogram at scrape time. */
export interface HistogramSnapshot {
  readonly labels: Readonly<Record<string, string>>;
  /** Cumulative counts: `cumulative[i]` observations were at most `upperBounds[i]` (base unit). */
  readonly cumulative: ArrayLike<number>;
  /** Sum of the observations, in the base unit. */
  readonly sum: number;
  /** Observations (the `+Inf` bucket). */
  readonly count: number;
}

/** The `_bucket`s (cumulative, `+Inf` last), `_sum` and `_count` of one label set, as prom-client exports them. */
export function histogramValues(
  name: string,
  upperBounds: readonly number[],
  { labels, cumulative, sum, count }: HistogramSnapshot,
): ExportedValue[] {
  const values: ExportedValue[] = upperBounds.map((le, i) => ({
    value: cumulative[i] ?? count,
    labels: { le, ...labels },
    metricName: `${name}_bucket`,
  }));
  values.push(
    { value: count, labels: { le: '+Inf', ...labels }, metricName: `${name}_bucket` },
    { value: sum, labels, metricName: `${name}_sum` },
    { value: count, labels, metricName: `${name}_count` },
  );
  return values;
}
