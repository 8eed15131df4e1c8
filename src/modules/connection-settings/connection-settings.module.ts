import { Module } from '@nestjs/common';
import { SessionModule } from '../session/index.js';
import { ConnectionSettingsPlugin } from './connection-settings.plugin.js';

/** The connection settings offered to agents: heartbeat interval and own-telemetry destinations. */
@Module({
  imports: [SessionModule],
  providers: [ConnectionSettingsPlugin],
})
export class ConnectionSettingsModule {}
