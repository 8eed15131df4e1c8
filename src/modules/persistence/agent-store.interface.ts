import { type AgentRecord } from './agent-record.js';

/** Why a record is being removed. */
export type RemoveReason =
  /** The agent sent `agent_disconnect` with a healthy status. */
  | 'agent-disconnect'
  /** The agent went silent past the stale limit. */
  | 'stale'
  /** Left from before a restart, and its agent did not come back within the grace period. */
  | 'startup-cleanup';

/** What an {@link AgentStore.upsert} did. None of these is a failure; failures are thrown. */
export type UpsertOutcome =
  /** The record did not exist and was created. */
  | 'created'
  /** The existing record was brought up to date. */
  | 'updated'
  /** The stored record already said the same; nothing was written. */
  | 'unchanged'
  /** A record with this identity exists but was written by someone else (e.g. odiglet); left alone. */
  | 'skipped-foreign'
  /** The pod already has as many records as the store allows (16 for Odigos); nothing was written. */
  | 'over-cap'
  /** The pod no longer exists, so there is nothing to attach the record to. */
  | 'pod-not-found';

/** What an {@link AgentStore.remove} did. */
export type RemoveOutcome =
  /** The record was deleted. */
  | 'deleted'
  /** There was no record to delete. */
  | 'absent'
  /** The record exists but was written by someone else; left alone. */
  | 'skipped-foreign';

/**
 * Where agents' records live: the extension point for persisting them somewhere of your own (a database,
 * another CRD, an HTTP service). Provide an implementation under `AGENT_STORE` (or
 * `PersistenceModule.forRoot({ store })`); the built-in ones are `MemoryAgentStore` and
 * `InstrumentationInstanceStore` (Odigos's CRD).
 *
 * Calls reach a store through a write-behind queue, never from the OpAMP reply path, so a store may be slow.
 * The queue guarantees:
 * - at most one call at a time for a given record identity ({@link agentRecordKey}) and for a given pod;
 * - only the latest desired state of each record is passed on (intermediate states are coalesced away);
 * - a call that throws is retried with exponential backoff until it succeeds, for as long as it takes,
 *   unless the error is an `AgentStoreError` with `retryable: false` (then the state is dropped and logged).
 *
 * So a store makes one attempt per call and throws on failure; it should be idempotent (a retried upsert
 * may find its earlier attempt applied) and must never modify or delete records it did not write itself.
 */
export interface AgentStore {
  /**
   * Makes the stored record say what `record` says. Fields of `record` left undefined keep their stored
   * value; `record.observedAt` becomes the record's last status time.
   */
  upsert(record: AgentRecord): Promise<UpsertOutcome>;

  /** Deletes the record with the identity of `record` (namespace, pod, process id), if this server owns it. */
  remove(record: AgentRecord, reason: RemoveReason): Promise<RemoveOutcome>;

  /**
   * Records this server owns (on a Kubernetes node: those it wrote for agents on its node). Read once at
   * start-up to clean up after agents that ended while the server was down. Fields the store cannot restore
   * (e.g. `agentId`) may be empty.
   */
  list(): Promise<AgentRecord[]>;
}
