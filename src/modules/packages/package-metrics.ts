import { Counter, Gauge, type Registry } from 'prom-client';
import { PACKAGE_INSTALL_STATES } from './package-install-state.js';
import { type PackagesAdmin } from './packages-admin.service.js';
import { type PackageFiles } from './package-files.service.js';
import { type PackageRollout } from './package-rollout.service.js';
import { type PackageStatusStats } from './package-status.stats.js';

/** What the package series are read from. */
export interface PackageMetricSources {
  readonly rollout: PackageRollout;
  readonly admin: PackagesAdmin;
  readonly statusStats: PackageStatusStats;
  readonly files: PackageFiles;
}

/**
 * Registers the package series, read at every scrape:
 * - `opamp_package_offers_total`: PackagesAvailable sent (in replies and pushes);
 * - `opamp_package_agents{package,state}`: connected agents offered each catalog package, by install state
 *   (unsupported, pending, installing, installed, failed);
 * - `opamp_package_status_reports_total{outcome}`: package statuses agents reported, each change once
 *   (pending, installing, installed, failed);
 * - `opamp_package_file_uploads_total{outcome}` (stored, hash-mismatch) and
 *   `opamp_package_file_downloads_total`: files uploaded to and downloaded from this server.
 */
export function registerPackageMetrics(
  registry: Registry,
  { rollout, admin, statusStats, files }: PackageMetricSources,
): void {
  const registers = [registry];
  new Counter({
    name: 'opamp_package_offers_total',
    help: 'PackagesAvailable offers sent to agents (in replies and pushed over WebSocket).',
    registers,
    collect() {
      this.reset();
      this.inc(rollout.offersSentTotal);
    },
  });
  new Gauge({
    name: 'opamp_package_agents',
    help: 'Connected agents offered a catalog package, by package and install state (unsupported, pending, installing, installed, failed).',
    labelNames: ['package', 'state'],
    registers,
    collect() {
      this.reset();
      for (const { name } of admin.listPackages()) {
        const { states } = admin.rolloutOf(name);
        for (const state of PACKAGE_INSTALL_STATES) this.set({ package: name, state }, states[state]);
      }
    },
  });
  new Counter({
    name: 'opamp_package_status_reports_total',
    help: 'Package statuses reported by agents, by outcome (pending, installing, installed, failed); each change of one package on one agent once.',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, count] of statusStats.counts) this.inc({ outcome }, count);
    },
  });
  new Counter({
    name: 'opamp_package_file_uploads_total',
    help: 'Package file uploads, by outcome (stored, hash-mismatch).',
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset();
      for (const [outcome, count] of files.uploads) this.inc({ outcome }, count);
    },
  });
  new Counter({
    name: 'opamp_package_file_downloads_total',
    help: 'Package files served to agents from this server (whole files and ranges).',
    registers,
    collect() {
      this.reset();
      this.inc(files.downloads);
    },
  });
}
