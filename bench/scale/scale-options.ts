/** Options of `npm run bench -- --scale`. */
export interface ScaleOptions {
  /** WebSocket agents on the one server process (default 19,000: the 20,000-file cap less a margin). */
  readonly agents: number;
  /** Generator processes, each with its own loopback source address (default 4). */
  readonly processes: number;
  /** Heartbeat period of every agent, s (default 30, the OpAMP specification's default). */
  readonly heartbeatS: number;
  /** Settling time after the last connect before the window, s (default 35: every agent heartbeats once). */
  readonly warmupS: number;
  /** The measured window, s (default 300). */
  readonly windowS: number;
  /** Time the restarted fleet has to be back, s (default 60). */
  readonly restartDeadlineS: number;
  /** Profile the server (`--cpu-prof`, bench/profiles/). */
  readonly cpuProf: boolean;
  /** Do not write bench/results/ or the README region (development runs with other sizes). */
  readonly noWrite: boolean;
  /** Write a heap snapshot of the server after the window (in the run's log directory), for a census by class. */
  readonly heapSnapshot: boolean;
  /** Skip the restart storm (development runs that measure memory only). */
  readonly noStorm: boolean;
}

/** The full run, as the coordinator runs it. */
export const DEFAULT_SCALE_OPTIONS: ScaleOptions = {
  agents: 19_000,
  processes: 4,
  heartbeatS: 30,
  warmupS: 35,
  windowS: 300,
  restartDeadlineS: 60,
  cpuProf: false,
  noWrite: false,
  heapSnapshot: false,
  noStorm: false,
};

const NUMERIC = {
  '--agents': 'agents',
  '--processes': 'processes',
  '--heartbeat-s': 'heartbeatS',
  '--warmup-s': 'warmupS',
  '--window-s': 'windowS',
} as const satisfies Record<string, keyof ScaleOptions>;

/**
 * Parses `--scale [--agents N] [--processes N] [--heartbeat-s S] [--warmup-s S] [--window-s S] [--cpu-prof]
 * [--no-write] [--heap-snapshot] [--no-storm]`.
 * @throws Error on a size that is not a positive number, or more agents per process than its open files allow.
 */
export function parseScaleOptions(argv: readonly string[]): ScaleOptions {
  const options: Record<string, number | boolean> = { ...DEFAULT_SCALE_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    if (flag in NUMERIC) {
      const value = Number(inline ?? argv[++i]);
      if (!Number.isFinite(value) || value <= 0) throw new Error(`${flag} needs a positive number`);
      options[NUMERIC[flag as keyof typeof NUMERIC]] = value;
    }
  }
  options.cpuProf = argv.includes('--cpu-prof');
  options.noWrite = argv.includes('--no-write');
  options.heapSnapshot = argv.includes('--heap-snapshot');
  options.noStorm = argv.includes('--no-storm');
  const parsed = options as unknown as ScaleOptions;
  if (parsed.agents / parsed.processes > 19_000) {
    throw new Error('more than 19,000 agents per generator process: over its 20,000 open files');
  }
  return parsed;
}
