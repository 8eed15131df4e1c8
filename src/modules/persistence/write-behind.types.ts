import { type RemoveOutcome, type UpsertOutcome } from '../../plugin-api/index.js';
import { type ConcurrencyLimits } from './adaptive-concurrency.js';
import { type LatencySnapshot } from './latency-histogram.js';
import { systemTimers, type Timers } from './timers.js';

/** Tuning of a `WriteBehindQueue`. */
export interface WriteBehindOptions {
  /**
   * Store calls in flight at once (never two for one record or one pod): a number is a fixed limit; limits
   * make it adaptive (`AdaptiveConcurrency`). Default adaptive from 4, between 4 and 32, slow above 250 ms.
   */
  concurrency: number | ConcurrencyLimits;
  /** First retry delay; doubles per consecutive failure of a record. Default 250 ms. */
  baseDelayMs: number;
  /** Longest retry delay. Default 30 s. */
  maxDelayMs: number;
  /** Longest retry delay while flushing at shutdown. Default 100 ms. */
  flushRetryDelayMs: number;
  /** Random source for jitter, in [0, 1). Default `Math.random`. */
  random: () => number;
  /** Timers for retry delays and the flush deadline. Default Node's. */
  timers: Timers;
  /** Monotonic clock for latencies, ms. Default `performance.now`. */
  monotonicNow: () => number;
}

/** Default adaptive write concurrency (the `PERSISTENCE_WRITE_CONCURRENCY_*` settings' defaults). */
export const DEFAULT_CONCURRENCY_LIMITS: ConcurrencyLimits = { initial: 4, min: 4, max: 32, slowMs: 250 };

/** Default {@link WriteBehindOptions}. */
export const DEFAULT_WRITE_BEHIND_OPTIONS: WriteBehindOptions = {
  concurrency: DEFAULT_CONCURRENCY_LIMITS,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  flushRetryDelayMs: 100,
  random: Math.random,
  timers: systemTimers,
  monotonicNow: () => performance.now(),
};

/** The kind of store call. */
export type WriteOperation = 'upsert' | 'remove';

/** Counters and gauges of a `WriteBehindQueue`, for metrics. */
export interface WriteBehindStats {
  /** Records whose latest desired state is not written yet (waiting, retrying or in flight). */
  readonly depth: number;
  /** Store calls in flight. */
  readonly inFlight: number;
  /** Store calls allowed in flight now (the adaptive concurrency's current limit). */
  readonly concurrencyLimit: number;
  /** Age of the oldest unwritten desired state, ms (0 when none). */
  readonly oldestPendingMs: number;
  /** Store calls that returned (ok) or threw (failed), by operation. */
  readonly writes: Readonly<Record<WriteOperation, { readonly ok: number; readonly failed: number }>>;
  /** What successful calls did (`skipped-foreign` and `over-cap` among them). */
  readonly outcomes: Readonly<Record<UpsertOutcome | RemoveOutcome, number>>;
  /** Failed calls scheduled to be tried again. */
  readonly retries: number;
  /** States replaced by a newer one before they were written. */
  readonly coalesced: number;
  /** Upserts not sent because the store already holds exactly that state. */
  readonly unchanged: number;
  /** States given up on because the store rejected them for good (non-retryable errors). */
  readonly dropped: number;
  /** Duration of store calls. */
  readonly latency: LatencySnapshot;
}

/** What `WriteBehindQueue.flush` achieved. */
export interface FlushResult {
  /** Whether every desired state was written before the deadline. */
  readonly flushed: boolean;
  /** Records still unwritten. */
  readonly remaining: number;
}
