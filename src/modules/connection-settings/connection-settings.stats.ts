import { Inject } from '@nestjs/common';
import { type TransportKind } from '../../plugin-api/index.js';
import { type CsrRefusalReason } from '../client-certificates/index.js';

/** A reported ConnectionSettingsStatus, as counted. */
export type SettingsOutcome = 'applied' | 'applying' | 'failed';
/** What happened to a CSR: signed, renewed (re-signed before expiry) or refused for a reason. */
export type CsrOutcomeLabel = 'signed' | 'renewed' | `refused:${CsrRefusalReason}`;

/**
 * Counts of the connection-settings flows, read by the metrics module at scrape
 * (`opamp_connection_settings_offers_total`, `opamp_connection_settings_status_total`,
 * `opamp_client_certificate_requests_total`); this module has no Prometheus dependency.
 */
export class ConnectionSettingsStats {
  readonly offers = new Map<TransportKind, number>();
  readonly statuses = new Map<SettingsOutcome, number>();
  readonly csrs = new Map<CsrOutcomeLabel, number>();

  offered(transport: TransportKind): void {
    this.offers.set(transport, (this.offers.get(transport) ?? 0) + 1);
  }

  reported(status: SettingsOutcome): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  csr(outcome: CsrOutcomeLabel): void {
    this.csrs.set(outcome, (this.csrs.get(outcome) ?? 0) + 1);
  }
}

/** DI token of the process's {@link ConnectionSettingsStats}, provided by the ConnectionSettingsModule. */
export const CONNECTION_SETTINGS_STATS = 'OPAMP:CONNECTION_SETTINGS_STATS';

/** Injects the {@link ConnectionSettingsStats}. */
export const InjectConnectionSettingsStats = (): ParameterDecorator => Inject(CONNECTION_SETTINGS_STATS);
