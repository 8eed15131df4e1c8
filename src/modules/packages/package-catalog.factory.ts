import { type KubeConfig } from '@kubernetes/client-node';
import { type ServerConfig } from '../config/index.js';
import { KubernetesPackageCatalog } from './kubernetes-package.catalog.js';
import { MemoryPackageCatalog } from './memory-package.catalog.js';
import { type PackageCatalog } from './package-catalog.interface.js';
import { PackageCatalogUnavailableError } from './packages.errors.js';

/**
 * The package catalog `CONFIG_STORE` asks for (packages live where remote configs do): ConfigMaps labelled
 * `PACKAGE_LABEL_SELECTOR` in `POD_NAMESPACE` (else the kubeconfig context's namespace, else `default`)
 * for `kubernetes`, or `auto` with a Kubernetes client configuration; memory otherwise.
 * @throws PackageCatalogUnavailableError for `CONFIG_STORE=kubernetes` without a Kubernetes configuration.
 */
export function createPackageCatalog(
  config: ServerConfig,
  kubeConfig: KubeConfig | undefined,
): PackageCatalog {
  const mode = config.fleet.configStore;
  if (mode === 'memory' || (mode === 'auto' && !kubeConfig)) return new MemoryPackageCatalog();
  if (!kubeConfig) {
    throw new PackageCatalogUnavailableError(
      'CONFIG_STORE=kubernetes needs a Kubernetes client configuration: run in a pod, or set KUBECONFIG',
    );
  }
  const contextNamespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace;
  return new KubernetesPackageCatalog({
    kubeConfig,
    namespace: config.kubernetes.podNamespace ?? contextNamespace ?? 'default',
    labelSelector: config.fleet.packageLabelSelector,
  });
}
