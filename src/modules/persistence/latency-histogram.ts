/** Upper bounds (ms) of the write-latency buckets, Prometheus style (cumulative, `+Inf` implied). */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

/** A point-in-time copy of a {@link LatencyHistogram}. */
export interface LatencySnapshot {
  /** Observations so far. */
  readonly count: number;
  /** Sum of all observations, ms. */
  readonly sumMs: number;
  /** The latest observation, ms (0 before the first). */
  readonly lastMs: number;
  /** The largest observation, ms. */
  readonly maxMs: number;
  /** Cumulative counts: `buckets[i]` observations took at most `LATENCY_BUCKETS_MS[i]`. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
}

/** A small fixed-bucket histogram of durations, cheap enough to update on every write. */
export class LatencyHistogram {
  private readonly counts = LATENCY_BUCKETS_MS.map(() => 0);
  private count = 0;
  private sumMs = 0;
  private lastMs = 0;
  private maxMs = 0;

  observe(ms: number): void {
    this.count++;
    this.sumMs += ms;
    this.lastMs = ms;
    this.maxMs = Math.max(this.maxMs, ms);
    const index = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
    if (index >= 0) this.counts[index] = (this.counts[index] ?? 0) + 1;
  }

  snapshot(): LatencySnapshot {
    let cumulative = 0;
    return {
      count: this.count,
      sumMs: this.sumMs,
      lastMs: this.lastMs,
      maxMs: this.maxMs,
      buckets: LATENCY_BUCKETS_MS.map((le, i) => ({ le, count: (cumulative += this.counts[i] ?? 0) })),
    };
  }
}
