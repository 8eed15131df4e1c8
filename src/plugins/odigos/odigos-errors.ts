import {
  AgentNotIdentifiedError,
  DeviceNotFoundError,
  KubeletPodResourcesError,
  KubernetesRequestError,
  KubernetesUnavailableError,
  PodNotFoundError,
  ServerUnavailableError,
} from '../../index.js';

/** How long an agent is told to wait when the Kubernetes API or the kubelet could not answer. */
const RETRY_AFTER_MS = 5000;

/**
 * Turns a failure to place an agent into the error the agent receives: an unknown pod or device is a
 * 400 (the agent's claim is wrong), an unreachable API or kubelet a 503 with a retry time — never a hang
 * and never the bare 500 odiglet answers.
 */
export function toAgentError(error: unknown): unknown {
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
