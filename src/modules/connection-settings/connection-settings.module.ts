import { type KubeConfig } from '@kubernetes/client-node';
import { Module } from '@nestjs/common';
import { ClientCertificatesModule } from '../client-certificates/index.js';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { HeartbeatModule } from '../heartbeat/index.js';
import { KUBE_CONFIG, KubernetesModule } from '../kubernetes/index.js';
import { SessionModule } from '../session/index.js';
import { createConnectionOfferStore } from './connection-offer-store.factory.js';
import { ConnectionOffers } from './connection-offers.service.js';
import { ConnectionSettingsComposer } from './connection-settings.composer.js';
import {
  CONNECTION_OFFER_STORE,
  CONNECTION_SETTINGS_OPTIONS,
  type ConnectionSettingsOptions,
} from './connection-settings.options.js';
import { ConnectionSettingsPlugin } from './connection-settings.plugin.js';
import { CONNECTION_SETTINGS_STATS, ConnectionSettingsStats } from './connection-settings.stats.js';

/**
 * The connection settings offered to agents, composed in one place ({@link ConnectionSettingsComposer}):
 * the heartbeat interval (HeartbeatModule's `HeartbeatPolicy`), the own-telemetry destinations, the
 * operator's offers ({@link ConnectionOffers}, `/api/v1/connection-offers`, kept in memory or in
 * ConfigMaps as `CONFIG_STORE` says) and client certificates signed
 * for agents' CSRs (ClientCertificatesModule).
 */
@Module({
  imports: [SessionModule, HeartbeatModule, ClientCertificatesModule, KubernetesModule],
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
    {
      provide: CONNECTION_OFFER_STORE,
      inject: [SERVER_CONFIG, KUBE_CONFIG],
      useFactory: (config: ServerConfig, kubeConfig: KubeConfig | undefined) =>
        createConnectionOfferStore(config, kubeConfig),
    },
    ConnectionOffers,
    ConnectionSettingsComposer,
    ConnectionSettingsPlugin,
  ],
  exports: [ConnectionOffers, ConnectionSettingsComposer, CONNECTION_SETTINGS_STATS, CONNECTION_OFFER_STORE],
})
export class ConnectionSettingsModule {}
