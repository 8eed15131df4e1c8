import { type KubeConfig } from '@kubernetes/client-node';
import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { SessionModule } from '../session/index.js';
import { createPackageCatalog } from './package-catalog.factory.js';
import { PackageMetricsRegistrar } from './package-metrics.registrar.js';
import { PackageRollout } from './package-rollout.service.js';
import { PACKAGE_CATALOG } from './packages.constants.js';
import { PackagesAdmin } from './packages-admin.service.js';
import { PackagesPlugin } from './packages.plugin.js';

/**
 * Packages for the fleet: the {@link PACKAGE_CATALOG} (memory or labelled ConfigMaps, as `CONFIG_STORE` says), the {@link PackageRollout} that resolves
 * and offers each agent its packages, the plugin that adds them to replies, {@link PackagesAdmin} for the
 * admin API, and the package metrics.
 */
@Module({
  imports: [SessionModule, KubernetesModule],
  providers: [
    {
      provide: PACKAGE_CATALOG,
      inject: [SERVER_CONFIG, KUBE_CONFIG],
      useFactory: (config: ServerConfig, kubeConfig: KubeConfig | undefined) =>
        createPackageCatalog(config, kubeConfig),
    },
    PackageRollout,
    PackagesPlugin,
    PackagesAdmin,
    PackageMetricsRegistrar,
  ],
  exports: [PACKAGE_CATALOG, PackageRollout, PackagesAdmin],
})
export class PackagesModule {}
