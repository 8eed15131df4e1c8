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

/**
 * How a target came out. A figure taken while the generator was saturated (⚠) is never a met target: it is
 * `not judged ⚠` when it would have passed, `missed (generator-bound)` when not. A scenario that crashed
 * (threw, or a server died) is `failed (crashed)`.
 */
export type Verdict = 'met' | 'missed' | 'not judged ⚠' | 'missed (generator-bound)' | 'failed (crashed)';

/** A target from the issue and whether this run met it. */
export interface TargetCheck {
  readonly description: string;
  readonly value: string;
  /** True only for {@link Verdict} `met`. */
  readonly met: boolean;
  readonly verdict: Verdict;
}

/** A target judged on a figure; `saturated` when the generator was at ≥ 90 % of a core while it was taken. */
export function judge(description: string, value: string, passed: boolean, saturated = false): TargetCheck {
  const verdict: Verdict = saturated
    ? passed
      ? 'not judged ⚠'
      : 'missed (generator-bound)'
    : passed
      ? 'met'
      : 'missed';
  return { description, value: saturated ? `${value} ⚠` : value, met: verdict === 'met', verdict };
}

/** The failed target of a scenario that crashed. */
export const crashed = (scenario: string, why: string): TargetCheck => ({
  description: `${scenario} runs to completion (no exception, no server death)`,
  value: why,
  met: false,
  verdict: 'failed (crashed)',
});

/** The outcome of one scenario. */
export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  readonly agents: number;
  readonly real: Measurement;
  /** The minimal-OpAMP baseline: decodes every message, answers for its instance uid, keeps nothing. */
  readonly baseline?: Measurement;
  /** The bare route: a fixed reply, nothing decoded (the ceiling of Fastify / `ws` alone). */
  readonly bareRoute?: Measurement;
  /** Real ÷ bare route on the main figure. */
  readonly bareRatio?: number;
  /** Sizes, durations and rounds of this scenario as run. */
  readonly settings?: Readonly<Record<string, number | string>>;
  /** The scenario threw or a server died; its figures are absent. */
  readonly crashed?: string;
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
