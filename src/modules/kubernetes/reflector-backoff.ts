/** Settings of a {@link ReflectorBackoff}, in milliseconds. */
export interface ReflectorBackoffPolicy {
  /** First delay. */
  readonly initialMs: number;
  /** Longest delay. */
  readonly maxMs: number;
  /** Time healthy (a watch open) after which the delay starts over from {@link initialMs}. */
  readonly resetAfterMs: number;
}

/**
 * Exponential backoff with jitter for a list-and-watch loop: each delay doubles the previous ceiling up to
 * `maxMs` and is jittered to 50–100 % of it, so that many servers do not retry in step; once the loop has been
 * healthy for `resetAfterMs`, the next delay is the initial one again (as client-go's backoff manager).
 */
export class ReflectorBackoff {
  private attempts = 0;
  private healthySince: number | undefined;

  /**
   * @param now time source, ms; default `Date.now`.
   * @param random jitter source in [0, 1); default `Math.random`.
   */
  constructor(
    private readonly policy: ReflectorBackoffPolicy,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call grows the next one, unless healthy long enough between. */
  nextDelay(): number {
    if (this.healthySince !== undefined && this.now() - this.healthySince >= this.policy.resetAfterMs) {
      this.attempts = 0;
    }
    this.healthySince = undefined;
    const ceiling = Math.min(this.policy.maxMs, this.policy.initialMs * 2 ** Math.min(this.attempts, 30));
    this.attempts++;
    return Math.round(ceiling * (0.5 + this.random() / 2));
  }

  /** The loop is healthy from now on (a watch opened); a no-op when it already is. */
  healthy(): void {
    this.healthySince ??= this.now();
  }

  /** Starts over: the next delay is the initial one. */
  reset(): void {
    this.attempts = 0;
    this.healthySince = undefined;
  }
}
