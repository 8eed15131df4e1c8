import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type Clock, InjectClock } from '../../common/clock.js';
import { AgentRegistry, MessagePipeline, type AgentSession } from '../session/index.js';
import { HeartbeatPolicy } from './heartbeat-policy.js';

/** Name of the sweep's interval in the {@link SchedulerRegistry}. */
export const STALE_AGENT_SWEEP_JOB = 'opamp:stale-agent-sweep';

/**
 * Ends the sessions of agents silent longer than `STALE_AFTER_S`, every `SWEEP_INTERVAL_S`, through the
 * same path as `agent_disconnect` (a WebSocket is closed, an HTTP poller forgotten). With the defaults
 * (75 s, 30 s) an agent is dropped 75–105 s after its last message: two and a half of the
 * specification's default 30 s heartbeat intervals, so one late heartbeat is not mistaken for a dead agent.
 *
 * The period is only known at run time, so the interval is registered with
 * `SchedulerRegistry.addInterval` rather than `@Interval`; `ScheduleModule.forRoot()`, imported once at the
 * application root, clears every registered interval on shutdown (before `onApplicationShutdown`).
 */
@Injectable()
export class HeartbeatMonitor implements OnApplicationBootstrap {
  private readonly logger = new Logger(HeartbeatMonitor.name);

  constructor(
    private readonly registry: AgentRegistry,
    private readonly server: MessagePipeline,
    private readonly scheduler: SchedulerRegistry,
    private readonly policy: HeartbeatPolicy,
    @InjectClock() private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => this.sweep(), this.policy.sweepIntervalMs);
    timer.unref();
    this.scheduler.addInterval(STALE_AGENT_SWEEP_JOB, timer);
  }

  /** Ends every stale session now; returns them. One pass over the sessions, keeping only the stale. */
  sweep(): AgentSession[] {
    const now = this.clock.now();
    const stale: AgentSession[] = [];
    for (const session of this.registry.list()) {
      if (this.policy.isStale(session, now)) stale.push(session);
    }
    // Ended after the pass: ending a session changes the registry.
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
