import { describe, expect, it } from '@jest/globals';
import { census, perAgent } from '../../../bench/scale/heap-census.js';

/** A heap snapshot of the given nodes (type, name, self size), in V8's flat format. */
const snapshotOf = (nodes: ReadonlyArray<[string, string, number]>) => {
  const types = ['hidden', 'array', 'string', 'object', 'code', 'closure'];
  const strings: string[] = [];
  const indexOf = (s: string): number => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  return {
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [types] as [string[]],
      },
    },
    nodes: nodes.flatMap(([type, name, size], id) => [types.indexOf(type), indexOf(name), id, size, 0]),
    strings,
  };
};

describe('heap census per agent', () => {
  it('charges each agent its share of what the fleet added, by class, largest first; strings by type alone', () => {
    const empty = census(snapshotOf([['object', 'Module', 500]]));
    const fleet = census(
      snapshotOf([
        ['object', 'Module', 500],
        ['object', 'AgentSession', 160],
        ['object', 'AgentSession', 160],
        ['string', 'host-a', 32],
        ['string', 'host-b', 32],
        ['object', 'WebSocket', 240],
        ['object', 'WebSocket', 240],
      ]),
    );

    const rows = perAgent(empty, fleet, 2);

    expect(fleet.total - empty.total).toBe(864);
    expect(rows.slice(0, 3)).toEqual([
      { key: 'object\tWebSocket', bytes: 240, count: 1 },
      { key: 'object\tAgentSession', bytes: 160, count: 1 },
      { key: 'string', bytes: 32, count: 1 },
    ]);
    expect(rows.find((row) => row.key === 'object\tModule')).toEqual({
      key: 'object\tModule',
      bytes: 0,
      count: 0,
    });
  });
});
