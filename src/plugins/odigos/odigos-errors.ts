import {
  AgentNotIdentifiedError,
  AgentNotLocalError,
  DeviceNotFoundError,
  KubeletPodResourcesError,
  KubernetesRequestError,
  KubernetesUnavailableError,
  PodNotFoundError,
  PodOnAnotherNodeError,
  ServerUnavailableError,
} from '../../index.js';

/** How long an agent is told to wait when the Kubernetes API or the kubelet could not answer. */
const RETRY_AFTER_MS = 5000;

/**
 * Turns a failure to place an agent into the error the agent receives: a pod on another node is a 403, an
 * unknown pod or device a 400 (the agent's claim is wrong), an unreachable API or kubelet a 503 with a retry time — never a hang
 * and never the bare 500 odiglet answers.
 */
export function toAgentError(error: unknown): unknown {
  // A pod on another node is refused outright (403): this server acts only for the processes of its node.
  if (error instanceof PodOnAnotherNodeError) return new AgentNotLocalError(error.message);
  if (error instanceof PodNotFoundError || error instanceof DeviceNotFoundError) {
    return new AgentNotIdentifiedError(error.message);
  }
  if (
    error instanceof KubernetesUnavailableError ||
    error instanceof KubernetesRequestError ||
    error instanceof KubeletPodResourcesError
  ) {
    return new ServerUnavailableError(`cannot place the agent yet: ${error.message}`, RETRY_AFTER_MS);
  }
  return error;
}
