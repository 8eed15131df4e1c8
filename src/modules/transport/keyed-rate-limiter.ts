import { TokenBucket } from './token-bucket.js';

/** How often idle buckets are forgotten, ms. */
const SWEEP_EVERY_MS = 5_000;

/**
 * One {@link TokenBucket} per key (an HTTP agent's instance uid). Buckets that refilled completely are
 * forgotten on a periodic sweep, so memory follows the agents that are actually busy, not every uid ever
 * seen (a client inventing uids cannot grow it beyond what it sends within a few seconds).
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private nextSweep = 0;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
  ) {}

  /** Takes a token for `key` at `now` (monotonic ms): 0 when allowed, else ms until the next token. */
  take(key: string, now: number): number {
    if (now >= this.nextSweep) this.sweep(now);
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.ratePerSecond, this.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket.take(now);
  }

  /** Buckets held now. */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    this.nextSweep = now + SWEEP_EVERY_MS;
    for (const [key, bucket] of this.buckets) if (bucket.isFull(now)) this.buckets.delete(key);
  }
}
