import { isGeneratorBound, type GeneratorLoad } from './generator-bound.js';
import { type ConnectResult } from './generator-protocol.js';
import { LatencyRecorder } from './latency.js';
import { addCounters, addFailures } from './ws-fleet-results.js';
import { memberLoads, type FleetStorm } from './ws-load-fleet.js';

/** One side's storms (one, or several rounds) as the figures of one row. */
export interface StormFigures {
  /** Counts and durations summed over the storms; percentiles of every agent of every storm together. */
  readonly result: Omit<ConnectResult, 'startedAtEpochMs' | 'endedAtEpochMs' | 'latencyHistogram'>;
  /** Server CPU over all the storms' windows, cores (CPU seconds ÷ wall seconds). */
  readonly serverCpu: number;
  readonly serverPeakRssBytes: number;
  /** Each generator process's CPU over all the storms' windows. */
  readonly generators: readonly GeneratorLoad[];
  /** Any process in any of the storms at ≥ 0.9 cores ({@link isGeneratorBound}). */
  readonly generatorBound: boolean;
}

const sum = <T>(items: readonly T[], pick: (item: T) => number): number =>
  items.reduce((total, item) => total + pick(item), 0);

/**
 * The storms of one side pooled: durations, connections, failures and refused first messages summed (so
 * two sides' sums give the ratio of sums), CPU as CPU seconds over wall seconds, the ⚠ when any generator
 * process was saturated in any storm.
 */
export function stormFigures(storms: readonly FleetStorm[]): StormFigures {
  if (storms.length === 0) throw new RangeError('no storm to report');
  const seconds = sum(storms, (s) => s.windowMs) / 1000;
  const results = storms.map((s) => s.result);
  const latency = LatencyRecorder.merged(storms.map((s) => s.result.latencyHistogram)).summary();
  const processes = storms[0]!.members.map((m) => m.name);
  const generators = processes.map((name, i) => ({
    name,
    cpuCores: sum(storms, (s) => s.members[i]?.usage.cpuSeconds ?? 0) / seconds,
  }));
  return {
    result: {
      connected: sum(storms, (s) => s.result.connected),
      failed: sum(storms, (s) => s.result.failed),
      durationMs: sum(storms, (s) => s.result.durationMs),
      latency,
      counters: addCounters(results),
      failures: addFailures(results),
    },
    serverCpu: sum(storms, (s) => s.server.cpuSeconds) / seconds,
    serverPeakRssBytes: Math.max(...storms.map((s) => s.server.peakRssBytes)),
    generators,
    generatorBound: storms.some((s) => isGeneratorBound(memberLoads(s.members))),
  };
}
