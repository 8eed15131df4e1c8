/**
 * What the metrics read from the persistence layer: how far behind its writes are and how many failed.
 * `AgentPersistence.stats()` (a `WriteBehindStats`) has this shape, so the PersistenceModule provides it
 * with `{ provide: PERSISTENCE_STATS, useExisting: AgentPersistence }`.
 */
export interface PersistenceStats {
  /** Records whose latest state is not written yet. */
  readonly depth: number;
  /** Store calls that succeeded (`ok`) or threw (`failed`), by operation (`upsert`, `remove`). */
  readonly writes: Readonly<Record<string, { readonly ok: number; readonly failed: number }>>;
  /** States given up on for good. */
  readonly dropped?: number;
  /** Failed store calls scheduled to be tried again. */
  readonly retries?: number;
  /** Store calls allowed in flight now (the adaptive write concurrency). */
  readonly concurrencyLimit?: number;
  /** Age of the oldest state not written yet, ms (0 when none). */
  readonly oldestPendingMs?: number;
  /** What successful store calls did (`created`, `updated`, `deleted`, `skipped-foreign`, ...), by outcome. */
  readonly outcomes?: Readonly<Record<string, number>>;
  /** Duration of store calls, a histogram in milliseconds. */
  readonly latency?: PersistenceLatency;
}

/** A histogram of store call durations, ms (`LatencySnapshot` of the write-behind queue has this shape). */
export interface PersistenceLatency {
  /** Observations so far. */
  readonly count: number;
  /** Sum of all observations, ms. */
  readonly sumMs: number;
  /** Cumulative counts: `count` observations took at most `le` ms (`+Inf` implied, equal to `count`). */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
}

/** Something that can report {@link PersistenceStats} at any time (cheaply: it is read at every scrape). */
export interface PersistenceStatsSource {
  stats(): PersistenceStats;
}

/**
 * DI token of a {@link PersistenceStatsSource}. Optional: when no module provides it, the persistence
 * series are simply absent from `/metrics`. It is looked up across all modules, so it need not be global.
 */
export const PERSISTENCE_STATS = 'OPAMP:PERSISTENCE_STATS';
