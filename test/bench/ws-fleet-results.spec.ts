import { describe, expect, it } from '@jest/globals';
import { type ConnectResult, type RunResult } from '../../bench/lib/generator-protocol.js';
import { LatencyRecorder } from '../../bench/lib/latency.js';
import { mergeConnectResults, mergeRunResults, splitAgents } from '../../bench/lib/ws-fleet-results.js';

/** A recorder holding `values` (ms). */
const recorded = (...values: number[]): LatencyRecorder => {
  const recorder = new LatencyRecorder();
  for (const value of values) recorder.recordMs(value);
  return recorder;
};

const connectResult = (overrides: Partial<ConnectResult>, latencies: number[]): ConnectResult => {
  const latency = recorded(...latencies);
  return {
    connected: latencies.length,
    failed: 0,
    durationMs: 0,
    latency: latency.summary(),
    counters: { fullStateRequests: 0, errorReplies: 0, remoteConfigs: 0, wrongUid: 0 },
    failures: {},
    startedAtEpochMs: 0,
    endedAtEpochMs: 0,
    latencyHistogram: latency.encode(),
    ...overrides,
  };
};

const runResult = (overrides: Partial<RunResult>, latencies: number[]): RunResult => {
  const latency = recorded(...latencies);
  return {
    messages: latencies.length,
    durationMs: 20_000,
    latency: latency.summary(),
    errors: 0,
    counters: { fullStateRequests: 0, errorReplies: 0, remoteConfigs: 0, wrongUid: 0 },
    maxSendLagMs: 0,
    unanswered: 0,
    latencyHistogram: latency.encode(),
    ...overrides,
  };
};

describe('splitAgents', () => {
  it('gives each process a consecutive range, sizes differing by at most one', () => {
    expect(splitAgents(1001, 2, 50)).toEqual([
      { firstIndex: 50, count: 500 },
      { firstIndex: 550, count: 501 },
    ]);
    const shares = splitAgents(10_000, 3);
    expect(shares.map((s) => s.count)).toEqual([3333, 3333, 3334]);
    expect(shares.reduce((sum, s) => sum + s.count, 0)).toBe(10_000);
    expect(shares[2]!.firstIndex).toBe(6666);
  });

  it('keeps every agent on the one process of a single-process fleet', () => {
    expect(splitAgents(100, 1, 7)).toEqual([{ firstIndex: 7, count: 100 }]);
  });

  it('refuses a fleet without a process', () => {
    expect(() => splitAgents(100, 0)).toThrow(RangeError);
  });
});

describe('LatencyRecorder.merged', () => {
  it('has the percentiles of all the samples together, not a mix of each histogram’s', () => {
    // 98 fast samples in one process, 2 slow ones in the other: p99 of all 100 is slow, p50 fast.
    const fast = recorded(...Array.from({ length: 98 }, () => 1));
    const slow = recorded(200, 200);
    const merged = LatencyRecorder.merged([fast.encode(), slow.encode()]).summary();

    expect(merged.count).toBe(100);
    expect(merged.p50).toBeCloseTo(1, 2);
    expect(merged.p99).toBeCloseTo(200, 0);
    expect(merged.max).toBeCloseTo(200, 0);
  });
});

describe('mergeConnectResults', () => {
  it('times the storm from the earliest start to the latest end and adds the counts and failures', () => {
    const merged = mergeConnectResults([
      connectResult(
        {
          startedAtEpochMs: 1000,
          endedAtEpochMs: 1400,
          durationMs: 400,
          failed: 1,
          failures: { ECONNRESET: 1 },
          counters: { fullStateRequests: 0, errorReplies: 2, remoteConfigs: 0, wrongUid: 0 },
        },
        [10, 20, 30],
      ),
      connectResult(
        { startedAtEpochMs: 1003, endedAtEpochMs: 1650, durationMs: 647, failures: { ETIMEDOUT: 2 } },
        [40, 600],
      ),
    ]);

    expect(merged).toMatchObject({
      connected: 5,
      failed: 1,
      durationMs: 650,
      startedAtEpochMs: 1000,
      endedAtEpochMs: 1650,
      failures: { ECONNRESET: 1, ETIMEDOUT: 2 },
      counters: { errorReplies: 2 },
    });
    expect(merged.latency.count).toBe(5);
    expect(merged.latency.max).toBeCloseTo(600, 0);
    expect(LatencyRecorder.merged([merged.latencyHistogram]).summary()).toEqual(merged.latency);
  });

  it('returns the one result of a single-process fleet as it is', () => {
    const only = connectResult({ durationMs: 123 }, [5]);
    expect(mergeConnectResults([only])).toBe(only);
  });
});

describe('mergeRunResults', () => {
  it('adds messages, takes the mean window as the duration and the largest lag of any process', () => {
    const merged = mergeRunResults([
      runResult({ durationMs: 20_000, maxSendLagMs: 6, unanswered: 1, errors: 1 }, [1, 2, 3]),
      runResult({ durationMs: 20_004, maxSendLagMs: 31 }, [4, 90]),
    ]);

    expect(merged).toMatchObject({
      messages: 5,
      durationMs: 20_002,
      maxSendLagMs: 31,
      unanswered: 1,
      errors: 1,
    });
    expect(merged.latency.count).toBe(5);
    expect(merged.latency.max).toBeCloseTo(90, 0);
  });

  it('refuses to merge results without their histograms (percentiles cannot be added)', () => {
    const { latencyHistogram: _dropped, ...bare } = runResult({}, [1]);
    expect(() => mergeRunResults([bare, runResult({}, [2])])).toThrow(RangeError);
  });
});
