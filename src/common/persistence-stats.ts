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
