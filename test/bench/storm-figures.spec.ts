import { describe, expect, it } from '@jest/globals';
import { type ConnectResult } from '../../bench/lib/generator-protocol.js';
import { LatencyRecorder } from '../../bench/lib/latency.js';
import { type ProcessUsage } from '../../bench/lib/proc-stats.js';
import { stormFigures } from '../../bench/lib/storm-figures.js';
import { type FleetStorm } from '../../bench/lib/ws-load-fleet.js';

const usage = (cpuCores: number, windowS: number, peakRssBytes = 0): ProcessUsage => ({
  cpuCores,
  cpuSeconds: cpuCores * windowS,
  rssBytes: peakRssBytes,
  peakRssBytes,
});

/** A storm of `durationMs` whose two generator processes used `cpu` cores each, latencies `latencies`. */
const storm = (
  durationMs: number,
  cpu: [number, number],
  latencies: number[],
  errorReplies = 0,
): FleetStorm => {
  const latency = new LatencyRecorder();
  for (const ms of latencies) latency.recordMs(ms);
  const result: ConnectResult = {
    connected: latencies.length,
    failed: 0,
    durationMs,
    latency: latency.summary(),
    counters: { fullStateRequests: 0, errorReplies, remoteConfigs: 0, wrongUid: 0 },
    failures: {},
    startedAtEpochMs: 0,
    endedAtEpochMs: durationMs,
    latencyHistogram: latency.encode(),
  };
  const windowS = durationMs / 1000;
  return {
    result,
    server: usage(0.5, windowS, durationMs * 1000),
    members: cpu.map((cores, i) => ({
      name: `generator ${i + 1}`,
      result,
      usage: usage(cores, windowS),
    })),
    windowMs: durationMs,
  };
};

describe('stormFigures', () => {
  it('sums the rounds’ durations and counts and pools each process’s CPU over their time', () => {
    const figures = stormFigures([storm(1000, [0.4, 0.6], [10, 20], 1), storm(3000, [0.8, 0.2], [30, 400])]);

    expect(figures.result).toMatchObject({ connected: 4, failed: 0, durationMs: 4000 });
    expect(figures.result.counters.errorReplies).toBe(1);
    expect(figures.result.latency.count).toBe(4);
    expect(figures.result.latency.max).toBeCloseTo(400, 0);
    expect(figures.serverCpu).toBeCloseTo(0.5, 5);
    expect(figures.serverPeakRssBytes).toBe(3_000_000);
    // generator 1: (0.4 × 1 s + 0.8 × 3 s) ÷ 4 s; generator 2: (0.6 + 0.6) ÷ 4.
    expect(figures.generators.map((g) => g.name)).toEqual(['generator 1', 'generator 2']);
    expect(figures.generators[0]!.cpuCores).toBeCloseTo(0.7, 5);
    expect(figures.generators[1]!.cpuCores).toBeCloseTo(0.3, 5);
    expect(figures.generatorBound).toBe(false);
  });

  it('marks the rounds ⚠ when any process was saturated in any one round, even if not on average', () => {
    const figures = stormFigures([storm(500, [0.3, 0.95], [10]), storm(4000, [0.3, 0.3], [10])]);

    expect(figures.generators[1]!.cpuCores).toBeLessThan(0.9);
    expect(figures.generatorBound).toBe(true);
  });
});
