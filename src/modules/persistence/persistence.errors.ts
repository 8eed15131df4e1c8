/**
 * A store operation failed. `retryable` tells the write-behind queue whether trying again can help (the
 * API server was unreachable, timed out, or answered 5xx/429) or not (the record was rejected as invalid).
 */
export class AgentStoreError extends Error {
  override readonly name = 'AgentStoreError';

  constructor(
    message: string,
    readonly context: {
      readonly operation: 'upsert' | 'remove' | 'list';
      readonly record?: string;
      readonly retryable: boolean;
      /** HTTP status of the API answer, when there was one. */
      readonly status?: number;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Whether the queue should try again. */
  get retryable(): boolean {
    return this.context.retryable;
  }
}

/** `PERSISTENCE=kubernetes` without a Kubernetes client configuration. */
export class KubernetesPersistenceUnavailableError extends Error {
  override readonly name = 'KubernetesPersistenceUnavailableError';
  readonly context = { persistence: 'kubernetes' } as const;

  constructor() {
    super(
      'PERSISTENCE=kubernetes needs a Kubernetes client configuration, and none was found: run inside a ' +
        'cluster (service account), set KUBECONFIG, or use PERSISTENCE=memory',
    );
  }
}

/** A plugin's `recordMapping` hook answered with a promise: the mapping is needed before any message. */
export class AsyncRecordMappingError extends Error {
  override readonly name = 'AsyncRecordMappingError';

  constructor() {
    super(
      'a recordMapping hook returned a promise; return the AgentRecordMapping itself (it is asked once, at start-up)',
    );
  }
}
