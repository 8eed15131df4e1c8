/** Base of every failure to place an agent in Kubernetes (pod, workload, device). */
export class EnrichmentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API server has no Pod of that name in that namespace (HTTP 404). */
export class PodNotFoundError extends EnrichmentError {
  constructor(
    /** Namespace that was asked. */
    readonly namespace: string,
    /** Pod name that was asked. */
    readonly podName: string,
    options?: ErrorOptions,
  ) {
    super(
      `pod ${namespace}/${podName} does not exist. The pod may have been deleted, or the agent reported ` +
        'a wrong k8s.namespace.name / k8s.pod.name (check the env vars its pod spec sets).',
      options,
    );
  }
}

/**
 * Why the Kubernetes API could not answer: no configuration at all, no answer before the deadline, no
 * connection, throttled (HTTP 429) or failing (HTTP 5xx).
 */
export type KubernetesUnavailableReason =
  'not-configured' | 'timeout' | 'unreachable' | 'throttled' | 'server-error';

const UNAVAILABLE_ADVICE: Record<KubernetesUnavailableReason, string> = {
  'not-configured':
    'This server has no Kubernetes configuration: run it in a pod (in-cluster service account) or set KUBECONFIG.',
  timeout: 'Check that the API server is reachable from this node and not overloaded.',
  unreachable:
    'Check that the API server address in the kubeconfig (or KUBERNETES_SERVICE_HOST/PORT in a pod) is ' +
    'reachable from this node and that network policies allow it.',
  throttled: 'The API server is rate-limiting this client (HTTP 429); the call is retried later.',
  'server-error': 'The API server failed the call (HTTP 5xx); check its health. The call is retried later.',
};

/** The Kubernetes API could not be asked, or did not answer in time; retrying later may succeed. */
export class KubernetesUnavailableError extends EnrichmentError {
  constructor(
    /** What was attempted, e.g. `read pod shop/checkout-1`. */
    readonly operation: string,
    /** Why it failed. */
    readonly reason: KubernetesUnavailableReason,
    /** Detail from the failure (the deadline, the socket error, the API message). */
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(
      `Kubernetes API unavailable: could not ${operation} (${details}). ${UNAVAILABLE_ADVICE[reason]}`,
      options,
    );
  }
}

/** The API server refused the call with a 4xx status other than 429 (forbidden, bad request, ...). */
export class KubernetesRequestError extends EnrichmentError {
  constructor(
    /** What was attempted, e.g. `read pod shop/checkout-1`. */
    readonly operation: string,
    /** HTTP status of the answer. */
    readonly statusCode: number,
    /** The `Status.message` of the answer, or the client's error message. */
    readonly details: string,
    options?: ErrorOptions,
  ) {
    const advice =
      statusCode === 401 || statusCode === 403
        ? " Check the RBAC of this server's service account: it needs get on pods and list/watch on " +
          'instrumentationconfigs.odigos.io, cluster-wide.'
        : '';
    super(`Kubernetes API refused to ${operation} (HTTP ${statusCode}: ${details}).${advice}`, options);
  }
}

/** The kubelet lists no pod on this node holding this instrumentation device. */
export class DeviceNotFoundError extends EnrichmentError {
  constructor(
    /** The device id the agent sent. */
    readonly deviceId: string,
  ) {
    super(
      `no pod on this node holds instrumentation device ${deviceId} according to the kubelet pod-resources ` +
        'API. The pod may have ended, or the agent is talking to the OpAMP server of another node.',
    );
  }
}
