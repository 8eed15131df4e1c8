import { type KubeConfig } from '@kubernetes/client-node';
import { type ServerConfig } from '../config/index.js';
import { type ConfigStore } from './config-store.interface.js';
import { ConfigStoreUnavailableError } from './fleet.errors.js';
import { KubernetesConfigStore } from './kubernetes-config.store.js';
import { MemoryConfigStore } from './memory-config.store.js';

/**
 * The config store `CONFIG_STORE` asks for: ConfigMaps in `POD_NAMESPACE` (else the kubeconfig context's
 * namespace, else `default`) when it says `kubernetes`, or `auto` and a Kubernetes client configuration
 * exists; memory otherwise.
 * @throws ConfigStoreUnavailableError for `CONFIG_STORE=kubernetes` without a Kubernetes configuration.
 */
export function createConfigStore(config: ServerConfig, kubeConfig: KubeConfig | undefined): ConfigStore {
  const mode = config.fleet.configStore;
  if (mode === 'memory' || (mode === 'auto' && !kubeConfig)) return new MemoryConfigStore();
  if (!kubeConfig) {
    throw new ConfigStoreUnavailableError(
      'CONFIG_STORE=kubernetes needs a Kubernetes client configuration: run in a pod, or set KUBECONFIG',
    );
  }
  const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  return new KubernetesConfigStore({
    kubeConfig,
    namespace: config.kubernetes.podNamespace ?? contextNamespace ?? 'default',
    labelSelector: config.fleet.configLabelSelector,
  });
}
