/**
 * Bounds of an adaptive write concurrency: it starts at `initial` and moves between `min` and `max`.
 */
export interface ConcurrencyLimits {
  /** Calls in flight at first. */
  readonly initial: number;
  /** Never fewer (however slow or failing the store). */
  readonly min: number;
  /** Never more (however fast the store). */
  readonly max: number;
  /** A call slower than this (ms) means the store is not keeping up. */
  readonly slowMs: number;
}

/** What a finished store call tells the controller. */
export type CallSignal = 'fast' | 'slow' | 'overloaded' | 'neutral';

/** Halved on throttling, errors and timeouts; a slow call takes a smaller step down. */
const OVERLOAD_FACTOR = 0.5;
const SLOW_FACTOR = 0.8;

/**
 * How many store calls may be in flight, adapted with AIMD (additive increase, multiplicative decrease, as
 * TCP congestion control does): while calls come back fast and work is waiting, the limit grows by one per
 * limit's worth of calls (about one per round of calls); a slow call shrinks it by a fifth, a throttled,
 * failed or timed-out call halves it. Only calls started after the last decrease can decrease it again:
 * the calls that were already in flight were sent at the old limit, and their answers say nothing new.
 */
export class AdaptiveConcurrency {
  private current: number;
  private decreasedAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly limits: ConcurrencyLimits,
    private readonly now: () => number,
  ) {
    this.current = clamp(limits.initial, limits.min, limits.max);
  }

  /** Calls allowed in flight now (at least 1). */
  get limit(): number {
    return Math.max(1, Math.floor(this.current));
  }

  /**
   * A call started at `startedAt` (same clock as `now`) finished with `signal`; `saturated` is whether the
   * limit held work back (no increase is earned by a queue that had nothing more to send).
   */
  record(signal: CallSignal, startedAt: number, saturated: boolean): void {
    switch (signal) {
      case 'fast':
        if (saturated) this.current = Math.min(this.limits.max, this.current + 1 / this.current);
        return;
      case 'slow':
        this.decrease(SLOW_FACTOR, startedAt);
        return;
      case 'overloaded':
        this.decrease(OVERLOAD_FACTOR, startedAt);
        return;
      case 'neutral':
        return;
    }
  }

  /** The signal of a successful call that took `latencyMs`. */
  signalOf(latencyMs: number): CallSignal {
    return latencyMs > this.limits.slowMs ? 'slow' : 'fast';
  }

  private decrease(factor: number, startedAt: number): void {
    if (startedAt < this.decreasedAt) return;
    this.current = Math.max(this.limits.min, this.current * factor);
    this.decreasedAt = this.now();
  }
}

/** `concurrency` as adaptive limits: a plain number is a fixed limit. */
export function concurrencyLimits(concurrency: number | ConcurrencyLimits): ConcurrencyLimits {
  if (typeof concurrency !== 'number') return concurrency;
  return { initial: concurrency, min: concurrency, max: concurrency, slowMs: Number.POSITIVE_INFINITY };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
