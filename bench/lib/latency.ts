import * as hdr from 'hdr-histogram-js';

/** Latency percentiles, milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/** An HDR histogram of latencies recorded in microseconds (1 µs to 2 min, 3 significant digits). */
export class LatencyRecorder {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
  });

  /**
   * One recorder holding every latency of the `encoded` histograms (from {@link encode}, one per generator
   * process): its percentiles are those of all the samples together, not a mix of each process's.
   */
  static merged(encoded: readonly string[]): LatencyRecorder {
    const recorder = new LatencyRecorder();
    for (const text of encoded) recorder.histogram.add(hdr.decodeFromCompressedBase64(text));
    return recorder;
  }

  /** The histogram, compressed and base64-encoded (a few KiB), to send to another process. */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.histogram);
  }

  /** Records one latency given in milliseconds. */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.min(120_000_000, Math.round(ms * 1000))));
  }

  reset(): void {
    this.histogram.reset();
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number): number => Math.round(us) / 1000;
    return {
      count: h.totalCount,
      p50: ms(h.getValueAtPercentile(50)),
      p90: ms(h.getValueAtPercentile(90)),
      p99: ms(h.getValueAtPercentile(99)),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    };
  }
}
