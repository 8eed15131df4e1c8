import { Module } from '@nestjs/common';
import { ClientCertificatesModule } from '../client-certificates/index.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { HeartbeatModule } from '../heartbeat/index.js';
import { SessionModule } from '../session/index.js';
import { ConnectionOffers } from './connection-offers.service.js';
import { ConnectionSettingsComposer } from './connection-settings.composer.js';
import {
  CONNECTION_SETTINGS_OPTIONS,
  type ConnectionSettingsOptions,
} from './connection-settings.options.js';
import { ConnectionSettingsPlugin } from './connection-settings.plugin.js';
import { CONNECTION_SETTINGS_STATS, ConnectionSettingsStats } from './connection-settings.stats.js';

/**
 * The connection settings offered to agents, composed in one place ({@link ConnectionSettingsComposer}):
 * the heartbeat interval (HeartbeatModule's `HeartbeatPolicy`), the own-telemetry destinations, the
 * operator's offers ({@link ConnectionOffers}, `/api/v1/connection-offers`) and client certificates signed
 * for agents' CSRs (ClientCertificatesModule).
 */
@Module({
  imports: [SessionModule, HeartbeatModule, ClientCertificatesModule],
  providers: [
    {
      provide: CONNECTION_SETTINGS_OPTIONS,
      useFactory: (config: ServerConfig): ConnectionSettingsOptions => ({
        ownTelemetry: config.connectionSettings,
        opamp: {
          host: config.opamp.host,
          port: config.opamp.port,
          path: config.opamp.path,
          secure: config.opamp.tls !== undefined,
        },
      }),
      inject: [SERVER_CONFIG],
    },
    { provide: CONNECTION_SETTINGS_STATS, useFactory: () => new ConnectionSettingsStats() },
    ConnectionOffers,
    ConnectionSettingsComposer,
    ConnectionSettingsPlugin,
  ],
  exports: [ConnectionOffers, ConnectionSettingsComposer, CONNECTION_SETTINGS_STATS],
})
export class ConnectionSettingsModule {}
