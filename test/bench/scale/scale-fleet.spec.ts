import { describe, expect, it } from '@jest/globals';
import { mergeStatuses } from '../../../bench/scale/scale-fleet.js';
import { type ScaleStatus } from '../../../bench/scale/scale-protocol.js';

const status = (overrides: Partial<ScaleStatus>): ScaleStatus => ({
  agents: 10,
  open: 10,
  served: 10,
  servedSince: 0,
  messages: 0,
  latency: { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 },
  unanswered: 0,
  maxTickLagMs: 0,
  errors: 0,
  errorKinds: {},
  refusals: {},
  reconnects: 0,
  counters: { fullStateRequests: 0, errorReplies: 0, remoteConfigs: 0, wrongUid: 0 },
  ...overrides,
});

describe('mergeStatuses', () => {
  it('adds the counts, weights p50 by count and keeps the worst p99 and max of the generators', () => {
    const merged = mergeStatuses([
      status({
        messages: 300,
        latency: { count: 300, p50: 1, p90: 2, p99: 10, max: 40, mean: 1 },
        errors: 1,
        errorKinds: { ECONNRESET: 1 },
        refusals: { '503': 2 },
        servedSince: 4,
        lastServedAtEpochMs: 1000,
      }),
      status({
        messages: 100,
        latency: { count: 100, p50: 3, p90: 4, p99: 30, max: 20, mean: 3 },
        refusals: { '503': 1, '429': 5 },
        servedSince: 6,
        lastServedAtEpochMs: 2000,
      }),
    ]);

    expect(merged).toMatchObject({
      agents: 20,
      served: 20,
      servedSince: 10,
      lastServedAtEpochMs: 2000,
      messages: 400,
      errors: 1,
      errorKinds: { ECONNRESET: 1 },
      refusals: { '503': 3, '429': 5 },
    });
    expect(merged.latency).toEqual({ count: 400, p50: 1.5, p90: 4, p99: 30, max: 40, mean: 1.5 });
  });

  it('reports no last-served time when no agent came back', () => {
    expect(mergeStatuses([status({}), status({})]).lastServedAtEpochMs).toBeUndefined();
  });
});
