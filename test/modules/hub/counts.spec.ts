import { describe, expect, it } from '@jest/globals';
import { sumRollouts } from '../../../src/modules/hub/fleet-rollout.js';
import { addCounts } from '../../../src/modules/hub/hub-nodes.controller.js';
import { type NodeEndpoint } from '../../../src/modules/hub/node-endpoint.js';

const endpoint = (node: string): NodeEndpoint => ({ node, address: '127.0.0.1', ready: true });

describe('sums over the nodes', () => {
  it("adds up each config's rollout counts and lists failed agents, at most 20", () => {
    const failed = (prefix: string, count: number): string[] =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}`);
    const sums = sumRollouts([
      {
        endpoint: endpoint('a'),
        value: {
          items: [
            { name: 'c1', rollout: { agents: 3, applied: 2, failed: 15, failedAgents: failed('a', 15) } },
          ],
        },
      },
      {
        endpoint: endpoint('b'),
        value: {
          items: [
            { name: 'c1', rollout: { agents: 4, applied: 4, failed: 10, failedAgents: failed('b', 10) } },
            { name: 'c2', rollout: { agents: 1, pending: 1, failedAgents: [] } },
          ],
        },
      },
    ]);
    expect(sums.get('c1')).toEqual({
      agents: 7,
      applied: 6,
      failed: 25,
      failedAgents: [...failed('a', 15), ...failed('b', 5)],
    });
    expect(sums.get('c2')).toEqual({ agents: 1, pending: 1, failedAgents: [] });
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
