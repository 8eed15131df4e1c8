import { Module } from '@nestjs/common';
import { SERVER_CONFIG, type ServerConfig } from '../config/index.js';
import { SessionModule } from '../session/index.js';
import { HeartbeatMonitor } from './heartbeat-monitor.js';
import { HeartbeatPolicy } from './heartbeat-policy.js';
import { HEARTBEAT_OPTIONS, type HeartbeatOptions } from './heartbeat.options.js';

/**
 * Heartbeats: the {@link HeartbeatPolicy} (interval offered to agents, stale limit, sweep period,
 * configured from `HEARTBEAT_INTERVAL_S`, `STALE_AFTER_S` and `SWEEP_INTERVAL_S`) and the
 * {@link HeartbeatMonitor} that ends stale agents on that schedule. The ConnectionSettingsModule imports
 * it to offer the interval. It registers its interval in the `SchedulerRegistry`, so the application
 * root must import `ScheduleModule.forRoot()` (once, as `@nestjs/schedule` intends).
 */
@Module({
  imports: [SessionModule],
  providers: [
    {
      provide: HEARTBEAT_OPTIONS,
      useFactory: (config: ServerConfig): HeartbeatOptions => ({
        intervalS: config.heartbeat.intervalS,
        staleAfterMs: config.heartbeat.staleAfterMs,
        sweepIntervalMs: config.heartbeat.sweepIntervalMs,
      }),
      inject: [SERVER_CONFIG],
    },
    HeartbeatPolicy,
    HeartbeatMonitor,
  ],
  exports: [HeartbeatPolicy, HeartbeatMonitor],
})
export class HeartbeatModule {}
