/** Why a record is being removed. */
export type RemoveReason =
  /** The agent sent `agent_disconnect` (and its mapping chose to remove the record). */
  | 'agent-disconnect'
  /** The agent went silent past the stale limit, or its WebSocket closed and it did not come back. */
  | 'stale'
  /** Left from before a restart, and its agent did not come back within the grace period. */
  | 'startup-cleanup'
  /** The agent's record moved to another key in the same session (e.g. once its identity was completed). */
  | 'superseded';

/** What an {@link AgentStore.upsert} did. None of these is a failure; failures are thrown. */
export type UpsertOutcome =
  /** The record did not exist and was created. */
  | 'created'
  /** The existing record was brought up to date. */
  | 'updated'
  /** The stored record already said the same; nothing was written. */
  | 'unchanged'
  /** A record with this identity exists but was written by someone else; left alone. */
  | 'skipped-foreign'
  /** The record's owner already has as many records as the store allows; nothing was written. */
  | 'over-cap'
  /** The pod the record belongs to no longer exists, so there is nothing to attach it to. */
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
 * another custom resource, an HTTP service). Give one as `OpampModule.forRoot({ agentStore })`; the
 * built-in ones keep records in memory or as Kubernetes custom resources. `R` is the record type of the
 * active {@link AgentRecordMapping} (`AgentSnapshot` without a plugin mapping).
 *
 * Calls reach a store through a write-behind queue, never from the OpAMP reply path, so a store may be slow.
 * The queue guarantees:
 * - at most one call at a time for a given record key and for a given record group;
 * - only the latest desired state of each record is passed on (intermediate states are coalesced away);
 * - a call that throws is retried with exponential backoff until it succeeds, for as long as it takes,
 *   unless the error has `retryable: false` (then the state is dropped and logged).
 *
 * So a store makes one attempt per call and throws on failure; it should be idempotent (a retried upsert
 * may find its earlier attempt applied) and must never modify or delete records it did not write itself.
 */
export interface AgentStore<R extends object = object> {
  /** Makes the stored record say what `record` says. */
  upsert(record: R): Promise<UpsertOutcome>;
  /** Deletes the stored record with the key of `record`, if this server owns it. */
  remove(record: R, reason: RemoveReason): Promise<RemoveOutcome>;
  /**
   * Records this server owns (on a Kubernetes node: those it wrote for agents on its node). Read once at
   * start-up to clean up after agents that ended while the server was down.
   */
  list(): Promise<R[]>;
}
