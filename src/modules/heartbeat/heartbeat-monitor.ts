import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type Clock, InjectClock } from '../../common/clock.js';
import { AgentRegistry, OpampServer, type AgentSession } from '../session/index.js';
import { HeartbeatPolicy } from './heartbeat-policy.js';

const SWEEP_JOB = 'opamp:stale-agent-sweep';

/**
 * Ends the sessions of agents silent longer than `STALE_AFTER_S`, every `SWEEP_INTERVAL_S`, through the
 * same path as `agent_disconnect` (a WebSocket is closed, an HTTP poller forgotten). With the defaults
 * (75 s, 30 s) an agent is dropped 75–105 s after its last message, as Odigos does.
 */
@Injectable()
export class HeartbeatMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatMonitor.name);

  constructor(
    private readonly registry: AgentRegistry,
    private readonly server: OpampServer,
    private readonly scheduler: SchedulerRegistry,
    private readonly policy: HeartbeatPolicy,
    @InjectClock() private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => this.sweep(), this.policy.sweepIntervalMs);
    timer.unref();
    this.scheduler.addInterval(SWEEP_JOB, timer);
  }

  onApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', SWEEP_JOB)) this.scheduler.deleteInterval(SWEEP_JOB);
  }

  /** Ends every stale session now; returns them. */
  sweep(): AgentSession[] {
    const now = this.clock.now();
    const stale = this.registry.list().filter((session) => this.policy.isStale(session, now));
    for (const session of stale) {
      this.logger.log(
        { agent: session.displayId, transport: session.transport, silentMs: now - session.lastSeenAt },
        'agent stale; ending its session',
      );
      this.server.disconnect(session, 'stale');
    }
    return stale;
  }
}
