import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { HeartbeatModule } from '../heartbeat/index.js';
import { SessionModule } from '../session/index.js';
import {
  CONNECTION_SETTINGS_OPTIONS,
  type ConnectionSettingsOptions,
} from './connection-settings.options.js';
import { ConnectionSettingsPlugin } from './connection-settings.plugin.js';

/**
 * The connection settings offered to agents: the heartbeat interval (HeartbeatModule's
 * `HeartbeatPolicy`) and the own-telemetry destinations.
 */
@Module({
  imports: [SessionModule, HeartbeatModule],
  providers: [
    {
      provide: CONNECTION_SETTINGS_OPTIONS,
      useFactory: (config: ServerConfig): ConnectionSettingsOptions => ({
        ownTelemetry: config.connectionSettings,
        opamp: { host: config.opamp.host, port: config.opamp.port, path: config.opamp.path },
      }),
      inject: [SERVER_CONFIG],
    },
    ConnectionSettingsPlugin,
  ],
})
export class ConnectionSettingsModule {}
