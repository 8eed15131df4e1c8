import { Logger } from '@nestjs/common';
import {
  type AgentRecordMapping,
  type AgentStore,
  type RemoveOutcome,
  type RemoveReason,
  type UpsertOutcome,
} from '../../plugin-api/index.js';
import { AdaptiveConcurrency, type CallSignal, concurrencyLimits } from './adaptive-concurrency.js';
import { BoundedMap } from './bounded-map.js';
import { LatencyHistogram } from './latency-histogram.js';
import { AgentStoreError } from './persistence.errors.js';
import { fingerprintOf } from './record-mapping.defaults.js';
import { type TimerHandle } from './timers.js';
import {
  DEFAULT_WRITE_BEHIND_OPTIONS,
  type FlushResult,
  type WriteBehindOptions,
  type WriteBehindStats,
} from './write-behind.types.js';

type Desired<R> =
  | { readonly op: 'upsert'; readonly record: R }
  | { readonly op: 'remove'; readonly record: R; readonly reason: RemoveReason };

interface Entry<R> {
  /** The latest state to write; undefined once handed to the store. */
  desired?: Desired<R>;
  running: boolean;
  /** Consecutive failures. */
  failures: number;
  retryTimer?: TimerHandle;
  /** When the state waiting to be written was first asked for (monotonic ms). */
  pendingSince: number;
}

const OUTCOMES: readonly (UpsertOutcome | RemoveOutcome)[] = [
  'created',
  'updated',
  'unchanged',
  'skipped-foreign',
  'over-cap',
  'pod-not-found',
  'deleted',
  'absent',
];
const WRITTEN_FINGERPRINTS = 10_000;

/**
 * Writes agents' records to an {@link AgentStore} in the background, so an OpAMP reply never waits on it.
 *
 * - Coalesced per record: a map from record identity to the latest desired state (upsert or remove); a state
 *   replaced before it was written is never written, and nothing is dropped for lack of room.
 * - Retried with exponential backoff and jitter for as long as the store fails (outages of any length): the
 *   desired state stays until written. Only a non-retryable `AgentStoreError` gives a state up.
 * - One call at a time per record and per record group (e.g. a pod, whose cap is counted before creating);
 *   overall, as many as an {@link AdaptiveConcurrency} allows: more while the store answers fast, fewer
 *   when it throttles (429), fails (5xx) or times out.
 *
 * Keys, groups and what counts as unchanged come from the {@link AgentRecordMapping}.
 */
export class WriteBehindQueue<R extends object = object> {
  private readonly logger = new Logger(WriteBehindQueue.name);
  private readonly options: WriteBehindOptions;
  private readonly entries = new Map<string, Entry<R>>();
  /** Keys with a desired state that may start now, in arrival order. */
  private readonly ready = new Set<string>();
  private readonly busyGroups = new Set<string>();
  private readonly lastWritten = new BoundedMap<string, string>(WRITTEN_FINGERPRINTS);
  private readonly latency = new LatencyHistogram();
  private readonly writes = { upsert: { ok: 0, failed: 0 }, remove: { ok: 0, failed: 0 } };
  private readonly outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<
    UpsertOutcome | RemoveOutcome,
    number
  >;
  private counters = { retries: 0, coalesced: 0, unchanged: 0, dropped: 0 };
  private inFlight = 0;
  private readonly concurrency: AdaptiveConcurrency;
  private flushing = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly store: AgentStore<R>,
    private readonly mapping: AgentRecordMapping<R>,
    options: Partial<WriteBehindOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITE_BEHIND_OPTIONS, ...options };
    this.concurrency = new AdaptiveConcurrency(
      concurrencyLimits(this.options.concurrency),
      this.options.monotonicNow,
    );
  }

  /** Asks for `record` to be stored (replacing any state of the same record not yet written). */
  upsert(record: R): void {
    this.enqueue({ op: 'upsert', record });
  }

  /** Asks for the record with `record`'s key to be deleted (replacing any state not yet written). */
  remove(record: R, reason: RemoveReason): void {
    this.enqueue({ op: 'remove', record, reason });
  }

  /** Records with an unwritten state. */
  get depth(): number {
    return this.entries.size;
  }

  /** Counters and gauges for metrics. */
  stats(): WriteBehindStats {
    const now = this.options.monotonicNow();
    let oldest = now;
    for (const entry of this.entries.values()) oldest = Math.min(oldest, entry.pendingSince);
    return {
      depth: this.entries.size,
      inFlight: this.inFlight,
      concurrencyLimit: this.concurrency.limit,
      oldestPendingMs: now - oldest,
      writes: { upsert: { ...this.writes.upsert }, remove: { ...this.writes.remove } },
      outcomes: { ...this.outcomes },
      ...this.counters,
      latency: this.latency.snapshot(),
    };
  }

  /**
   * Writes everything pending now (states waiting for a retry are tried at once, and retried quickly) and
   * resolves when all is written or `timeoutMs` has passed. For shutdown.
   */
  async flush(timeoutMs: number): Promise<FlushResult> {
    this.flushing = true;
    for (const [key, entry] of this.entries) {
      if (entry.retryTimer === undefined) continue;
      this.options.timers.clearTimeout(entry.retryTimer);
      entry.retryTimer = undefined;
      if (entry.desired) this.ready.add(key);
    }
    this.pump();
    let deadline: TimerHandle | undefined;
    await Promise.race([
      this.idle(),
      new Promise<void>((resolve) => (deadline = this.options.timers.setTimeout(resolve, timeoutMs))),
    ]);
    this.options.timers.clearTimeout(deadline);
    this.flushing = false;
    return { flushed: this.entries.size === 0, remaining: this.entries.size };
  }

  /** Resolves once nothing is pending (immediately if nothing is). */
  idle(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops retry timers and starts no new calls; states not yet written are abandoned. */
  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) {
      if (entry.retryTimer !== undefined) this.options.timers.clearTimeout(entry.retryTimer);
      entry.retryTimer = undefined;
    }
  }

  private enqueue(desired: Desired<R>): void {
    const key = this.mapping.keyOf(desired.record);
    let entry = this.entries.get(key);
    if (!entry) {
      if (
        desired.op === 'upsert' &&
        this.lastWritten.get(key) === fingerprintOf(this.mapping, desired.record)
      ) {
        this.counters.unchanged++;
        return;
      }
      entry = { running: false, failures: 0, pendingSince: this.options.monotonicNow() };
      this.entries.set(key, entry);
    } else if (entry.desired) {
      this.counters.coalesced++;
    } else {
      entry.pendingSince = this.options.monotonicNow();
    }
    entry.desired = desired;
    if (!entry.running && entry.retryTimer === undefined) this.ready.add(key);
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    for (const key of this.ready) {
      if (this.inFlight >= this.concurrency.limit) return;
      const entry = this.entries.get(key);
      const desired = entry?.desired;
      if (!entry || !desired) {
        this.ready.delete(key);
        continue;
      }
      const group = this.groupOf(desired.record);
      if (this.busyGroups.has(group)) continue;
      this.ready.delete(key);
      void this.run(key, entry, desired, group);
    }
  }

  private groupOf(record: R): string {
    return this.mapping.groupOf ? this.mapping.groupOf(record) : this.mapping.keyOf(record);
  }

  private async run(key: string, entry: Entry<R>, desired: Desired<R>, group: string): Promise<void> {
    entry.desired = undefined;
    entry.running = true;
    this.busyGroups.add(group);
    this.inFlight++;
    const started = this.options.monotonicNow();
    let signal: CallSignal = 'neutral';
    try {
      const outcome =
        desired.op === 'upsert'
          ? await this.store.upsert(desired.record)
          : await this.store.remove(desired.record, desired.reason);
      signal = this.concurrency.signalOf(this.options.monotonicNow() - started);
      this.succeeded(key, entry, desired, outcome);
    } catch (error) {
      signal = overloadSignalOf(error);
      this.failed(key, entry, desired, error);
    } finally {
      this.latency.observe(this.options.monotonicNow() - started);
      // Saturated: every allowed call was in use and work was waiting for one.
      const saturated = this.inFlight >= this.concurrency.limit && this.ready.size > 0;
      this.concurrency.record(signal, started, saturated);
      this.inFlight--;
      this.busyGroups.delete(group);
      entry.running = false;
      this.settle(key, entry);
    }
  }

  private succeeded(
    key: string,
    entry: Entry<R>,
    desired: Desired<R>,
    outcome: UpsertOutcome | RemoveOutcome,
  ): void {
    this.writes[desired.op].ok++;
    this.outcomes[outcome]++;
    entry.failures = 0;
    const written = outcome === 'created' || outcome === 'updated' || outcome === 'unchanged';
    if (desired.op === 'upsert' && written)
      this.lastWritten.set(key, fingerprintOf(this.mapping, desired.record));
    else this.lastWritten.delete(key);
    const agent = this.mapping.agentOf?.(desired.record);
    if (outcome === 'skipped-foreign') {
      this.logger.warn(
        { agent, record: key },
        'left alone a record this server did not create (another writer uses the same name)',
      );
    } else if (outcome === 'over-cap') {
      this.logger.warn(
        { agent, record: key },
        "the record's pod already has the maximum number of records; this agent is not recorded",
      );
    } else if (outcome === 'pod-not-found') {
      this.logger.log({ agent, record: key }, 'pod no longer exists; record not written');
    }
  }

  private failed(key: string, entry: Entry<R>, desired: Desired<R>, error: unknown): void {
    this.writes[desired.op].failed++;
    const agent = this.mapping.agentOf?.(desired.record);
    if (error instanceof AgentStoreError && !error.retryable) {
      this.counters.dropped++;
      this.lastWritten.delete(key);
      this.logger.error(
        { agent, record: key, operation: desired.op, err: error },
        'store rejected the record; this state is dropped (fix the cause, the next change is tried again)',
      );
      return;
    }
    // Keep the failed state unless a newer one arrived meanwhile, and try again later.
    entry.desired ??= desired;
    entry.failures++;
    this.counters.retries++;
    const delay = this.retryDelay(entry.failures);
    const log = {
      agent,
      record: key,
      operation: desired.op,
      failures: entry.failures,
      retryInMs: delay,
      err: error,
    };
    if (entry.failures === 1 || entry.failures % 10 === 0)
      this.logger.warn(log, 'record write failed; will retry');
    else this.logger.debug(log, 'record write failed again; will retry');
    entry.retryTimer = this.options.timers.setTimeout(() => {
      entry.retryTimer = undefined;
      if (entry.desired) this.ready.add(key);
      this.pump();
    }, delay);
  }

  /** Exponential backoff with "equal jitter": half the delay fixed, half random. */
  private retryDelay(failures: number): number {
    const { baseDelayMs, maxDelayMs, flushRetryDelayMs, random } = this.options;
    const ceiling = Math.min(
      this.flushing ? flushRetryDelayMs : maxDelayMs,
      baseDelayMs * 2 ** (failures - 1),
    );
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  private settle(key: string, entry: Entry<R>): void {
    if (entry.desired === undefined && entry.retryTimer === undefined) this.entries.delete(key);
    else if (entry.desired !== undefined && entry.retryTimer === undefined) this.ready.add(key);
    this.pump();
    if (this.entries.size === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

/**
 * What a failed call says about the store's load: throttled (429), failing (5xx) or unreachable / timed out
 * (no status) means overloaded; a conflict or a rejected record says nothing about load.
 */
function overloadSignalOf(error: unknown): CallSignal {
  if (!(error instanceof AgentStoreError)) return 'overloaded';
  const status = error.context.status;
  if (status === undefined) return error.retryable ? 'overloaded' : 'neutral';
  return status === 429 || status >= 500 ? 'overloaded' : 'neutral';
}
