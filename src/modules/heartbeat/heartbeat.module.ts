import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SessionModule } from '../session/index.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';

/**
 * Stale-agent detection on a schedule. (The heartbeat interval is offered to agents by the
 * ConnectionSettingsModule, with the other connection settings.)
 */
@Module({
  imports: [ScheduleModule.forRoot(), SessionModule],
  providers: [HeartbeatMonitor],
  exports: [HeartbeatMonitor],
})
export class HeartbeatModule {}
