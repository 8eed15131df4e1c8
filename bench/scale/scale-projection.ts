/** What the projection is computed from: figures measured on the scale run. */
export interface ProjectionInput {
  readonly agents: number;
  readonly heartbeatS: number;
  /** Server RSS with no agent, MiB. */
  readonly rssBaseMiB: number;
  /** RSS added per agent, KiB (the worse of before and after a forced GC). */
  readonly rssPerAgentKiB: number;
  readonly heapBaseMiB: number;
  readonly heapPerAgentKiB: number;
  /** Server CPU, in cores, per 1,000 messages a second. */
  readonly cpuCoresPer1000MsgsPerS: number;
}

/** What `agents` agents on one process need, linearly extrapolated from the run. */
export interface ScaleProjection {
  readonly agents: number;
  readonly msgsPerS: number;
  readonly rssMiB: number;
  readonly heapMiB: number;
  readonly cpuCores: number;
  /** A socket each, plus the margin for the listeners, logs, Kubernetes clients and the inspector. */
  readonly openFiles: number;
  /** `ulimit -n` / `LimitNOFILE` to set: the open files rounded up with room for a reconnect storm. */
  readonly openFileLimit: number;
}

/** Files a server holds besides its agent sockets (listeners, log, API clients, ...): measured below 100. */
export const OPEN_FILES_MARGIN = 1024;

const round1 = (value: number): number => Math.round(value * 10) / 10;

/**
 * Linear projection from the measured per-agent figures: memory grows with the agents, CPU with the messages
 * (one heartbeat per agent per period), open files one per socket. It ignores what does not grow linearly
 * (GC work grows somewhat faster than the heap), so read it as a floor with the measured margin.
 */
export function projectFleet(input: ProjectionInput): ScaleProjection {
  const msgsPerS = input.agents / input.heartbeatS;
  const openFiles = input.agents + OPEN_FILES_MARGIN;
  return {
    agents: input.agents,
    msgsPerS: round1(msgsPerS),
    rssMiB: Math.round(input.rssBaseMiB + (input.agents * input.rssPerAgentKiB) / 1024),
    heapMiB: Math.round(input.heapBaseMiB + (input.agents * input.heapPerAgentKiB) / 1024),
    cpuCores: Math.round((msgsPerS / 1000) * input.cpuCoresPer1000MsgsPerS * 1000) / 1000,
    openFiles,
    openFileLimit: Math.ceil((openFiles * 1.1) / 1000) * 1000,
  };
}
