/**
 * A token bucket: `ratePerSecond` tokens refill per second up to `burst`; each message takes one. Time is
 * passed in (monotonic milliseconds), so it is trivially testable.
 */
export class TokenBucket {
  private tokens: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private last: number,
  ) {
    this.tokens = burst;
  }

  /** Takes a token at `now`: 0 when allowed, else the milliseconds until one will be available. */
  take(now: number): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.ratePerSecond) / 1000);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Whether the bucket has refilled completely by `now` (it can be forgotten). */
  isFull(now: number): boolean {
    return this.tokens + ((now - this.last) * this.ratePerSecond) / 1000 >= this.burst;
  }
}
