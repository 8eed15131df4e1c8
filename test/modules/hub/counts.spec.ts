import { describe, expect, it } from '@jest/globals';
import { emptyRollout, sumRollouts } from '../../../src/modules/hub/fleet-rollout.js';
import { addCounts } from '../../../src/modules/hub/hub-nodes.controller.js';
import { type NodeEndpoint } from '../../../src/modules/hub/node-endpoint.js';

const endpoint = (node: string): NodeEndpoint => ({ node, address: '127.0.0.1', ready: true });
const config = (name: string, counts: Partial<ReturnType<typeof emptyRollout>>) => ({
  name,
  hash: null,
  updatedAt: '2026-11-30T00:00:00.000Z',
  files: [],
  assignments: [],
  rollout: { ...emptyRollout(), ...counts },
});

describe('sums over the nodes', () => {
  it("adds up each config's rollout counts and lists failed agents, at most 20", () => {
    const failed = (prefix: string, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    const sums = sumRollouts([
      {
        endpoint: endpoint('a'),
        value: {
          store: 'kubernetes',
          items: [config('c1', { agents: 3, applied: 2, failed: 15, failedAgents: failed('a', 15) })],
        },
      },
      {
        endpoint: endpoint('b'),
        value: {
          store: 'kubernetes',
          items: [
            config('c1', { agents: 4, applied: 4, failed: 10, failedAgents: failed('b', 10) }),
            config('c2', { agents: 1, pending: 1 }),
          ],
        },
      },
    ]);
    expect(sums.get('c1')).toEqual({
      ...emptyRollout(),
      agents: 7,
      applied: 6,
      failed: 25,
      failedAgents: [...failed('a', 15), ...failed('b', 5)],
    });
    expect(sums.get('c2')).toEqual({ ...emptyRollout(), agents: 1, pending: 1 });
  });

  it('adds up the numbers of two summaries field by field, keeping the rest', () => {
    expect(
      addCounts(
        { agents: { total: 2, byHealth: { healthy: 1 } }, since: 'x' },
        { agents: { total: 3, byHealth: { healthy: 2, unhealthy: 1 } }, since: 'y' },
      ),
    ).toEqual({ agents: { total: 5, byHealth: { healthy: 3, unhealthy: 1 } }, since: 'x' });
  });
});
