import { type KubeConfig } from '@kubernetes/client-node';
import { type ServerConfig } from '../config/index.js';
import { type ConnectionOfferStore, MemoryConnectionOfferStore } from './connection-offer.store.js';
import { ConnectionOfferStoreError } from './connection-settings.errors.js';
import { KubernetesConnectionOfferStore } from './kubernetes-connection-offer.store.js';

/**
 * The connection-offer store `CONFIG_STORE` asks for (offers live where configs and packages do):
 * ConfigMaps labelled `CONNECTION_OFFER_LABEL_SELECTOR` in `POD_NAMESPACE` (else the kubeconfig context's
 * namespace, else `default`) for `kubernetes`, or `auto` with a Kubernetes client configuration; memory
 * otherwise.
 * @throws ConnectionOfferStoreError for `CONFIG_STORE=kubernetes` without a Kubernetes configuration.
 */
export function createConnectionOfferStore(
  config: ServerConfig,
  kubeConfig: KubeConfig | undefined,
): ConnectionOfferStore {
  const mode = config.fleet.configStore;
  if (mode === 'memory' || (mode === 'auto' && !kubeConfig)) return new MemoryConnectionOfferStore();
  if (!kubeConfig) {
    throw new ConnectionOfferStoreError(
      'CONFIG_STORE=kubernetes needs a Kubernetes client configuration: run in a pod, or set KUBECONFIG',
      { unavailable: true },
    );
  }
  const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  return new KubernetesConnectionOfferStore({
    kubeConfig,
    namespace: config.kubernetes.podNamespace ?? contextNamespace ?? 'default',
    labelSelector: config.fleet.connectionOfferLabelSelector,
  });
}
