import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type Registry } from 'prom-client';
import { METRICS_REGISTRY } from '../metrics/index.js';
import { registerPackageMetrics } from './package-metrics.js';
import { PackageFiles } from './package-files.service.js';
import { PackageRollout } from './package-rollout.service.js';
import { PackageStatusStats } from './package-status.stats.js';
import { PackagesAdmin } from './packages-admin.service.js';

/**
 * Adds the package series to the metrics registry (`METRICS_REGISTRY`) when the application has one (the
 * MetricsModule, imported by the HealthModule); without it, nothing is registered.
 */
@Injectable()
export class PackageMetricsRegistrar implements OnApplicationBootstrap {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly rollout: PackageRollout,
    private readonly admin: PackagesAdmin,
    private readonly statusStats: PackageStatusStats,
    private readonly files: PackageFiles,
  ) {}

  onApplicationBootstrap(): void {
    let registry: Registry;
    try {
      registry = this.moduleRef.get<Registry>(METRICS_REGISTRY, { strict: false });
    } catch {
      return;
    }
    registerPackageMetrics(registry, {
      rollout: this.rollout,
      admin: this.admin,
      statusStats: this.statusStats,
      files: this.files,
    });
  }
}
