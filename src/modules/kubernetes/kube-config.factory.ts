import { KubeConfig } from '@kubernetes/client-node';
import { type ServerConfig } from '../config/index.js';

/**
 * Loads the Kubernetes client configuration when there is a cluster to talk to: inside a pod (in-cluster
 * service account), when `KUBECONFIG` is set, or when `PERSISTENCE=kubernetes` asks for it (then
 * `~/.kube/config` is used). Otherwise returns undefined and the server runs without Kubernetes.
 */
export function loadKubeConfig(
  config: ServerConfig,
  env: NodeJS.ProcessEnv = process.env,
): KubeConfig | undefined {
  const wanted = config.kubernetes.persistence === 'kubernetes' || env.KUBECONFIG !== undefined;
  if (!wanted && env.KUBERNETES_SERVICE_HOST === undefined) return undefined;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
