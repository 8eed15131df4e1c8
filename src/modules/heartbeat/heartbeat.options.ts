/** Settings of the `HeartbeatPolicy`, mapped once from the server configuration by HeartbeatModule. */
export interface HeartbeatOptions {
  /** Interval offered to agents that report heartbeats, seconds (`HEARTBEAT_INTERVAL_S`, default 30). */
  intervalS: number;
  /** Silence after which an agent is ended as stale, ms (`STALE_AFTER_S`, default 75 s = 2.5 heartbeats). */
  staleAfterMs: number;
  /** Period of the stale-agent sweep, ms (`SWEEP_INTERVAL_S`, default 30 s). */
  sweepIntervalMs: number;
}

/** DI token of the {@link HeartbeatOptions}. */
export const HEARTBEAT_OPTIONS = 'OPAMP:HEARTBEAT_OPTIONS';
