import { type ConnectResult, type RunResult } from './generator-protocol.js';
import { LatencyRecorder } from './latency.js';
import { newCounters, type AgentCounters } from './simulated-agent.js';

/** The agents one generator process of a fleet runs: `count` agents from index `firstIndex`. */
export interface AgentShare {
  readonly firstIndex: number;
  readonly count: number;
}

/**
 * Splits `agents` agents from index `firstIndex` over `processes` processes, in consecutive ranges whose sizes
 * differ by at most one (the first processes take the remainder's extra agents).
 */
export function splitAgents(agents: number, processes: number, firstIndex = 0): AgentShare[] {
  if (!Number.isInteger(processes) || processes < 1)
    throw new RangeError(`a fleet needs at least one generator process, not ${processes}`);
  return Array.from({ length: processes }, (_, i) => {
    const from = Math.floor((agents * i) / processes);
    const to = Math.floor((agents * (i + 1)) / processes);
    return { firstIndex: firstIndex + from, count: to - from };
  });
}

/** The agents' counters of several results added up. */
export const addCounters = (results: readonly { readonly counters: AgentCounters }[]): AgentCounters => {
  const total = newCounters();
  for (const { counters } of results)
    for (const key of Object.keys(total) as (keyof AgentCounters)[]) total[key] += counters[key];
  return total;
};

/** The connection failures of several results, counts by reason added up. */
export const addFailures = (
  results: readonly { readonly failures: Readonly<Record<string, number>> }[],
): Record<string, number> => {
  const total: Record<string, number> = {};
  for (const { failures } of results)
    for (const [why, n] of Object.entries(failures)) total[why] = (total[why] ?? 0) + n;
  return total;
};

/**
 * One storm from the results of the processes that ran its shares at once: counts added, failures merged,
 * the duration from the earliest first connect to the latest last reply (epoch ms, comparable across
 * processes), percentiles of all the agents' latencies together (merged histograms).
 */
export function mergeConnectResults(results: readonly ConnectResult[]): ConnectResult {
  if (results.length === 0) throw new RangeError('no connect result to merge');
  if (results.length === 1) return results[0]!;
  const startedAtEpochMs = Math.min(...results.map((r) => r.startedAtEpochMs));
  const endedAtEpochMs = Math.max(...results.map((r) => r.endedAtEpochMs));
  const latency = LatencyRecorder.merged(results.map((r) => r.latencyHistogram));
  return {
    connected: results.reduce((sum, r) => sum + r.connected, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    durationMs: endedAtEpochMs - startedAtEpochMs,
    latency: latency.summary(),
    counters: addCounters(results),
    failures: addFailures(results),
    startedAtEpochMs,
    endedAtEpochMs,
    latencyHistogram: latency.encode(),
  };
}

/**
 * One timed run from the processes that ran it side by side (their windows start within milliseconds of
 * each other): messages, errors and unanswered added; the duration is the processes' mean window, so
 * messages ÷ duration is the fleet's rate; percentiles of all the latencies together; the largest lag of any
 * process.
 */
export function mergeRunResults(results: readonly RunResult[]): RunResult {
  if (results.length === 0) throw new RangeError('no run result to merge');
  if (results.length === 1) return results[0]!;
  const histograms = results.flatMap((r) => (r.latencyHistogram === undefined ? [] : [r.latencyHistogram]));
  if (histograms.length !== results.length)
    throw new RangeError('every run result needs its latency histogram to be merged');
  const latency = LatencyRecorder.merged(histograms);
  return {
    messages: results.reduce((sum, r) => sum + r.messages, 0),
    durationMs: results.reduce((sum, r) => sum + r.durationMs, 0) / results.length,
    latency: latency.summary(),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    counters: addCounters(results),
    maxSendLagMs: Math.max(...results.map((r) => r.maxSendLagMs)),
    unanswered: results.reduce((sum, r) => sum + r.unanswered, 0),
    latencyHistogram: latency.encode(),
  };
}
