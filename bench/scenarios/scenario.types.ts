import { type BenchContext } from '../lib/bench-context.js';

/** What one side (the real server or the baseline) achieved in a scenario. */
export interface Measurement {
  /** Messages answered per second in the measured window. */
  readonly msgsPerS?: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly maxMs?: number;
  /** Wall time of a one-shot scenario (storm, rollout), ms. */
  readonly durationMs?: number;
  /** Server CPU over the window, in cores (1.0 = one core). */
  readonly serverCpu?: number;
  readonly serverRssMb?: number;
  /** Load generator CPU over the window, in cores. */
  readonly generatorCpu?: number;
  /** The generator used ≥ 90 % of a core: it, not the server, may have set the pace. */
  readonly generatorBound?: boolean;
  readonly errors?: number;
}

/** A target from the issue and whether this run met it. */
export interface TargetCheck {
  readonly description: string;
  readonly value: string;
  readonly met: boolean;
}

/** The outcome of one scenario. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly agents: number;
  readonly real: Measurement;
  readonly baseline?: Measurement;
  /** Real ÷ baseline on the scenario's main figure (throughput, or baseline time ÷ real time). */
  readonly ratio?: number;
  /** What {@link ratio} compares. */
  readonly ratioOf?: string;
  readonly targets: readonly TargetCheck[];
  readonly notes: readonly string[];
  /** Scenario-specific numbers (API calls per phase, memory per agent, ...). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** One benchmark scenario. */
export interface Scenario {
  readonly name: string;
  readonly title: string;
  run(ctx: BenchContext): Promise<ScenarioResult>;
}

/** The generator ran at ≥ this many cores: flagged as the possible bottleneck. */
export const GENERATOR_BOUND_CORES = 0.9;

/** Rounds to `digits` decimals. */
export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
