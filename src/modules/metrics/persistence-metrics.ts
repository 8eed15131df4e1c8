import { Counter, Gauge, type Registry } from 'prom-client';
import { type PersistenceLatency, type PersistenceStatsSource } from '../../common/persistence-stats.js';
import { CollectedHistogram, type HistogramSnapshot } from './collected-histogram.js';

/** The write-behind queue's latency buckets (`LATENCY_BUCKETS_MS`), in seconds: 5 ms to 10 s. */
export const PERSISTENCE_WRITE_BUCKETS_S: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * The latency histogram in seconds. The source's buckets are in ms; each bound in
 * {@link PERSISTENCE_WRITE_BUCKETS_S} takes the cumulative count of the source bucket with the same bound
 * (1000 × s), so a source with other bounds still exports correct, if coarser, counts.
 */
function inSeconds(latency: PersistenceLatency): HistogramSnapshot {
  const cumulative = PERSISTENCE_WRITE_BUCKETS_S.map((le) => {
    let count = 0;
    for (const bucket of latency.buckets) if (bucket.le <= le * 1000 + 1e-9) count = bucket.count;
    return count;
  });
  return { labels: {}, cumulative, sum: latency.sumMs / 1000, count: latency.count };
}

/**
 * Registers the persistence series, read from `source` at every scrape:
 * - `opamp_persistence_queue_depth` (gauge), `opamp_persistence_oldest_pending_seconds` (gauge),
 *   `opamp_persistence_write_concurrency` (gauge: store calls allowed in flight now);
 * - `opamp_persistence_writes_total{operation,result}` (`ok`, `failed`),
 *   `opamp_persistence_write_outcomes_total{outcome}` (`created`, `updated`, `deleted`, `skipped-foreign`, ...);
 * - `opamp_persistence_retries_total`, `opamp_persistence_dropped_total`;
 * - `opamp_persistence_write_duration_seconds` (histogram of store calls).
 * Series whose field the source does not report are left out (or 0 for the dropped counter, as before).
 */
export function registerPersistenceMetrics(registry: Registry, source: PersistenceStatsSource): void {
  const registers = [registry];
  const probe = source.stats();
  new Gauge({
    name: 'opamp_persistence_queue_depth',
    help: 'Agent records whose latest state is not persisted yet.',
    registers,
    collect() {
      this.set(source.stats().depth);
    },
  });
  new Counter({
    name: 'opamp_persistence_writes_total',
    help: 'Store calls of the persistence layer, by operation and result (ok, failed).',
    labelNames: ['operation', 'result'],
    registers,
    collect() {
      this.reset();
      for (const [operation, { ok, failed }] of Object.entries(source.stats().writes)) {
        this.inc({ operation, result: 'ok' }, ok);
        this.inc({ operation, result: 'failed' }, failed);
      }
    },
  });
  new Counter({
    name: 'opamp_persistence_dropped_total',
    help: 'Agent states the persistence layer gave up on (rejected for good by the store).',
    registers,
    collect() {
      this.reset();
      this.inc(source.stats().dropped ?? 0);
    },
  });
  if (probe.concurrencyLimit !== undefined) {
    new Gauge({
      name: 'opamp_persistence_write_concurrency',
      help: 'Store calls the persistence layer allows in flight now (adapted to how fast the store answers).',
      registers,
      collect() {
        this.set(source.stats().concurrencyLimit ?? 0);
      },
    });
  }
  if (probe.oldestPendingMs !== undefined) {
    new Gauge({
      name: 'opamp_persistence_oldest_pending_seconds',
      help: 'Age of the oldest agent state not persisted yet (0 when the queue is empty).',
      registers,
      collect() {
        this.set((source.stats().oldestPendingMs ?? 0) / 1000);
      },
    });
  }
  if (probe.retries !== undefined) {
    new Counter({
      name: 'opamp_persistence_retries_total',
      help: 'Failed store calls scheduled to be tried again (with backoff).',
      registers,
      collect() {
        this.reset();
        this.inc(source.stats().retries ?? 0);
      },
    });
  }
  if (probe.outcomes !== undefined) {
    new Counter({
      name: 'opamp_persistence_write_outcomes_total',
      help: 'What successful store calls did, by outcome (created, updated, unchanged, deleted, absent, skipped-foreign, over-cap, pod-not-found).',
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        for (const [outcome, count] of Object.entries(source.stats().outcomes ?? {}))
          this.inc({ outcome }, count);
      },
    });
  }
  if (probe.latency !== undefined) {
    new CollectedHistogram(
      'opamp_persistence_write_duration_seconds',
      'Duration of one store call of the persistence layer (upsert or remove, retries included).',
      PERSISTENCE_WRITE_BUCKETS_S,
      () => {
        const latency = source.stats().latency;
        return latency ? [inSeconds(latency)] : [];
      },
      registry,
    );
  }
}
