import { Counter, Gauge, type Registry } from 'prom-client';
import { PACKAGE_INSTALL_STATES } from './package-install-state.js';
import { type PackagesAdmin } from './packages-admin.service.js';
import { type PackageRollout } from './package-rollout.service.js';

/**
 * Registers the package series, read at every scrape:
 * - `opamp_package_offers_total`: PackagesAvailable sent (in replies and pushes);
 * - `opamp_package_agents{package,state}`: connected agents offered each catalog package, by install state
 *   (unsupported, pending, installing, installed, failed).
 */
export function registerPackageMetrics(
  registry: Registry,
  rollout: PackageRollout,
  admin: PackagesAdmin,
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
}
