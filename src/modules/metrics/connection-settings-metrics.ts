import { Counter, type Registry } from 'prom-client';
import { type ConnectionSettingsStats } from '../connection-settings/index.js';

/**
 * Registers the connection-settings series, read from `stats` at every scrape:
 * - `opamp_connection_settings_offers_total{transport}`: ConnectionSettingsOffers sent (in replies and pushes);
 * - `opamp_connection_settings_status_total{status}`: ConnectionSettingsStatus reports (applied, applying,
 *   failed) that changed an agent's status;
 * - `opamp_client_certificate_requests_total{outcome,reason}`: CSRs signed, certificates renewed before
 *   expiry, and CSRs refused (`reason`: no-ca, not-accepted, malformed, bad-signature, weak-key,
 *   subject-mismatch).
 */
export function registerConnectionSettingsMetrics(registry: Registry, stats: ConnectionSettingsStats): void {
  const registers = [registry];
  new Counter({
    name: 'opamp_connection_settings_offers_total',
    help: 'Connection settings offers sent to agents, by transport.',
    labelNames: ['transport'],
    registers,
    collect() {
      this.reset();
      for (const [transport, count] of stats.offers) this.inc({ transport }, count);
    },
  });
  new Counter({
    name: 'opamp_connection_settings_status_total',
    help: 'Connection settings statuses agents reported, by status (applied, applying, failed).',
    labelNames: ['status'],
    registers,
    collect() {
      this.reset();
      for (const [status, count] of stats.statuses) this.inc({ status }, count);
    },
  });
  new Counter({
    name: 'opamp_client_certificate_requests_total',
    help: 'Client certificates: CSRs signed, certificates renewed, CSRs refused (with the reason).',
    labelNames: ['outcome', 'reason'],
    registers,
    collect() {
      this.reset();
      for (const [label, count] of stats.csrs) {
        const [outcome, reason = ''] = label.split(':');
        this.inc({ outcome: outcome!, reason }, count);
      }
    },
  });
}
