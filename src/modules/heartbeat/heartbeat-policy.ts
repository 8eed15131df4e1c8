import { Inject, Injectable } from '@nestjs/common';
import { AgentCapabilities } from '../../generated/opamp/v1/opamp.js';
import { hasCapability } from '../protocol/index.js';
import { type AgentSession } from '../session/index.js';
import { HEARTBEAT_OPTIONS, type HeartbeatOptions } from './heartbeat.options.js';

/** What the stale rule reads of a session. */
export type HeartbeatSubject = Pick<AgentSession, 'transport' | 'capabilities' | 'lastSeenAt'>;

/**
 * The server's heartbeat policy, in one place: the interval offered to agents (OpAMP spec,
 * `OpAMPConnectionSettings.heartbeat_interval_seconds`), how long an agent may stay silent, and how often
 * the stale-agent sweep looks. The connection-settings plugin offers {@link intervalS}; the
 * `HeartbeatMonitor` ends the sessions {@link isStale} picks, every {@link sweepIntervalMs}.
 */
@Injectable()
export class HeartbeatPolicy {
  /** Heartbeat interval offered to agents that report heartbeats, seconds (`HEARTBEAT_INTERVAL_S`). */
  readonly intervalS: number;
  /** Silence after which an agent is stale, ms (`STALE_AFTER_S`). */
  readonly staleAfterMs: number;
  /** Period of the stale-agent sweep, ms (`SWEEP_INTERVAL_S`). */
  readonly sweepIntervalMs: number;

  constructor(@Inject(HEARTBEAT_OPTIONS) options: HeartbeatOptions) {
    this.intervalS = options.intervalS;
    this.staleAfterMs = options.staleAfterMs;
    this.sweepIntervalMs = options.sweepIntervalMs;
  }

  /**
   * Whether an agent has been silent too long at `now` (ms). An HTTP agent must poll; a WebSocket agent
   * is held to it only when it promised heartbeats (`ReportsHeartbeat`, OpAMP spec) — otherwise an open,
   * ping-answering socket is alive.
   */
  isStale(session: HeartbeatSubject, now: number): boolean {
    if (now - session.lastSeenAt <= this.staleAfterMs) return false;
    if (session.transport === 'http') return true;
    return hasCapability(session.capabilities, AgentCapabilities.AgentCapabilities_ReportsHeartbeat);
  }
}
