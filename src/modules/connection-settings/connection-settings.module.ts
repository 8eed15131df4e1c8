import { Module } from '@nestjs/common';
import { HeartbeatModule } from '../heartbeat/index.js';
import { SessionModule } from '../session/index.js';
import { ConnectionSettingsPlugin } from './connection-settings.plugin.js';

/**
 * The connection settings offered to agents: the heartbeat interval (HeartbeatModule's
 * `HeartbeatPolicy`) and the own-telemetry destinations.
 */
@Module({
  imports: [SessionModule, HeartbeatModule],
  providers: [ConnectionSettingsPlugin],
})
export class ConnectionSettingsModule {}
