/**
 * The Kubernetes API errors every module sees: {@link toKubernetesError} turns whatever a
 * `@kubernetes/client-node` call threw into one of these. Status codes follow the API conventions
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#http-status-codes).
 */
export abstract class KubernetesError extends Error {
  /** What was attempted, e.g. `read pod shop/checkout-1`. */
  abstract readonly operation: string;
  /** Detail from the failure: the deadline, the socket error, or the `Status.message` of the answer. */
  abstract readonly details: string;
  /** HTTP status of the answer; undefined when there was none (no connection, no answer in time). */
  abstract readonly status: number | undefined;
  /** Whether the same request, unchanged, may succeed later. */
  abstract readonly retryable: boolean;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * Why the Kubernetes API could not answer: no configuration at all, no answer before the deadline (or the
 * call was cancelled), no connection, throttled (HTTP 429) or failing (HTTP 5xx).
 */
export type KubernetesUnavailableReason =
  'not-configured' | 'timeout' | 'unreachable' | 'throttled' | 'server-error';

const UNAVAILABLE_ADVICE: Record<KubernetesUnavailableReason, string> = {
  'not-configured':
    'This server has no Kubernetes configuration: run it in a pod (in-cluster service account) or set KUBECONFIG.',
  timeout:
    'Check that the API server is reachable from this node and not overloaded (the request was aborted, ' +
    'so no connection is left waiting).',
  unreachable:
    'Check that the API server address in the kubeconfig (or KUBERNETES_SERVICE_HOST/PORT in a pod) is ' +
    'reachable from this node and that network policies allow it.',
  throttled: 'The API server is rate-limiting this client (HTTP 429); the call is retried later.',
  'server-error': 'The API server failed the call (HTTP 5xx); check its health. The call is retried later.',
};

/** The Kubernetes API could not be asked, or did not answer in time; retrying later may succeed. */
export class KubernetesUnavailableError extends KubernetesError {
  /** Always true: nothing was wrong with the request itself. */
  readonly retryable = true;
  /** HTTP status for `throttled` and `server-error`; undefined otherwise. */
  readonly status: number | undefined;

  constructor(
    /** What was attempted, e.g. `read pod shop/checkout-1`. */
    readonly operation: string,
    /** Why it failed. */
    readonly reason: KubernetesUnavailableReason,
    /** Detail from the failure (the deadline, the socket error, the API message). */
    readonly details: string,
    options?: ErrorOptions & { readonly status?: number },
  ) {
    super(
      `Kubernetes API unavailable: could not ${operation} (${details}). ${UNAVAILABLE_ADVICE[reason]}`,
      options,
    );
    this.status = options?.status;
  }
}

/** Statuses that reject the request itself: sent again unchanged, it is rejected again. */
const INVALID_REQUEST_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

function requestAdvice(statusCode: number): string {
  switch (statusCode) {
    case 401:
      return " Check the server's service account token or kubeconfig credentials.";
    case 403:
      return " Check the RBAC of this server's service account: deploy/base/rbac.yaml and each component's rbac.yaml list what it needs.";
    case 404:
      return ' It does not exist (for a custom resource: is its CRD installed?).';
    case 409:
      return ' It was changed or created concurrently; read it again and retry.';
    default:
      return INVALID_REQUEST_STATUSES.has(statusCode)
        ? ' The request was rejected as invalid and would be again unchanged.'
        : '';
  }
}

/** The API server refused the call with a 4xx status other than 429 (forbidden, bad request, ...). */
export class KubernetesRequestError extends KubernetesError {
  /** HTTP status of the answer (same as {@link statusCode}). */
  readonly status: number;
  /**
   * False for 400, 413 and 422 (the request itself is wrong); true for the rest: 401/403 get fixed by
   * rotated credentials or RBAC, 404/409 are races.
   */
  readonly retryable: boolean;

  constructor(
    /** What was attempted, e.g. `read pod shop/checkout-1`. */
    readonly operation: string,
    /** HTTP status of the answer. */
    readonly statusCode: number,
    /** The `Status.message` of the answer, or the client's error message. */
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(
      `Kubernetes API refused to ${operation} (HTTP ${statusCode}: ${details}).${requestAdvice(statusCode)}`,
      options,
    );
    this.status = statusCode;
    this.retryable = !INVALID_REQUEST_STATUSES.has(statusCode);
  }
}

/** HTTP 404: the object (or its resource type) does not exist. */
export class KubernetesNotFoundError extends KubernetesRequestError {
  constructor(operation: string, details: string, options?: ErrorOptions) {
    super(operation, 404, details, options);
  }
}

/** HTTP 409: the object was changed (stale resourceVersion, failed precondition) or already exists. */
export class KubernetesConflictError extends KubernetesRequestError {
  constructor(operation: string, details: string, options?: ErrorOptions) {
    super(operation, 409, details, options);
  }
}
