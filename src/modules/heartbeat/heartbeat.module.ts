import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SessionModule } from '../session/index.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import { HeartbeatSettingsPlugin } from './heartbeat-settings.plugin.js';

/** Stale-agent detection on a schedule, and the heartbeat interval offered to agents. */
@Module({
  imports: [ScheduleModule.forRoot(), SessionModule],
  providers: [HeartbeatMonitor, HeartbeatSettingsPlugin],
  exports: [HeartbeatMonitor],
})
export class HeartbeatModule {}
