/** Command-line options of `npm run bench`. */
export interface BenchOptions {
  /** Fewer agents, shorter windows: under a minute. */
  readonly quick: boolean;
  /** Only these scenarios (by name); all when empty. */
  readonly only: readonly string[];
  /** Run the real servers with `--cpu-prof` (profiles in bench/profiles/). */
  readonly cpuProf: boolean;
  /** Do not write bench/results/. */
  readonly noWrite: boolean;
}

/** Parses `--quick`, `--only a,b`, `--cpu-prof`, `--no-write`. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--only') only.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--only=')) only.push(...arg.slice(7).split(','));
  }
  return {
    quick: argv.includes('--quick'),
    only: only.filter((name) => name !== ''),
    cpuProf: argv.includes('--cpu-prof'),
    noWrite: argv.includes('--no-write'),
  };
}
