import { type KubeConfig } from '@kubernetes/client-node';
import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { SessionModule } from '../session/index.js';
import { createPackageCatalog } from './package-catalog.factory.js';
import { DirectoryPackageFileStore, MemoryPackageFileStore } from './package-file.store.js';
import {
  PACKAGE_FILE_STORE,
  PACKAGE_FILES_OPTIONS,
  type PackageFilesOptions,
} from './package-files.options.js';
import { PackageFiles } from './package-files.service.js';
import { PackageStatusStats } from './package-status.stats.js';
import { PackageMetricsRegistrar } from './package-metrics.registrar.js';
import { PackageRollout } from './package-rollout.service.js';
import { PACKAGE_CATALOG } from './packages.constants.js';
import { PackagesAdmin } from './packages-admin.service.js';
import { PackagesPlugin } from './packages.plugin.js';

/**
 * Packages for the fleet: the {@link PACKAGE_CATALOG} (memory or labelled ConfigMaps, as `CONFIG_STORE` says), the {@link PackageRollout} that resolves
 * and offers each agent its packages, the plugin that adds them to replies, {@link PackagesAdmin} for the
 * admin API, {@link PackageFiles} (uploaded package files, in memory or `PACKAGE_FILES_DIR`), and the
 * package metrics.
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
    {
      provide: PACKAGE_FILES_OPTIONS,
      inject: [SERVER_CONFIG],
      useFactory: (config: ServerConfig): PackageFilesOptions => ({
        ...config.packageFiles,
        downloadKey: config.admin.token,
      }),
    },
    {
      provide: PACKAGE_FILE_STORE,
      inject: [PACKAGE_FILES_OPTIONS],
      useFactory: ({ directory }: PackageFilesOptions) =>
        directory === undefined ? new MemoryPackageFileStore() : new DirectoryPackageFileStore(directory),
    },
    PackageFiles,
    { provide: PackageStatusStats, useFactory: () => new PackageStatusStats() },
    PackageRollout,
    PackagesPlugin,
    PackagesAdmin,
    PackageMetricsRegistrar,
  ],
  exports: [PACKAGE_CATALOG, PackageRollout, PackagesAdmin, PackageFiles],
})
export class PackagesModule {}
