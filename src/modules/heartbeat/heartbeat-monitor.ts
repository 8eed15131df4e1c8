import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type Clock, InjectClock } from '../../common/clock.js';
import { AgentRegistry, MessagePipeline, type AgentSession } from '../session/index.js';
import { HeartbeatPolicy } from './heartbeat-policy.js';

/** Name of the sweep's interval in the {@link SchedulerRegistry}. */
export const STALE_AGENT_SWEEP_JOB = 'opamp:stale-agent-sweep';

/** Length of one step of the sweep, ms: each step checks its share of the sessions. */
export const SWEEP_STEP_MS = 1000;

/**
 * Ends the sessions of agents silent longer than `STALE_AFTER_S`, every `SWEEP_INTERVAL_S`, through the
 * same path as `agent_disconnect` (a WebSocket is closed, an HTTP poller forgotten). With the defaults
 * (75 s, 30 s) an agent is dropped 75–105 s after its last message: two and a half of the
 * specification's default 30 s heartbeat intervals, so one late heartbeat is not mistaken for a dead agent.
 *
 * The sweep is spread over its period: the interval runs every {@link SWEEP_STEP_MS} and each step checks
 * its share of a snapshot of the sessions taken at the start of the pass (with 100,000 agents and 30 s, about
 * 3,400 a second instead of every one in one turn of the event loop, which the messages waiting behind it
 * would pay for). Each session is still checked once per `SWEEP_INTERVAL_S`.
 *
 * The period is only known at run time, so the interval is registered with
 * `SchedulerRegistry.addInterval` rather than `@Interval`; `ScheduleModule.forRoot()`, imported once at the
 * application root, clears every registered interval on shutdown (before `onApplicationShutdown`).
 */
@Injectable()
export class HeartbeatMonitor implements OnApplicationBootstrap {
  private readonly logger = new Logger(HeartbeatMonitor.name);
  /**
   * The registry keys of the pass under way, and how far the steps got. Keys, not sessions: a session that
   * ended during the pass is not kept alive until the pass is over.
   */
  private pass: string[] = [];
  private passIndex = 0;
  private stepsLeft = 0;

  constructor(
    private readonly registry: AgentRegistry,
    private readonly server: MessagePipeline,
    private readonly scheduler: SchedulerRegistry,
    private readonly policy: HeartbeatPolicy,
    @InjectClock() private readonly clock: Clock,
  ) {}

  /** Steps of one pass. */
  get stepsPerSweep(): number {
    return Math.max(1, Math.round(this.policy.sweepIntervalMs / SWEEP_STEP_MS));
  }

  onApplicationBootstrap(): void {
    const timer = setInterval(() => this.sweepStep(), this.policy.sweepIntervalMs / this.stepsPerSweep);
    timer.unref();
    this.scheduler.addInterval(STALE_AGENT_SWEEP_JOB, timer);
  }

  /** Ends every stale session now; returns them. One whole pass over the sessions, keeping only the stale. */
  sweep(): AgentSession[] {
    const now = this.clock.now();
    return this.end(
      this.registry.list().filter((session) => this.policy.isStale(session, now)),
      now,
    );
  }

  /**
   * One step of the spread pass: checks the next share of the pass's snapshot of keys (a new snapshot when the last
   * pass is done) and ends the stale; returns them.
   */
  sweepStep(): AgentSession[] {
    if (this.stepsLeft === 0) {
      this.pass = this.registry.keys();
      this.passIndex = 0;
      this.stepsLeft = this.stepsPerSweep;
    }
    const end =
      this.stepsLeft === 1
        ? this.pass.length
        : this.passIndex + Math.ceil(this.pass.length / this.stepsPerSweep);
    this.stepsLeft--;
    const now = this.clock.now();
    const stale: AgentSession[] = [];
    for (; this.passIndex < end && this.passIndex < this.pass.length; this.passIndex++) {
      // A session ended since the snapshot is not there any more; one that took its key is checked instead.
      const session = this.registry.byKey(this.pass[this.passIndex]!);
      if (session && this.policy.isStale(session, now)) stale.push(session);
    }
    if (this.stepsLeft === 0) this.pass = [];
    return this.end(stale, now);
  }

  /** Ends `stale` after the pass over them: ending a session changes the registry. */
  private end(stale: AgentSession[], now: number): AgentSession[] {
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
