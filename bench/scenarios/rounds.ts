import { type RunResult } from '../lib/generator-protocol.js';
import { type ProcessUsage } from '../lib/proc-stats.js';
import { measurement, type Side } from './measure.js';
import { GENERATOR_BOUND_CORES, round, type Measurement } from './scenario.types.js';

/** One timed run of one side and the usage of the server and the generator over its window. */
export interface Run {
  readonly result: RunResult;
  readonly usage: Record<string, ProcessUsage>;
}

/**
 * The order of the sides in round `index` (0-based): the minimal-OpAMP baseline first in odd rounds
 * (1st, 3rd, ...), the server first in even ones, so a machine that speeds up or slows down during a round
 * does not favour one side.
 */
export const roundOrder = (index: number): readonly Side[] =>
  index % 2 === 0 ? ['baseline', 'bare', 'server'] : ['server', 'bare', 'baseline'];

/** Messages per millisecond over all `runs` together (sum of messages ÷ sum of measured time). */
export const pooledRate = (runs: readonly Run[]): number =>
  runs.reduce((sum, run) => sum + run.result.messages, 0) /
  Math.max(
    1,
    runs.reduce((sum, run) => sum + run.result.durationMs, 0),
  );

const sumOf = (runs: readonly Run[], pick: (run: Run) => number): number =>
  runs.reduce((sum, run) => sum + pick(run), 0);

/**
 * One {@link Measurement} for all rounds of a side: msgs/s and CPU are sums over the rounds (messages ÷
 * time, CPU seconds ÷ time), p50 is the median round's p50, p99 and max the worst round's, RSS the largest.
 * ⚠ when the generator was saturated in any round.
 */
export function pooledMeasurement(runs: readonly Run[], side: Side): Measurement {
  const rounds = runs.map((run) => measurement(run.result, run.usage, side));
  const seconds = sumOf(runs, (run) => run.result.durationMs) / 1000;
  const cpu = (name: string): number => sumOf(runs, (run) => run.usage[name]?.cpuSeconds ?? 0) / seconds;
  const p50s = rounds.map((m) => m.p50Ms ?? 0).sort((a, b) => a - b);
  const generatorCpu = cpu('generator');
  return {
    msgsPerS: round(pooledRate(runs) * 1000, 0),
    p50Ms: p50s[Math.floor((p50s.length - 1) / 2)],
    p99Ms: Math.max(...rounds.map((m) => m.p99Ms ?? 0)),
    maxMs: Math.max(...rounds.map((m) => m.maxMs ?? 0)),
    serverCpu: round(cpu('server')),
    serverRssMb: Math.max(...rounds.map((m) => m.serverRssMb ?? 0)),
    generatorCpu: round(generatorCpu),
    generatorBound: generatorCpu >= GENERATOR_BOUND_CORES || rounds.some((m) => m.generatorBound === true),
    errors: rounds.reduce((sum, m) => sum + (m.errors ?? 0), 0),
  };
}

/** CPU microseconds the server process spent per answered message, over all `runs`. */
export const cpuPerMessage = (runs: readonly Run[]): number =>
  Math.round(
    (sumOf(runs, (run) => run.usage.server?.cpuSeconds ?? 0) * 1e6) /
      Math.max(
        1,
        sumOf(runs, (run) => run.result.messages),
      ),
  );
