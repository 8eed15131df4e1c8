import { Module } from '@nestjs/common';
import { SessionModule } from '../session/index.js';
import { MemoryPackageCatalog } from './memory-package.catalog.js';
import { PackageMetricsRegistrar } from './package-metrics.registrar.js';
import { PackageRollout } from './package-rollout.service.js';
import { PACKAGE_CATALOG } from './packages.constants.js';
import { PackagesAdmin } from './packages-admin.service.js';
import { PackagesPlugin } from './packages.plugin.js';

/**
 * Packages for the fleet: the {@link PACKAGE_CATALOG} (memory), the {@link PackageRollout} that resolves
 * and offers each agent its packages, the plugin that adds them to replies, {@link PackagesAdmin} for the
 * admin API, and the package metrics.
 */
@Module({
  imports: [SessionModule],
  providers: [
    { provide: PACKAGE_CATALOG, useFactory: () => new MemoryPackageCatalog() },
    PackageRollout,
    PackagesPlugin,
    PackagesAdmin,
    PackageMetricsRegistrar,
  ],
  exports: [PACKAGE_CATALOG, PackageRollout, PackagesAdmin],
})
export class PackagesModule {}
