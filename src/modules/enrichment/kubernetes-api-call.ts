/**
 * Deadline of one Kubernetes API read made while placing an agent, unless configured: 3 s, well inside the
 * agents' 5 s HTTP timeout. The call itself goes through the KubernetesModule's `callKubernetesApi`.
 */
export const DEFAULT_KUBERNETES_API_DEADLINE_MS = 3_000;
