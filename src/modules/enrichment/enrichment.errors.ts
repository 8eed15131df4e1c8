import { KubernetesNotFoundError } from '../kubernetes/index.js';

// The Kubernetes API errors moved to the KubernetesModule; re-exported so importers of this module keep working.
export {
  KubernetesRequestError,
  KubernetesUnavailableError,
  type KubernetesUnavailableReason,
} from '../kubernetes/index.js';

/**
 * Base of the failures to place an agent that are not Kubernetes API errors (those are the KubernetesModule's
 * `KubernetesError`s, {@link PodNotFoundError} included).
 */
export class EnrichmentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The API server has no Pod of that name in that namespace (HTTP 404). */
export class PodNotFoundError extends KubernetesNotFoundError {
  constructor(
    /** Namespace that was asked. */
    readonly namespace: string,
    /** Pod name that was asked. */
    readonly podName: string,
    options?: ErrorOptions,
  ) {
    super(`read pod ${namespace}/${podName}`, `pods "${podName}" not found`, options);
    this.message =
      `pod ${namespace}/${podName} does not exist. The pod may have been deleted, or the agent reported ` +
      'a wrong k8s.namespace.name / k8s.pod.name (check the env vars its pod spec sets).';
  }
}

/**
 * The agent claims a pod scheduled on another node. A server serves the processes of its own node only (the
 * agents talk to it locally), so it never acts for a pod elsewhere.
 */
export class PodOnAnotherNodeError extends EnrichmentError {
  constructor(
    readonly namespace: string,
    readonly podName: string,
    /** The pod's `spec.nodeName`; undefined while it is not scheduled. */
    readonly podNode: string | undefined,
    /** The node this server serves. */
    readonly localNode: string,
  ) {
    super(
      `pod ${namespace}/${podName} ${podNode ? `runs on node ${podNode}` : 'is not scheduled on any node'}, not on ` +
        `${localNode}: an agent must talk to the OpAMP server of its own node (check the agent's server address ` +
        'and the k8s.pod.name / k8s.namespace.name it reports)',
    );
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
